"""GET /rest/playground (Swagger UI), GET /graphql from a browser (GraphiQL) and their assets.

The routes are public (no API authorizer, template.yaml): a page holds no workspace data, and
the calls it makes carry the key the user types, in the Authorization header only.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..openapi.routes import server_url_of
from .assets import ASSETS, AssetsMissing, AssetStore
from .pages import ASSETS_PATH, GRAPHQL_PAGE, GRAPHIQL_PATH, PAGE_HEADERS, REST_PAGE, REST_PATH, Page, render

__all__ = ["playground_routes"]

logger = logging.getLogger("tenantapi")

# An asset's URL carries its version: that URL's content never changes.
_IMMUTABLE = "public, max-age=31536000, immutable"


def _not_found(message: str) -> Response:
    return JSONResponse({"statusCode": 404, "error": "NotFoundException", "messages": [message]}, status_code=404)


def _graphql_is_post() -> Response:
    # The body graphql/errors.py's method_not_allowed gives, without importing the GraphQL stack.
    message = f"{GRAPHIQL_PATH} accepts POST with a JSON body {{query, variables, operationName}}"
    body = {"errors": [{"message": message, "extensions": {"code": "METHOD_NOT_ALLOWED"}}]}
    return JSONResponse(body, status_code=405, headers={"Allow": "POST"})


def _not_installed(missing: AssetsMissing) -> Response:
    # A deployment without its assets: say what to do, never a 5xx (docs/api.md §4.1).
    logger.warning("%s", missing)
    return _not_found(AssetsMissing.public_message)


class PlaygroundEndpoints:
    def __init__(self, store: AssetStore | None = None) -> None:
        self._store = store or AssetStore()

    def page(self, page: Page, request: Request) -> Response:
        try:
            versions = self._store.versions(page.stylesheets + page.scripts)
        except AssetsMissing as missing:
            return _not_installed(missing)
        base_path = urlsplit(server_url_of(request)).path.rstrip("/")
        return Response(render(page, base_path, versions), media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)

    async def rest(self, request: Request) -> Response:
        return self.page(REST_PAGE, request)

    async def graphql(self, request: Request) -> Response:
        # GraphQL itself is POST /graphql (the core function); a GET that does not ask for a page
        # gets the 405 the core endpoint gives.
        if "text/html" not in request.headers.get("accept", ""):
            return _graphql_is_post()
        return self.page(GRAPHQL_PAGE, request)

    async def asset(self, request: Request) -> Response:
        name = request.path_params["file"]
        if name not in ASSETS:
            return _not_found(f"No playground asset is called {name!r}")
        try:
            asset = self._store.get(name)
        except AssetsMissing as missing:
            return _not_installed(missing)
        current = request.query_params.get("v") == asset.version
        headers = {
            "Cache-Control": _IMMUTABLE if current else "no-cache",
            "X-Content-Type-Options": "nosniff",
            "ETag": f'"{asset.version}"',
        }
        if request.headers.get("if-none-match") == headers["ETag"]:
            return Response(status_code=304, headers=headers)
        return Response(asset.content, headers={**headers, "Content-Type": asset.content_type})


def playground_routes(store: AssetStore | None = None) -> list[Route]:
    endpoints = PlaygroundEndpoints(store)
    return [
        Route(REST_PATH, endpoints.rest, methods=["GET"]),
        Route(f"{ASSETS_PATH}/{{file}}", endpoints.asset, methods=["GET"]),
        Route(GRAPHIQL_PATH, endpoints.graphql, methods=["GET"]),
    ]

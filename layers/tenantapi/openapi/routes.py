"""GET /rest/open-api/core and /rest/open-api/metadata (and the aliases without /rest).

The routes are public (no API authorizer), as Twenty's: without a key they answer the base
document; with a key they check it themselves (`KeyStore.check`, as the authorizer does) and
answer the key's workspace document; a bad or expired key is the contract's 401. When the API's
authorizer did run (its context is in the event), its verdict is used as is.
"""

from __future__ import annotations

from typing import Any, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..api.context import schema_cache
from ..api.http import error_response
from ..auth.authorizer import bearer_secret
from ..auth.keys import KeyStore
from ..errors import Unauthenticated
from ..metadata.model import WorkspaceSchema
from ..storage.metadata_store import MetadataStore
from .core import core_document
from .metadata import metadata_document

__all__ = ["openapi_routes", "server_url_of", "workspace_schema"]

Document = Callable[[WorkspaceSchema | None, str], dict[str, Any]]

# Each key sees its own workspace's document: no shared cache may keep or serve it.
_HEADERS = {"Cache-Control": "no-store", "Vary": "Authorization"}


def workspace_schema(workspace_id: str, store: MetadataStore | None = None) -> WorkspaceSchema:
    """The schema at the workspace's current version, through the process-wide schema cache
    (one consistent read of the head, as every API request does). Unauthenticated when the
    workspace is gone: its keys are then worthless."""
    store = store or MetadataStore()
    head = store.head(workspace_id)
    if head is None:
        raise Unauthenticated()

    def load() -> WorkspaceSchema:
        schema = store.load_schema(workspace_id)
        if schema is None:
            raise Unauthenticated()
        return schema

    return schema_cache.get_or_build((head.id, head.schema_version), load)


def server_url_of(request: Request) -> str:
    """Scheme, host and base path the client called, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com/prod`.

    API Gateway gives the path as sent in `requestContext.path` and the path without the stage or
    base-path mapping in `path`; what precedes the latter is the base path. The local gateway
    reports the stage there as well, like the default endpoint, but serves without it.
    """
    event: dict[str, Any] = request.scope.get("aws.event") or {}
    context: dict[str, Any] = event.get("requestContext") or {}
    host = request.headers.get("host") or context.get("domainName") or request.url.netloc
    forwarded = request.headers.get("x-forwarded-proto", "")
    scheme = forwarded.split(",")[0].strip() or request.url.scheme
    return f"{scheme}://{host}{_base_path(event, context, host)}"


def _base_path(event: dict[str, Any], context: dict[str, Any], host: str) -> str:
    sent, routed = str(context.get("path") or ""), str(event.get("path") or "")
    if not routed or not sent.endswith(routed):
        return ""
    prefix = sent[: len(sent) - len(routed)].rstrip("/")
    domain = str(context.get("domainName") or host)
    # Only the execute-api endpoint has the stage in its URLs.
    if prefix == f"/{context.get('stage')}" and ".execute-api." not in domain:
        return ""
    return prefix


class OpenApiEndpoints:
    def __init__(self, keys: KeyStore | None = None, store: MetadataStore | None = None) -> None:
        self._keys = keys
        self._store = store

    def _workspace_id(self, request: Request) -> str | None:
        """The caller's workspace, None without a key; Unauthenticated for a key that is not valid."""
        event: dict[str, Any] = request.scope.get("aws.event") or {}
        authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
        if authorizer.get("workspaceId"):
            return str(authorizer["workspaceId"])
        header = request.headers.get("authorization")
        if header is None or header.strip().lower() in ("", "bearer"):
            return None  # no token: the public base document
        secret = bearer_secret(header)
        if secret is None:
            raise Unauthenticated()
        check = (self._keys or KeyStore()).check(secret)
        if check.key is None:
            raise Unauthenticated(check.reason or "Token invalid.")
        return check.key.workspace_id

    def endpoint(self, build: Document) -> Callable[[Request], Any]:
        async def serve(request: Request) -> Response:
            try:
                workspace_id = self._workspace_id(request)
                schema = workspace_schema(workspace_id, self._store) if workspace_id is not None else None
            except Unauthenticated as refused:
                return error_response(refused)
            return JSONResponse(build(schema, server_url_of(request)), headers=_HEADERS)

        return serve


def openapi_routes(keys: KeyStore | None = None, store: MetadataStore | None = None) -> list[Route]:
    endpoints = OpenApiEndpoints(keys, store)
    core, metadata = endpoints.endpoint(core_document), endpoints.endpoint(metadata_document)
    return [
        Route("/rest/open-api/core", core, methods=["GET"]),
        Route("/rest/open-api/metadata", metadata, methods=["GET"]),
        Route("/open-api/core", core, methods=["GET"]),
        Route("/open-api/metadata", metadata, methods=["GET"]),
    ]

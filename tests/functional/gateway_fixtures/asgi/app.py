"""An ASGI app behind Mangum, wired the way the real functions are."""

from __future__ import annotations

from mangum import Mangum
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


async def describe(request: Request) -> Response:
    authorizer = request.scope["aws.event"]["requestContext"]["authorizer"]
    return JSONResponse(
        {
            "path": request.url.path,
            "query": dict(request.query_params.multi_items()),
            "workspaceId": authorizer["workspaceId"],
            "body": (await request.body()).decode("latin-1"),
        },
        headers={"X-Served-By": "asgi"},
    )


async def png(request: Request) -> Response:
    return Response(b"\x89PNG\r\n\x1a\n\x00\xff", media_type="image/png")


app = Starlette(routes=[Route("/rest/asgi/png", png), Route("/rest/asgi/{rest:path}", describe, methods=["GET", "POST"])])
handler = Mangum(app, lifespan="off")

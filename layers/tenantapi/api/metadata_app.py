"""The metadata API's ASGI app: /rest/metadata/…, /metadata (GraphQL), /rest/open-api/… and the
playground (/rest/playground, GET /graphql from a browser)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware

from ..limits.middleware import RateLimitMiddleware
from ..openapi.routes import openapi_routes
from ..playground.routes import playground_routes
from .http import exception_handlers, made_on_first_request
from .metadata_access_rest import metadata_access_rest_routes
from .metadata_rest import metadata_rest_routes

__all__ = ["create_metadata_app"]

METADATA_GRAPHQL_PATH = "/metadata"


def _metadata_graphql() -> object:
    # graphene and the metadata schema: imported and built on the first POST /metadata.
    from .metadata_graphql import MetadataGraphQL

    return MetadataGraphQL()


def create_metadata_app() -> Starlette:
    routes = [
        *metadata_rest_routes(),
        *metadata_access_rest_routes(),
        made_on_first_request(METADATA_GRAPHQL_PATH, _metadata_graphql),
        *openapi_routes(),
        *playground_routes(),
    ]
    return Starlette(
        routes=routes,
        exception_handlers=exception_handlers,
        # Requests without an authorizer context (the OpenAPI documents, the playground) are not counted.
        middleware=[Middleware(RateLimitMiddleware)],
    )

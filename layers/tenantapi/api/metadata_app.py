"""The metadata API's ASGI app: /rest/metadata/…, /metadata (GraphQL) and /rest/open-api/…."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware

from ..limits.middleware import RateLimitMiddleware
from ..openapi.routes import openapi_routes
from .http import exception_handlers
from .metadata_access_rest import metadata_access_rest_routes
from .metadata_graphql import metadata_graphql_routes
from .metadata_rest import metadata_rest_routes

__all__ = ["create_metadata_app"]


def create_metadata_app() -> Starlette:
    routes = metadata_rest_routes() + metadata_access_rest_routes() + metadata_graphql_routes() + openapi_routes()
    return Starlette(
        routes=routes,
        exception_handlers=exception_handlers,
        # Requests without an authorizer context (the OpenAPI documents) are not counted.
        middleware=[Middleware(RateLimitMiddleware)],
    )

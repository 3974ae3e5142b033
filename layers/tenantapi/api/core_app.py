"""The core API's ASGI app: /rest/{namePlural}… and /graphql."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware

from ..limits.middleware import RateLimitMiddleware
from .core_graphql import core_graphql_routes
from .core_rest import core_rest_routes
from .http import exception_handlers

__all__ = ["create_core_app"]


def create_core_app() -> Starlette:
    return Starlette(
        routes=[*core_rest_routes(), *core_graphql_routes()],
        exception_handlers=exception_handlers,
        middleware=[Middleware(RateLimitMiddleware)],
    )

"""ASGI middleware: one token per API-key request, before the app runs (docs/api.md §8.2).

Twenty throttles only API-key traffic, per workspace; here that is every request that carries the
authorizer's context with a `workspaceId` (API Gateway passes it in `requestContext.authorizer`,
Mangum exposes the event as `scope["aws.event"]`, as api/context.py reads it). A batch is one
HTTP request, so it costs one token. Over the limit the app does not run: REST gets the contract's
429 body, /graphql and /metadata a GraphQL-shaped one, both with Retry-After and X-RateLimit-*.

Granted responses are left as the app made them, as Twenty does (it sets the headers on 429
only); `headers_on_success=True` adds X-RateLimit-Limit/Remaining/Reset to them as well.

Pure ASGI rather than BaseHTTPMiddleware: no extra task per request and the body is streamed
through untouched.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..observability import count
from .limiter import RateLimiter
from .responses import graphql_rate_limited_body, rate_limit_headers, rate_limited_body, usage_headers

__all__ = ["RateLimitMiddleware", "GRAPHQL_PATHS"]

# The GraphQL endpoints of both functions (core /graphql, metadata /metadata).
GRAPHQL_PATHS = frozenset({"/graphql", "/metadata"})


def _workspace_id(scope: Scope) -> str | None:
    event: dict[str, Any] = scope.get("aws.event") or {}
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    workspace_id = authorizer.get("workspaceId")
    return str(workspace_id) if workspace_id else None


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, limiter: RateLimiter | None = None, *, headers_on_success: bool = False) -> None:
        self.app = app
        # Built on first use: the DynamoDB client is made per execution environment, not at import.
        self._limiter = limiter
        self.headers_on_success = headers_on_success

    @property
    def limiter(self) -> RateLimiter:
        if self._limiter is None:
            self._limiter = RateLimiter()
        return self._limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        workspace_id = _workspace_id(scope) if scope["type"] == "http" else None
        if workspace_id is None:
            # Without the authorizer's context the app answers 403 itself (api/context.py).
            await self.app(scope, receive, send)
            return
        # A blocking call on purpose: a Lambda execution environment serves one request at a time.
        verdict = self.limiter.check(workspace_id)
        now = self.limiter.clock()
        if verdict is not None and not verdict.granted:
            graphql = scope.get("path", "").rstrip("/") in GRAPHQL_PATHS
            body = graphql_rate_limited_body(verdict) if graphql else rate_limited_body(verdict)
            count("RateLimited")
            response = JSONResponse(body, status_code=429, headers=rate_limit_headers(verdict, now))
            await response(scope, receive, send)
            return
        if verdict is None or not self.headers_on_success:
            await self.app(scope, receive, send)
            return
        extra = usage_headers(verdict, now)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)

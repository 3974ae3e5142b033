"""What every HTTP endpoint shares: JSON bodies, query parameters, and the contract's errors."""

from __future__ import annotations

import json
import logging
import math
import re
from typing import Any, Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import ApiError, BadRequest

__all__ = ["json_body", "error_response", "exception_handlers", "json_response", "not_modified", "made_on_first_request"]

logger = logging.getLogger("tenantapi")

# Bodies above this are refused before parsing (API Gateway's own payload limit is 10 MB).
MAX_BODY_BYTES = 6 * 1024 * 1024

# Arrays and objects nested deeper than this are refused. The engine walks bodies recursively
# (value checks, GraphQL variable coercion, DynamoDB serialization, the response), so a body only
# as deep as Python's recursion limit would fail somewhere later as a 500. A body needs far less:
# a GraphQL filter at the filter's own depth limit (query/filters.py, 20 and/or levels, two JSON
# levels each) and its envelope stay under 50.
MAX_JSON_DEPTH = 64

_TOO_DEEP = f"The body nests arrays and objects deeper than {MAX_JSON_DEPTH} levels; at most {MAX_JSON_DEPTH} are accepted"


# How a lone surrogate gets into a parsed body: a `\uD800`-`\uDFFF` escape, or its UTF-8 form
# (ED A0-BF ..), which json.loads decodes with "surrogatepass".
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")


async def json_body(request: Request) -> Any:
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise BadRequest(f"The body is {len(raw)} bytes; at most {MAX_BODY_BYTES} are accepted")
    if not raw.strip():
        raise BadRequest("The body is empty; a JSON body is expected")
    try:
        body = json.loads(raw, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:
        # json's decoder recurses per level and stops at the interpreter's recursion limit.
        raise BadRequest(_TOO_DEEP) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest(f"The body is not valid JSON: {error}") from None
    if _deeper_than(body, MAX_JSON_DEPTH):
        raise BadRequest(_TOO_DEEP)
    if _SURROGATE.search(raw) and _has_lone_surrogate(body):
        # JSON allows `"\ud800"` alone, but it is no Unicode text: it could be neither stored
        # nor sent back as UTF-8.
        raise BadRequest("The body is not valid JSON: a string holds an unpaired surrogate (\\uD800-\\uDFFF)")
    return body


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest more than `limit` levels (`[]` is one). Iterative: the
    point is to refuse what a recursive walk could not finish."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def _refuse_constant(name: str) -> Any:
    # Python reads NaN, Infinity and -Infinity, and 1e999 as infinity; JSON has no such numbers
    # (RFC 8259), and a response holding one could not be rendered.
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is too large for a 64-bit float")
    return number


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def json_response(content: Any, status_code: int = 200, *, etag: str | None = None) -> Response:
    return JSONResponse(content, status_code=status_code, headers={"ETag": etag} if etag is not None else None)


def not_modified(etag: str) -> Response:
    """304 to a GET whose If-None-Match names the current ETag: no body, the ETag again (RFC 9110 §15.4.5)."""
    return Response(status_code=304, headers={"ETag": etag})


def error_response(error: ApiError) -> Response:
    return JSONResponse(error.body(), status_code=error.status_code)


async def _api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return error_response(error)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 404:
        body = ApiError(f"Cannot {request.method} {request.url.path}").body() | {"statusCode": 404, "error": "NotFoundException"}
    elif error.status_code == 405:
        body = {"statusCode": 405, "error": "MethodNotAllowedException", "messages": [f"Method {request.method} is not allowed on {request.url.path}"]}
    else:
        body = {"statusCode": error.status_code, "error": "HttpException", "messages": [str(error.detail)]}
    return JSONResponse(body, status_code=error.status_code)


async def _unexpected(request: Request, error: Exception) -> Response:
    # A 5xx is a bug (docs/api.md §4.1): log it with its traceback, answer without internals.
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse(
        {"statusCode": 500, "error": "InternalServerErrorException", "messages": ["Internal server error"]},
        status_code=500,
    )


exception_handlers = {ApiError: _api_error, HTTPException: _http_error, Exception: _unexpected}


def made_on_first_request(path: str, make: Callable[[], Any], methods: tuple[str, ...] = ("GET", "POST")) -> Route:
    """A route whose endpoint (an object with `async handle(request)`) is made by its first
    request: the GraphQL stacks are imported by the first request that needs them, not by every
    cold start of a function that may only serve REST (docs/PERFORMANCE.md, Cold start)."""
    endpoint: Any = None

    async def handle(request: Request) -> Response:
        nonlocal endpoint
        if endpoint is None:
            endpoint = make()
        return await endpoint.handle(request)

    return Route(path, handle, methods=list(methods))

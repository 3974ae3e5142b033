"""What every HTTP endpoint shares: JSON bodies, query parameters, and the contract's errors."""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..errors import ApiError, BadRequest

__all__ = ["json_body", "error_response", "exception_handlers", "json_response"]

logger = logging.getLogger("tenantapi")

# Bodies above this are refused before parsing (API Gateway's own payload limit is 10 MB).
MAX_BODY_BYTES = 6 * 1024 * 1024


async def json_body(request: Request) -> Any:
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise BadRequest(f"The body is {len(raw)} bytes; at most {MAX_BODY_BYTES} are accepted")
    if not raw.strip():
        raise BadRequest("The body is empty; a JSON body is expected")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest(f"The body is not valid JSON: {error}") from None


def json_response(content: Any, status_code: int = 200) -> Response:
    return JSONResponse(content, status_code=status_code)


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
    # A 5xx is a bug (CONTRACT.md 3.5): log it with its traceback, answer without internals.
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse(
        {"statusCode": 500, "error": "InternalServerErrorException", "messages": ["Internal server error"]},
        status_code=500,
    )


exception_handlers = {ApiError: _api_error, HTTPException: _http_error, Exception: _unexpected}

"""Errors of the core GraphQL endpoint, shaped as Twenty (Apollo Server) shapes them:
`{"errors": [{"message", "extensions": {"code"}}], "data": ...}`.

The HTTP side is shared with the metadata endpoint (api/graphql_http.py), so both
GraphQL endpoints answer alike: a document that does not parse is 400 GRAPHQL_PARSE_FAILED, one
that does not validate 400 GRAPHQL_VALIDATION_FAILED (or the code a limit gives its error, such as
BAD_USER_INPUT for a batch above 60), a request refused before execution has the status and code
of its ApiError, and during execution each failed field carries its error's code (`ApiError.
graphql_code`), anything unexpected INTERNAL_SERVER_ERROR with a generic message while the
traceback goes to the log.
"""

from __future__ import annotations

import logging
from typing import Sequence

from graphql import GraphQLError
from starlette.responses import Response

from ..api.graphql_http import (
    RequestFailure,
    errors_response as _errors_response,
    formatted_error as _formatted,
    graphql_operation as _operation,
    plain_error as _plain_error,
    result_response,
)
from ..errors import ApiError

__all__ = [
    "RequestFailure",
    "parse_failure",
    "validation_failure",
    "refusal",
    "failure_response",
    "internal_error",
    "method_not_allowed",
    "result_response",
    "graphql_request",
]

logger = logging.getLogger("tenantapi")

INTERNAL = "Internal server error"

# The body of a GraphQL request: (query, variables, operationName), or BadRequest.
graphql_request = _operation


def parse_failure(error: GraphQLError) -> RequestFailure:
    return RequestFailure(400, [_formatted(error, "GRAPHQL_PARSE_FAILED")])


def validation_failure(errors: Sequence[GraphQLError]) -> RequestFailure:
    return RequestFailure(
        400, [_formatted(error, (error.extensions or {}).get("code") or "GRAPHQL_VALIDATION_FAILED") for error in errors]
    )


def refusal(error: ApiError) -> Response:
    """A request refused before execution (no authorizer context, a bad body, a batch above 60)."""
    return _errors_response(error.status_code, [_plain_error(error.message, error.graphql_code)])


def failure_response(failure: RequestFailure) -> Response:
    return _errors_response(failure.status_code, failure.errors)


def internal_error(where: str) -> Response:
    logger.exception("unhandled error on %s", where)
    return _errors_response(500, [_plain_error(INTERNAL, "INTERNAL_SERVER_ERROR")])


def method_not_allowed(path: str) -> Response:
    message = f"{path} accepts POST with a JSON body {{query, variables, operationName}}"
    return _errors_response(405, [_plain_error(message, "METHOD_NOT_ALLOWED")], {"Allow": "POST"})

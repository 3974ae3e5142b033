"""GraphQL over HTTP, shared by `/graphql` and `/metadata`: request bodies, error shapes, statuses.

Statuses and error codes follow Twenty (Apollo Server): a document that does not parse is 400
GRAPHQL_PARSE_FAILED, one that does not validate 400 GRAPHQL_VALIDATION_FAILED, bad variables or a
body that is not a GraphQL request 400 BAD_USER_INPUT; once execution starts the answer is 200,
each failed field carrying the code of its error (`ApiError.graphql_code`) and anything
unexpected INTERNAL_SERVER_ERROR with a generic message (the traceback goes to the log).
Imports nothing of graphene: the core function's cold start stays free of it.
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import ExecutionResult, GraphQLError
from starlette.responses import JSONResponse, Response

from ..errors import ApiError, BadRequest

__all__ = [
    "RequestFailure", "formatted_error", "plain_error", "errors_response", "graphql_operation", "result_response",
]

logger = logging.getLogger("tenantapi")

_NOT_AN_OBJECT = "The body must be a JSON object {query, variables, operationName}"
_NO_QUERY = "GraphQL operations must contain a non-empty `query` string"
_BAD_VARIABLES = "`variables` must be a JSON object"
_BAD_OPERATION_NAME = "`operationName` must be a string"
_INTERNAL = "Internal server error"


class RequestFailure(Exception):
    """A request refused before execution: the HTTP status and the GraphQL errors to answer."""

    def __init__(self, status_code: int, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors[0]["message"] if errors else "")
        self.status_code = status_code
        self.errors = errors


def formatted_error(error: GraphQLError, code: str, message: str | None = None) -> dict[str, Any]:
    body = dict(error.formatted)
    if message is not None:
        body["message"] = message
    body["extensions"] = {**(body.get("extensions") or {}), "code": code}
    return body


def plain_error(message: str, code: str) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code}}


def errors_response(status_code: int, errors: list[dict[str, Any]], headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"errors": errors}, status_code=status_code, headers=headers)


def graphql_operation(body: Any) -> tuple[str, dict[str, Any] | None, str | None]:
    if not isinstance(body, dict):
        raise BadRequest(_NOT_AN_OBJECT)
    query, variables, operation_name = body.get("query"), body.get("variables"), body.get("operationName")
    if not isinstance(query, str) or not query.strip():
        raise BadRequest(_NO_QUERY)
    if variables is not None and not isinstance(variables, dict):
        raise BadRequest(_BAD_VARIABLES)
    if operation_name is not None and not isinstance(operation_name, str):
        raise BadRequest(_BAD_OPERATION_NAME)
    return query, variables, operation_name


def _field_error(error: GraphQLError, path: str) -> dict[str, Any]:
    original = error.original_error
    if isinstance(original, ApiError):
        return formatted_error(error, original.graphql_code, original.message)
    if original is not None:
        trace = (type(original), original, original.__traceback__)
        logger.error("unhandled error in %s at %s", path, error.path, exc_info=trace)
    else:
        logger.error("unhandled error in %s at %s: %s", path, error.path, error.message)
    return formatted_error(error, "INTERNAL_SERVER_ERROR", _INTERNAL)


def result_response(result: ExecutionResult, path: str) -> Response:
    """An execution's answer. Errors without a path come before any resolver ran (variables
    that do not coerce, an unknown operationName): the request is refused with 400."""
    errors = result.errors or []
    if result.data is None and errors and all(error.path is None for error in errors):
        return errors_response(400, [formatted_error(error, "BAD_USER_INPUT") for error in errors])
    body: dict[str, Any] = {"data": result.data}
    if errors:
        body["errors"] = [_field_error(error, path) for error in errors]
    return JSONResponse(body)

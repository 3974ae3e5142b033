"""`POST /metadata`: GraphQL over HTTP for the metadata schema.

A request is `{"query", "variables", "operationName"}` as JSON. Statuses and error codes follow
Twenty (Apollo Server): a document that does not parse is 400 GRAPHQL_PARSE_FAILED, one that does
not validate 400 GRAPHQL_VALIDATION_FAILED, bad variables or a body that is not a GraphQL request
400 BAD_USER_INPUT; once execution starts the answer is 200, each failed field carrying the code
of its error (`ApiError.graphql_code`: BAD_USER_INPUT, NOT_FOUND, FORBIDDEN, CONFLICT, ...) and
anything unexpected INTERNAL_SERVER_ERROR with a generic message (the traceback goes to the log).
A request without the authorizer's context, or for a workspace that no longer exists, is refused
before execution with the status of its error (401/403).

Execution is synchronous inside the request: a Lambda environment serves one request at a time.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from graphql import DocumentNode, ExecutionResult, GraphQLError, execute, parse, specified_rules, validate
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ...errors import ApiError, BadRequest
from ...metadata.cache import LRUCache
from ...metadata.model import WorkspaceSchema
from ...metadata.service import MetadataService
from ..context import Caller, caller_of, remember_schema, workspace_of
from ..http import json_body
from .limits import OperationLimitsRule
from .schema import MetadataContext, metadata_schema

__all__ = ["MetadataGraphQL", "metadata_graphql_routes", "PATH"]

logger = logging.getLogger("tenantapi")

PATH = "/metadata"

# The schema never changes, so a document validated once stays valid: cache by its text.
_documents: LRUCache[str, DocumentNode] = LRUCache(128)
_RULES = (*specified_rules, OperationLimitsRule)

_NOT_AN_OBJECT = "The body must be a JSON object {query, variables, operationName}"
_NO_QUERY = "GraphQL operations must contain a non-empty `query` string"
_BAD_VARIABLES = "`variables` must be a JSON object"
_BAD_OPERATION_NAME = "`operationName` must be a string"
_ONLY_POST = f"{PATH} accepts POST with a JSON body {{query, variables, operationName}}"
_INTERNAL = "Internal server error"


class RequestFailure(Exception):
    """A request refused before execution: the HTTP status and the GraphQL errors to answer."""

    def __init__(self, status_code: int, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors[0]["message"] if errors else "")
        self.status_code = status_code
        self.errors = errors


def _formatted(error: GraphQLError, code: str, message: str | None = None) -> dict[str, Any]:
    body = dict(error.formatted)
    if message is not None:
        body["message"] = message
    body["extensions"] = {**(body.get("extensions") or {}), "code": code}
    return body


def _plain_error(message: str, code: str) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code}}


def _errors_response(status_code: int, errors: list[dict[str, Any]], headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"errors": errors}, status_code=status_code, headers=headers)


def _operation(body: Any) -> tuple[str, dict[str, Any] | None, str | None]:
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


def _parse_and_validate(query: str) -> DocumentNode:
    try:
        document = parse(query)
    except GraphQLError as error:
        raise RequestFailure(400, [_formatted(error, "GRAPHQL_PARSE_FAILED")]) from None
    errors = validate(metadata_schema(), document, _RULES)
    if errors:
        raise RequestFailure(400, [_formatted(error, "GRAPHQL_VALIDATION_FAILED") for error in errors])
    return document


def document_for(query: str) -> DocumentNode:
    """The parsed and validated document of `query` (cached), or RequestFailure."""
    return _documents.get_or_build(query, lambda: _parse_and_validate(query))


def _field_error(error: GraphQLError, path: str) -> dict[str, Any]:
    original = error.original_error
    if isinstance(original, ApiError):
        return _formatted(error, original.graphql_code, original.message)
    if original is not None:
        trace = (type(original), original, original.__traceback__)
        logger.error("unhandled error in %s at %s", path, error.path, exc_info=trace)
    else:
        logger.error("unhandled error in %s at %s: %s", path, error.path, error.message)
    return _formatted(error, "INTERNAL_SERVER_ERROR", _INTERNAL)


def result_response(result: ExecutionResult, path: str = PATH) -> Response:
    """An execution's answer. Errors without a path come before any resolver ran (variables
    that do not coerce, an unknown operationName): the request is refused with 400."""
    errors = result.errors or []
    if result.data is None and errors and all(error.path is None for error in errors):
        return _errors_response(400, [_formatted(error, "BAD_USER_INPUT") for error in errors])
    body: dict[str, Any] = {"data": result.data}
    if errors:
        body["errors"] = [_field_error(error, path) for error in errors]
    return JSONResponse(body)


class MetadataGraphQL:
    """The `/metadata` endpoint. `load_schema` reads the caller's workspace schema (the head,
    then the cache or the store); tests may pass their own."""

    def __init__(
        self,
        service: MetadataService | None = None,
        load_schema: Callable[[Caller], WorkspaceSchema] | None = None,
    ) -> None:
        self.service = service or MetadataService()
        # A schema a mutation produced is cached as the REST twin caches it.
        self.remember: Callable[[WorkspaceSchema], None] = remember_schema
        self.load_schema = load_schema or (lambda caller: workspace_of(caller).schema)

    async def handle(self, request: Request) -> Response:
        if request.method != "POST":
            return _errors_response(405, [_plain_error(_ONLY_POST, "METHOD_NOT_ALLOWED")], {"Allow": "POST"})
        try:
            caller = caller_of(request)
            query, variables, operation_name = _operation(await json_body(request))
            document = document_for(query)
            schema = self.load_schema(caller)
        except RequestFailure as failure:
            return _errors_response(failure.status_code, failure.errors)
        except ApiError as error:
            return _errors_response(error.status_code, [_plain_error(error.message, error.graphql_code)])
        except Exception:
            logger.exception("unhandled error before executing %s", request.url.path)
            return _errors_response(500, [_plain_error(_INTERNAL, "INTERNAL_SERVER_ERROR")])
        context = MetadataContext(caller=caller, schema=schema, service=self.service, remember=self.remember)
        result = execute(
            metadata_schema(), document, context_value=context, variable_values=variables, operation_name=operation_name
        )
        assert isinstance(result, ExecutionResult)  # no resolver here is async
        return result_response(result, request.url.path)


def metadata_graphql_routes(service: MetadataService | None = None) -> list[Route]:
    endpoint = MetadataGraphQL(service)
    return [Route(PATH, endpoint.handle, methods=["GET", "POST"])]

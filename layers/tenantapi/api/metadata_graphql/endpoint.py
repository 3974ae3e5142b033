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

from ...errors import ApiError, BadRequest
from ...metadata.cache import LRUCache
from ...metadata.model import WorkspaceSchema
from ...metadata.service import MetadataService
from ..context import Caller, caller_of, remember_schema, workspace_of
from ..graphql_http import (
    RequestFailure,
    errors_response,
    formatted_error,
    graphql_operation,
    plain_error,
    result_response,
)
from ..graphql_limits import OperationLimitsRule
from ..http import json_body
from .context import MetadataContext
from .schema import metadata_schema

__all__ = ["MetadataGraphQL", "PATH"]

logger = logging.getLogger("tenantapi")

PATH = "/metadata"

# The schema never changes, so a document validated once stays valid: cache by its text.
_documents: LRUCache[str, DocumentNode] = LRUCache(128)
_RULES = (*specified_rules, OperationLimitsRule)

_ONLY_POST = f"{PATH} accepts POST with a JSON body {{query, variables, operationName}}"


def _parse_and_validate(query: str) -> DocumentNode:
    try:
        # graphql-core (>=3.2.14, pinned) refuses a document nested past 200 levels as a syntax error.
        document = parse(query)
    except GraphQLError as error:
        raise RequestFailure(400, [formatted_error(error, "GRAPHQL_PARSE_FAILED")]) from None
    errors = validate(metadata_schema(), document, _RULES)
    if errors:
        raise RequestFailure(400, [formatted_error(error, "GRAPHQL_VALIDATION_FAILED") for error in errors])
    return document


def document_for(query: str) -> DocumentNode:
    """The parsed and validated document of `query` (cached), or RequestFailure."""
    return _documents.get_or_build(query, lambda: _parse_and_validate(query))


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
            return errors_response(405, [plain_error(_ONLY_POST, "METHOD_NOT_ALLOWED")], {"Allow": "POST"})
        try:
            caller = caller_of(request)
            query, variables, operation_name = graphql_operation(await json_body(request))
            document = document_for(query)
            schema = self.load_schema(caller)
        except RequestFailure as failure:
            return errors_response(failure.status_code, failure.errors)
        except ApiError as error:
            return errors_response(error.status_code, [plain_error(error.message, error.graphql_code)])
        except Exception:
            logger.exception("unhandled error before executing %s", request.url.path)
            return errors_response(500, [plain_error(_INTERNAL, "INTERNAL_SERVER_ERROR")])
        context = MetadataContext(caller=caller, schema=schema, service=self.service, remember=self.remember)
        result = execute(
            metadata_schema(), document, context_value=context, variable_values=variables, operation_name=operation_name
        )
        assert isinstance(result, ExecutionResult)  # no resolver here is async
        return result_response(result, request.url.path)

"""`POST /graphql`: the workspace's core GraphQL schema over HTTP (docs/api.md §6).

A request: the caller from the authorizer's context, the body `{query, variables,
operationName}`, the workspace head (one consistent read) and the schema of its version (cached),
the document (cached, validated with the limits), the batch check on the variables, then a
synchronous execution: a Lambda environment serves one request at a time, and relation loading
batches without an event loop (loaders.py). `GET /graphql` is the playground's page (playground/), not this endpoint: here it answers 405.
"""

from __future__ import annotations

from typing import Any

from graphql import ExecutionResult, execute
from starlette.requests import Request
from starlette.responses import Response

from ..api.context import caller_of, workspace_of
from ..api.http import json_body
from ..errors import ApiError
from ..records.service import RecordService
from .cache import core_schema_for, document_for
from .context import CoreContext
from .errors import RequestFailure, failure_response, graphql_request, internal_error, method_not_allowed, refusal, result_response
from .fast_execution import FastExecutionContext
from .limits import check_batch_sizes

__all__ = ["CoreGraphQL", "PATH"]

PATH = "/graphql"


def _never_awaitable(_value: Any) -> bool:
    # Every resolver is synchronous: skip graphql-core's awaitable check on each field value.
    return False


class CoreGraphQL:
    def __init__(self, records: RecordService | None = None) -> None:
        self.records = records or RecordService()

    async def handle(self, request: Request) -> Response:
        if request.method != "POST":
            return method_not_allowed(PATH)
        try:
            caller = caller_of(request)
            query, variables, operation_name = graphql_request(await json_body(request))
            ws = workspace_of(caller)
            schema = core_schema_for(ws.schema)
            document = document_for(ws.schema, schema, query)
            check_batch_sizes(schema, document, operation_name, variables)
        except RequestFailure as failure:
            return failure_response(failure)
        except ApiError as error:
            return refusal(error)
        except Exception:
            return internal_error(f"{request.method} {PATH} before execution")
        context = CoreContext(caller=caller, ws=ws, records=self.records)
        try:
            result = execute(
                schema, document, context_value=context, variable_values=variables, operation_name=operation_name,
                is_awaitable=_never_awaitable, execution_context_class=FastExecutionContext,
            )
        except Exception:
            return internal_error(f"{request.method} {PATH}")
        assert isinstance(result, ExecutionResult)
        return result_response(result, PATH)

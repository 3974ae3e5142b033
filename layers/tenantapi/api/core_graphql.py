"""The core API's GraphQL route: `/graphql` (POST; GET answers 405 until a playground is served).

The GraphQL machinery (graphql-core, the schema generator) is imported on the first `/graphql`
request, not when the app is built: a function that only serves REST starts about 150 ms faster
(docs/PERFORMANCE.md, "Cold start").
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..records.service import RecordService

__all__ = ["core_graphql_routes", "PATH"]

PATH = "/graphql"


def core_graphql_routes(records: RecordService | None = None) -> list[Route]:
    endpoint: Any = None

    async def graphql(request: Request) -> Response:
        nonlocal endpoint
        if endpoint is None:
            from ..graphql.endpoint import CoreGraphQL

            endpoint = CoreGraphQL(records)
        return await endpoint.handle(request)

    return [Route(PATH, graphql, methods=["GET", "POST"])]

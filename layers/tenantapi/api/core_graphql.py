"""The core API's GraphQL route: `POST /graphql` (`GET /graphql` is the GraphiQL page, routed to the
metadata function by template.yaml; a GET that reaches this function answers 405).

The GraphQL machinery (graphql-core, the schema generator) is imported on the first `/graphql`
request, not when the app is built: a function that only serves REST starts about 150 ms faster
(docs/PERFORMANCE.md, "Cold start").
"""

from __future__ import annotations

from starlette.routing import Route

from ..records.service import RecordService
from .http import made_on_first_request

__all__ = ["core_graphql_routes", "PATH"]

PATH = "/graphql"


def core_graphql_routes(records: RecordService | None = None) -> list[Route]:
    def make() -> object:
        from ..graphql.endpoint import CoreGraphQL

        return CoreGraphQL(records)

    return [made_on_first_request(PATH, make)]

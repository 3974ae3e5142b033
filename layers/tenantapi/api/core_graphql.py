"""The core API's GraphQL route: `/graphql` (POST; GET answers 405 until a playground is served)."""

from __future__ import annotations

from starlette.routing import Route

from ..graphql.endpoint import PATH, CoreGraphQL
from ..records.service import RecordService

__all__ = ["core_graphql_routes"]


def core_graphql_routes(records: RecordService | None = None) -> list[Route]:
    endpoint = CoreGraphQL(records)
    return [Route(PATH, endpoint.handle, methods=["GET", "POST"])]

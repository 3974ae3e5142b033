"""Metadata REST: /rest/metadata/objects and /rest/metadata/fields (docs/api.md §7.1).

Envelopes are Twenty's: list `{"data":{"objects":[…]},"pageInfo":{…},"totalCount":n}`, one
`{"data":{"object":{…}}}`, writes `{"data":{"createOneObject":{…}}}` and so on; list cursors are
item ids.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import BadRequest, Forbidden, NotFound
from ..metadata.model import WorkspaceSchema, capitalize
from ..metadata.presenters import present_field, present_object
from ..metadata.service import MetadataService
from .context import Caller, caller_of, remember_schema, workspace_of
from ..query.parse_params import parse_limit
from .http import json_body, json_response

__all__ = ["metadata_rest_routes", "paginate_by_id", "require_data_model"]

# Twenty's metadata lists default to and cap at 1000 items.
METADATA_LIMIT = 1000


def require_data_model(caller: Caller) -> None:
    if not caller.role.data_model:
        raise Forbidden(f"Role {caller.role.name} lacks the DATA_MODEL permission needed to change the data model")


def _uuid(value: str, what: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise BadRequest(f"Invalid {what} '{value}': a UUID is expected") from None


def paginate_by_id(items: list[dict[str, Any]], params: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Slice a list by `limit`, `starting_after`, `ending_before` (cursors are item ids)."""
    limit = parse_limit(params.get("limit"), default=METADATA_LIMIT, maximum=METADATA_LIMIT)
    after, before = params.get("starting_after"), params.get("ending_before")
    if after is not None and before is not None:
        raise BadRequest("'starting_after' and 'ending_before' cannot be used together.")
    ids = [item["id"] for item in items]
    start, stop = 0, len(items)
    for cursor, is_after in ((after, True), (before, False)):
        if cursor is None:
            continue
        try:
            position = ids.index(str(uuid.UUID(cursor)))
        except ValueError:
            raise BadRequest(f"Invalid cursor: {cursor}") from None
        if is_after:
            start = position + 1
        else:
            stop = position
    if before is not None:
        page = items[max(start, stop - limit) : stop]
        has_previous, has_next = stop - limit > start, stop < len(items)
    else:
        page = items[start : start + limit]
        has_previous, has_next = start > 0, start + limit < stop
    page_info = {
        "hasNextPage": has_next,
        "hasPreviousPage": has_previous,
        "startCursor": page[0]["id"] if page else None,
        "endCursor": page[-1]["id"] if page else None,
    }
    return page, page_info


@dataclass(frozen=True)
class _Resource:
    """One metadata collection (objects or fields): names, lookups and the service's operations."""

    path: str  # "objects"
    singular: str  # "object": the envelope key of one item, and of createOne<Singular> ...
    items: Callable[[WorkspaceSchema], Iterable[Any]]
    find: Callable[[WorkspaceSchema, str], Any]
    present: Callable[[WorkspaceSchema, Any], dict[str, Any]]
    create: Callable[..., tuple[Any, WorkspaceSchema]]
    update: Callable[..., tuple[Any, WorkspaceSchema]]
    delete: Callable[..., tuple[Any, WorkspaceSchema]]

    @property
    def capitalized(self) -> str:
        return capitalize(self.singular)


class MetadataRest:
    def __init__(self, service: MetadataService | None = None) -> None:
        self.service = service or MetadataService()

    def _schema(self, request: Request) -> tuple[Caller, WorkspaceSchema]:
        caller = caller_of(request)
        return caller, workspace_of(caller).schema

    def resources(self) -> list[_Resource]:
        service = self.service
        return [
            _Resource("objects", "object", lambda s: s.objects, lambda s, i: s.object(i), present_object,
                      service.create_object, service.update_object, service.delete_object),
            _Resource("fields", "field", lambda s: s.fields, lambda s, i: s.field(i), present_field,
                      service.create_field, service.update_field, service.delete_field),
        ]

    def collection(self, resource: _Resource) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            caller, schema = self._schema(request)
            if request.method == "GET":
                items = [resource.present(schema, item) for item in resource.items(schema)]
                page, page_info = paginate_by_id(items, request.query_params)
                return json_response({"data": {resource.path: page}, "pageInfo": page_info, "totalCount": len(items)})
            require_data_model(caller)
            created, updated = resource.create(schema.workspace_id, await json_body(request), schema)
            remember_schema(updated)
            return json_response({"data": {f"createOne{resource.capitalized}": resource.present(updated, created)}}, 201)

        return endpoint

    def member(self, resource: _Resource) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            caller, schema = self._schema(request)
            item_id = _uuid(request.path_params["id"], f"{resource.singular} id")
            if request.method == "GET":
                item = resource.find(schema, item_id)
                if item is None:
                    raise NotFound(f"{resource.capitalized} {item_id} not found")
                return json_response({"data": {resource.singular: resource.present(schema, item)}})
            require_data_model(caller)
            if request.method == "DELETE":
                deleted, updated = resource.delete(schema.workspace_id, item_id, schema)
                remember_schema(updated)
                return json_response({"data": {f"deleteOne{resource.capitalized}": resource.present(schema, deleted)}})
            changed, updated = resource.update(schema.workspace_id, item_id, await json_body(request), schema)
            remember_schema(updated)
            return json_response({"data": {f"updateOne{resource.capitalized}": resource.present(updated, changed)}})

        return endpoint


def metadata_rest_routes(service: MetadataService | None = None) -> list[Route]:
    rest = MetadataRest(service)
    routes = []
    for resource in rest.resources():
        routes.append(Route(f"/rest/metadata/{resource.path}", rest.collection(resource), methods=["GET", "POST"]))
        routes.append(Route(f"/rest/metadata/{resource.path}/{{id}}", rest.member(resource), methods=["GET", "PATCH", "PUT", "DELETE"]))
    return routes

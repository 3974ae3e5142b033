"""Metadata REST: /rest/metadata/objects and /rest/metadata/fields (CONTRACT.md section 6).

Envelopes are Twenty's: list `{"data":{"objects":[…]},"pageInfo":{…},"totalCount":n}`, one
`{"data":{"object":{…}}}`, writes `{"data":{"createOneObject":{…}}}` and so on; list cursors are
item ids.
"""

from __future__ import annotations

import uuid
from typing import Any, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import BadRequest, Forbidden, NotFound
from ..metadata.model import WorkspaceSchema
from ..metadata.presenters import present_field, present_object
from ..metadata.service import MetadataService
from .context import Caller, caller_of, schema_cache, workspace_of
from .http import json_body, json_response, parse_limit

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


class MetadataRest:
    def __init__(self, service: MetadataService | None = None) -> None:
        self.service = service or MetadataService()

    def _schema(self, request: Request) -> tuple[Caller, WorkspaceSchema]:
        caller = caller_of(request)
        return caller, workspace_of(caller).schema

    def _remember(self, schema: WorkspaceSchema) -> None:
        # The next request reads the new version from the head; caching it now saves a Query.
        schema_cache.get_or_build((schema.workspace_id, schema.version), lambda: schema)

    # -- objects ------------------------------------------------------------------------------

    async def objects(self, request: Request) -> Response:
        caller, schema = self._schema(request)
        if request.method == "GET":
            items = [present_object(schema, o) for o in schema.objects]
            page, page_info = paginate_by_id(items, request.query_params)
            return json_response({"data": {"objects": page}, "pageInfo": page_info, "totalCount": len(items)})
        require_data_model(caller)
        body = await json_body(request)
        created, updated = self.service.create_object(schema.workspace_id, body, schema)
        self._remember(updated)
        return json_response({"data": {"createOneObject": present_object(updated, created)}}, 201)

    async def object(self, request: Request) -> Response:
        caller, schema = self._schema(request)
        object_id = _uuid(request.path_params["id"], "object id")
        if request.method == "GET":
            obj = schema.object(object_id)
            if obj is None:
                raise NotFound(f"Object {object_id} not found")
            return json_response({"data": {"object": present_object(schema, obj)}})
        require_data_model(caller)
        if request.method == "DELETE":
            deleted, updated = self.service.delete_object(schema.workspace_id, object_id, schema)
            self._remember(updated)
            return json_response({"data": {"deleteOneObject": present_object(schema, deleted)}})
        body = await json_body(request)
        changed, updated = self.service.update_object(schema.workspace_id, object_id, body, schema)
        self._remember(updated)
        return json_response({"data": {"updateOneObject": present_object(updated, changed)}})

    # -- fields -------------------------------------------------------------------------------

    async def fields(self, request: Request) -> Response:
        caller, schema = self._schema(request)
        if request.method == "GET":
            items = [present_field(schema, f) for f in schema.fields]
            page, page_info = paginate_by_id(items, request.query_params)
            return json_response({"data": {"fields": page}, "pageInfo": page_info, "totalCount": len(items)})
        require_data_model(caller)
        body = await json_body(request)
        created, updated = self.service.create_field(schema.workspace_id, body, schema)
        self._remember(updated)
        return json_response({"data": {"createOneField": present_field(updated, created)}}, 201)

    async def field(self, request: Request) -> Response:
        caller, schema = self._schema(request)
        field_id = _uuid(request.path_params["id"], "field id")
        if request.method == "GET":
            f = schema.field(field_id)
            if f is None:
                raise NotFound(f"Field {field_id} not found")
            return json_response({"data": {"field": present_field(schema, f)}})
        require_data_model(caller)
        if request.method == "DELETE":
            deleted, updated = self.service.delete_field(schema.workspace_id, field_id, schema)
            self._remember(updated)
            return json_response({"data": {"deleteOneField": present_field(schema, deleted)}})
        body = await json_body(request)
        changed, updated = self.service.update_field(schema.workspace_id, field_id, body, schema)
        self._remember(updated)
        return json_response({"data": {"updateOneField": present_field(updated, changed)}})


def metadata_rest_routes(service: MetadataService | None = None) -> list[Route]:
    rest = MetadataRest(service)
    one: Callable[..., Any]
    routes = []
    for path, many, one in (
        ("objects", rest.objects, rest.object),
        ("fields", rest.fields, rest.field),
    ):
        routes.append(Route(f"/rest/metadata/{path}", many, methods=["GET", "POST"]))
        routes.append(Route(f"/rest/metadata/{path}/{{id}}", one, methods=["GET", "PATCH", "PUT", "DELETE"]))
    return routes

"""Core REST: /rest/{namePlural}[/{id}] for every active object (CONTRACT.md section 3)."""

from __future__ import annotations

import difflib

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import BadRequest, Forbidden
from ..metadata.model import ObjectMetadata
from ..records.service import DEFAULT_LIMIT, MAX_LIMIT, RecordService, WorkspaceView
from .context import Caller, caller_of, workspace_of
from ..query.parse_filter import parse_filter
from ..query.parse_order_by import parse_order_by
from ..query.parse_params import parse_cursors, parse_limit
from .http import json_body, json_response

__all__ = ["core_rest_routes"]

# Endpoints are async and call blocking storage directly: a Lambda execution environment serves
# one request at a time, so a thread hop per request would only add latency.


def _resolve(request: Request) -> tuple[Caller, WorkspaceView, ObjectMetadata]:
    caller = caller_of(request)
    ws = workspace_of(caller)
    plural = request.path_params["plural"]
    obj = ws.schema.active_object_by_plural(plural)
    if obj is None:
        raise BadRequest(_unknown_object_message(ws, plural))
    if not caller.role.can_read:
        raise Forbidden(f"Role {caller.role.name} cannot read {obj.name_plural}")
    return caller, ws, obj


def _unknown_object_message(ws: WorkspaceView, name: str) -> str:
    singular = ws.schema.active_object_by_singular(name)
    if singular is not None:
        return f"object '{name}' not found. Did you mean '{singular.name_plural}'?"
    plurals = [o.name_plural for o in ws.schema.active_objects()]
    close = difflib.get_close_matches(name, plurals, n=1)
    return f"object '{name}' not found. eg: {close[0] if close else 'companies'}"


def _soft_delete_flag(request: Request) -> bool:
    # Booleans are on only for the exact string "true" (Twenty compares with 'true').
    return request.query_params.get("soft_delete") == "true"


def _require(caller: Caller, allowed: bool, action: str, obj: ObjectMetadata) -> None:
    if not allowed:
        raise Forbidden(f"Role {caller.role.name} cannot {action} {obj.name_plural}")


class CoreRest:
    def __init__(self, records: RecordService | None = None) -> None:
        self.records = records or RecordService()

    async def collection(self, request: Request) -> Response:
        caller, ws, obj = _resolve(request)
        if request.method == "GET":
            return self._find_many(request, ws, obj)
        if request.method == "POST":
            _require(caller, caller.role.can_update, "create", obj)
            record = self.records.create_one(ws, obj, await json_body(request))
            return json_response({"data": {f"create{obj.singular_cap}": record}}, 201)
        operation = "delete" if request.method == "DELETE" and _soft_delete_flag(request) else (
            "destroy" if request.method == "DELETE" else "update"
        )
        if "filter" not in request.query_params or not request.query_params["filter"]:
            raise BadRequest(
                f"Filters are mandatory for bulk {operation} operations. Please provide at least one filter"
                " to prevent accidental " + ("deletion" if operation != "update" else "update") + " of all records."
            )
        raise BadRequest(f"Bulk {operation} with a filter is not available yet on /rest/{obj.name_plural}")

    def _find_many(self, request: Request, ws: WorkspaceView, obj: ObjectMetadata) -> Response:
        params = request.query_params
        limit = parse_limit(params.get("limit"), default=DEFAULT_LIMIT, maximum=MAX_LIMIT)
        starting_after, ending_before = parse_cursors(params.get("starting_after"), params.get("ending_before"))
        raw_filter = params.get("filter")
        raw_order = params.get("order_by")
        result = self.records.find_many(
            ws,
            obj,
            filter_input=parse_filter(raw_filter) if raw_filter else None,
            order_input=parse_order_by(raw_order) if raw_order else None,
            limit=limit,
            starting_after=starting_after,
            ending_before=ending_before,
        )
        return json_response(
            {
                "data": {obj.name_plural: result.records},
                "totalCount": result.total_count,
                "pageInfo": {
                    "hasNextPage": result.has_next_page,
                    "hasPreviousPage": result.has_previous_page,
                    "startCursor": result.start_cursor,
                    "endCursor": result.end_cursor,
                },
            }
        )

    async def member(self, request: Request) -> Response:
        caller, ws, obj = _resolve(request)
        record_id = request.path_params["id"]
        if request.method == "GET":
            return json_response({"data": {obj.name_singular: self.records.get_one(ws, obj, record_id)}})
        if request.method in ("PATCH", "PUT"):
            _require(caller, caller.role.can_update, "update", obj)
            record = self.records.update_one(ws, obj, record_id, await json_body(request))
            return json_response({"data": {f"update{obj.singular_cap}": record}})
        soft = _soft_delete_flag(request)
        _require(caller, caller.role.can_soft_delete if soft else caller.role.can_destroy, "delete" if soft else "destroy", obj)
        record = self.records.delete_one(ws, obj, record_id, soft=soft)
        return json_response({"data": {f"delete{obj.singular_cap}": record}})


def core_rest_routes(records: RecordService | None = None) -> list[Route]:
    rest = CoreRest(records)
    return [
        Route("/rest/{plural}", rest.collection, methods=["GET", "POST", "PATCH", "PUT", "DELETE"]),
        Route("/rest/{plural}/{id}", rest.member, methods=["GET", "PATCH", "PUT", "DELETE"]),
    ]



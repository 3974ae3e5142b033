"""Core REST: /rest/{namePlural}… for every active object (docs/api.md §3).

Routes, matched in Twenty's order: batch create, create one, find many, find one, restore (one
and many), update (one and many; PUT is an alias of PATCH), delete (soft with
`soft_delete=true`, else destroy; one and many). Bulk routes need a filter.

Single-record routes speak HTTP's conditional requests (docs/api.md §3.9): find one, create one
and update one answer a strong `ETag`; update and delete one honour `If-Match` (412 when stale);
find one honours `If-None-Match` (304).
"""

from __future__ import annotations

import difflib
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..auth.roles import RecordAction
from ..errors import BadRequest, Forbidden
from ..metadata.model import ObjectMetadata
from ..query.parse_filter import parse_filter
from ..query.parse_order_by import parse_order_by
from ..query.parse_params import parse_cursors, parse_depth, parse_fields, parse_flag, parse_limit
from ..records.projection import Projection
from ..records.versions import etag_matches
from ..records.service import DEFAULT_LIMIT, MAX_LIMIT, RecordService, WorkspaceView
from .context import Caller, caller_of, workspace_of
from .http import json_body, json_response, not_modified

__all__ = ["core_rest_routes"]

# Endpoints are async and call blocking storage directly: a Lambda execution environment serves
# one request at a time, so a thread hop per request would only add latency.


def _unknown_object_message(ws: WorkspaceView, name: str) -> str:
    singular = ws.schema.active_object_by_singular(name)
    if singular is not None:
        return f"object '{name}' not found. Did you mean '{singular.name_plural}'?"
    plurals = [o.name_plural for o in ws.schema.active_objects()]
    close = difflib.get_close_matches(name, plurals, n=1)
    return f"object '{name}' not found. eg: {close[0] if close else 'companies'}"


class _Call:
    """One request's caller, workspace, object and output options."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.params = request.query_params
        self.caller: Caller = caller_of(request)
        self.ws: WorkspaceView = workspace_of(self.caller)
        plural = request.path_params["plural"]
        obj = self.ws.schema.active_object_by_plural(plural)
        if obj is None:
            raise BadRequest(_unknown_object_message(self.ws, plural))
        self.obj: ObjectMetadata = obj
        self.require("read")
        self.projection = Projection.build(
            self.ws.schema, obj, depth=parse_depth(self.params.get("depth")), fields=parse_fields(self.params.getlist("fields") or None),
            can_read=lambda object_id: self.caller.role.can("read", object_id),
        )

    def require(self, action: RecordAction) -> None:
        if not self.caller.role.can(action, self.obj.id):
            verb = {"read": "read", "update": "create or update", "soft_delete": "delete", "destroy": "destroy"}[action]
            raise Forbidden(f"Role {self.caller.role.name} cannot {verb} {self.obj.name_plural}")

    def filter_input(self) -> dict[str, Any] | None:
        raw = self.params.get("filter")
        return parse_filter(raw) if raw else None

    @property
    def soft(self) -> bool:
        return parse_flag(self.params.get("soft_delete"))


class CoreRest:
    def __init__(self, records: RecordService | None = None) -> None:
        self.records = records or RecordService()

    def _out(self, call: _Call, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return call.projection.apply(self.records, call.ws, records)

    async def batch(self, request: Request) -> Response:
        call = _Call(request)
        call.require("update")
        created = self.records.create_many(call.ws, call.obj, await json_body(request), upsert=parse_flag(call.params.get("upsert")))
        return json_response({"data": {f"create{call.obj.plural_cap}": self._out(call, created)}}, 201)

    async def collection(self, request: Request) -> Response:
        call = _Call(request)
        obj, method = call.obj, request.method
        if method == "GET":
            return self._find_many(call)
        if method == "POST":
            call.require("update")
            created = self.records.create_one_versioned(call.ws, obj, await json_body(request), upsert=parse_flag(call.params.get("upsert")))
            return json_response({"data": {f"create{obj.singular_cap}": self._out(call, [created.record])[0]}}, 201, etag=created.etag)
        if method in ("PATCH", "PUT"):
            call.require("update")
            body = await json_body(request)
            updated = self.records.update_many(call.ws, obj, call.filter_input(), body)
            return json_response({"data": {f"update{obj.plural_cap}": self._out(call, updated)}})
        soft = call.soft
        call.require("soft_delete" if soft else "destroy")
        deleted = self.records.delete_many(call.ws, obj, call.filter_input(), soft=soft)
        return json_response({"data": {f"delete{obj.plural_cap}": self._out(call, deleted)}})

    def _find_many(self, call: _Call) -> Response:
        params = call.params
        limit = parse_limit(params.get("limit"), default=DEFAULT_LIMIT, maximum=MAX_LIMIT)
        starting_after, ending_before = parse_cursors(params.get("starting_after"), params.get("ending_before"))
        raw_order = params.get("order_by")
        result = self.records.find_many(
            call.ws,
            call.obj,
            filter_input=call.filter_input(),
            order_input=parse_order_by(raw_order) if raw_order else None,
            limit=limit,
            starting_after=starting_after,
            ending_before=ending_before,
        )
        return json_response(
            {
                "data": {call.obj.name_plural: self._out(call, result.records)},
                "totalCount": result.total_count,
                "pageInfo": {
                    "hasNextPage": result.has_next_page,
                    "hasPreviousPage": result.has_previous_page,
                    "startCursor": result.start_cursor,
                    "endCursor": result.end_cursor,
                },
            }
        )

    async def restore_many(self, request: Request) -> Response:
        call = _Call(request)
        call.require("soft_delete")
        restored = self.records.restore_many(call.ws, call.obj, call.filter_input())
        return json_response({"data": {f"restore{call.obj.plural_cap}": self._out(call, restored)}})

    async def restore_one(self, request: Request) -> Response:
        call = _Call(request)
        call.require("soft_delete")
        record = self.records.restore_one(call.ws, call.obj, request.path_params["id"])
        return json_response({"data": {f"restore{call.obj.singular_cap}": self._out(call, [record])[0]}})

    async def member(self, request: Request) -> Response:
        call = _Call(request)
        obj, record_id = call.obj, request.path_params["id"]
        if_match = request.headers.get("if-match")
        if request.method == "GET":
            found = self.records.get_one_versioned(call.ws, obj, record_id)
            if_none_match = request.headers.get("if-none-match")
            if if_none_match is not None and etag_matches(if_none_match, found.etag, weak=True):
                return not_modified(found.etag)
            return json_response({"data": {obj.name_singular: self._out(call, [found.record])[0]}}, etag=found.etag)
        if request.method in ("PATCH", "PUT"):
            call.require("update")
            updated = self.records.update_one_versioned(call.ws, obj, record_id, await json_body(request), if_match=if_match)
            return json_response({"data": {f"update{obj.singular_cap}": self._out(call, [updated.record])[0]}}, etag=updated.etag)
        soft = call.soft
        call.require("soft_delete" if soft else "destroy")
        record = self.records.delete_one(call.ws, obj, record_id, soft=soft, if_match=if_match)
        return json_response({"data": {f"delete{obj.singular_cap}": self._out(call, [record])[0]}})


def core_rest_routes(records: RecordService | None = None) -> list[Route]:
    rest = CoreRest(records)
    return [
        Route("/rest/batch/{plural}", rest.batch, methods=["POST"]),
        Route("/rest/{plural}/restore", rest.restore_many, methods=["PATCH"]),
        Route("/rest/{plural}/{id}/restore", rest.restore_one, methods=["PATCH"]),
        Route("/rest/{plural}", rest.collection, methods=["GET", "POST", "PATCH", "PUT", "DELETE"]),
        Route("/rest/{plural}/{id}", rest.member, methods=["GET", "PATCH", "PUT", "DELETE"]),
    ]

"""Record operations of the core API: create, get, list, update, delete (soft and hard).

The service owns the rules (defaults, server-set fields, soft delete, counts, cursors) and talks
to storage through RecordStore; the HTTP layer only parses and shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from ..clock import new_id, now_iso
from ..errors import BadRequest, NotFound
from ..metadata.model import ObjectMetadata, WorkspaceSchema
from ..storage.metadata_store import WorkspaceHead
from ..storage.record_store import DuplicateRecord, RecordMissing, RecordStore, partition_key
from ..storage.sort_keys import with_state
from ..query.filters import compile_filter
from ..query.order import compile_order, term_value
from ..query.planner import plan_query
from .cursor import decode_cursor, encode_cursor
from .reader import PageRequest, RecordReader, query_binding
from .defaults import default_for
from .shape import ObjectShape, shape_of, stored_value
from .values import check_values, normalise_uuid

__all__ = ["WorkspaceView", "RecordService", "ListResult", "DEFAULT_LIMIT", "MAX_LIMIT"]

DEFAULT_LIMIT = 60
MAX_LIMIT = 200


@dataclass(frozen=True)
class WorkspaceView:
    """What a request knows of its workspace: head, schema at its version, and the caller."""

    head: WorkspaceHead
    schema: WorkspaceSchema
    actor_name: str

    @property
    def id(self) -> str:
        return self.head.id


@dataclass(frozen=True)
class ListResult:
    records: list[dict[str, Any]]
    total_count: int
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


class RecordService:
    def __init__(self, store: RecordStore | None = None, *, clock: Callable[[], str] = now_iso, ids: Callable[[], str] = new_id) -> None:
        self.store = store or RecordStore()
        self.reader = RecordReader(self.store)
        self.clock = clock
        self.ids = ids

    # -- shaping ------------------------------------------------------------------------------

    def present(self, shape: ObjectShape, stored: dict[str, Any]) -> dict[str, Any]:
        """A stored record as Twenty shows it at depth 0."""
        out: dict[str, Any] = {"id": stored["id"]}
        for name, field in shape.outputs:
            out[name] = stored_value(field, stored)
        return out

    def _actor(self, ws: WorkspaceView, given: Any = None) -> dict[str, Any]:
        source = given.get("source") if isinstance(given, dict) and given.get("source") else "API"
        context = given.get("context") if isinstance(given, dict) and given.get("context") is not None else {}
        return {"source": source, "workspaceMemberId": None, "name": ws.actor_name, "context": context}

    def _attributes(self, shape: ObjectShape, record_id: str, values: dict[str, Any]) -> dict[str, Any]:
        by_id = {f.id: f for f in shape.stored_fields}
        # Nulls are stored (DynamoDB NULL): an absent attribute means "written before the field
        # existed", which reads as the field's default.
        attributes = {by_id[fid].storage_key: v for fid, v in values.items() if fid in by_id}
        attributes.update(shape.slot_values(record_id, values))
        return attributes

    @staticmethod
    def _by_field_id(shape: ObjectShape, stored: dict[str, Any]) -> dict[str, Any]:
        return {f.id: stored.get(f.storage_key) for f in shape.stored_fields}

    # -- writes -------------------------------------------------------------------------------

    def create_one(self, ws: WorkspaceView, obj: ObjectMetadata, body: Any) -> dict[str, Any]:
        shape = shape_of(ws.schema, obj)
        record_id, values = self._new_record(ws, shape, body)
        try:
            self.store.create(partition_key(ws.id, obj.id), [(record_id, self._attributes(shape, record_id, values))])
        except DuplicateRecord:
            raise BadRequest(f"A duplicate entry was detected: a {obj.name_singular} with id {record_id} already exists") from None
        return self.present(shape, {"id": record_id, **self._stored_view(shape, values)})

    def _stored_view(self, shape: ObjectShape, values: dict[str, Any]) -> dict[str, Any]:
        by_id = {f.id: f for f in shape.stored_fields}
        return {by_id[fid].storage_key: v for fid, v in values.items() if fid in by_id}

    def _new_record(self, ws: WorkspaceView, shape: ObjectShape, body: Any) -> tuple[str, dict[str, Any]]:
        values = check_values(shape.writable, body, creating=True)
        record_id = normalise_uuid(body["id"], "id") if body.get("id") is not None else self.ids()
        now = self.clock()
        for f in shape.stored_fields:
            if f.id not in values:
                values[f.id] = default_for(f, now=lambda: now, new_id=self.ids)
        system = shape.system
        values[system["createdAt"].id] = values.get(system["createdAt"].id) or now
        values[system["updatedAt"].id] = now
        values[system["deletedAt"].id] = None
        values[system["createdBy"].id] = self._actor(ws, body.get("createdBy"))
        values[system["updatedBy"].id] = self._actor(ws, body.get("updatedBy"))
        if "position" not in body:
            # New records go last under position ordering: milliseconds since the epoch.
            values[system["position"].id] = float(_epoch_millis(now))
        self._check_required(shape, values)
        return record_id, values

    @staticmethod
    def _check_required(shape: ObjectShape, values: dict[str, Any]) -> None:
        for f in shape.stored_fields:
            if not f.is_nullable and values.get(f.id) is None and not f.is_system:
                raise BadRequest(f"Field '{f.join_column or f.name}' of object '{shape.object.name_singular}' is required")

    def _live(self, ws: WorkspaceView, shape: ObjectShape, record_id: Any) -> dict[str, Any]:
        record_id = _path_id(record_id)
        stored = self.store.get(partition_key(ws.id, shape.object.id), record_id)
        if stored is None or stored.get(shape.storage_key("deletedAt")) is not None:
            raise NotFound("Record not found")
        return stored

    def get_one(self, ws: WorkspaceView, obj: ObjectMetadata, record_id: str) -> dict[str, Any]:
        shape = shape_of(ws.schema, obj)
        return self.present(shape, self._live(ws, shape, record_id))

    def update_one(self, ws: WorkspaceView, obj: ObjectMetadata, record_id: str, body: Any) -> dict[str, Any]:
        shape = shape_of(ws.schema, obj)
        stored = self._live(ws, shape, record_id)
        if isinstance(body, dict) and "id" in body and body["id"] is not None and normalise_uuid(body["id"], "id") != stored["id"]:
            raise BadRequest("Field 'id' cannot be changed")
        values = check_values(shape.writable, body, current=self._by_field_id(shape, stored), creating=False)
        values[shape.system["updatedAt"].id] = self.clock()
        values[shape.system["updatedBy"].id] = self._actor(ws, None)
        merged = {**self._by_field_id(shape, stored), **values}
        self._check_required(shape, merged)
        self._write_changes(ws, shape, stored, values)
        return self.present(shape, {"id": stored["id"], **self._stored_view(shape, merged)})

    def _write_changes(
        self,
        ws: WorkspaceView,
        shape: ObjectShape,
        stored: dict[str, Any],
        values: dict[str, Any],
        count_delta: int = 0,
        *,
        live: bool = True,
    ) -> dict[str, Any]:
        """Write changed values (and their slots); returns the stored form after the change."""
        by_id = {f.id: f for f in shape.stored_fields}
        set_values = {by_id[fid].storage_key: v for fid, v in values.items()}
        set_values.update(shape.slot_values(stored["id"], values, live=live))
        if not live or stored.get(shape.storage_key("deletedAt")) is not None:
            # Leaving or entering the deleted state moves every slot, changed or not.
            set_values.update({s: with_state(v, live) for s, v in stored.items() if _is_slot(s) and s not in set_values})
        try:
            self.store.update(partition_key(ws.id, shape.object.id), stored["id"], set_values, (), count_delta)
        except RecordMissing:
            raise NotFound("Record not found") from None
        return {**stored, **set_values}

    def delete_one(self, ws: WorkspaceView, obj: ObjectMetadata, record_id: str, *, soft: bool) -> dict[str, Any]:
        shape = shape_of(ws.schema, obj)
        deleted_at_key = shape.storage_key("deletedAt")
        if soft:
            stored = self._live(ws, shape, record_id)
            values = {shape.system["deletedAt"].id: self.clock()}
            # A soft-deleted record's slots move to the "D" state: live index reads never see it.
            return self.present(shape, self._write_changes(ws, shape, stored, values, count_delta=-1, live=False))
        stored = self.store.get(partition_key(ws.id, obj.id), _path_id(record_id))
        if stored is None:
            raise NotFound("Record not found")
        live = stored.get(deleted_at_key) is None
        try:
            self.store.delete(partition_key(ws.id, obj.id), stored["id"], -1 if live else 0)
        except RecordMissing:
            raise NotFound("Record not found") from None
        return self.present(shape, stored)

    # -- reads --------------------------------------------------------------------------------

    def find_many(
        self,
        ws: WorkspaceView,
        obj: ObjectMetadata,
        *,
        filter_input: Any = None,
        filter_strings: bool = True,
        order_input: list[dict[str, Any]] | None = None,
        limit: int = DEFAULT_LIMIT,
        starting_after: str | None = None,
        ending_before: str | None = None,
    ) -> ListResult:
        """A page of records: `filter_input` and `order_input` are Twenty's `XFilterInput` and
        `[XOrderByInput]` shapes (REST gives string values: `filter_strings`)."""
        shape = shape_of(ws.schema, obj)
        node = compile_filter(shape, filter_input, strings=filter_strings)
        order = compile_order(shape, order_input)
        plan = plan_query(shape, node, order)
        binding = query_binding(obj.id, node, order)
        after = decode_cursor(ws.head.secret, binding, starting_after) if starting_after is not None else None
        before = decode_cursor(ws.head.secret, binding, ending_before) if ending_before is not None else None
        for values in (after, before):
            if values is not None and len(values) != len(order):
                raise BadRequest("Invalid cursor")
        page = self.reader.read(
            partition_key(ws.id, obj.id), shape, node, order, plan, PageRequest(limit=limit, after=after, before=before)
        )

        def cursor(record: dict[str, Any]) -> str:
            return encode_cursor(ws.head.secret, binding, [term_value(t, record) for t in order])

        return ListResult(
            records=[self.present(shape, r) for r in page.records],
            total_count=page.total_count,
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=cursor(page.records[0]) if page.records else None,
            end_cursor=cursor(page.records[-1]) if page.records else None,
        )


def _is_slot(attribute: str) -> bool:
    return len(attribute) == 2 and attribute[0] == "s" and attribute[1].isdigit()


def _path_id(record_id: Any) -> str:
    try:
        return normalise_uuid(record_id, "id")
    except BadRequest:
        raise BadRequest(f"Invalid id '{record_id}': a record id is a UUID") from None


def _epoch_millis(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)



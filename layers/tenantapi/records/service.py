"""Record operations of the core API: create, get, list, update, delete (soft and hard).

The service owns the rules (defaults, server-set fields, soft delete, counts, cursors) and talks
to storage through RecordStore; the HTTP layer only parses and shapes.

Every write is a read, a change planned on it, and one transaction conditioned on the version of
each record read (records/changes.py). A transaction cancelled because a record moved meanwhile is
planned again on a fresh read, up to WRITE_ATTEMPTS times (then a 409), so concurrent clients lose
nothing without sending a header; a client that sends `If-Match` makes its ETag the condition, and
a record that moved past it is a 412, whatever the attempt (records/versions.py).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterator, NamedTuple, TypeVar

from ..clock import new_id, now_iso
from ..errors import BadRequest, Conflict, NotFound, PreconditionFailed
from ..metadata.model import ObjectMetadata, WorkspaceSchema
from ..storage.metadata_store import WorkspaceHead
from ..storage.record_store import (
    MAX_TRANSACTION_ACTIONS,
    DuplicateRecord,
    RecordChanged,
    RecordMissing,
    RecordStore,
    RecordWrite,
    StorageLimit,
    partition_key,
    transaction_size,
)
from ..query.filters import And, compile_filter
from ..query.order import compile_order, term_value
from ..query.planner import plan_query
from .changes import Change, by_field_id, check_required
from .cursor import decode_cursor, encode_cursor
from .reader import PageRequest, RecordReader, query_binding
from .defaults import default_for
from .integrity import UniqueGuards, check_relation_targets, unique_guards
from .on_delete import DestroyPlan, plan_destroy
from .shape import ObjectShape, shape_of, stored_value
from .versions import etag_matches, etag_of
from ..metadata.rules_common import json_type
from .values import check_values, normalise_uuid

__all__ = ["WorkspaceView", "RecordService", "ListResult", "Versioned", "DEFAULT_LIMIT", "MAX_LIMIT", "BATCH_LIMIT", "WRITE_ATTEMPTS"]

DEFAULT_LIMIT = 60
MAX_LIMIT = 200
# Records one request may create or change: Twenty's documented batch size, REST and GraphQL.
BATCH_LIMIT = 60
# A write cancelled because a record it read changed meanwhile is planned again on a fresh read,
# at most this many times in all; a record written faster than that by others is a 409.
WRITE_ATTEMPTS = 4

_T = TypeVar("_T")


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


class Versioned(NamedTuple):
    """One record as shown at depth 0, with its ETag (records/versions.py)."""

    record: dict[str, Any]
    etag: str


class RecordService:
    def __init__(self, store: RecordStore | None = None, *, clock: Callable[[], str] = now_iso, ids: Callable[[], str] = new_id) -> None:
        self.store = store or RecordStore()
        self.reader = RecordReader(self.store)
        self.guards = UniqueGuards(self.store)
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

    # -- writes -------------------------------------------------------------------------------

    def create_one(self, ws: WorkspaceView, obj: ObjectMetadata, body: Any, *, upsert: bool = False) -> dict[str, Any]:
        return self.create_one_versioned(ws, obj, body, upsert=upsert).record

    def create_one_versioned(self, ws: WorkspaceView, obj: ObjectMetadata, body: Any, *, upsert: bool = False) -> Versioned:
        if not isinstance(body, dict):
            raise BadRequest(f"The body must be a JSON object, got {json_type(body)}")
        shape, changes = self._rewriting(shape_of(ws.schema, obj), lambda: self._create(ws, obj, [body], upsert=upsert))
        return self._versioned(shape, changes[0].after(shape))

    def create_many(self, ws: WorkspaceView, obj: ObjectMetadata, bodies: Any, *, upsert: bool = False) -> list[dict[str, Any]]:
        """Create (or, with upsert, update the matches of) 1..60 records, all or nothing."""
        shape, changes = self._rewriting(shape_of(ws.schema, obj), lambda: self._create(ws, obj, bodies, upsert=upsert))
        return [self.present(shape, c.after(shape)) for c in changes]

    def _create(self, ws: WorkspaceView, obj: ObjectMetadata, bodies: Any, *, upsert: bool) -> tuple[ObjectShape, list[Change]]:
        if not isinstance(bodies, list):
            raise BadRequest(f"The body must be a JSON array of records, got {json_type(bodies)}")
        if not bodies:
            raise BadRequest("The batch is empty: send 1 to 60 records")
        if len(bodies) > BATCH_LIMIT:
            raise BadRequest(f"A batch holds at most {BATCH_LIMIT} records, got {len(bodies)}")
        shape = shape_of(ws.schema, obj)
        pk = partition_key(ws.id, obj.id)
        changes: list[Change] = []
        seen: set[str] = set()
        for index, body in enumerate(bodies):
            with _naming_record(index, len(bodies)):
                if not isinstance(body, dict):
                    raise BadRequest(f"The body must be a JSON object, got {json_type(body)}")
                match = self._upsert_match(pk, shape, body) if upsert else None
                if match is not None:
                    change = self._update_change(ws, shape, match, body)
                else:
                    record_id, values = self._new_record(ws, shape, body)
                    change = Change("put", record_id, values, None)
                if change.record_id in seen:
                    raise BadRequest(f"A duplicate entry was detected: id {change.record_id} appears twice in the batch")
                seen.add(change.record_id)
                changes.append(change)
        self._commit(ws, shape, changes)
        return shape, changes

    def _upsert_match(self, pk: str, shape: ObjectShape, body: dict[str, Any]) -> dict[str, Any] | None:
        """The live record an upsert updates: the one with the body's id, else the one holding one
        of the body's unique values (docs/api.md §3.6)."""
        deleted_key = shape.storage_key("deletedAt")
        if body.get("id") is not None:
            record = self.store.get(pk, normalise_uuid(body["id"], "id"))
            return record if record is not None and record.get(deleted_key) is None else None
        values = check_values(shape.writable, body, creating=True)
        for guard in unique_guards(shape, values):
            owner = self.store.guard_owner(pk, guard.key)
            record = self.store.get(pk, owner) if owner else None
            if record is not None and record.get(deleted_key) is None and any(
                g.key == guard.key for g in unique_guards(shape, {guard.field.id: record.get(guard.field.storage_key)})
            ):
                return record
        return None

    def _new_record(self, ws: WorkspaceView, shape: ObjectShape, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
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
        check_required(shape, values)
        return record_id, values

    def _update_change(self, ws: WorkspaceView, shape: ObjectShape, stored: dict[str, Any], body: Any) -> Change:
        if isinstance(body, dict) and body.get("id") is not None and normalise_uuid(body["id"], "id") != stored["id"]:
            raise BadRequest("Field 'id' cannot be changed")
        current = by_field_id(shape, stored)
        values = check_values(shape.writable, body, current=current, creating=False)
        values[shape.system["updatedAt"].id] = self.clock()
        values[shape.system["updatedBy"].id] = self._actor(ws, None)
        check_required(shape, {**current, **values})
        return Change("update", stored["id"], values, stored)

    def update_one(self, ws: WorkspaceView, obj: ObjectMetadata, record_id: str, body: Any) -> dict[str, Any]:
        return self.update_one_versioned(ws, obj, record_id, body).record

    def update_one_versioned(
        self, ws: WorkspaceView, obj: ObjectMetadata, record_id: str, body: Any, *, if_match: str | None = None
    ) -> Versioned:
        """Update one record; with `if_match`, only while its ETag is one that header names (412)."""
        shape = shape_of(ws.schema, obj)

        def attempt() -> Change:
            stored = self._if_match(shape, self._live(ws, shape, record_id), if_match)
            change = self._update_change(ws, shape, stored, body)
            self._commit(ws, shape, [change])
            return change

        return self._versioned(shape, self._rewriting(shape, attempt).after(shape))

    def update_many(self, ws: WorkspaceView, obj: ObjectMetadata, filter_input: Any, body: Any, *, filter_strings: bool = True) -> list[dict[str, Any]]:
        shape = shape_of(ws.schema, obj)

        def attempt() -> list[Change]:
            selected = self._select(ws, shape, filter_input, filter_strings, "update")
            changes = [self._update_change(ws, shape, stored, body) for stored in selected]
            self._commit(ws, shape, changes)
            return changes

        return [self.present(shape, c.after(shape)) for c in self._rewriting(shape, attempt)]

    def delete_one(
        self, ws: WorkspaceView, obj: ObjectMetadata, record_id: str, *, soft: bool, if_match: str | None = None
    ) -> dict[str, Any]:
        """Soft-delete or destroy one record; with `if_match`, only while its ETag is one that
        header names (412). Soft-deleting a record already soft-deleted is a 404, as reading it is."""
        shape = shape_of(ws.schema, obj)

        def attempt() -> dict[str, Any]:
            if soft:
                stored = self._live(ws, shape, record_id)
            else:
                found = self.store.get(partition_key(ws.id, obj.id), _path_id(record_id))
                if found is None:
                    raise NotFound("Record not found")
                stored = found
            return self._delete(ws, shape, [self._if_match(shape, stored, if_match)], soft=soft)[0]

        return self._rewriting(shape, attempt)

    def delete_many(self, ws: WorkspaceView, obj: ObjectMetadata, filter_input: Any, *, soft: bool, filter_strings: bool = True) -> list[dict[str, Any]]:
        shape = shape_of(ws.schema, obj)

        def attempt() -> list[dict[str, Any]]:
            selected = self._select(ws, shape, filter_input, filter_strings, "delete" if soft else "destroy")
            return self._delete(ws, shape, selected, soft=soft)

        return self._rewriting(shape, attempt)

    def _delete(self, ws: WorkspaceView, shape: ObjectShape, records: list[dict[str, Any]], *, soft: bool) -> list[dict[str, Any]]:
        if soft:
            now = self.clock()
            changes = [Change("update", r["id"], {shape.system["deletedAt"].id: now}, r, live=False) for r in records]
            self._commit(ws, shape, changes)
            return [self.present(shape, c.after(shape)) for c in changes]
        if not records:
            return []
        plan = plan_destroy(self.reader, ws.id, ws.schema, shape, records)
        now = self.clock()
        changes = [(shape, Change("delete", r["id"], {}, r)) for r in records]
        for affected in plan.destroyed:
            changes.append((affected.shape, Change("delete", affected.stored["id"], {}, affected.stored, expected=affected.expected)))
        for affected in plan.cleared:
            values: dict[str, Any] = {f.id: None for f in affected.cleared}
            values[affected.shape.system["updatedAt"].id] = now
            changes.append((affected.shape, Change("update", affected.stored["id"], values, affected.stored, expected=affected.expected)))
        self._check_destroy_size(ws, shape, records, plan, changes)
        self._commit_all(ws, changes)
        return [self.present(shape, r) for r in records]

    @staticmethod
    def _check_destroy_size(
        ws: WorkspaceView, shape: ObjectShape, records: list[dict[str, Any]], plan: DestroyPlan, changes: list[tuple[ObjectShape, Change]]
    ) -> None:
        """A destroy is one transaction, so all of it or none of it is written: one that needs
        more actions than a transaction holds is refused before anything is written."""
        actions = transaction_size([c.write(partition_key(ws.id, s.object.id), s) for s, c in changes])
        if actions <= MAX_TRANSACTION_ACTIONS:
            return
        what = f"this {shape.object.name_singular}" if len(records) == 1 else f"these {len(records)} {shape.object.name_plural}"
        raise BadRequest(
            f"Destroying {what} would destroy {len(plan.destroyed)} related records and clear the relation of"
            f" {len(plan.cleared)} more: {actions} writes with the record counts, and a destroy is one transaction of at"
            f" most {MAX_TRANSACTION_ACTIONS}. Destroy or detach the related records first"
        )

    def restore_one(self, ws: WorkspaceView, obj: ObjectMetadata, record_id: str) -> dict[str, Any]:
        """Restore one soft-deleted record; restoring a live one is a 404 (docs/api.md §3.7)."""
        shape = shape_of(ws.schema, obj)

        def attempt() -> dict[str, Any]:
            stored = self.store.get(partition_key(ws.id, obj.id), _path_id(record_id))
            if stored is None or stored.get(shape.storage_key("deletedAt")) is None:
                raise NotFound("Record not found")
            return self._restore(ws, shape, [stored])[0]

        return self._rewriting(shape, attempt)

    def restore_many(self, ws: WorkspaceView, obj: ObjectMetadata, filter_input: Any, *, filter_strings: bool = True) -> list[dict[str, Any]]:
        shape = shape_of(ws.schema, obj)

        def attempt() -> list[dict[str, Any]]:
            return self._restore(ws, shape, self._select(ws, shape, filter_input, filter_strings, "restore", deleted=True))

        return self._rewriting(shape, attempt)

    def _restore(self, ws: WorkspaceView, shape: ObjectShape, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        changes = [Change("update", r["id"], {shape.system["deletedAt"].id: None}, r, restoring=True) for r in records]
        self._commit(ws, shape, changes)
        return [self.present(shape, c.after(shape)) for c in changes]

    # -- the one write path -------------------------------------------------------------------

    @staticmethod
    def _rewriting(shape: ObjectShape, attempt: Callable[[], _T]) -> _T:
        """Run a read-modify-write, again on a fresh read when a record it read changed before it
        committed (every attempt gives back what it claimed, so nothing of it stays)."""
        for _ in range(WRITE_ATTEMPTS):
            try:
                return attempt()
            except RecordChanged:
                continue
        raise Conflict(
            f"This {shape.object.name_singular} or records it depends on changed while it was being written,"
            f" {WRITE_ATTEMPTS} times; nothing was written. Try again"
        )

    @staticmethod
    def _if_match(shape: ObjectShape, stored: dict[str, Any], if_match: str | None) -> dict[str, Any]:
        """The record read, if `If-Match` names its ETag (or is absent); the write is then
        conditioned on this very version, so a later change cancels it and the next attempt's
        read fails here: a 412, never a write over a version the client did not see."""
        if if_match is not None and not etag_matches(if_match, etag_of(shape, stored)):
            raise PreconditionFailed()
        return stored

    def _versioned(self, shape: ObjectShape, stored: dict[str, Any]) -> Versioned:
        return Versioned(self.present(shape, stored), etag_of(shape, stored))

    def _commit(self, ws: WorkspaceView, shape: ObjectShape, changes: list[Change]) -> None:
        self._commit_all(ws, [(shape, change) for change in changes])

    def _commit_all(self, ws: WorkspaceView, changes: list[tuple[ObjectShape, Change]]) -> None:
        """Check relation targets, claim unique values, then write every change, of one object
        or several, in one transaction; on failure the claimed values are given back and nothing
        is stored."""
        if not changes:
            return
        shape = changes[0][0]  # the object the request is about, named by its errors
        targets: list[tuple[ObjectShape, str]] = []
        for each in {id(s): s for s, _ in changes}.values():
            rows = [c.values for s, c in changes if s is each and c.kind != "delete"]
            if rows:
                targets += check_relation_targets(self.store, ws.id, ws.schema, each, rows)
        claimed: dict[str, list[tuple[str, str]]] = {}
        released: dict[str, list[tuple[str, str]]] = {}
        writes: list[RecordWrite] = []

        def give_back(taken: dict[str, list[tuple[str, str]]]) -> None:
            for pk, guards in taken.items():
                self.guards.release(pk, guards)

        try:
            for each, change in changes:
                pk = partition_key(ws.id, each.object.id)
                before = unique_guards(each, by_field_id(each, change.stored)) if change.stored is not None else []
                if change.kind == "delete":
                    released.setdefault(pk, []).extend((g.key, change.record_id) for g in before)
                else:
                    after = unique_guards(each, {**by_field_id(each, change.stored or {}), **change.values})
                    keep = {g.key for g in before} if not change.restoring else set()
                    self.guards.claim(pk, each, change.record_id, [g for g in after if g.key not in keep], claimed.setdefault(pk, []))
                    released.setdefault(pk, []).extend((g.key, change.record_id) for g in before if g.key not in {a.key for a in after})
                writes.append(change.write(pk, each))
            self.store.write(writes + _target_links(ws, writes, targets))
        except DuplicateRecord as error:
            give_back(claimed)
            raise BadRequest(f"A duplicate entry was detected: a {shape.object.name_singular} with id {error.record_id} already exists") from None
        except RecordMissing:
            give_back(claimed)
            raise NotFound("Record not found") from None
        except RecordChanged:
            give_back(claimed)
            raise  # planned again on a fresh read (_rewriting)
        except StorageLimit as error:
            give_back(claimed)
            raise BadRequest(f"Cannot write {shape.object.name_plural}: {error}") from None
        except BaseException:
            give_back(claimed)
            raise
        give_back(released)

    def _select(self, ws: WorkspaceView, shape: ObjectShape, filter_input: Any, strings: bool, operation: str, *, deleted: bool = False) -> list[dict[str, Any]]:
        """The records a bulk operation touches: at most BATCH_LIMIT, else a 400 with the count."""
        if not filter_input:
            raise BadRequest(
                f"Filters are mandatory for bulk {operation} operations. Please provide at least one filter to prevent accidental "
                + ("deletion" if operation in ("delete", "destroy") else "changes")
                + " of all records."
            )
        node = compile_filter(shape, filter_input, strings=strings)
        if deleted:
            node = And((node, compile_filter(shape, {"deletedAt": {"is": "NOT_NULL"}}, strings=True)))  # type: ignore[arg-type]
        order = compile_order(shape, None)
        page = self.reader.read(
            partition_key(ws.id, shape.object.id), shape, node, order, plan_query(shape, node, order), PageRequest(limit=BATCH_LIMIT)
        )
        if page.total_count > BATCH_LIMIT:
            raise BadRequest(
                f"The filter matches {page.total_count} {shape.object.name_plural}; a bulk {operation} changes at most"
                f" {BATCH_LIMIT} records. Narrow the filter."
            )
        return page.records

    def _live(self, ws: WorkspaceView, shape: ObjectShape, record_id: Any) -> dict[str, Any]:
        record_id = _path_id(record_id)
        stored = self.store.get(partition_key(ws.id, shape.object.id), record_id)
        if stored is None or stored.get(shape.storage_key("deletedAt")) is not None:
            raise NotFound("Record not found")
        return stored

    def get_one(self, ws: WorkspaceView, obj: ObjectMetadata, record_id: str) -> dict[str, Any]:
        return self.get_one_versioned(ws, obj, record_id).record

    def get_one_versioned(self, ws: WorkspaceView, obj: ObjectMetadata, record_id: str) -> Versioned:
        shape = shape_of(ws.schema, obj)
        return self._versioned(shape, self._live(ws, shape, record_id))

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
        count: bool = True,
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
            partition_key(ws.id, obj.id), shape, node, order, plan, PageRequest(limit=limit, after=after, before=before, count=count)
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


def _target_links(ws: WorkspaceView, writes: list[RecordWrite], targets: list[tuple[ObjectShape, str]]) -> list[RecordWrite]:
    """A link per relation target the write names, in the write's own transaction: the target
    must still exist and be live, and counts the link, so a target destroyed after it was read
    cancels the write, and a destroy that looked for children before the write is cancelled by it
    (records/changes.py). A target the transaction writes itself is left out (DynamoDB refuses two
    actions on one item; that write's own version condition holds it), and so are links past the
    transaction's 100 actions: those targets keep only the read before (docs/storage.md,
    "relation targets")."""
    written = {(w.pk, w.record_id) for w in writes}
    room = MAX_TRANSACTION_ACTIONS - transaction_size(writes)
    checks: dict[tuple[str, str], RecordWrite] = {}
    for target, record_id in targets:
        pk = partition_key(ws.id, target.object.id)
        if (pk, record_id) in written or (pk, record_id) in checks or len(checks) >= room:
            continue
        checks[(pk, record_id)] = RecordWrite("link", pk, record_id, live_key=target.storage_key("deletedAt"))
    return list(checks.values())


@contextmanager
def _naming_record(index: int, total: int) -> Iterator[None]:
    """In a batch, an error names the record it is about."""
    try:
        yield
    except BadRequest as error:
        if total == 1:
            raise
        raise BadRequest(f"Record {index} of the batch: {error.message}") from None


def _path_id(record_id: Any) -> str:
    try:
        return normalise_uuid(record_id, "id")
    except BadRequest:
        raise BadRequest(f"Invalid id '{record_id}': a record id is a UUID") from None


def _epoch_millis(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)



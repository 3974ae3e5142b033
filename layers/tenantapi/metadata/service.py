"""Changes to a workspace's data model: plan with the pure rules, commit with a version bump.

Each change is computed against the schema at version v and committed only if the workspace is
still at v (see MetadataStore.commit); a concurrent change makes the commit fail and the change is
planned again against the new schema, so two requests can never both pass a uniqueness check.

A field that becomes unique over existing records gets their values claimed as unique guards
before the commit (records/integrity.py): values two records share refuse the change with a 400,
and a write on the new schema finds every existing value guarded. Requests that read the previous
schema may still write a value meanwhile without a guard, so the values are claimed once more
after the commit, as index slots are backfilled once more; a duplicate found then undoes the
change (409, nothing left unique over duplicates).
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

from botocore.exceptions import ClientError

from ..clock import new_id, now_iso
from ..errors import BadRequest, Conflict, NotFound
from ..query.planner import READ_BUDGET
from ..records.defaults import default_for
from ..records.integrity import UniqueGuards
from ..records.shape import index_value, shape_of
from ..records.values import check_field_value
from ..storage.metadata_store import MetadataStore, SchemaConflict
from ..storage.record_store import RecordStore, RecordWrite, partition_key
from .model import FieldMetadata, ObjectMetadata, WorkspaceSchema, replace
from .rules import (
    SchemaChange,
    plan_create_field,
    plan_create_object,
    plan_delete_field,
    plan_delete_object,
    plan_update_field,
    plan_update_object,
)

__all__ = ["MetadataService"]

_ATTEMPTS = 3
_TOO_LARGE = "The definition is too large to store: its labels, description, options and settings must fit in 400 KB"
# Records an index slot is written on at once when a field gets one on a non-empty object.
BACKFILL_LIMIT = 5000
BACKFILL_BATCH = 100  # TransactWriteItems: at most 100 actions (DynamoDB limit)


def _newly_unique(current: WorkspaceSchema, change: SchemaChange) -> list[FieldMetadata]:
    """Fields the change makes unique where they were not: isUnique turned on, a unique field
    created, or one re-activated (writes kept no guards for it while it was inactive)."""
    out = []
    for definition in change.puts:
        if isinstance(definition, FieldMetadata) and definition.is_unique and definition.is_active:
            before = current.field(definition.id)
            if before is None or not (before.is_unique and before.is_active):
                out.append(definition)
    return out


def _check_defaults(change: SchemaChange) -> None:
    """Every record a field's default fills in must hold a value the field accepts from a client
    (a storable number, a UUID, a date-time in range…): defaults are written without a check."""
    for definition in change.puts:
        if not isinstance(definition, FieldMetadata) or definition.default_value is None:
            continue
        value = default_for(definition, now=now_iso, new_id=new_id)
        try:
            check_field_value(definition, value)
        except BadRequest as error:
            raise BadRequest(f"defaultValue of field '{definition.name}' is not a value the field can hold. {error.message}") from None


class MetadataService:
    def __init__(self, store: MetadataStore | None = None, records: RecordStore | None = None) -> None:
        self.store = store or MetadataStore()
        self.records = records or RecordStore()
        self.guards = UniqueGuards(self.records)

    def schema(self, workspace_id: str) -> WorkspaceSchema:
        schema = self.store.load_schema(workspace_id)
        if schema is None:
            raise NotFound(f"Workspace {workspace_id} not found")
        return schema

    def _apply(self, workspace_id: str, plan: Callable[[WorkspaceSchema], SchemaChange], schema: WorkspaceSchema | None = None) -> tuple[SchemaChange, WorkspaceSchema]:
        for attempt in range(_ATTEMPTS):
            current = schema if (schema is not None and attempt == 0) else self.schema(workspace_id)
            change = plan(current)
            _check_defaults(change)
            change, to_backfill = self._prepare_slots(workspace_id, current, change)
            to_guard = _newly_unique(current, change)
            claims = self._claim_unique_values(workspace_id, current, to_guard)
            # Fields of a deleted object leave with it (the schema loader drops fields whose object
            # is gone), so only the rest must fit the commit's one transaction; they follow after.
            deleted_objects = {d.id for d in change.deletes if isinstance(d, ObjectMetadata)}
            orphans = [d for d in change.deletes if isinstance(d, FieldMetadata) and d.object_id in deleted_objects]
            committed = [d for d in change.deletes if d not in orphans]
            try:
                version = self.store.commit(workspace_id, current.version, change.puts, committed)
            except SchemaConflict:
                self._release(claims)
                if attempt == _ATTEMPTS - 1:
                    raise
                continue
            except ClientError as error:
                self._release(claims)
                if error.response["Error"]["Code"] == "ValidationException" and "size" in str(error).lower():
                    # A definition is one item: labels, description, options and settings
                    # together must fit DynamoDB's 400 KB item size.
                    raise BadRequest(_TOO_LARGE) from error
                raise
            except BaseException:
                self._release(claims)
                raise
            updated = current.with_changes(
                objects=[d for d in change.puts if isinstance(d, ObjectMetadata)],
                fields=[d for d in change.puts if isinstance(d, FieldMetadata)],
                removed_ids=[d.id for d in change.deletes],
                version=version,
            )
            if orphans:
                self.store.delete_definitions(workspace_id, orphans)
            for f in to_backfill:
                self._backfill(partition_key(workspace_id, f.object_id), current, f)
            self._reclaim_unique_values(workspace_id, updated, to_guard)
            self._after_commit(workspace_id, change)
            return change, updated
        raise SchemaConflict()  # pragma: no cover - the loop returns or raises

    def _after_commit(self, workspace_id: str, change: SchemaChange) -> None:
        # Records of a deleted object go after the schema no longer shows it: no request can
        # reach them in between, and a crash here leaves only unreachable items.
        for object_id in change.purge_object_ids:
            self.records.purge(partition_key(workspace_id, object_id))

    def create_object(self, workspace_id: str, payload: Any, schema: WorkspaceSchema | None = None) -> tuple[ObjectMetadata, WorkspaceSchema]:
        change, updated = self._apply(
            workspace_id, lambda s: plan_create_object(s, payload, now=now_iso(), new_id=new_id), schema
        )
        return change.result, updated  # type: ignore[return-value]

    def update_object(self, workspace_id: str, object_id: str, update: Any, schema: WorkspaceSchema | None = None) -> tuple[ObjectMetadata, WorkspaceSchema]:
        change, updated = self._apply(workspace_id, lambda s: plan_update_object(s, object_id, update, now=now_iso()), schema)
        return change.result, updated  # type: ignore[return-value]

    def delete_object(self, workspace_id: str, object_id: str, schema: WorkspaceSchema | None = None) -> tuple[ObjectMetadata, WorkspaceSchema]:
        change, updated = self._apply(workspace_id, lambda s: plan_delete_object(s, object_id, now=now_iso()), schema)
        return change.result, updated  # type: ignore[return-value]

    def create_field(self, workspace_id: str, payload: Any, schema: WorkspaceSchema | None = None) -> tuple[FieldMetadata, WorkspaceSchema]:
        change, updated = self._apply(
            workspace_id,
            lambda s: plan_create_field(s, payload, now=now_iso(), new_id=new_id),
            schema,
        )
        return change.result, updated  # type: ignore[return-value]

    def _prepare_slots(self, workspace_id: str, current: WorkspaceSchema, change: SchemaChange) -> tuple[SchemaChange, list[FieldMetadata]]:
        """A field that gets an index slot on an object that already has records needs its slot
        written on every record first (a backfill, up to BACKFILL_LIMIT records). Past the limit an
        automatic slot (a join column) is dropped and the field is served by bounded reads; an
        explicit `isIndexed` is a 400. Returns the change and the fields to backfill again once
        committed (records written meanwhile by requests still on the previous schema)."""
        new_slots = [
            d for d in change.puts
            if isinstance(d, FieldMetadata) and d.index_slot is not None
            and (current.field(d.id) is None or current.field(d.id).index_slot is None)  # type: ignore[union-attr]
        ]
        dropped: set[str] = set()
        to_backfill: list[FieldMetadata] = []
        for f in new_slots:
            pk = partition_key(workspace_id, f.object_id)
            records = self.records.count(pk)
            if records == 0:
                continue
            if records > BACKFILL_LIMIT:
                if current.field(f.id) is not None or not (f.join_column or f.is_system):
                    raise BadRequest(
                        f"Field '{f.name}' cannot be indexed: its object has {records} records, and an index is"
                        f" built at once for at most {BACKFILL_LIMIT}"
                    )
                dropped.add(f.id)
                continue
            self._backfill(pk, current, f)
            to_backfill.append(f)
        if not dropped:
            return change, to_backfill

        def unslot(d: ObjectMetadata | FieldMetadata) -> ObjectMetadata | FieldMetadata:
            return replace(d, index_slot=None) if isinstance(d, FieldMetadata) and d.id in dropped else d

        return replace(change, puts=tuple(unslot(d) for d in change.puts), result=unslot(change.result)), to_backfill

    def _claim_unique_values(
        self, workspace_id: str, schema: WorkspaceSchema, fields: list[FieldMetadata]
    ) -> list[tuple[str, list[tuple[str, str]]]]:
        """Claim the values of every live record for each field about to become unique (400 when
        two records share one). Returns the claims per partition, to give back if not committed."""
        claims: list[tuple[str, list[tuple[str, str]]]] = []
        try:
            for f in fields:
                pk = partition_key(workspace_id, f.object_id)
                obj = schema.object(f.object_id)
                if obj is None or self.records.count(pk) == 0:
                    continue
                claims.append((pk, self.guards.claim_existing(pk, shape_of(schema, obj), f, self._every_record(pk, f))))
        except BaseException:
            self._release(claims)
            raise
        return claims

    def _reclaim_unique_values(self, workspace_id: str, schema: WorkspaceSchema, fields: list[FieldMetadata]) -> None:
        """After the commit: claim the values of records written meanwhile on the previous schema.
        A value shared by then undoes the change."""
        for f in fields:
            try:
                self._claim_unique_values(workspace_id, schema, [f])
            except BadRequest as error:
                self._apply(workspace_id, lambda s: plan_update_field(s, f.id, {"isUnique": False}, now=now_iso()))
                raise Conflict(f"{error.message}, written while the change was being made: the field was left not unique") from None

    def _every_record(self, pk: str, field: FieldMetadata) -> Iterator[dict[str, Any]]:
        """The records of an object, soft-deleted ones included, up to the read budget."""
        read, start = 0, None
        while True:
            records, _, last = self.records.query_range(pk, index=None, attribute="sk", begins_with="R#", exclusive_start_key=start)
            read += len(records)
            if read > READ_BUDGET:
                raise BadRequest(
                    f"Field '{field.name}' cannot be unique: its object has more than {READ_BUDGET} records, and values"
                    f" are checked at once for at most {READ_BUDGET}"
                )
            yield from records
            if last is None:
                return
            start = last

    def _release(self, claims: list[tuple[str, list[tuple[str, str]]]]) -> None:
        for pk, taken in claims:
            self.guards.release(pk, taken)

    def _backfill(self, pk: str, schema: WorkspaceSchema, field: FieldMetadata) -> None:
        """Write one field's slot on every record of its object (live and soft-deleted)."""
        obj = schema.object(field.object_id)
        assert obj is not None
        deleted_key = shape_of(schema, obj).storage_key("deletedAt")
        attribute = f"s{field.index_slot}"
        start = None
        while True:
            records, _, last = self.records.query_range(pk, index=None, attribute="sk", begins_with="R#", exclusive_start_key=start)
            writes = [
                RecordWrite("update", pk, r["id"], {attribute: index_value(field, r, live=r.get(deleted_key) is None)})
                for r in records
            ]
            for chunk in range(0, len(writes), BACKFILL_BATCH):
                self.records.write(writes[chunk : chunk + BACKFILL_BATCH])
            if last is None:
                return
            start = last

    def update_field(self, workspace_id: str, field_id: str, update: Any, schema: WorkspaceSchema | None = None) -> tuple[FieldMetadata, WorkspaceSchema]:
        change, updated = self._apply(workspace_id, lambda s: plan_update_field(s, field_id, update, now=now_iso()), schema)
        return change.result, updated  # type: ignore[return-value]

    def delete_field(self, workspace_id: str, field_id: str, schema: WorkspaceSchema | None = None) -> tuple[FieldMetadata, WorkspaceSchema]:
        change, updated = self._apply(workspace_id, lambda s: plan_delete_field(s, field_id, now=now_iso()), schema)
        return change.result, updated  # type: ignore[return-value]

"""Changes to a workspace's data model: plan with the pure rules, commit with a version bump.

Each change is computed against the schema at version v and committed only if the workspace is
still at v (see MetadataStore.commit); a concurrent change makes the commit fail and the change is
planned again against the new schema, so two requests can never both pass a uniqueness check.
"""

from __future__ import annotations

from typing import Any, Callable

from ..clock import new_id, now_iso
from ..errors import NotFound
from ..storage.metadata_store import MetadataStore, SchemaConflict
from ..storage.record_store import RecordStore, partition_key
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


class MetadataService:
    def __init__(self, store: MetadataStore | None = None, records: RecordStore | None = None) -> None:
        self.store = store or MetadataStore()
        self.records = records or RecordStore()

    def schema(self, workspace_id: str) -> WorkspaceSchema:
        schema = self.store.load_schema(workspace_id)
        if schema is None:
            raise NotFound(f"Workspace {workspace_id} not found")
        return schema

    def _apply(self, workspace_id: str, plan: Callable[[WorkspaceSchema], SchemaChange], schema: WorkspaceSchema | None = None) -> tuple[SchemaChange, WorkspaceSchema]:
        for attempt in range(_ATTEMPTS):
            current = schema if (schema is not None and attempt == 0) else self.schema(workspace_id)
            change = plan(current)
            # Fields of a deleted object leave with it (the schema loader drops fields whose object
            # is gone), so only the rest must fit the commit's one transaction; they follow after.
            deleted_objects = {d.id for d in change.deletes if isinstance(d, ObjectMetadata)}
            orphans = [d for d in change.deletes if isinstance(d, FieldMetadata) and d.object_id in deleted_objects]
            committed = [d for d in change.deletes if d not in orphans]
            try:
                version = self.store.commit(workspace_id, current.version, change.puts, committed)
            except SchemaConflict:
                if attempt == _ATTEMPTS - 1:
                    raise
                continue
            updated = current.with_changes(
                objects=[d for d in change.puts if isinstance(d, ObjectMetadata)],
                fields=[d for d in change.puts if isinstance(d, FieldMetadata)],
                removed_ids=[d.id for d in change.deletes],
                version=version,
            )
            if orphans:
                self.store.delete_definitions(workspace_id, orphans)
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
            lambda s: self._unindexed_where_records_exist(
                workspace_id, plan_create_field(s, payload, now=now_iso(), new_id=new_id)
            ),
            schema,
        )
        return change.result, updated  # type: ignore[return-value]

    def _unindexed_where_records_exist(self, workspace_id: str, change: SchemaChange) -> SchemaChange:
        """An index slot is only given to a field whose object has no records yet: records written
        before the field would be missing from the index (there is no backfill), so such a field is
        served by bounded reads instead (docs/storage.md, "Limits")."""
        slotted = [d for d in change.puts if isinstance(d, FieldMetadata) and d.index_slot is not None]
        filled = {f.object_id for f in slotted if self.records.count(partition_key(workspace_id, f.object_id)) > 0}
        if not filled:
            return change

        def unslot(definition: ObjectMetadata | FieldMetadata) -> ObjectMetadata | FieldMetadata:
            if isinstance(definition, FieldMetadata) and definition.object_id in filled and definition.index_slot is not None:
                return replace(definition, index_slot=None)
            return definition

        puts = tuple(unslot(d) for d in change.puts)
        result = unslot(change.result)
        return replace(change, puts=puts, result=result)

    def update_field(self, workspace_id: str, field_id: str, update: Any, schema: WorkspaceSchema | None = None) -> tuple[FieldMetadata, WorkspaceSchema]:
        change, updated = self._apply(workspace_id, lambda s: plan_update_field(s, field_id, update, now=now_iso()), schema)
        return change.result, updated  # type: ignore[return-value]

    def delete_field(self, workspace_id: str, field_id: str, schema: WorkspaceSchema | None = None) -> tuple[FieldMetadata, WorkspaceSchema]:
        change, updated = self._apply(workspace_id, lambda s: plan_delete_field(s, field_id, now=now_iso()), schema)
        return change.result, updated  # type: ignore[return-value]

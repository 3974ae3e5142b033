"""How records of one object are checked, stored and shown, derived once per schema version."""

from __future__ import annotations

from typing import Any

from ..metadata.model import FieldMetadata, ObjectMetadata, WorkspaceSchema
from ..storage.sort_keys import slot_key
from .values import WritableFields

__all__ = ["ObjectShape", "shape_of"]


class ObjectShape:
    def __init__(self, schema: WorkspaceSchema, obj: ObjectMetadata) -> None:
        self.object = obj
        self.writable = WritableFields(schema, obj)
        active = schema.fields_of(obj.id, active_only=True)
        # depth=0 output: every active field but ONE_TO_MANY lists; MANY_TO_ONE as its join column.
        self.outputs: list[tuple[str, FieldMetadata]] = [
            (f.join_column or f.name, f) for f in active if not f.is_one_to_many and f.name != "id"
        ]
        self.stored_fields: list[FieldMetadata] = [f for f in active if not f.is_one_to_many and f.name != "id"]
        self.system: dict[str, FieldMetadata] = {f.name: f for f in active if f.is_system}
        # Slots of every field that holds one, active or not: a slot's meaning is fixed per object.
        self.slotted: list[FieldMetadata] = [f for f in schema.fields_of(obj.id) if f.index_slot is not None]

    def storage_key(self, name: str) -> str:
        return self.system[name].storage_key

    def slot_values(self, record_id: str, values: dict[str, Any], only: set[str] | None = None) -> tuple[dict[str, str], list[str]]:
        """LSI sort keys for the given {field id: value}: (attributes to set, attributes to remove)."""
        set_slots: dict[str, str] = {}
        remove: list[str] = []
        for f in self.slotted:
            if f.id not in values or (only is not None and f.id not in only):
                continue
            value = values[f.id]
            if isinstance(value, dict):  # composite label: its first sub-field is indexed
                value = next(iter(value.values()), None)
            attribute = f"s{f.index_slot}"
            if value is None:
                remove.append(attribute)
            else:
                set_slots[attribute] = slot_key(f.type, value, record_id)
        return set_slots, remove


def shape_of(schema: WorkspaceSchema, obj: ObjectMetadata) -> ObjectShape:
    key = ("shape", obj.id)
    shape = schema.memo.get(key)
    if shape is None:
        shape = schema.memo[key] = ObjectShape(schema, obj)
    return shape

"""How records of one object are checked, stored and shown, derived once per schema version."""

from __future__ import annotations

from typing import Any

from ..metadata.field_types import COMPOSITE_SUBFIELDS, FieldType
from ..metadata.model import FieldMetadata, ObjectMetadata, WorkspaceSchema
from ..storage.sort_keys import encode_value, slot_value
from .defaults import default_for
from .values import WritableFields

__all__ = ["ObjectShape", "shape_of", "stored_value", "path_value", "index_value"]


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
        self.stored_by_id: dict[str, FieldMetadata] = {f.id: f for f in self.stored_fields}
        self.system: dict[str, FieldMetadata] = {f.name: f for f in active if f.is_system}
        # Names a filter or order may use: fields, join columns (`companyId`) and `id`.
        self.filterable: dict[str, FieldMetadata] = {
            (f.join_column or f.name): f for f in active if not f.is_one_to_many
        }
        self.unique_fields: list[FieldMetadata] = [f for f in self.stored_fields if f.is_unique]
        self.join_fields: list[FieldMetadata] = [f for f in self.stored_fields if f.join_column]
        # Slots of every field that holds one, active or not: a slot's meaning is fixed per object.
        self.slotted: list[FieldMetadata] = [f for f in schema.fields_of(obj.id) if f.index_slot is not None]

    def storage_key(self, name: str) -> str:
        return self.system[name].storage_key

    def slot_values(self, record_id: str, values: dict[str, Any], *, live: bool = True) -> dict[str, str]:
        """LSI sort keys (`s1`..`s5`) for the slotted fields among {field id: value}; a null value
        is written too (it sorts first), so an index lists every record of its state."""
        slots: dict[str, str] = {}
        for f in self.slotted:
            if f.id not in values:
                continue
            value = values[f.id]
            if isinstance(value, dict):  # composite label: its first sub-field is indexed
                value = next(iter(value.values()), None)
            encoded = None if value is None else encode_value(_indexed_type(f), value)
            slots[f"s{f.index_slot}"] = slot_value(encoded, record_id, live)
        return slots


def index_value(field: FieldMetadata, record: dict[str, Any], *, live: bool) -> str:
    """One slotted field's sort key for a stored record (used to build an index afterwards)."""
    value = stored_value(field, record)
    if isinstance(value, dict):
        value = next(iter(value.values()), None)
    return slot_value(None if value is None else encode_value(_indexed_type(field), value), record["id"], live)


def _indexed_type(field: FieldMetadata) -> FieldType:
    if field.join_column:
        return FieldType.UUID
    if field.type.is_composite:
        return next(iter(COMPOSITE_SUBFIELDS[field.type].values()))
    return field.type


def stored_value(field: FieldMetadata, record: dict[str, Any]) -> Any:
    """A field's value in a stored record; a field added after the record was written reads as
    its default, as the API shows it."""
    if field.storage_key in record:
        return record[field.storage_key]
    return default_for(field, now=_none, new_id=_none)


def path_value(field: FieldMetadata, subfield: str | None, record: dict[str, Any]) -> Any:
    """The value at a filter or order path: a field, a composite's sub-field, or the id."""
    if field.name == "id":
        return record.get("id")
    value = stored_value(field, record)
    if subfield is not None:
        value = value.get(subfield) if isinstance(value, dict) else None
    return value


def _none() -> Any:
    return None


def shape_of(schema: WorkspaceSchema, obj: ObjectMetadata) -> ObjectShape:
    key = ("shape", obj.id)
    shape = schema.memo.get(key)
    if shape is None:
        shape = schema.memo[key] = ObjectShape(schema, obj)
    return shape

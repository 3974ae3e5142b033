"""Building blocks of new definitions, shared by the planners and the standard objects: storage
keys and index slots (`FieldAllocator`), the system fields of every object, and the two fields
of a relation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..errors import BadRequest
from .field_types import FieldType, OnDelete, RelationType
from .model import (
    INDEX_SLOTS,
    SYSTEM_FIELD_NAMES,
    FieldMetadata,
    ObjectMetadata,
    Relation,
    WorkspaceSchema,
    replace,
)
from .rules_common import MAX_FIELDS_PER_OBJECT

__all__ = [
    "FieldAllocator",
    "RelationSide",
    "build_system_fields",
    "build_relation_pair",
    "relation_settings",
]

# -- storage keys, index slots and the field budget -------------------------------------------

_TOO_MANY_FIELDS = (
    'Object "{object}" cannot hold more than {limit} fields: a record must fit in one 400 KB '
    "DynamoDB item. Delete unused fields first"
)
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, remainder = divmod(number, 36)
        digits = _DIGITS[remainder] + digits
        if number == 0:
            return digits


class FieldAllocator:
    """Hands out storage keys and index slots for the fields one change creates, and keeps the
    objects whose counters moved (they are part of the change's puts).

    Storage keys are `f<base36 counter>`, never reused, so a deleted field's stale attributes in
    old records can never be read as a new field's values. Index slots (the records table's five
    LSI sort keys, docs/storage.md) are handed out lowest first and never twice on one object,
    for the same reason: a freed slot still holds old sort keys in existing records.
    """

    def __init__(self, schema: WorkspaceSchema) -> None:
        self._schema = schema
        self._objects: dict[str, ObjectMetadata] = {}
        self._new_fields: dict[str, int] = {}

    def add_object(self, obj: ObjectMetadata) -> None:
        """A new object of this change (not yet in the schema)."""
        self._objects[obj.id] = obj

    def object(self, object_id: str) -> ObjectMetadata:
        obj = self._objects.get(object_id) or self._schema.object(object_id)
        assert obj is not None, object_id
        return obj

    def storage_key(self, object_id: str) -> str:
        obj = self.object(object_id)
        count = len(self._schema.fields_of(object_id)) + self._new_fields.get(object_id, 0)
        if count >= MAX_FIELDS_PER_OBJECT:
            raise BadRequest(_TOO_MANY_FIELDS.format(object=obj.name_singular, limit=MAX_FIELDS_PER_OBJECT))
        self._new_fields[object_id] = self._new_fields.get(object_id, 0) + 1
        self._objects[object_id] = replace(obj, next_storage_key=obj.next_storage_key + 1)
        return "f" + _base36(obj.next_storage_key)

    def index_slot(self, object_id: str) -> int | None:
        """The lowest slot never held on the object, or None when all five were handed out."""
        obj = self.object(object_id)
        # Objects stored before the high-water mark existed: derive it from their fields.
        held = [f.index_slot for f in self._schema.fields_of(object_id) if f.index_slot is not None]
        used = max([obj.index_slots_used, *held])
        if used >= len(INDEX_SLOTS):
            return None
        self._objects[object_id] = replace(obj, index_slots_used=used + 1)
        return INDEX_SLOTS[used]

    def changed_objects(self) -> list[ObjectMetadata]:
        """Objects whose counters moved (their `updated_at` stays: only their fields changed)."""
        return list(self._objects.values())


# -- system fields ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _SystemField:
    name: str
    label: str
    type: FieldType
    icon: str
    description: str
    is_nullable: bool
    default_value: Any
    is_unique: bool = False


_ACTOR_DEFAULT = {"name": "''", "source": "'MANUAL'"}

# Twenty's default fields of every object (build-default-flat-field-metadatas-for-custom-object):
# labels, icons, descriptions, nullability and defaults as Twenty has them.
_SYSTEM_FIELDS = (
    _SystemField("id", "Id", FieldType.UUID, "Icon123", "Id", False, "uuid", is_unique=True),
    _SystemField("createdAt", "Creation date", FieldType.DATE_TIME, "IconCalendar", "Creation date", False, "now"),
    _SystemField(
        "updatedAt", "Last update", FieldType.DATE_TIME, "IconCalendarClock",
        "Last time the record was changed", False, "now",
    ),
    _SystemField("deletedAt", "Deleted at", FieldType.DATE_TIME, "IconCalendarClock", "Deletion date", True, None),
    _SystemField(
        "createdBy", "Created by", FieldType.ACTOR, "IconCreativeCommonsSa", "The creator of the record",
        False, _ACTOR_DEFAULT,
    ),
    _SystemField(
        "updatedBy", "Updated by", FieldType.ACTOR, "IconUserCircle",
        "The workspace member who last updated the record", False, _ACTOR_DEFAULT,
    ),
    _SystemField("position", "Position", FieldType.POSITION, "IconHierarchy2", "Position", False, 0),
)
assert tuple(spec.name for spec in _SYSTEM_FIELDS) == SYSTEM_FIELD_NAMES


def build_system_fields(
    object_id: str, allocator: FieldAllocator, *, now: str, new_id: Callable[[], str]
) -> list[FieldMetadata]:
    """The seven system fields of a new object, without index slots (the caller assigns them:
    the order differs between custom and standard objects)."""
    return [
        FieldMetadata(
            id=new_id(),
            object_id=object_id,
            name=spec.name,
            label=spec.label,
            type=spec.type,
            storage_key=allocator.storage_key(object_id),
            created_at=now,
            updated_at=now,
            description=spec.description,
            icon=spec.icon,
            is_custom=False,
            is_system=True,
            is_nullable=spec.is_nullable,
            is_unique=spec.is_unique,
            is_ui_read_only=True,
            default_value=dict(spec.default_value) if isinstance(spec.default_value, dict) else spec.default_value,
        )
        for spec in _SYSTEM_FIELDS
    ]


# -- relations --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RelationSide:
    """One side of a relation to build: the field on `object_id`."""

    object_id: str
    name: str
    label: str
    icon: str | None = None
    description: str | None = None


def relation_settings(name: str, relation: Relation, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Twenty's settings of a relation field: relationType, and onDelete and joinColumnName on
    the MANY_TO_ONE side. Other keys of `extra` are kept."""
    settings = {k: v for k, v in (extra or {}).items() if k not in ("relationType", "onDelete", "joinColumnName")}
    settings["relationType"] = relation.type.value
    if relation.type is RelationType.MANY_TO_ONE:
        settings["onDelete"] = (relation.on_delete or OnDelete.SET_NULL).value
        settings["joinColumnName"] = f"{name}Id"
    return settings


def build_relation_pair(
    allocator: FieldAllocator,
    *,
    many: RelationSide,
    one: RelationSide,
    on_delete: OnDelete,
    now: str,
    new_id: Callable[[], str],
    is_custom: bool = True,
    many_settings: dict[str, Any] | None = None,
    one_settings: dict[str, Any] | None = None,
) -> tuple[FieldMetadata, FieldMetadata]:
    """Both fields of a relation: `many` holds the join column `<name>Id` (MANY_TO_ONE, with an
    index slot when one is free), `one` lists the records pointing at it (ONE_TO_MANY)."""
    many_id, one_id = new_id(), new_id()
    many_relation = Relation(RelationType.MANY_TO_ONE, one.object_id, one_id, on_delete)
    one_relation = Relation(RelationType.ONE_TO_MANY, many.object_id, many_id)

    def field(side: RelationSide, field_id: str, relation: Relation, extra: dict[str, Any] | None) -> FieldMetadata:
        return FieldMetadata(
            id=field_id,
            object_id=side.object_id,
            name=side.name,
            label=side.label,
            type=FieldType.RELATION,
            storage_key=allocator.storage_key(side.object_id),
            created_at=now,
            updated_at=now,
            description=side.description,
            icon=side.icon,
            is_custom=is_custom,
            settings=relation_settings(side.name, relation, extra),
            relation=relation,
        )

    many_field = field(many, many_id, many_relation, many_settings)
    many_field = replace(many_field, index_slot=allocator.index_slot(many.object_id))
    return many_field, field(one, one_id, one_relation, one_settings)

"""The data model of a workspace: object and field definitions, and the schema that holds them.

Definitions are immutable values; a change to the data model produces new values and a new
`schemaVersion` (see `tenantapi.metadata.service`). Names follow Twenty's public names.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field as dataclass_field
from functools import cached_property
from typing import Any, Iterable

from .field_types import FieldType, OnDelete, RelationType

__all__ = [
    "Relation",
    "FieldMetadata",
    "ObjectMetadata",
    "WorkspaceSchema",
    "INDEX_SLOTS",
    "SYSTEM_FIELD_NAMES",
    "capitalize",
]

# The records table has five local secondary indexes (template.yaml, docs/storage.md).
INDEX_SLOTS = (1, 2, 3, 4, 5)

SYSTEM_FIELD_NAMES = ("id", "createdAt", "updatedAt", "deletedAt", "createdBy", "updatedBy", "position")


def capitalize(name: str) -> str:
    """Twenty's `capitalize`: upper-case the first character only (person -> Person)."""
    return name[:1].upper() + name[1:]


@dataclass(frozen=True)
class Relation:
    """One side of a relation. The MANY_TO_ONE side owns the join column `<name>Id`."""

    type: RelationType
    target_object_id: str
    target_field_id: str
    on_delete: OnDelete | None = None  # set on the MANY_TO_ONE side


@dataclass(frozen=True)
class FieldMetadata:
    id: str
    object_id: str
    name: str
    label: str
    type: FieldType
    storage_key: str  # short attribute name of this field in record items
    created_at: str
    updated_at: str
    description: str | None = None
    icon: str | None = None
    is_custom: bool = True
    is_system: bool = False
    is_active: bool = True
    is_nullable: bool = True
    is_unique: bool = False
    is_label_synced_with_name: bool = False
    is_ui_read_only: bool = False
    default_value: Any = None
    options: list[dict[str, Any]] | None = None
    settings: dict[str, Any] | None = None
    relation: Relation | None = None
    index_slot: int | None = None  # LSI slot (1..5) holding this field's sort key, if indexed

    @property
    def join_column(self) -> str | None:
        """`companyId` for the MANY_TO_ONE relation `company`; None for any other field."""
        if self.relation is not None and self.relation.type is RelationType.MANY_TO_ONE:
            return f"{self.name}Id"
        return None

    @property
    def is_many_to_one(self) -> bool:
        return self.relation is not None and self.relation.type is RelationType.MANY_TO_ONE

    @property
    def is_one_to_many(self) -> bool:
        return self.relation is not None and self.relation.type is RelationType.ONE_TO_MANY

    @cached_property
    def option_values(self) -> frozenset[str]:
        return frozenset(str(option.get("value")) for option in self.options or ())


@dataclass(frozen=True)
class ObjectMetadata:
    id: str
    name_singular: str
    name_plural: str
    label_singular: str
    label_plural: str
    created_at: str
    updated_at: str
    description: str | None = None
    icon: str | None = None
    is_custom: bool = True
    is_system: bool = False
    is_active: bool = True
    is_remote: bool = False
    is_searchable: bool = True
    is_label_synced_with_name: bool = False
    label_identifier_field_id: str | None = None
    image_identifier_field_id: str | None = None
    next_storage_key: int = 0  # counter that names the storage key of the next field
    # Index slots 1..n have been handed out on this object. A slot is never handed out twice:
    # records may still hold a deleted field's sort key in it (metadata.rules_builders).
    index_slots_used: int = 0

    @property
    def singular_cap(self) -> str:
        return capitalize(self.name_singular)

    @property
    def plural_cap(self) -> str:
        return capitalize(self.name_plural)


@dataclass(frozen=True)
class WorkspaceSchema:
    """Every object and field of one workspace at one `schemaVersion` (active or not)."""

    workspace_id: str
    version: int
    objects: tuple[ObjectMetadata, ...]
    fields: tuple[FieldMetadata, ...]
    # Things derived from this schema version (record shapes, GraphQL types) are memoised here:
    # a schema is immutable, so they never go stale, and they leave the cache with it.
    memo: dict[Any, Any] = dataclass_field(default_factory=dict, compare=False, repr=False, hash=False)

    # Lookups are derived once per schema version; a schema is cached per version.
    @cached_property
    def objects_by_id(self) -> dict[str, ObjectMetadata]:
        return {obj.id: obj for obj in self.objects}

    @cached_property
    def fields_by_id(self) -> dict[str, FieldMetadata]:
        return {f.id: f for f in self.fields}

    @cached_property
    def _fields_of(self) -> dict[str, tuple[FieldMetadata, ...]]:
        grouped: dict[str, list[FieldMetadata]] = {obj.id: [] for obj in self.objects}
        for f in self.fields:
            grouped.setdefault(f.object_id, []).append(f)
        return {object_id: tuple(fs) for object_id, fs in grouped.items()}

    @cached_property
    def _active_by_plural(self) -> dict[str, ObjectMetadata]:
        return {obj.name_plural: obj for obj in self.objects if obj.is_active}

    @cached_property
    def _active_by_singular(self) -> dict[str, ObjectMetadata]:
        return {obj.name_singular: obj for obj in self.objects if obj.is_active}

    def object(self, object_id: str) -> ObjectMetadata | None:
        return self.objects_by_id.get(object_id)

    def field(self, field_id: str) -> FieldMetadata | None:
        return self.fields_by_id.get(field_id)

    def fields_of(self, object_id: str, *, active_only: bool = False) -> tuple[FieldMetadata, ...]:
        fields = self._fields_of.get(object_id, ())
        return tuple(f for f in fields if f.is_active) if active_only else fields

    def active_object_by_plural(self, name_plural: str) -> ObjectMetadata | None:
        return self._active_by_plural.get(name_plural)

    def active_object_by_singular(self, name_singular: str) -> ObjectMetadata | None:
        return self._active_by_singular.get(name_singular)

    def active_objects(self) -> list[ObjectMetadata]:
        return [obj for obj in self.objects if obj.is_active]

    def field_named(self, object_id: str, name: str) -> FieldMetadata | None:
        for f in self.fields_of(object_id):
            if f.name == name:
                return f
        return None

    def with_changes(
        self,
        *,
        objects: Iterable[ObjectMetadata] = (),
        fields: Iterable[FieldMetadata] = (),
        removed_ids: Iterable[str] = (),
        version: int | None = None,
    ) -> "WorkspaceSchema":
        """A new schema with the given definitions put (by id) and removed."""
        removed = set(removed_ids)
        new_objects = {o.id: o for o in self.objects if o.id not in removed}
        new_objects.update({o.id: o for o in objects})
        new_fields = {f.id: f for f in self.fields if f.id not in removed and f.object_id not in removed}
        new_fields.update({f.id: f for f in fields})
        return WorkspaceSchema(
            workspace_id=self.workspace_id,
            version=self.version if version is None else version,
            objects=tuple(new_objects.values()),
            fields=tuple(new_fields.values()),
        )


def replace(definition: Any, **changes: Any) -> Any:
    """`dataclasses.replace` for definitions, named here so callers need one import."""
    return dataclasses.replace(definition, **changes)


__all__.append("replace")

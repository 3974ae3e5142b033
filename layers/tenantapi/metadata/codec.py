"""Definitions to and from plain documents (camelCase keys), for storage."""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any

from .field_types import FieldType, OnDelete, RelationType
from .model import FieldMetadata, ObjectMetadata, Relation

__all__ = ["to_doc", "object_from_doc", "field_from_doc"]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _snake_map(cls: type) -> dict[str, str]:
    return {_camel(f.name): f.name for f in dataclasses.fields(cls)}


_OBJECT_KEYS = _snake_map(ObjectMetadata)
_FIELD_KEYS = _snake_map(FieldMetadata)


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value):
        return {_camel(f.name): _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def to_doc(definition: ObjectMetadata | FieldMetadata) -> dict[str, Any]:
    return _plain(definition)


def object_from_doc(doc: dict[str, Any]) -> ObjectMetadata:
    return ObjectMetadata(**{_OBJECT_KEYS[k]: v for k, v in doc.items() if k in _OBJECT_KEYS})


def field_from_doc(doc: dict[str, Any]) -> FieldMetadata:
    values = {_FIELD_KEYS[k]: v for k, v in doc.items() if k in _FIELD_KEYS}
    values["type"] = FieldType(values["type"])
    relation = values.get("relation")
    if relation is not None:
        values["relation"] = Relation(
            type=RelationType(relation["type"]),
            target_object_id=relation["targetObjectId"],
            target_field_id=relation["targetFieldId"],
            on_delete=OnDelete(relation["onDelete"]) if relation.get("onDelete") else None,
        )
    return FieldMetadata(**values)

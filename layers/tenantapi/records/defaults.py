"""Field default values. Twenty writes defaults as SQL-like literals: "'NEW'" for the text NEW,
"''" for an empty string, "now" and "uuid" for generated values, and composites as a map of such
literals (docs/api.md §7.5)."""

from __future__ import annotations

from typing import Any, Callable

from ..metadata.field_types import FieldType
from ..metadata.model import FieldMetadata
from .values import composite_default

__all__ = ["default_for", "literal_value"]


def literal_value(literal: Any, *, now: Callable[[], str], new_id: Callable[[], str]) -> Any:
    if isinstance(literal, str):
        if len(literal) >= 2 and literal[0] == literal[-1] == "'":
            return literal[1:-1]
        if literal == "now":
            return now()
        if literal == "uuid":
            return new_id()
        return literal
    if isinstance(literal, list):
        return [literal_value(v, now=now, new_id=new_id) for v in literal]
    return literal


def default_for(field: FieldMetadata, *, now: Callable[[], str], new_id: Callable[[], str]) -> Any:
    """The value a record holds for a field it was not given."""
    if field.type.is_composite:
        value = composite_default(field.type)
        if isinstance(field.default_value, dict):
            for key, literal in field.default_value.items():
                if key in value:
                    value[key] = literal_value(literal, now=now, new_id=new_id)
        return value
    if field.default_value is not None:
        return literal_value(field.default_value, now=now, new_id=new_id)
    if field.type is FieldType.TEXT:
        return ""
    return None

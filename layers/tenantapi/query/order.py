"""Ordering: `[{"field": "DescNullsLast"}, {"name": {"lastName": "AscNullsFirst"}}]` compiled to
terms, with `id` always the last tie-breaker (docs/api.md §3.3), and sort keys for records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import BadRequest
from ..metadata.field_types import COMPOSITE_SUBFIELDS, FieldType
from ..metadata.model import FieldMetadata
from ..records.shape import ObjectShape, path_value

__all__ = ["OrderTerm", "compile_order", "DIRECTIONS", "sort_key", "key_of_values", "term_value"]

DIRECTIONS = ("AscNullsFirst", "AscNullsLast", "DescNullsFirst", "DescNullsLast")
_UNORDERABLE = (FieldType.RAW_JSON, FieldType.MULTI_SELECT, FieldType.ARRAY)


@dataclass(frozen=True)
class OrderTerm:
    path: str
    field: FieldMetadata
    subfield: str | None
    value_type: FieldType
    ascending: bool
    nulls_first: bool

    @property
    def direction(self) -> str:
        return ("Asc" if self.ascending else "Desc") + ("NullsFirst" if self.nulls_first else "NullsLast")


def _term(shape: ObjectShape, name: str, spec: Any) -> OrderTerm:
    field = shape.filterable.get(name)
    if field is None:
        raise BadRequest(f"'order_by' invalid: object '{shape.object.name_singular}' has no field '{name}'. eg: ?order_by=createdAt[DescNullsLast]")
    subfield = None
    value_type = FieldType.UUID if field.join_column or name == "id" else field.type
    if field.type.is_composite and not field.join_column:
        if not isinstance(spec, dict) or len(spec) != 1:
            first = next(iter(COMPOSITE_SUBFIELDS[field.type]))
            raise BadRequest(f"'order_by' invalid: '{name}' is a composite field, order by one of its sub-fields, eg: ?order_by={name}.{first}")
        subfield, spec = next(iter(spec.items()))
        value_type = COMPOSITE_SUBFIELDS[field.type].get(subfield)  # type: ignore[assignment]
        if value_type is None:
            raise BadRequest(f"'order_by' invalid: '{name}' has no sub-field '{subfield}'")
    if value_type in _UNORDERABLE:
        raise BadRequest(f"'order_by' invalid: '{name}' ({value_type.value}) cannot be ordered")
    if spec not in DIRECTIONS:
        raise BadRequest(
            f"'order_by' direction '{spec}' invalid. Allowed values are 'AscNullsFirst', 'AscNullsLast', 'DescNullsFirst', 'DescNullsLast'. eg: ?order_by=field_1[AscNullsFirst],field_2[DescNullsLast],field_3"
        )
    path = f"{name}.{subfield}" if subfield else name
    return OrderTerm(path, field, subfield, value_type, spec.startswith("Asc"), spec.endswith("NullsFirst"))


def compile_order(shape: ObjectShape, raw: list[dict[str, Any]] | None) -> tuple[OrderTerm, ...]:
    """Terms in order, ending with the `id` tie-breaker unless the client ordered by id already.

    The tie-breaker takes the direction of the last term, which is what a descending index scan
    gives (value desc, then id desc), so every plan returns the same order."""
    terms: list[OrderTerm] = []
    for item in raw or ():
        if not isinstance(item, dict) or len(item) != 1:
            raise BadRequest("'order_by' invalid: each entry orders by one field, eg: ?order_by=name[AscNullsFirst]")
        name, spec = next(iter(item.items()))
        terms.append(_term(shape, name, spec))
    if not any(t.field.name == "id" for t in terms):
        terms.append(_term(shape, "id", "AscNullsFirst" if not terms or terms[-1].ascending else "DescNullsLast"))
    return tuple(terms)


def term_value(term: OrderTerm, record: dict[str, Any]) -> Any:
    return path_value(term.field, term.subfield, record)


class _Reversed:
    """Inverts the order of a value for descending terms in one tuple key."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: "_Reversed") -> bool:
        return other.value < self.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and other.value == self.value


def key_of_values(terms: tuple[OrderTerm, ...], values: list[Any]) -> tuple[Any, ...]:
    """A tuple that sorts like the order asks, from the terms' values of one record."""
    key: list[Any] = []
    for term, value in zip(terms, values):
        is_null = value is None
        # Nulls placement is independent of the direction: 0 sorts first.
        key.append(0 if is_null == term.nulls_first else 1)
        key.append(0 if is_null else value if term.ascending else _Reversed(value))
    return tuple(key)


def sort_key(terms: tuple[OrderTerm, ...], record: dict[str, Any]) -> tuple[Any, ...]:
    return key_of_values(terms, [term_value(t, record) for t in terms])




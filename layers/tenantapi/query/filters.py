"""The filter tree of one object: compiled from Twenty's `XFilterInput` shape, evaluated on records.

REST's `filter=` parser and GraphQL's filter argument both produce the same nested dicts
(`{"and": [...]}`, `{"name": {"firstName": {"ilike": "%jo%"}}}`); `compile_filter` checks every
path and comparator against the object's fields, coerces values by field type (REST gives
strings), and returns a small immutable tree that the planner reads and `matches` evaluates.
Evaluation is SQL's three-valued logic, as Twenty's Postgres answers: a comparison with null is
unknown, and only records for which the whole filter is true are returned.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Union

from ..errors import BadRequest
from ..metadata.field_types import COMPOSITE_SUBFIELDS, FieldType
from ..metadata.model import FieldMetadata
from ..records.shape import ObjectShape, path_value
from ..records.values import normalise_uuid, parse_datetime
from .like import check_pattern_length, like_pattern

__all__ = ["Predicate", "And", "Or", "Not", "FilterNode", "compile_filter", "matches", "mentions_field", "EXAMPLE"]

EXAMPLE = "eg: price[gte]:10"

_TEXT_OPS = frozenset({"eq", "neq", "in", "is", "gt", "gte", "lt", "lte", "startsWith", "endsWith", "like", "ilike"})
_ORDERED_OPS = frozenset({"eq", "neq", "in", "is", "gt", "gte", "lt", "lte"})
_OPS_BY_TYPE: dict[FieldType, frozenset[str]] = {
    FieldType.TEXT: _TEXT_OPS,
    FieldType.NUMBER: _ORDERED_OPS,
    FieldType.NUMERIC: _ORDERED_OPS,
    FieldType.POSITION: _ORDERED_OPS,
    FieldType.DATE: _ORDERED_OPS,
    FieldType.DATE_TIME: _ORDERED_OPS,
    FieldType.BOOLEAN: frozenset({"eq", "neq", "is"}),
    FieldType.UUID: frozenset({"eq", "neq", "in", "is"}),
    FieldType.SELECT: frozenset({"eq", "neq", "in", "is"}),
    FieldType.RATING: frozenset({"eq", "neq", "in", "is", "gt", "gte", "lt", "lte"}),
    FieldType.MULTI_SELECT: frozenset({"containsAny", "is", "isEmptyArray"}),
    FieldType.ARRAY: frozenset({"containsAny", "is", "isEmptyArray"}),
    FieldType.RAW_JSON: frozenset({"is", "like", "ilike"}),
}
_LIST_OPS = frozenset({"in", "containsAny"})
_MAX_DEPTH = 20


@dataclass(frozen=True)
class Predicate:
    path: str  # as the client wrote it: "companyId", "name.firstName"
    field: FieldMetadata
    subfield: str | None
    value_type: FieldType  # the type compared: the sub-field's, or UUID for a join column
    op: str
    value: Any  # coerced; a frozenset for in/containsAny; "NULL"/"NOT_NULL" for is; bool for isEmptyArray


@dataclass(frozen=True)
class And:
    children: tuple["FilterNode", ...]


@dataclass(frozen=True)
class Or:
    children: tuple["FilterNode", ...]


@dataclass(frozen=True)
class Not:
    child: "FilterNode"


FilterNode = Union[Predicate, And, Or, Not]


# -- compiling ---------------------------------------------------------------------------------


def compile_filter(shape: ObjectShape, raw: Any, *, strings: bool) -> FilterNode | None:
    """Check and coerce a filter input. `strings` is True for REST, whose values are text."""
    if raw is None or raw == {}:
        return None
    return _node(shape, raw, strings, 0)


def _node(shape: ObjectShape, raw: Any, strings: bool, depth: int) -> FilterNode:
    if depth > _MAX_DEPTH:
        raise BadRequest(f"'filter' invalid: nested deeper than {_MAX_DEPTH} levels")
    if not isinstance(raw, dict) or not raw:
        raise BadRequest(f"'filter' invalid: a condition must be an object, {EXAMPLE}")
    children: list[FilterNode] = []
    for key, value in raw.items():
        if key in ("and", "or"):
            if not isinstance(value, list) or not value:
                raise BadRequest(f"'filter' invalid: '{key}' takes a non-empty list of conditions")
            nodes = tuple(_node(shape, item, strings, depth + 1) for item in value)
            children.append(And(nodes) if key == "and" else Or(nodes))
        elif key == "not":
            children.append(Not(_node(shape, value, strings, depth + 1)))
        else:
            children.extend(_field_conditions(shape, key, value, strings))
    return children[0] if len(children) == 1 else And(tuple(children))


def _field_conditions(shape: ObjectShape, name: str, spec: Any, strings: bool) -> list[Predicate]:
    obj = shape.object
    field = shape.filterable.get(name)
    if field is None:
        raise BadRequest(f"'filter' invalid: object '{obj.name_singular}' has no field '{name}'. {EXAMPLE}")
    if not isinstance(spec, dict) or not spec:
        raise BadRequest(f"'filter' invalid for '{name}': expected comparators, eg: {name}[eq]:value")
    if field.type.is_composite and not field.join_column:
        predicates: list[Predicate] = []
        for subfield, sub_spec in spec.items():
            sub_type = COMPOSITE_SUBFIELDS[field.type].get(subfield)
            if sub_type is None:
                allowed = ", ".join(COMPOSITE_SUBFIELDS[field.type])
                raise BadRequest(f"'filter' invalid: '{name}' has no sub-field '{subfield}' (sub-fields: {allowed})")
            if not isinstance(sub_spec, dict) or not sub_spec:
                raise BadRequest(f"'filter' invalid for '{name}.{subfield}': expected comparators, eg: {name}.{subfield}[eq]:value")
            for op, value in sub_spec.items():
                predicates.append(_predicate(f"{name}.{subfield}", field, subfield, sub_type, op, value, strings))
        return predicates
    value_type = FieldType.UUID if field.join_column or name == "id" else field.type
    return [_predicate(name, field, None, value_type, op, value, strings) for op, value in spec.items()]


def _predicate(path: str, field: FieldMetadata, subfield: str | None, value_type: FieldType, op: str, value: Any, strings: bool) -> Predicate:
    allowed = _OPS_BY_TYPE.get(value_type, frozenset({"is"}))
    if op not in allowed:
        raise BadRequest(f"'filter' invalid for '{path}': comparator '{op}' does not apply to {value_type.value} (use one of {', '.join(sorted(allowed))})")
    if op == "is":
        if value not in ("NULL", "NOT_NULL"):
            raise BadRequest(f"'filter' invalid for '{path}': 'is' takes NULL or NOT_NULL, got '{value}'")
        return Predicate(path, field, subfield, value_type, op, value)
    if op == "isEmptyArray":
        if isinstance(value, str):
            value = {"true": True, "false": False}.get(value.lower(), value)
        if not isinstance(value, bool):
            raise BadRequest(f"'filter' invalid for '{path}': 'isEmptyArray' takes true or false")
        return Predicate(path, field, subfield, value_type, op, value)
    if op in _LIST_OPS:
        if not isinstance(value, (list, tuple)):
            raise BadRequest(
                f"'filter' invalid for '{op}' operator. Received '{value}' but array value expected eg: 'field[{op}]:[value_1,value_2]'"
            )
        element_type = FieldType.SELECT if value_type in (FieldType.MULTI_SELECT,) else value_type
        element_type = FieldType.TEXT if value_type is FieldType.ARRAY else element_type
        # A set: `in` is checked once per candidate record, over lists as long as a page of parents.
        coerced = frozenset(_coerce(path, field, element_type, v, strings) for v in value)
        return Predicate(path, field, subfield, value_type, op, coerced)
    return Predicate(path, field, subfield, value_type, op, _coerce(path, field, value_type, value, strings, op))


def _coerce(path: str, field: FieldMetadata, value_type: FieldType, value: Any, strings: bool, op: str = "eq") -> Any:
    def bad(expected: str) -> BadRequest:
        return BadRequest(f"'filter' invalid for '{path}': '{value}' is not {expected}")

    if op in ("like", "ilike", "startsWith", "endsWith"):
        if not isinstance(value, str):
            raise bad("a string")
        if op in ("like", "ilike"):
            try:
                check_pattern_length(value)
            except BadRequest as error:
                raise BadRequest(f"'filter' invalid for '{path}': {error.message}") from None
        return value
    if value_type in (FieldType.NUMBER, FieldType.NUMERIC, FieldType.POSITION):
        if strings and isinstance(value, str):
            try:
                number = float(value)
            except ValueError:
                raise bad("a number") from None
            value_as_number: int | float = (
                int(number) if number.is_integer() and "." not in value and "e" not in value.lower() else number
            )
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad("a number")
        else:
            value_as_number = value
        # inf, nan and numbers past float64 ("1e999") match nothing stored and have no index key.
        try:
            finite = math.isfinite(float(value_as_number))
        except OverflowError:
            finite = False
        if not finite:
            raise bad("a finite number")
        return value_as_number
    if value_type is FieldType.BOOLEAN:
        if strings and isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if not isinstance(value, bool):
            raise bad("a boolean (true or false)")
        return value
    if not isinstance(value, str):
        raise bad("a string")
    if value_type is FieldType.UUID:
        try:
            return normalise_uuid(value, path)
        except BadRequest:
            raise bad("a UUID") from None
    if value_type is FieldType.DATE_TIME:
        try:
            return parse_datetime(value if "T" in value or " " in value else value + "T00:00:00Z", path)
        except BadRequest:
            raise bad("an ISO 8601 date or date-time") from None
    if value_type is FieldType.DATE:
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", value):
            raise bad("a date YYYY-MM-DD")
        return value
    if value_type is FieldType.SELECT and field.options is not None and path.count(".") == 0:
        if value not in field.option_values:
            raise BadRequest(f"'filter' invalid for '{path}': '{value}' is not an option (allowed: {', '.join(sorted(field.option_values))})")
    return value


# -- reading the tree --------------------------------------------------------------------------


def mentions_field(node: FilterNode | None, name: str) -> bool:
    if node is None:
        return False
    if isinstance(node, Predicate):
        return node.field.name == name
    if isinstance(node, Not):
        return mentions_field(node.child, name)
    return any(mentions_field(child, name) for child in node.children)


# -- evaluating --------------------------------------------------------------------------------


def _compare(predicate: Predicate, value: Any) -> bool | None:
    op, operand = predicate.op, predicate.value
    if op == "is":
        return (value is None) == (operand == "NULL")
    if op == "isEmptyArray":
        if value is None:
            return None
        return (len(value) == 0) == operand
    if value is None:
        return None
    if op == "containsAny":
        return any(v in operand for v in value) if isinstance(value, list) else None
    if op == "eq":
        return value == operand
    if op == "neq":
        return value != operand
    if op == "in":
        return value in operand
    if op in ("like", "ilike"):
        text = value if isinstance(value, str) else str(value)
        return like_pattern(operand, op == "ilike").matches(text)
    if op == "startsWith":
        return isinstance(value, str) and value.startswith(operand)
    if op == "endsWith":
        return isinstance(value, str) and value.endswith(operand)
    try:
        if op == "gt":
            return value > operand
        if op == "gte":
            return value >= operand
        if op == "lt":
            return value < operand
        if op == "lte":
            return value <= operand
    except TypeError:
        return None
    raise AssertionError(op)  # pragma: no cover - compile_filter admits only the ops above


def _truth(node: FilterNode, record: dict[str, Any]) -> bool | None:
    if isinstance(node, Predicate):
        return _compare(node, path_value(node.field, node.subfield, record))
    if isinstance(node, Not):
        inner = _truth(node.child, record)
        return None if inner is None else not inner
    results = [_truth(child, record) for child in node.children]
    if isinstance(node, And):
        return False if False in results else (None if None in results else True)
    return True if True in results else (None if None in results else False)


def matches(node: FilterNode | None, record: dict[str, Any]) -> bool:
    """True when the stored record satisfies the filter (unknown counts as not satisfied)."""
    return node is None or _truth(node, record) is True

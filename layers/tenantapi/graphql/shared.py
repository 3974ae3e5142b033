"""Types every workspace's schema shares: the enums `FilterIs` and `OrderByDirection`, `PageInfo`,
the primitive filters (`StringFilter`, `IntFilter`, ...) and the composite types with their
inputs (`FullName`, `FullNameCreateInput`, `FullNameUpdateInput`, `FullNameFilterInput`,
`FullNameOrderByInput`, ...).

They hold nothing of a workspace, so they are built once per process and the same objects go
into every schema: a type name maps to one object in a schema, and graphql-core types are not
changed by the schemas that hold them. Names and operator sets follow Twenty (docs/api.md §6.4 and
§6.6); operators the engine does not evaluate (`regex`, `containsIlike`, ...) are left out, so
the schema never offers what would only fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLFloat,
    GraphQLID,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
)

from ..metadata.field_types import ACTOR_SOURCES, COMPOSITE_SUBFIELDS, FieldType
from ..query.order import DIRECTIONS
from .scalars import BIG_FLOAT, CURSOR, DATE, DATE_TIME, RAW_JSON, UUID

__all__ = [
    "LenientEnum",
    "FILTER_IS",
    "ORDER_BY_DIRECTION",
    "PAGE_INFO",
    "STRING_FILTER",
    "INT_FILTER",
    "FLOAT_FILTER",
    "BIG_FLOAT_FILTER",
    "BOOLEAN_FILTER",
    "UUID_FILTER",
    "ID_FILTER",
    "DATE_FILTER",
    "DATE_TIME_FILTER",
    "RAW_JSON_FILTER",
    "ARRAY_FILTER",
    "CompositeTypes",
    "COMPOSITES",
    "enum_filter",
    "SHARED_TYPE_NAMES",
    "ALWAYS_INCLUDED",
    "enum_of",
    "ACTOR_SOURCE",
]


class LenientEnum(GraphQLEnumType):
    """An enum whose values are their own names. A stored value that is no longer an option (an
    option renamed after records were written) reads as null instead of failing the field."""

    def serialize(self, output_value: Any) -> str | None:
        return output_value if output_value in self.values else None


def enum_of(name: str, values: list[str] | tuple[str, ...], description: str | None = None) -> LenientEnum:
    return LenientEnum(name, {v: GraphQLEnumValue(v) for v in values}, description=description)


FILTER_IS = enum_of("FilterIs", ("NULL", "NOT_NULL"), "This enum to filter by nullability")
ORDER_BY_DIRECTION = enum_of("OrderByDirection", DIRECTIONS, "This enum is used to specify the order of results")

PAGE_INFO = GraphQLObjectType(
    "PageInfo",
    {
        "startCursor": GraphQLField(CURSOR),
        "endCursor": GraphQLField(CURSOR),
        "hasNextPage": GraphQLField(GraphQLNonNull(GraphQLBoolean)),
        "hasPreviousPage": GraphQLField(GraphQLNonNull(GraphQLBoolean)),
    },
)

_ORDERED_OPS = ("eq", "neq", "in", "gt", "gte", "lt", "lte", "is")


def _filter(name: str, value: GraphQLInputType, ops: tuple[str, ...], description: str | None = None) -> GraphQLInputObjectType:
    fields: dict[str, GraphQLInputField] = {}
    for op in ops:
        if op == "is":
            fields[op] = GraphQLInputField(FILTER_IS)
        elif op in ("in", "containsAny"):
            fields[op] = GraphQLInputField(GraphQLList(GraphQLNonNull(value)))
        elif op == "isEmptyArray":
            fields[op] = GraphQLInputField(GraphQLBoolean)
        elif op in ("like", "ilike", "startsWith", "endsWith"):
            fields[op] = GraphQLInputField(GraphQLString)
        else:
            fields[op] = GraphQLInputField(value)
    return GraphQLInputObjectType(name, fields, description=description)


STRING_FILTER = _filter("StringFilter", GraphQLString, (*_ORDERED_OPS, "startsWith", "endsWith", "like", "ilike"))
INT_FILTER = _filter("IntFilter", GraphQLInt, _ORDERED_OPS)
FLOAT_FILTER = _filter("FloatFilter", GraphQLFloat, _ORDERED_OPS)
BIG_FLOAT_FILTER = _filter("BigFloatFilter", BIG_FLOAT, _ORDERED_OPS)
BOOLEAN_FILTER = _filter("BooleanFilter", GraphQLBoolean, ("eq", "is"))
UUID_FILTER = _filter("UUIDFilter", UUID, ("eq", "neq", "in", "is"))
ID_FILTER = _filter("IDFilter", GraphQLID, ("eq", "neq", "in", "is"))
DATE_FILTER = _filter("DateFilter", DATE, _ORDERED_OPS)
DATE_TIME_FILTER = _filter("DateTimeFilter", DATE_TIME, _ORDERED_OPS)
# The engine matches RAW_JSON with like/ilike on its text and `is`; ARRAY with containsAny.
RAW_JSON_FILTER = _filter("RawJsonFilter", GraphQLString, ("is", "like", "ilike"))
ARRAY_FILTER = _filter("ArrayFilter", GraphQLString, ("containsAny", "is", "isEmptyArray"))

_ENUM_FILTER_OPS = {
    FieldType.SELECT: ("eq", "neq", "in", "is"),
    FieldType.RATING: ("eq", "neq", "in", "gt", "gte", "lt", "lte", "is"),
    FieldType.MULTI_SELECT: ("containsAny", "is", "isEmptyArray"),
}


def enum_filter(enum: GraphQLEnumType, kind: FieldType) -> GraphQLInputObjectType:
    """`<Enum>Filter` of a SELECT, RATING or MULTI_SELECT field (Twenty's createGqlEnumFilterType)."""
    return _filter(f"{enum.name}Filter", enum, _ENUM_FILTER_OPS[kind])


# -- composites --------------------------------------------------------------------------------

# Twenty's pascalCase of the composite type; RICH_TEXT here is Twenty's RICH_TEXT_V2
# ({blocknote, markdown}), so clients generated against Twenty find the same type name.
_COMPOSITE_NAMES = {
    FieldType.FULL_NAME: "FullName",
    FieldType.EMAILS: "Emails",
    FieldType.PHONES: "Phones",
    FieldType.LINKS: "Links",
    FieldType.CURRENCY: "Currency",
    FieldType.ADDRESS: "Address",
    FieldType.ACTOR: "Actor",
    FieldType.RICH_TEXT: "RichTextV2",
}
# Sub-fields Twenty hides from inputs and ordering: the server sets them (values.py skips them).
_HIDDEN_FROM_INPUT = {(FieldType.ACTOR, "workspaceMemberId"), (FieldType.ACTOR, "name")}

ACTOR_SOURCE = enum_of("ActorSourceEnum", ACTOR_SOURCES)
_ACTOR_SOURCE_FILTER = enum_filter(ACTOR_SOURCE, FieldType.SELECT)

_SUB_OUTPUT: dict[FieldType, GraphQLOutputType] = {
    FieldType.TEXT: GraphQLString,
    FieldType.NUMERIC: BIG_FLOAT,
    FieldType.NUMBER: GraphQLFloat,
    FieldType.UUID: UUID,
    FieldType.RAW_JSON: RAW_JSON,
    FieldType.SELECT: ACTOR_SOURCE,  # the one SELECT sub-field: ACTOR.source
}
_SUB_FILTER: dict[FieldType, GraphQLInputObjectType] = {
    FieldType.TEXT: STRING_FILTER,
    FieldType.NUMERIC: BIG_FLOAT_FILTER,
    FieldType.NUMBER: FLOAT_FILTER,
    FieldType.UUID: UUID_FILTER,
    FieldType.RAW_JSON: RAW_JSON_FILTER,
    FieldType.SELECT: _ACTOR_SOURCE_FILTER,
}
_UNORDERABLE = (FieldType.RAW_JSON,)


@dataclass(frozen=True)
class CompositeTypes:
    """The output type of one composite field type and its four inputs."""

    output: GraphQLObjectType
    create: GraphQLInputObjectType
    update: GraphQLInputObjectType
    filter: GraphQLInputObjectType
    order_by: GraphQLInputObjectType


def _composite(field_type: FieldType) -> CompositeTypes:
    name = _COMPOSITE_NAMES[field_type]
    subfields = COMPOSITE_SUBFIELDS[field_type]
    inputs = {
        sub: GraphQLInputField(_SUB_OUTPUT[t])  # type: ignore[arg-type]  # every sub type is also an input type
        for sub, t in subfields.items()
        if (field_type, sub) not in _HIDDEN_FROM_INPUT
    }
    return CompositeTypes(
        output=GraphQLObjectType(name, {sub: GraphQLField(_SUB_OUTPUT[t]) for sub, t in subfields.items()}),
        create=GraphQLInputObjectType(f"{name}CreateInput", inputs),
        update=GraphQLInputObjectType(f"{name}UpdateInput", dict(inputs)),
        filter=GraphQLInputObjectType(
            f"{name}FilterInput", {sub: GraphQLInputField(_SUB_FILTER[t]) for sub, t in subfields.items()}
        ),
        order_by=GraphQLInputObjectType(
            f"{name}OrderByInput",
            {
                sub: GraphQLInputField(ORDER_BY_DIRECTION)
                for sub, t in subfields.items()
                if t not in _UNORDERABLE and (field_type, sub) not in _HIDDEN_FROM_INPUT
            },
        ),
    )


COMPOSITES: dict[FieldType, CompositeTypes] = {t: _composite(t) for t in COMPOSITE_SUBFIELDS}


def _names() -> frozenset[str]:
    named: list[Any] = [
        FILTER_IS, ORDER_BY_DIRECTION, PAGE_INFO, STRING_FILTER, INT_FILTER, FLOAT_FILTER, BIG_FLOAT_FILTER,
        BOOLEAN_FILTER, UUID_FILTER, ID_FILTER, DATE_FILTER, DATE_TIME_FILTER, RAW_JSON_FILTER, ARRAY_FILTER,
        ACTOR_SOURCE, _ACTOR_SOURCE_FILTER,
    ]
    for types in COMPOSITES.values():
        named += [types.output, types.create, types.update, types.filter, types.order_by]
    builtin = {"Query", "Mutation", "Subscription", "String", "Int", "Float", "Boolean", "ID"}
    scalars: set[str] = {t.name for t in (UUID, DATE_TIME, DATE, RAW_JSON, BIG_FLOAT, CURSOR)} | {"JSON", "Position"}
    return frozenset({t.name for t in named} | builtin | scalars)


# In every schema, used or not: the contract's scalars, enums and primitive filters are part of
# the API a client may write against (a filter type appears before the first field that uses it).
ALWAYS_INCLUDED: tuple[Any, ...] = (
    FILTER_IS, ORDER_BY_DIRECTION, PAGE_INFO, STRING_FILTER, INT_FILTER, FLOAT_FILTER, BIG_FLOAT_FILTER,
    BOOLEAN_FILTER, UUID_FILTER, ID_FILTER, DATE_FILTER, DATE_TIME_FILTER, RAW_JSON_FILTER, ARRAY_FILTER,
)

# Names a workspace's own types may not take (schema.py leaves out an object that would).
SHARED_TYPE_NAMES: frozenset[str] = _names()

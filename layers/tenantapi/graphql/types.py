"""The types of one object of a workspace: `Person`, `PersonEdge`, `PersonConnection`,
`PersonFilterInput`, `PersonOrderByInput`, `PersonCreateInput`, `PersonUpdateInput`, and the
enums of its SELECT, MULTI_SELECT and RATING fields (`OpportunityStageEnum`, with its filter
`OpportunityStageEnumFilter`).

Field types follow Twenty's type mapper (docs/api.md §6): `id: UUID!`, a join column `companyId: ID`
(filtered with `IDFilter`), TEXT String, NUMBER Int/Float per `settings.dataType` (bigint as
BigFloat), NUMERIC BigFloat, DATE Date, DATE_TIME DateTime, composites as the shared composite
types. Only active fields appear (the object's shape lists them). Outputs are nullable except
`id`; inputs are all optional, and the engine says which value is missing or wrong, naming the
field. Relation fields (`company`, `people(...)`) are added by relations.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
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

from ..metadata.field_types import RATING_VALUES, FieldType
from ..metadata.model import FieldMetadata, ObjectMetadata, WorkspaceSchema, capitalize
from ..records.shape import ObjectShape, shape_of
from ..records.values import SERVER_SET_FIELDS
from .scalars import BIG_FLOAT, CURSOR, DATE, DATE_TIME, POSITION, RAW_JSON, UUID
from .shared import (
    ARRAY_FILTER,
    BIG_FLOAT_FILTER,
    BOOLEAN_FILTER,
    COMPOSITES,
    DATE_FILTER,
    DATE_TIME_FILTER,
    FLOAT_FILTER,
    ID_FILTER,
    INT_FILTER,
    ORDER_BY_DIRECTION,
    PAGE_INFO,
    RAW_JSON_FILTER,
    STRING_FILTER,
    UUID_FILTER,
    enum_filter,
    enum_of,
)

if TYPE_CHECKING:
    from graphql import GraphQLFieldMap

__all__ = ["ObjectTypes", "type_names", "enum_values", "ENUM_TYPES"]

ENUM_TYPES = (FieldType.SELECT, FieldType.MULTI_SELECT, FieldType.RATING)
_GRAPHQL_NAME_START = "_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def enum_values(field: FieldMetadata) -> list[str]:
    """The values of a field's enum; empty when the options cannot all be GraphQL enum values
    (the field is then shown as String, rather than failing the whole schema)."""
    values = [str(o.get("value")) for o in field.options or ()]
    if field.type is FieldType.RATING and not values:
        values = list(RATING_VALUES)
    valid = all(v and v[0] in _GRAPHQL_NAME_START and v.replace("_", "a").isalnum() and v.isascii() for v in values)
    if not values or not valid or any(v in ("true", "false", "null") for v in values):
        return []
    return values


def _enum_name(obj: ObjectMetadata, field: FieldMetadata) -> str:
    return f"{obj.singular_cap}{capitalize(field.name)}Enum"


def type_names(schema: WorkspaceSchema, obj: ObjectMetadata) -> set[str]:
    """Every type name the object brings to a schema (schema.py checks them for clashes)."""
    cap = obj.singular_cap
    names = {cap, f"{cap}Edge", f"{cap}Connection", f"{cap}FilterInput", f"{cap}OrderByInput", f"{cap}CreateInput", f"{cap}UpdateInput"}
    for f in schema.fields_of(obj.id, active_only=True):
        if f.type in ENUM_TYPES and enum_values(f):
            names |= {_enum_name(obj, f), f"{_enum_name(obj, f)}Filter"}
    return names


class _FieldTypes:
    """The output, filter, order and input types of one stored field (None: not offered)."""

    __slots__ = ("output", "filter", "order_by", "create", "update")

    def __init__(
        self,
        output: GraphQLOutputType,
        filter: GraphQLInputType | None,
        order_by: GraphQLInputType | None,
        create: GraphQLInputType | None,
        update: GraphQLInputType | None = None,
    ) -> None:
        self.output = output
        self.filter = filter
        self.order_by = order_by
        self.create = create
        self.update = create if update is None else update


_SIMPLE: dict[FieldType, tuple[GraphQLOutputType, GraphQLInputType, bool]] = {
    # type: (scalar, filter, orderable)
    FieldType.TEXT: (GraphQLString, STRING_FILTER, True),
    FieldType.NUMERIC: (BIG_FLOAT, BIG_FLOAT_FILTER, True),
    FieldType.BOOLEAN: (GraphQLBoolean, BOOLEAN_FILTER, True),
    FieldType.DATE: (DATE, DATE_FILTER, True),
    FieldType.DATE_TIME: (DATE_TIME, DATE_TIME_FILTER, True),
    FieldType.UUID: (UUID, UUID_FILTER, True),
    FieldType.POSITION: (POSITION, FLOAT_FILTER, True),
    FieldType.RAW_JSON: (RAW_JSON, RAW_JSON_FILTER, False),
}
_NUMBERS = {"int": (GraphQLInt, INT_FILTER), "bigint": (BIG_FLOAT, BIG_FLOAT_FILTER)}


def _field_types(obj: ObjectMetadata, field: FieldMetadata) -> _FieldTypes:
    if field.name == "id":
        return _FieldTypes(GraphQLNonNull(UUID), UUID_FILTER, ORDER_BY_DIRECTION, UUID)
    if field.join_column:
        return _FieldTypes(GraphQLID, ID_FILTER, ORDER_BY_DIRECTION, GraphQLID)
    ftype = field.type
    if ftype.is_composite:
        composite = COMPOSITES[ftype]
        return _FieldTypes(composite.output, composite.filter, composite.order_by, composite.create, composite.update)
    if ftype in _SIMPLE:
        scalar, filter_type, orderable = _SIMPLE[ftype]
        return _FieldTypes(scalar, filter_type, ORDER_BY_DIRECTION if orderable else None, scalar)  # type: ignore[arg-type]
    if ftype is FieldType.NUMBER:
        scalar, filter_type = _NUMBERS.get((field.settings or {}).get("dataType"), (GraphQLFloat, FLOAT_FILTER))
        return _FieldTypes(scalar, filter_type, ORDER_BY_DIRECTION, scalar)
    if ftype is FieldType.ARRAY:
        return _FieldTypes(GraphQLList(GraphQLString), ARRAY_FILTER, None, GraphQLList(GraphQLString))
    if ftype in ENUM_TYPES:
        values = enum_values(field)
        if not values:
            return _FieldTypes(GraphQLString, None, ORDER_BY_DIRECTION, GraphQLString)
        enum: GraphQLEnumType = enum_of(_enum_name(obj, field), values, field.description)
        if ftype is FieldType.MULTI_SELECT:
            # Output items are nullable: a value that is no longer an option reads as null
            # (LenientEnum) instead of failing the whole list.
            return _FieldTypes(GraphQLList(enum), enum_filter(enum, ftype), None, GraphQLList(GraphQLNonNull(enum)))
        return _FieldTypes(enum, enum_filter(enum, ftype), ORDER_BY_DIRECTION, enum)
    raise AssertionError(f"no GraphQL type for {ftype}")  # pragma: no cover - every stored type is mapped


class ObjectTypes:
    """The generated types of one object. Fields are thunks: object types point at each other
    through relations, and the filter input at itself (and/or/not)."""

    def __init__(self, schema: WorkspaceSchema, obj: ObjectMetadata, relation_fields: Callable[["ObjectTypes"], "GraphQLFieldMap"]) -> None:
        self.obj = obj
        self.shape: ObjectShape = shape_of(schema, obj)
        cap = obj.singular_cap
        # (output name, field, types) for `id` and every stored field, in the object's order.
        id_field = self.shape.filterable["id"]
        self.fields: list[tuple[str, FieldMetadata, _FieldTypes]] = [("id", id_field, _field_types(obj, id_field))]
        self.fields += [(name, f, _field_types(obj, f)) for name, f in self.shape.outputs]
        self._relation_fields = relation_fields
        description = obj.description
        self.node = GraphQLObjectType(cap, self._node_fields, description=description)
        self.edge = GraphQLObjectType(
            f"{cap}Edge",
            lambda: {"node": GraphQLField(GraphQLNonNull(self.node)), "cursor": GraphQLField(GraphQLNonNull(CURSOR))},
        )
        self.connection = GraphQLObjectType(
            f"{cap}Connection",
            lambda: {
                "edges": GraphQLField(GraphQLNonNull(GraphQLList(GraphQLNonNull(self.edge)))),
                "pageInfo": GraphQLField(GraphQLNonNull(PAGE_INFO)),
                "totalCount": GraphQLField(GraphQLNonNull(GraphQLInt)),
            },
        )
        self.filter = GraphQLInputObjectType(f"{cap}FilterInput", self._filter_fields)
        self.order_by = GraphQLInputObjectType(
            f"{cap}OrderByInput",
            lambda: {name: GraphQLInputField(t.order_by) for name, _, t in self.fields if t.order_by is not None},
        )
        self.create = GraphQLInputObjectType(f"{cap}CreateInput", lambda: self._input_fields(creating=True))
        self.update = GraphQLInputObjectType(f"{cap}UpdateInput", lambda: self._input_fields(creating=False))

    def _node_fields(self) -> "GraphQLFieldMap":
        fields: dict[str, GraphQLField] = {
            name: GraphQLField(t.output, description=f.description) for name, f, t in self.fields
        }
        fields.update(self._relation_fields(self))
        return fields

    def _filter_fields(self) -> dict[str, GraphQLInputField]:
        fields = {name: GraphQLInputField(t.filter) for name, _, t in self.fields if t.filter is not None}
        fields["and"] = GraphQLInputField(GraphQLList(self.filter))
        fields["or"] = GraphQLInputField(GraphQLList(self.filter))
        fields["not"] = GraphQLInputField(self.filter)
        return fields

    def _input_fields(self, *, creating: bool) -> dict[str, GraphQLInputField]:
        writable = self.shape.writable.by_input_name
        fields: dict[str, GraphQLInputField] = {}
        for name, _, t in self.fields:
            kind = t.create if creating else t.update
            if kind is None or (name != "id" and name not in writable) or name in SERVER_SET_FIELDS:
                continue
            if name in ("id", "createdAt") and not creating:
                continue  # set once, on create (imports may give createdAt)
            fields[name] = GraphQLInputField(kind)
        return fields

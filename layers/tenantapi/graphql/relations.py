"""Relation fields of an object type (docs/api.md §6.5):

- MANY_TO_ONE `company: Company`, next to the join column `companyId: ID` the object type
  already has;
- ONE_TO_MANY `people(filter, orderBy, first, last, before, after): PersonConnection`.

A relation appears only while its target object is active (and, for ONE_TO_MANY, while the
other side's join column is), and reading it needs the caller's read permission on the target.
Loading is batched per group of records (loaders.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Mapping

from graphql import GraphQLArgument, GraphQLField, GraphQLInt, GraphQLList, GraphQLResolveInfo, GraphQLString

from ..metadata.model import FieldMetadata, ObjectMetadata, WorkspaceSchema
from .context import CoreContext
from .fast_execution import ContextResolver
from .loaders import Row, load_many_to_one, load_one_to_many

if TYPE_CHECKING:
    from .types import ObjectTypes

__all__ = ["relation_fields", "list_arguments", "relation_targets"]


def list_arguments(types: "ObjectTypes") -> dict[str, GraphQLArgument]:
    """The arguments of a list of `types` records, at the root and on ONE_TO_MANY fields alike."""
    return {
        "filter": GraphQLArgument(types.filter),
        "orderBy": GraphQLArgument(GraphQLList(types.order_by)),
        "first": GraphQLArgument(GraphQLInt),
        "last": GraphQLArgument(GraphQLInt),
        "before": GraphQLArgument(GraphQLString),
        "after": GraphQLArgument(GraphQLString),
    }


def relation_targets(schema: WorkspaceSchema, field: FieldMetadata) -> tuple[ObjectMetadata, FieldMetadata | None] | None:
    """The active object a relation field reaches, and for ONE_TO_MANY the active MANY_TO_ONE on
    that object that holds the join column; None when the relation is not shown."""
    if field.relation is None:
        return None
    target = schema.object(field.relation.target_object_id)
    if target is None or not target.is_active:
        return None
    if field.is_many_to_one:
        return target, None
    inverse = schema.field(field.relation.target_field_id)
    if inverse is None or not inverse.is_active or not inverse.join_column:
        return None
    return target, inverse


def _many_to_one(field: FieldMetadata, target: ObjectMetadata) -> ContextResolver:
    # A ContextResolver: the executor's fast path calls it without a resolve info, once per row
    # of a page (the first call loads the whole group's targets, the others read them).
    def resolve(row: Row, ctx: CoreContext) -> Row | None:
        ctx.require("read", target)
        return load_many_to_one(ctx, row, field, target)

    return ContextResolver(resolve)


def _one_to_many(field: FieldMetadata, inverse: FieldMetadata, child: ObjectMetadata) -> Callable[..., Any]:
    def resolve(row: Row, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        info.context.require("read", child)
        return load_one_to_many(info.context, row, field, inverse, child, args)

    return resolve


def relation_fields(schema: WorkspaceSchema, types: "ObjectTypes", registry: Mapping[str, "ObjectTypes"]) -> dict[str, GraphQLField]:
    """The relation fields of `types`' object whose targets are in the schema (`registry`: the
    generated types by object id)."""
    fields: dict[str, GraphQLField] = {}
    for field in schema.fields_of(types.obj.id, active_only=True):
        reached = relation_targets(schema, field)
        if reached is None or reached[0].id not in registry:
            continue
        target, inverse = reached
        target_types = registry[target.id]
        if inverse is None:
            fields[field.name] = GraphQLField(target_types.node, resolve=_many_to_one(field, target), description=field.description)
        else:
            fields[field.name] = GraphQLField(
                # Nullable: a refused read (FORBIDDEN) nulls this field only, not its record.
                target_types.connection,
                args=list_arguments(target_types),
                resolve=_one_to_many(field, inverse, target),
                description=field.description,
            )
    return fields

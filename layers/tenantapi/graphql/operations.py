"""The root fields of one object, named as Twenty names them (docs/api.md §6.1) and answered by the
record service with the REST API's rules (batches of 60, filters mandatory for bulk changes,
unique values, read-your-writes):

    person(filter: PersonFilterInput!): Person
    people(filter, orderBy, first, last, before, after): PersonConnection!
    createPerson(data: PersonCreateInput!, upsert: Boolean): Person
    createPeople(data: [PersonCreateInput!]!, upsert: Boolean): [Person!]
    updatePerson(id: UUID!, data: PersonUpdateInput!): Person
    updatePeople(data: PersonUpdateInput!, filter: PersonFilterInput!): [Person!]
    deletePerson(id: UUID!) / deletePeople(filter: PersonFilterInput!)     soft delete
    destroyPerson(id: UUID!) / destroyPeople(filter: PersonFilterInput!)   hard delete
    restorePerson(id: UUID!) / restorePeople(filter: PersonFilterInput!)

Permissions (docs/api.md §2.3): read for queries, update for create/update/upsert, soft_delete
for delete and restore, destroy for destroy. `person(filter)` with no match is null, as in
Twenty; with several matches it is the first by id. Each root field carries its kind and object
in `extensions["tenantapi"]`, which the pre-execution batch check reads (limits.py).
"""

from __future__ import annotations

from typing import Any, Callable

from graphql import GraphQLArgument, GraphQLBoolean, GraphQLField, GraphQLList, GraphQLNonNull, GraphQLResolveInfo

from ..metadata.model import ObjectMetadata
from ..records.shape import shape_of
from .connections import QueryKey, connection, order_input, page_args, reversed_order
from .context import CoreContext
from .loaders import Row, rows_of
from .relations import list_arguments
from .scalars import UUID
from .types import ObjectTypes

__all__ = ["query_fields", "mutation_fields", "root_field_names", "EXTENSION", "CREATE_MANY"]

EXTENSION = "tenantapi"
CREATE_MANY = "createMany"

Resolver = Callable[..., Any]


def root_field_names(obj: ObjectMetadata) -> list[str]:
    s, p = obj.singular_cap, obj.plural_cap
    return [obj.name_singular, obj.name_plural] + [f"{verb}{n}" for verb in ("create", "update", "delete", "destroy", "restore") for n in (s, p)]


def _find_one(obj: ObjectMetadata) -> Resolver:
    def resolve(_root: Any, info: GraphQLResolveInfo, filter: dict[str, Any]) -> Row | None:
        ctx: CoreContext = info.context
        ctx.require("read", obj)
        result = ctx.records.find_many(ctx.ws, obj, filter_input=filter or None, filter_strings=False, limit=1)
        return rows_of(result.records)[0] if result.records else None

    return resolve


def _find_many(obj: ObjectMetadata) -> Resolver:
    def resolve(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        ctx: CoreContext = info.context
        ctx.require("read", obj)
        page = page_args(args)
        filter_input, order = args.get("filter") or None, order_input(args.get("orderBy"))
        key = QueryKey(shape_of(ctx.ws.schema, obj), filter_input, order, ctx.ws.head.secret)
        if page.from_end:
            # The last records: the order turned around, read forward, and turned back.
            result = ctx.records.find_many(
                ctx.ws, obj, filter_input=filter_input, filter_strings=False, order_input=reversed_order(key.terms), limit=page.limit
            )
            records, has_next, has_previous = list(reversed(result.records)), False, result.has_next_page
        else:
            result = ctx.records.find_many(
                ctx.ws, obj, filter_input=filter_input, filter_strings=False, order_input=order, limit=page.limit,
                starting_after=page.after, ending_before=page.before,
            )
            records, has_next, has_previous = result.records, result.has_next_page, result.has_previous_page
        return connection(key, rows_of(records), result.total_count, has_next, has_previous)

    return resolve


def _create_one(obj: ObjectMetadata) -> Resolver:
    def resolve(_root: Any, info: GraphQLResolveInfo, data: dict[str, Any], upsert: bool | None = None) -> Row:
        ctx: CoreContext = info.context
        ctx.require("update", obj)
        return rows_of([ctx.records.create_one(ctx.ws, obj, data, upsert=bool(upsert))])[0]

    return resolve


def _create_many(obj: ObjectMetadata) -> Resolver:
    def resolve(_root: Any, info: GraphQLResolveInfo, data: list[dict[str, Any]], upsert: bool | None = None) -> list[Row]:
        ctx: CoreContext = info.context
        ctx.require("update", obj)
        return rows_of(ctx.records.create_many(ctx.ws, obj, data, upsert=bool(upsert)))

    return resolve


def _update_one(obj: ObjectMetadata) -> Resolver:
    def resolve(_root: Any, info: GraphQLResolveInfo, id: str, data: dict[str, Any]) -> Row:
        ctx: CoreContext = info.context
        ctx.require("update", obj)
        return rows_of([ctx.records.update_one(ctx.ws, obj, id, data)])[0]

    return resolve


def _update_many(obj: ObjectMetadata) -> Resolver:
    def resolve(_root: Any, info: GraphQLResolveInfo, filter: dict[str, Any], data: dict[str, Any]) -> list[Row]:
        ctx: CoreContext = info.context
        ctx.require("update", obj)
        return rows_of(ctx.records.update_many(ctx.ws, obj, filter, data, filter_strings=False))

    return resolve


def _delete_one(obj: ObjectMetadata, *, soft: bool) -> Resolver:
    def resolve(_root: Any, info: GraphQLResolveInfo, id: str) -> Row:
        ctx: CoreContext = info.context
        ctx.require("soft_delete" if soft else "destroy", obj)
        return rows_of([ctx.records.delete_one(ctx.ws, obj, id, soft=soft)])[0]

    return resolve


def _delete_many(obj: ObjectMetadata, *, soft: bool) -> Resolver:
    def resolve(_root: Any, info: GraphQLResolveInfo, filter: dict[str, Any]) -> list[Row]:
        ctx: CoreContext = info.context
        ctx.require("soft_delete" if soft else "destroy", obj)
        return rows_of(ctx.records.delete_many(ctx.ws, obj, filter, soft=soft, filter_strings=False))

    return resolve


def _restore_one(obj: ObjectMetadata) -> Resolver:
    def resolve(_root: Any, info: GraphQLResolveInfo, id: str) -> Row:
        ctx: CoreContext = info.context
        ctx.require("soft_delete", obj)
        return rows_of([ctx.records.restore_one(ctx.ws, obj, id)])[0]

    return resolve


def _restore_many(obj: ObjectMetadata) -> Resolver:
    def resolve(_root: Any, info: GraphQLResolveInfo, filter: dict[str, Any]) -> list[Row]:
        ctx: CoreContext = info.context
        ctx.require("soft_delete", obj)
        return rows_of(ctx.records.restore_many(ctx.ws, obj, filter, filter_strings=False))

    return resolve


def _root(type_: Any, args: dict[str, GraphQLArgument], resolve: Resolver, kind: str, obj: ObjectMetadata) -> GraphQLField:
    return GraphQLField(type_, args=args, resolve=resolve, extensions={EXTENSION: (kind, obj.id)})


def query_fields(types: ObjectTypes) -> dict[str, GraphQLField]:
    obj = types.obj
    return {
        obj.name_singular: _root(types.node, {"filter": GraphQLArgument(GraphQLNonNull(types.filter))}, _find_one(obj), "findOne", obj),
        obj.name_plural: _root(GraphQLNonNull(types.connection), list_arguments(types), _find_many(obj), "findMany", obj),
    }


def mutation_fields(types: ObjectTypes) -> dict[str, GraphQLField]:
    obj = types.obj
    s, p = obj.singular_cap, obj.plural_cap
    one, many = types.node, GraphQLList(GraphQLNonNull(types.node))
    by_id = {"id": GraphQLArgument(GraphQLNonNull(UUID))}
    by_filter = {"filter": GraphQLArgument(GraphQLNonNull(types.filter))}
    upsert = GraphQLArgument(GraphQLBoolean)
    return {
        f"create{s}": _root(one, {"data": GraphQLArgument(GraphQLNonNull(types.create)), "upsert": upsert}, _create_one(obj), "createOne", obj),
        f"create{p}": _root(
            many, {"data": GraphQLArgument(GraphQLNonNull(GraphQLList(GraphQLNonNull(types.create)))), "upsert": upsert},
            _create_many(obj), CREATE_MANY, obj,
        ),
        f"update{s}": _root(one, {**by_id, "data": GraphQLArgument(GraphQLNonNull(types.update))}, _update_one(obj), "updateOne", obj),
        f"update{p}": _root(many, {"data": GraphQLArgument(GraphQLNonNull(types.update)), **by_filter}, _update_many(obj), "updateMany", obj),
        f"delete{s}": _root(one, by_id, _delete_one(obj, soft=True), "deleteOne", obj),
        f"delete{p}": _root(many, by_filter, _delete_many(obj, soft=True), "deleteMany", obj),
        f"destroy{s}": _root(one, by_id, _delete_one(obj, soft=False), "destroyOne", obj),
        f"destroy{p}": _root(many, by_filter, _delete_many(obj, soft=False), "destroyMany", obj),
        f"restore{s}": _root(one, by_id, _restore_one(obj), "restoreOne", obj),
        f"restore{p}": _root(many, by_filter, _restore_many(obj), "restoreMany", obj),
    }

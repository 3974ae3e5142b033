"""Batched relation loading: the storage calls of a query do not grow with its records.

Every record a resolver returns is a `Row` that knows its `Group`: the records read together
(one page, one mutation's records, or the records one relation brought for a whole group). The
first time a relation field is resolved on any row of a group, it is loaded for every row of
the group at once, and the other rows find the result in the group. Execution stays synchronous
(graphql-core resolves a list's items one after the other, each reaching the same group), so
no event loop or DataLoader tick is involved and the batching does not depend on timing:

- MANY_TO_ONE (`person.company`): one BatchGetItem per target object per group
  (RecordStore.batch_get, 100 keys a request), strongly consistent; soft-deleted targets read
  as null, as REST's depth=1 shows them.
- ONE_TO_MANY (`company.people(...)`): DynamoDB has no multi-range query, so the children of
  all parents of a group are read with ONE find over the child object filtered by
  `<joinColumn> in [parent ids]` (and the field's own filter), in the field's order; they are
  then grouped by parent and each parent's page (`first`/`last`/`before`/`after`) is cut in
  memory. The engine answers that find with a bounded read of the child object (the join
  column's index takes equalities, not lists), so its cost follows the child object's size up
  to the engine's read budget (READ_BUDGET records), past which it answers a 400 that names
  the field to index. The alternative, one indexed Query per parent, costs O(page) reads but
  as many calls as parents, which is what this module exists to avoid.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from ..errors import BadRequest
from ..metadata.model import FieldMetadata, ObjectMetadata
from ..query.planner import READ_BUDGET
from ..records.shape import shape_of
from ..storage.record_store import partition_key
from .connections import QueryKey, connection, order_input, page_args, slice_page
from .context import CoreContext

__all__ = ["Row", "Group", "rows_of", "load_many_to_one", "load_one_to_many"]


class Group:
    """Records read together, and what has been loaded for all of them, by relation and arguments.

    It holds the records as read, not their rows: a row refers to its group, and a group that
    referred to its rows would make a reference cycle of every page, left for the garbage
    collector rather than freed with the response (about a thousand objects a page)."""

    __slots__ = ("records", "loaded")

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records = records
        self.loaded: dict[Any, Any] = {}


class Row(dict):  # type: ignore[type-arg]
    """A record as the API shows it (the default resolver reads its keys), plus its group."""

    __slots__ = ("group",)
    group: Group


def rows_of(records: Iterable[dict[str, Any]]) -> list[Row]:
    """The records as rows of one new group."""
    group = Group(list(records))
    rows = []
    for record in group.records:
        row = Row(record)
        row.group = group
        rows.append(row)
    return rows


def load_many_to_one(ctx: CoreContext, row: Row, field: FieldMetadata, target: ObjectMetadata) -> Row | None:
    """The record `row` points at through `field` (None when unset, missing or soft-deleted)."""
    join = field.join_column
    assert join is not None
    key = ("many_to_one", field.id)
    found: dict[str, Row] | None = row.group.loaded.get(key)
    if found is None:
        ids = {r[join] for r in row.group.records if r.get(join)}
        stored = ctx.records.store.batch_get(partition_key(ctx.ws.id, target.id), ids) if ids else {}
        shape = shape_of(ctx.ws.schema, target)
        deleted = shape.storage_key("deletedAt")
        live = [ctx.records.present(shape, s) for s in stored.values() if s.get(deleted) is None]
        found = {r["id"]: r for r in rows_of(live)}
        row.group.loaded[key] = found
    return found.get(row.get(join))  # type: ignore[arg-type]


def _arguments_key(args: dict[str, Any]) -> str:
    return json.dumps(args, sort_keys=True, default=str)


def load_one_to_many(
    ctx: CoreContext, row: Row, field: FieldMetadata, inverse: FieldMetadata, child: ObjectMetadata, args: dict[str, Any]
) -> dict[str, Any]:
    """The connection of `row`'s children through `field` (whose other side is `inverse`, the
    MANY_TO_ONE on `child` holding the join column), for the field's arguments."""
    key = ("one_to_many", field.id, _arguments_key(args))
    pages: dict[str, dict[str, Any]] | None = row.group.loaded.get(key)
    if pages is None:
        pages = _children_pages(ctx, row.group, inverse, child, args)
        row.group.loaded[key] = pages
    return pages[row["id"]]


def _children_pages(
    ctx: CoreContext, group: Group, inverse: FieldMetadata, child: ObjectMetadata, args: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    join = inverse.join_column
    assert join is not None
    page = page_args(args)
    filter_input, order = args.get("filter") or None, order_input(args.get("orderBy"))
    shape = shape_of(ctx.ws.schema, child)
    query = QueryKey(shape, filter_input, order, ctx.ws.head.secret)
    parent_ids = [r["id"] for r in group.records]
    by_parent: dict[str, list[dict[str, Any]]] = {parent_id: [] for parent_id in parent_ids}
    if parent_ids:
        # One parent: an equality, which the join column's index answers with that parent's
        # children only; several: one list, read within the child object's read budget.
        of_parents = {join: {"eq": parent_ids[0]}} if len(parent_ids) == 1 else {join: {"in": parent_ids}}
        result = ctx.records.find_many(
            ctx.ws, child, filter_input={"and": [of_parents, filter_input]} if filter_input else of_parents,
            filter_strings=False, order_input=order, limit=READ_BUDGET,
        )
        if result.has_next_page:
            raise BadRequest(
                f"More than {READ_BUDGET} {child.name_plural} belong to these records: narrow the '{inverse.name}' list with a filter"
            )
        for record in result.records:
            by_parent[record[join]].append(record)
    # The pages of every parent are cut now: the arguments are the same for all of them, and
    # the rows of all pages form one group, so the next level is loaded once for all parents.
    cut = {parent_id: slice_page(query, children, page) for parent_id, children in by_parent.items()}
    rows = iter(rows_of(r for records, _, _ in cut.values() for r in records))
    return {
        parent_id: connection(query, [next(rows) for _ in records], len(by_parent[parent_id]), has_next, has_previous)
        for parent_id, (records, has_next, has_previous) in cut.items()
    }

"""Reading a page of records by a plan (query/planner.py): streaming or bounded, then cursors.

Streaming: the source (table or index) yields the requested order, so exactly one page (plus one
record, to know if more follow) is read, and the count comes from the object's counter or a
COUNT over the key range. Bounded: every candidate is read, up to READ_BUDGET items, then
filtered, sorted, counted and cut in memory; past the budget the answer is a 400 naming what to
index.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..errors import BadRequest
from ..query.filters import And, FilterNode, Not, Or, Predicate, matches
from ..query.order import OrderTerm, key_of_values, term_value
from ..query.planner import READ_BUDGET, Plan
from ..storage.record_store import RECORD_PREFIX, RecordStore
from ..storage.sort_keys import encode_value, slot_value
from .shape import ObjectShape

__all__ = ["PageRequest", "PageResult", "RecordReader", "query_binding"]


@dataclass(frozen=True)
class PageRequest:
    limit: int
    after: list[Any] | None = None  # order-term values of the record the page starts after
    before: list[Any] | None = None  # ... or ends before (a backward page, returned in order)
    count: bool = True  # compute totalCount (embedded lists and single lookups do not need it)


@dataclass(frozen=True)
class PageResult:
    records: list[dict[str, Any]]  # stored forms, in the requested order
    total_count: int  # -1 when not asked for
    has_next_page: bool
    has_previous_page: bool


def _canonical(node: FilterNode | None) -> str:
    if node is None:
        return ""
    if isinstance(node, Predicate):
        value = sorted(node.value, key=str) if isinstance(node.value, frozenset) else node.value
        return f"{node.path}[{node.op}]={json.dumps(value, sort_keys=True, default=str)}"
    if isinstance(node, Not):
        return f"not({_canonical(node.child)})"
    name = "and" if isinstance(node, And) else "or"
    return f"{name}({','.join(_canonical(c) for c in node.children)})"


def query_binding(object_id: str, node: FilterNode | None, order: tuple[OrderTerm, ...]) -> str:
    """What a cursor is bound to: the object, the filter and the order, as compiled (so a REST
    and a GraphQL query that mean the same share cursors)."""
    return f"{object_id}|{_canonical(node)}|{','.join(f'{t.path}:{t.direction}' for t in order)}"


class RecordReader:
    def __init__(self, store: RecordStore) -> None:
        self.store = store

    def read(
        self, pk: str, shape: ObjectShape, node: FilterNode | None, order: tuple[OrderTerm, ...], plan: Plan, page: PageRequest
    ) -> PageResult:
        if plan.streaming:
            return self._stream(pk, shape, order, plan, page)
        return self._bounded(pk, shape, node, order, plan, page)

    # -- sources ------------------------------------------------------------------------------

    def _source(self, shape: ObjectShape, plan: Plan) -> dict[str, Any]:
        """The Query arguments of the plan's source (key range, index, soft-delete filter)."""
        if plan.slot is None:
            args: dict[str, Any] = {"index": None, "attribute": "sk", "begins_with": RECORD_PREFIX}
            if not plan.include_deleted:
                # deletedAt is stored as NULL while a record is live (and absent on old records).
                args["filter_expression"] = "attribute_not_exists(#deleted) OR attribute_type(#deleted, :nulltype)"
                args["names"] = {"#deleted": shape.storage_key("deletedAt")}
                args["values"] = {":nulltype": {"S": "NULL"}}
            return args
        args = {"index": plan.index_name, "attribute": f"s{plan.slot}"}
        if plan.key is None:
            args["begins_with"] = "L"  # every live record of the index, in its order
        elif plan.key.begins_with is not None:
            args["begins_with"] = plan.key.begins_with
        else:
            args["between"] = (plan.key.low, plan.key.high)
        return args

    def _start_key(self, pk: str, shape: ObjectShape, order: tuple[OrderTerm, ...], plan: Plan, values: list[Any]) -> dict[str, Any]:
        record_id = values[-1]
        key: dict[str, Any] = {"pk": {"S": pk}, "sk": {"S": RECORD_PREFIX + str(record_id)}}
        if plan.slot is not None:
            # The slot value of the cursor's record: the eq value, or the first term's value.
            if plan.key is not None and plan.key.predicate.op == "eq":
                value_type, value = plan.key.predicate.value_type, plan.key.predicate.value
            else:
                value_type, value = order[0].value_type, values[0]
            encoded = None if value is None else encode_value(value_type, value)
            key[f"s{plan.slot}"] = {"S": slot_value(encoded, str(record_id))}
        return key

    # -- streaming ----------------------------------------------------------------------------

    def _stream(self, pk: str, shape: ObjectShape, order: tuple[OrderTerm, ...], plan: Plan, page: PageRequest) -> PageResult:
        backward = page.before is not None
        cursor = page.before if backward else page.after
        forward = (not plan.descending) != backward
        source = self._source(shape, plan)
        start = self._start_key(pk, shape, order, plan, cursor) if cursor else None
        wanted = page.limit + 1
        found: list[dict[str, Any]] = []
        read = 0
        last: dict[str, Any] | None = None
        while len(found) < wanted:
            records, scanned, last = self.store.query_range(
                pk, limit=wanted - len(found), forward=forward, exclusive_start_key=start, **source
            )
            found.extend(records)
            read += scanned
            if last is None:
                break
            if read > READ_BUDGET:
                # Soft-deleted records between live ones: stop, the page is what was found.
                break
            start = last
        has_more = len(found) > page.limit
        found = found[: page.limit]
        if backward:
            found.reverse()
        if not page.count:
            total = -1
        elif cursor is None and not has_more and last is None and plan.key is not None:
            total = len(found)  # the first page holds every match: no COUNT needed
        else:
            total = self._count(pk, shape, plan)
        return PageResult(
            records=found,
            total_count=total,
            has_next_page=cursor is not None if backward else has_more,
            has_previous_page=has_more if backward else cursor is not None,
        )

    def _count(self, pk: str, shape: ObjectShape, plan: Plan) -> int:
        if plan.key is None:
            return self.store.count(pk)  # no filter: the maintained counter
        source = self._source(shape, plan)
        total, start = 0, None
        while True:
            _, counted, last = self.store.query_range(pk, exclusive_start_key=start, count_only=True, **source)
            total += counted
            if last is None:
                return total
            start = last

    # -- bounded ------------------------------------------------------------------------------

    def _by_ids(self, pk: str, shape: ObjectShape, plan: Plan) -> list[dict[str, Any]]:
        if len(plan.ids or ()) > READ_BUDGET:
            raise BadRequest(f"'filter' invalid: at most {READ_BUDGET} ids may be listed")
        found = self.store.batch_get(pk, plan.ids or ())
        deleted_key = shape.storage_key("deletedAt")
        return [r for r in found.values() if plan.include_deleted or r.get(deleted_key) is None]

    def _read_all(self, pk: str, shape: ObjectShape, order: tuple[OrderTerm, ...], plan: Plan) -> list[dict[str, Any]]:
        if plan.slot is None and not plan.include_deleted and self.store.count(pk) > READ_BUDGET:
            # The whole object would be read: its live count says at once whether it fits.
            raise BadRequest(_budget_message(shape, order, plan))
        source = self._source(shape, plan)
        candidates: list[dict[str, Any]] = []
        start, read = None, 0
        while True:
            # Never read more than the budget plus one item: that one says the budget is spent.
            records, scanned, last = self.store.query_range(
                pk, exclusive_start_key=start, limit=READ_BUDGET + 1 - read, **source
            )
            candidates.extend(records)
            read += scanned
            if read > READ_BUDGET:
                raise BadRequest(_budget_message(shape, order, plan))
            if last is None:
                return candidates
            start = last

    def _bounded(
        self, pk: str, shape: ObjectShape, node: FilterNode | None, order: tuple[OrderTerm, ...], plan: Plan, page: PageRequest
    ) -> PageResult:
        if plan.ids is not None:
            candidates = self._by_ids(pk, shape, plan)
        else:
            candidates = self._read_all(pk, shape, order, plan)
        residual = plan.residual
        matching = [r for r in candidates if matches(residual, r)]
        keyed = sorted(((key_of_values(order, [term_value(t, r) for t in order]), r) for r in matching), key=lambda kr: kr[0])
        keys = [k for k, _ in keyed]
        start_at, stop_at = 0, len(keyed)
        if page.after is not None:
            bound = key_of_values(order, page.after)
            start_at = next((i for i, k in enumerate(keys) if k > bound), len(keys))
        if page.before is not None:
            bound = key_of_values(order, page.before)
            stop_at = next((i for i, k in enumerate(keys) if not k < bound), len(keys))
            start_at = max(start_at, stop_at - page.limit)
            window = keyed[start_at:stop_at]
        else:
            window = keyed[start_at : start_at + page.limit]
            stop_at = start_at + len(window)
        return PageResult(
            records=[r for _, r in window],
            total_count=len(matching),
            has_next_page=stop_at < len(keyed),
            has_previous_page=start_at > 0,
        )


def _budget_message(shape: ObjectShape, order: tuple[OrderTerm, ...], plan: Plan) -> str:
    fields = sorted({p for p in _paths(plan.residual)} | {t.path for t in order if t.field.name != "id" and t.field.index_slot is None})
    indexed = sorted((f.join_column or f.name) for f in shape.slotted if f.is_active)
    what = f"'{', '.join(fields)}'" if fields else "this query"
    return (
        f"Too many {shape.object.name_plural} to filter or sort on {what} without an index: more than {READ_BUDGET}"
        f" records would be read. Add a condition on an indexed field ({', '.join(indexed)}) or index {what}."
    )


def _paths(node: FilterNode | None) -> list[str]:
    if node is None:
        return []
    if isinstance(node, Predicate):
        return [node.path]
    if isinstance(node, Not):
        return _paths(node.child)
    return [p for child in node.children for p in _paths(child)]



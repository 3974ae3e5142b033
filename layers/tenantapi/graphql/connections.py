"""Connections (`edges { node cursor }`, `pageInfo`, `totalCount`) and their arguments
`filter`, `orderBy`, `first`, `last`, `before`, `after`.

Cursors are the engine's (records/cursor.py): signed with the workspace secret and bound to the
object, the filter and the order as compiled, so an edge's cursor is the one the REST API gives
for the same record and query, and works with `after`/`before` of the same filter and order.

Paging: `first` (with `after`) reads forward, `last` (with `before`) backward; `last` alone gives
the end of the list. `first` and `last` together, `before` and `after` together, `first` with
`before` and `last` with `after` are refused (BAD_USER_INPUT): each would need a second read to
mean what Relay says. The page size defaults to 60 and is clamped to 200, as REST's `limit`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from ..errors import BadRequest
from ..query.filters import compile_filter
from ..query.order import OrderTerm, compile_order, key_of_values
from ..records.cursor import CursorSigner
from ..records.reader import query_binding
from ..records.service import DEFAULT_LIMIT, MAX_LIMIT
from ..records.shape import ObjectShape

__all__ = ["PageArgs", "page_args", "order_input", "reversed_order", "QueryKey", "connection", "slice_page"]

_REVERSED = {"AscNullsFirst": "DescNullsLast", "AscNullsLast": "DescNullsFirst", "DescNullsFirst": "AscNullsLast", "DescNullsLast": "AscNullsFirst"}


@dataclass(frozen=True)
class PageArgs:
    limit: int
    after: str | None
    before: str | None
    from_end: bool  # `last` without `before`: the last records of the order


def page_args(args: dict[str, Any]) -> PageArgs:
    first, last, before, after = args.get("first"), args.get("last"), args.get("before"), args.get("after")
    if first is not None and last is not None:
        raise BadRequest("Use 'first' or 'last', not both")
    if before is not None and after is not None:
        raise BadRequest("Use 'before' or 'after', not both")
    if first is not None and before is not None:
        raise BadRequest("'first' pages forward: use it with 'after', or use 'last' with 'before'")
    if last is not None and after is not None:
        raise BadRequest("'last' pages backward: use it with 'before', or use 'first' with 'after'")
    size = first if first is not None else last
    if size is not None and size < 0:
        raise BadRequest(f"'{'first' if first is not None else 'last'}' must be zero or more, got {size}")
    return PageArgs(
        limit=DEFAULT_LIMIT if size is None else min(size, MAX_LIMIT),
        after=after,
        before=before,
        from_end=last is not None and before is None,
    )


def order_input(order_by: Sequence[dict[str, Any] | None] | None) -> list[dict[str, Any]] | None:
    """`[XOrderByInput]` as the engine takes it: one field per entry. An entry naming several
    fields (or sub-fields) is split in the order the input type lists them."""
    if not order_by:
        return None
    entries: list[dict[str, Any]] = []
    for item in order_by:
        for name, direction in (item or {}).items():
            if isinstance(direction, dict):
                entries += [{name: {sub: d}} for sub, d in direction.items() if d is not None]
            elif direction is not None:
                entries.append({name: direction})
    return entries or None


def reversed_order(terms: tuple[OrderTerm, ...]) -> list[dict[str, Any]]:
    """The order read from its end: every term, the id tie-breaker included, turned around."""
    entries: list[dict[str, Any]] = []
    for term in terms:
        name = term.path.split(".", 1)[0]
        direction = _REVERSED[term.direction]
        entries.append({name: {term.subfield: direction}} if term.subfield else {name: direction})
    return entries


def _presented_value(term: OrderTerm, record: dict[str, Any]) -> Any:
    """A term's value in a record as the service presents it (keys are output names)."""
    if term.field.name == "id":
        return record.get("id")
    value = record.get(term.field.join_column or term.field.name)
    if term.subfield is not None:
        value = value.get(term.subfield) if isinstance(value, dict) else None
    return value


class QueryKey:
    """One list query's filter and order, compiled as the engine compiles them, to sign and
    read cursors."""

    def __init__(self, shape: ObjectShape, filter_input: Any, order: list[dict[str, Any]] | None, secret: str) -> None:
        self.terms = compile_order(shape, order)
        self.binding = query_binding(shape.object.id, compile_filter(shape, filter_input, strings=False), self.terms)
        self.signer = CursorSigner(secret, self.binding)

    def cursor(self, record: dict[str, Any]) -> str:
        return self.signer.encode([_presented_value(t, record) for t in self.terms])

    def sort_key(self, record: dict[str, Any]) -> tuple[Any, ...]:
        return key_of_values(self.terms, [_presented_value(t, record) for t in self.terms])

    def bound(self, cursor: str) -> tuple[Any, ...]:
        values = self.signer.decode(cursor)
        if len(values) != len(self.terms):
            raise BadRequest("Invalid cursor")
        return key_of_values(self.terms, values)


def connection(key: QueryKey, rows: Sequence[dict[str, Any]], total: int, has_next: bool, has_previous: bool) -> dict[str, Any]:
    edges = [{"node": row, "cursor": key.cursor(row)} for row in rows]
    return {
        "edges": edges,
        "pageInfo": {
            "hasNextPage": has_next,
            "hasPreviousPage": has_previous,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
        "totalCount": total,
    }


def slice_page(key: QueryKey, records: list[dict[str, Any]], page: PageArgs) -> tuple[list[dict[str, Any]], bool, bool]:
    """One page of records already in the query's order, cut in memory: (rows, hasNextPage,
    hasPreviousPage), with the same bounds the engine's bounded reads apply."""
    start, stop = 0, len(records)
    if page.after is not None:
        bound = key.bound(page.after)
        start = next((i for i, r in enumerate(records) if key.sort_key(r) > bound), len(records))
    if page.before is not None:
        bound = key.bound(page.before)
        stop = next((i for i, r in enumerate(records) if not key.sort_key(r) < bound), len(records))
    if page.before is not None or page.from_end:
        start = max(start, stop - page.limit)
    else:
        stop = min(stop, start + page.limit)
    return records[start:stop], stop < len(records), start > 0

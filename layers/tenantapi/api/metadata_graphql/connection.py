"""Lists of the metadata schema as nestjs-query connections: filter, cursor paging, edges.

Pure: takes the presented items (dicts with Twenty's camelCase keys) and the `filter` and `paging`
arguments, returns `{edges: [{node, cursor}], pageInfo, totalCount}`.

- Cursors are item ids (as in the Metadata REST API). Items keep the schema's order; `after`
  and `before` are positions in that order, so a cursor stays valid when its item no longer
  matches the filter (it must still exist).
- Paging follows the Relay algorithm: cut at `after`/`before`, then keep the `first` n, then the
  `last` n. Without `first` and `last` a page holds DEFAULT_PAGE_SIZE items (Twenty's default
  `paging: {first: 10}`); more than MAX_PAGE_SIZE are never returned.
- `hasPreviousPage`/`hasNextPage` say exactly whether matching items exist before/after the page.
- `totalCount` counts every matching item, whatever the page.
- Filters are nestjs-query's: keys AND-ed, `and`/`or` lists, comparisons `eq neq gt gte lt lte
  like notLike iLike notILike in notIn is isNot` with SQL semantics (a null value matches only
  `is: null` and `isNot` of something else).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from ...errors import BadRequest
from ...query.like import check_pattern_length, like_pattern

__all__ = ["DEFAULT_PAGE_SIZE", "MAX_PAGE_SIZE", "connection", "matches"]

Item = Mapping[str, Any]

DEFAULT_PAGE_SIZE = 10
# Twenty's metadata lists cap at 1000 items (the Metadata REST API caps `limit` the same way).
MAX_PAGE_SIZE = 1000

_INVALID_CURSOR = "Invalid cursor: {cursor}. A cursor is the id of an item of this list"
_NEGATIVE = "paging.{key} must not be negative, not {value}"


def _like_match(value: Any, pattern: Any, ignore_case: bool) -> bool:
    # The core filters' matcher: linear in pattern × value, whatever the pattern (query/like.py).
    check_pattern_length(str(pattern))
    return like_pattern(str(pattern), ignore_case).matches(str(value))


def _ordered(op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def compare(value: Any, operand: Any) -> bool:
        try:
            return bool(op(value, operand))
        except TypeError:  # values of different kinds have no order
            return False

    return compare


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda value, operand: value == operand,
    "neq": lambda value, operand: value != operand,
    "gt": _ordered(lambda value, operand: value > operand),
    "gte": _ordered(lambda value, operand: value >= operand),
    "lt": _ordered(lambda value, operand: value < operand),
    "lte": _ordered(lambda value, operand: value <= operand),
    "like": lambda value, operand: _like_match(value, operand, False),
    "notLike": lambda value, operand: not _like_match(value, operand, False),
    "iLike": lambda value, operand: _like_match(value, operand, True),
    "notILike": lambda value, operand: not _like_match(value, operand, True),
    "in": lambda value, operand: value in operand,
    "notIn": lambda value, operand: value not in operand,
}


def _compare(value: Any, comparison: Mapping[str, Any]) -> bool:
    for op, operand in comparison.items():
        if op == "is":
            # SQL `IS TRUE | FALSE | NULL`: an identity test on the three singletons.
            if value is not operand:
                return False
        elif op == "isNot":
            if value is operand:
                return False
        elif operand is None:
            continue  # `eq: null` and the like constrain nothing
        elif value is None or not _COMPARISONS[op](value, operand):
            return False
    return True


def matches(item: Item, filter: Mapping[str, Any] | None) -> bool:
    """Whether `item` satisfies a nestjs-query filter (`ObjectFilter`, `FieldFilter`)."""
    for key, condition in (filter or {}).items():
        if condition is None:
            continue
        if key == "and":
            if not all(matches(item, sub) for sub in condition):
                return False
        elif key == "or":
            if condition and not any(matches(item, sub) for sub in condition):
                return False
        elif not _compare(item.get(key), condition):
            return False
    return True


def _size(paging: Mapping[str, Any], key: str) -> int | None:
    value = paging.get(key)
    if value is None:
        return None
    if value < 0:
        raise BadRequest(_NEGATIVE.format(key=key, value=value))
    return min(value, MAX_PAGE_SIZE)


def _position(ids: Sequence[str], cursor: str) -> int:
    try:
        return ids.index(cursor)
    except ValueError:
        raise BadRequest(_INVALID_CURSOR.format(cursor=cursor)) from None


def connection(
    items: Sequence[Item], paging: Mapping[str, Any] | None, filter: Mapping[str, Any] | None
) -> dict[str, Any]:
    """One page of `items` as a connection (see the module's docstring for the rules)."""
    paging = paging or {}
    first, last = _size(paging, "first"), _size(paging, "last")
    if first is None and last is None:
        first = DEFAULT_PAGE_SIZE
    after, before = paging.get("after"), paging.get("before")

    # Cursor bounds are positions in the full list; the page is cut from the matching items.
    ids = [str(item["id"]) for item in items]
    start = _position(ids, after) + 1 if after is not None else 0
    stop = _position(ids, before) if before is not None else len(items)
    matching = [(index, item) for index, item in enumerate(items) if matches(item, filter)]
    lo = next((n for n, (index, _) in enumerate(matching) if index >= start), len(matching))
    hi = next((n for n, (index, _) in enumerate(matching) if index >= stop), len(matching))
    hi = max(lo, hi)
    if first is not None:
        hi = min(hi, lo + first)
    if last is not None:
        lo = max(lo, hi - last)

    page = [item for _, item in matching[lo:hi]]
    edges = [{"node": item, "cursor": str(item["id"])} for item in page]
    return {
        "edges": edges,
        "pageInfo": {
            "hasNextPage": hi < len(matching),
            "hasPreviousPage": lo > 0,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
        "totalCount": len(matching),
    }

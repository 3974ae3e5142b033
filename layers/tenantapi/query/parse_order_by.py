"""Twenty's REST `order_by=` grammar, parsed into GraphQL's `[{Object}OrderByInput!]` list.

    order_by := item ("," item)*
    item     := path ("[" direction "]")?         the direction defaults to AscNullsFirst
    path     := name ("." name)*

`field,field2[DescNullsLast],name.lastName[AscNullsLast]` gives `[{"field": "AscNullsFirst"},
{"field2": "DescNullsLast"}, {"name": {"lastName": "AscNullsLast"}}]` (docs/api.md §3.3; Twenty's
parse-order-by-rest-request-common.util.ts). The `id` tie-breaker is the planner's to add.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import BadRequest

__all__ = ["DIRECTIONS", "DEFAULT_DIRECTION", "parse_order_by"]

# Twenty's OrderByDirection enum, in its order: the message lists them so.
DIRECTIONS = ("AscNullsFirst", "AscNullsLast", "DescNullsFirst", "DescNullsLast")
DEFAULT_DIRECTION = "AscNullsFirst"

# A path part is a GraphQL name: the list is read as GraphQL order-by input.
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")

# -- messages, one family per failure ----------------------------------------------------------

_EXAMPLE = "eg: ?order_by=field_1[AscNullsFirst],field_2[DescNullsLast],field_3"
_BAD_DIRECTION = (
    "'order_by' direction '{direction}' invalid. Allowed values are "
    + ", ".join(f"'{direction}'" for direction in DIRECTIONS)
    + ". "
    + _EXAMPLE
)
_BAD_ITEM = "'order_by' item '{item}' invalid. " + _EXAMPLE
_EMPTY_ITEM = "'order_by' invalid. '{text}' has an empty item. " + _EXAMPLE
_EMPTY = "'order_by' invalid. No field is named. " + _EXAMPLE


def parse_order_by(text: str) -> list[dict[str, Any]]:
    """Parse an `order_by=` value into single-key order-by objects; BadRequest when malformed."""
    if not text.strip():
        raise BadRequest(_EMPTY)
    items = [item.strip() for item in text.split(",")]
    if not all(items):
        raise BadRequest(_EMPTY_ITEM.format(text=text))
    return [_order_by_item(item) for item in items]


def _order_by_item(item: str) -> dict[str, Any]:
    path_text, direction = item, DEFAULT_DIRECTION
    if "[" in item or "]" in item:
        opening = item.find("[")
        # Exactly one `[...]`, and it closes the item.
        if opening == -1 or not item.endswith("]") or item.count("[") != 1 or item.count("]") != 1:
            raise BadRequest(_BAD_ITEM.format(item=item))
        path_text, direction = item[:opening], item[opening + 1 : -1].strip()
        if direction not in DIRECTIONS:
            raise BadRequest(_BAD_DIRECTION.format(direction=direction))
    path = [part.strip() for part in path_text.split(".")]
    if not all(_NAME.fullmatch(part) for part in path):
        raise BadRequest(_BAD_ITEM.format(item=item))
    node: dict[str, Any] = {path[-1]: direction}
    for part in reversed(path[:-1]):
        node = {part: node}
    return node

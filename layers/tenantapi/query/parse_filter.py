"""Twenty's REST `filter=` grammar, parsed into the tree of GraphQL's `{Object}FilterInput`.

    filter     := expr ("," expr)*            a bare list, or a single base, means and(...)
    expr       := ("and"|"or"|"not") "(" expr ("," expr)* ")" | base      not() takes one
    base       := path "[" comparator "]" ":" value
    path       := name ("." name)*

`and(a[eq]:1,not(b.c[in]:["x","y"]))` gives `{"and": [{"a": {"eq": "1"}}, {"not": {"b": {"c":
{"in": ["x", "y"]}}}}]}` (docs/api.md §3.2; Twenty's parse-filter.util.spec.ts). Values stay
strings, as in Twenty's metadata-free REST parser: the filter compiler coerces them by field type.

Quotes are recognised where a value or a list item starts (after `:`, `[` or `,`), so a quoted
value may hold `,`, `(` or `)`, and an apostrophe inside an unquoted word (`O'Brien`) is literal.
Twenty toggles quote state on every quote character; this reading accepts everything Twenty
accepts with the same meaning, and more.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import BadRequest

__all__ = ["COMPARATORS", "LIST_COMPARATORS", "IS_VALUES", "CONJUNCTIONS", "MAX_DEPTH", "parse_filter"]

# Twenty's FilterComparators enum (parse-base-filter.util.ts), in its order: messages list them so.
COMPARATORS = (
    "eq", "neq", "in", "containsAny", "is", "gt", "gte", "lt", "lte",
    "startsWith", "endsWith", "like", "ilike",
)  # fmt: skip
LIST_COMPARATORS = frozenset({"in", "containsAny"})
IS_VALUES = ("NULL", "NOT_NULL")  # GraphQL enum FilterIs
CONJUNCTIONS = ("and", "or", "not")
# Conjunctions nested deeper than this are refused: it bounds the parser's recursion.
MAX_DEPTH = 20

# A path part is a GraphQL name: the tree is read as a GraphQL input object.
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")
_CONJUNCTION = re.compile(r"(and|or|not)\s*\(")
_QUOTES = "\"'"
# A quote opens a quoted value only right after one of these (spaces between are ignored).
_VALUE_STARTS = frozenset(":[,")

# -- messages, one family per failure ----------------------------------------------------------

_BRACKETS_MISSING = "'filter' invalid. {count} {kind} bracket{are} missing in the query"
_BRACKET_UNOPENED = "'filter' invalid. ')' at character {position} closes no open bracket"
_QUOTE_UNCLOSED = "'filter' invalid. The quote {quote} at character {position} is never closed"
_EMPTY_FILTER = "'filter' invalid. The filter is empty. eg: price[gte]:10"
_EMPTY_CONDITION = "'filter' invalid. '{text}' has an empty condition. eg: and(field_1[eq]:1,field_2[eq]:2)"
_EMPTY_CONJUNCTION = (
    "'filter' invalid. '{conjunction}' conjunction should contain at least 1 condition. eg: {conjunction}(field[eq]:1)"
)
_NOT_ARITY = "'filter' invalid. 'not' conjunction should contain only 1 condition. eg: not(field[eq]:1)"
_TOO_DEEP = "'filter' invalid. Conjunctions are nested more than {max_depth} levels deep"
_MALFORMED_BASE = "'filter' invalid for '{base}'. eg: price[gte]:10"
_UNKNOWN_COMPARATOR = "'filter' invalid for '{base}', comparator {comparator} not in " + ", ".join(COMPARATORS)
_ARRAY_EXPECTED = (
    "'filter' invalid for '{comparator}' operator. Received '{value}' but array value expected "
    "eg: 'field[{comparator}]:[value_1,value_2]'"
)
_EMPTY_LIST_ITEM = "'filter' invalid for '{base}'. The list has an empty value. eg: 'field[{comparator}]:[value_1,value_2]'"
_IS_VALUE = "'filter' invalid for '{base}', 'is' value {value} not in " + ", ".join(IS_VALUES)


def parse_filter(text: str) -> dict[str, Any]:
    """Parse a `filter=` value into the `{Object}FilterInput` tree; BadRequest when malformed.

    Every predicate stays its own element (`a[gt]:1,a[lt]:5` keeps both); nothing is merged.
    """
    quoted = _quoted_mask(text)
    _check_brackets(text, quoted)
    return _Parser(text, quoted).parse()


def _quoted_mask(text: str) -> bytearray:
    """Mark the characters inside quoted values, quotes included."""
    quoted = bytearray(len(text))
    previous = ""
    index = 0
    while index < len(text):
        char = text[index]
        if char in _QUOTES and previous in _VALUE_STARTS:
            close = text.find(char, index + 1)
            if close == -1:
                raise BadRequest(_QUOTE_UNCLOSED.format(quote=char, position=index + 1))
            quoted[index : close + 1] = b"\x01" * (close + 1 - index)
            previous = char
            index = close + 1
            continue
        if not char.isspace():
            previous = char
        index += 1
    return quoted


def _check_brackets(text: str, quoted: bytearray) -> None:
    """Twenty's check-filter-query: count parentheses first, then check their order."""
    opened = closed = depth = 0
    unopened_at = -1
    for index, char in enumerate(text):
        if quoted[index]:
            continue
        if char == "(":
            opened += 1
            depth += 1
        elif char == ")":
            closed += 1
            depth -= 1
            if depth < 0 and unopened_at == -1:
                unopened_at = index
    missing = opened - closed
    if missing:
        count = abs(missing)
        kind = "close" if missing > 0 else "open"
        raise BadRequest(_BRACKETS_MISSING.format(count=count, kind=kind, are="s are" if count > 1 else " is"))
    if unopened_at != -1:
        raise BadRequest(_BRACKET_UNOPENED.format(position=unopened_at + 1))


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in _QUOTES:
        return value[1:-1]
    return value


class _Parser:
    """Recursive descent over index ranges of the whole text, so the quote mask stays valid."""

    def __init__(self, text: str, quoted: bytearray) -> None:
        self.text = text
        self.quoted = quoted

    def parse(self) -> dict[str, Any]:
        start, end = self._strip(0, len(self.text))
        if start == end:
            raise BadRequest(_EMPTY_FILTER)
        children = self._children(start, end)
        # Twenty's add-default-conjunction: anything but one conjunction is wrapped in and(...).
        if len(children) == 1 and self._conjunction(*children[0]) is not None:
            return self._expression(*children[0], depth=1)
        return {"and": [self._expression(child_start, child_end, depth=1) for child_start, child_end in children]}

    def _strip(self, start: int, end: int) -> tuple[int, int]:
        text = self.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return start, end

    def _split(self, start: int, end: int) -> list[tuple[int, int]]:
        """Split on the commas outside parentheses, `[...]` and quotes; each piece stripped."""
        text, quoted = self.text, self.quoted
        pieces: list[tuple[int, int]] = []
        parentheses = brackets = 0
        piece_start = start
        for index in range(start, end):
            if quoted[index]:
                continue
            char = text[index]
            if char == "(":
                parentheses += 1
            elif char == ")":
                parentheses -= 1
            elif char == "[":
                brackets += 1
            elif char == "]":
                brackets = max(brackets - 1, 0)
            elif char == "," and parentheses == 0 and brackets == 0:
                pieces.append(self._strip(piece_start, index))
                piece_start = index + 1
        pieces.append(self._strip(piece_start, end))
        return pieces

    def _children(self, start: int, end: int) -> list[tuple[int, int]]:
        children = self._split(start, end)
        if any(child_start == child_end for child_start, child_end in children):
            raise BadRequest(_EMPTY_CONDITION.format(text=self.text[start:end]))
        return children

    def _conjunction(self, start: int, end: int) -> tuple[str, int, int] | None:
        """`(name, inner start, inner end)` when the range is exactly `name(...)`."""
        match = _CONJUNCTION.match(self.text, start, end)
        if match is None:
            return None
        opening = match.end() - 1
        depth = 0
        for index in range(opening, end):
            if self.quoted[index]:
                continue
            char = self.text[index]
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth == 0:
                    # `and(a[eq]:1)b[eq]:2` is not a conjunction: it falls to the base-filter error.
                    return (match.group(1), opening + 1, index) if index == end - 1 else None
        return None

    def _expression(self, start: int, end: int, *, depth: int) -> dict[str, Any]:
        conjunction = self._conjunction(start, end)
        if conjunction is None:
            return self._base(start, end)
        if depth > MAX_DEPTH:
            raise BadRequest(_TOO_DEEP.format(max_depth=MAX_DEPTH))
        name, inner_start, inner_end = conjunction
        inner_start, inner_end = self._strip(inner_start, inner_end)
        if inner_start == inner_end:
            raise BadRequest(_EMPTY_CONJUNCTION.format(conjunction=name))
        children = self._children(inner_start, inner_end)
        if name == "not":
            if len(children) > 1:
                raise BadRequest(_NOT_ARITY)
            return {"not": self._expression(*children[0], depth=depth + 1)}
        return {name: [self._expression(child_start, child_end, depth=depth + 1) for child_start, child_end in children]}

    def _base(self, start: int, end: int) -> dict[str, Any]:
        base = self.text[start:end]
        malformed = BadRequest(_MALFORMED_BASE.format(base=base))
        opening = base.find("[")
        closing = base.find("]", opening + 1)
        if opening == -1 or closing == -1:
            raise malformed
        path = [part.strip() for part in base[:opening].split(".")]
        if not all(_NAME.fullmatch(part) and part not in CONJUNCTIONS for part in path):
            raise malformed
        colon = closing + 1
        while colon < len(base) and base[colon].isspace():
            colon += 1
        if colon == len(base) or base[colon] != ":":
            raise malformed
        value_start, value_end = self._strip(start + colon + 1, end)
        if value_start == value_end:
            raise malformed
        comparator = base[opening + 1 : closing].strip()
        if not comparator:
            raise malformed
        if comparator not in COMPARATORS:
            raise BadRequest(_UNKNOWN_COMPARATOR.format(base=base, comparator=comparator))
        node: dict[str, Any] = {comparator: self._value(base, comparator, value_start, value_end)}
        for part in reversed(path):
            node = {part: node}
        return node

    def _value(self, base: str, comparator: str, start: int, end: int) -> str | list[str]:
        raw = self.text[start:end]
        if comparator in LIST_COMPARATORS:
            if not (raw.startswith("[") and raw.endswith("]")):
                raise BadRequest(_ARRAY_EXPECTED.format(comparator=comparator, value=raw))
            inner_start, inner_end = self._strip(start + 1, end - 1)
            if inner_start == inner_end:
                return []
            items = self._split(inner_start, inner_end)
            if any(item_start == item_end for item_start, item_end in items):
                raise BadRequest(_EMPTY_LIST_ITEM.format(base=base, comparator=comparator))
            return [_unquote(self.text[item_start:item_end]) for item_start, item_end in items]
        if comparator == "is":
            # Passed through verbatim, as Twenty does; only the enum's values are accepted.
            if raw not in IS_VALUES:
                raise BadRequest(_IS_VALUE.format(base=base, value=raw))
            return raw
        return _unquote(raw)

"""The small REST query parameters: limit, depth, fields, boolean flags and cursors (docs/api.md §3.5).

Each takes the raw query-string value (None when absent) and returns plain data. `filter` and
`order_by` have their own modules.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..errors import BadRequest

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "DEPTHS",
    "parse_limit",
    "parse_depth",
    "parse_fields",
    "parse_flag",
    "parse_cursors",
]

# Twenty's newest OpenAPI text: default 60, at most 200 (docs/api.md §3.4).
DEFAULT_LIMIT = 60
MAX_LIMIT = 200
# Twenty's newest parse-depth-rest-request: 0 or 1, 0 when absent (docs/api.md §3.8).
DEPTHS = (0, 1)

_DIGITS = re.compile(r"[0-9]+")

# -- messages, one family per failure ----------------------------------------------------------

_BAD_LIMIT = "limit '{raw}' is invalid. Should be an integer"
_BAD_DEPTH = "'depth={raw}' parameter invalid. Allowed values are " + ", ".join(str(depth) for depth in DEPTHS)
_EMPTY_FIELDS = "'fields' parameter is empty. Expected a comma-separated list of field names, e.g. fields=id,name"
_BOTH_CURSORS = "'starting_after' and 'ending_before' cannot be used together."


def parse_limit(raw: str | None, *, default: int = DEFAULT_LIMIT, maximum: int = MAX_LIMIT) -> int:
    """`limit`: the default when absent or empty, a larger value clamped to the maximum (as Twenty's
    `Math.min`), 400 for anything but a non-negative integer."""
    if raw is None or raw == "":
        return default
    if not _DIGITS.fullmatch(raw):
        raise BadRequest(_BAD_LIMIT.format(raw=raw))
    # Compare digit counts first: int() refuses strings of more than 4300 digits.
    digits = raw.lstrip("0") or "0"
    if len(digits) > len(str(maximum)):
        return maximum
    return min(int(digits), maximum)


def parse_depth(raw: str | None) -> int:
    """`depth`: 0 when absent or empty, otherwise exactly "0" or "1"."""
    if raw is None or raw == "":
        return 0
    for depth in DEPTHS:
        if raw == str(depth):
            return depth
    raise BadRequest(_BAD_DEPTH.format(raw=raw))


def parse_fields(raw: str | Sequence[str] | None) -> list[str] | None:
    """`fields`: the named fields in order, trimmed and de-duplicated; None when absent.

    As Twenty's parse-fields-rest-request: empty entries (`a,,b`, a trailing comma) are skipped,
    repeated parameters (a sequence) are merged, and a list that names nothing is a 400. Whether
    each name is a readable field of the object is checked by the caller, who knows the object.
    """
    if raw is None:
        return None
    values = [raw] if isinstance(raw, str) else list(raw)
    if not values:
        return None
    names = [name.strip() for value in values for name in value.split(",")]
    fields = list(dict.fromkeys(name for name in names if name))
    if not fields:
        raise BadRequest(_EMPTY_FIELDS)
    return fields


def parse_flag(raw: str | None) -> bool:
    """`soft_delete`, `upsert`: on only for the exact string "true", as Twenty compares."""
    return raw == "true"


def parse_cursors(starting_after: str | None, ending_before: str | None) -> tuple[str | None, str | None]:
    """`starting_after` and `ending_before`, an empty value read as absent; both at once is a 400."""
    after = starting_after or None
    before = ending_before or None
    if after is not None and before is not None:
        raise BadRequest(_BOTH_CURSORS)
    return after, before

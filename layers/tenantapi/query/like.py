"""SQL LIKE / ILIKE matching in time linear in pattern × value, never by a backtracking regex.

`%` matches any run of characters (the empty one included), `_` exactly one character, every
other character itself; `ilike` compares case-insensitively, as Postgres's ILIKE does (Twenty's
`ilike` filter is a Postgres ILIKE). There is no escape character (a `%` in a pattern is always a
wildcard), as before.

A pattern translated whole into a regular expression (`^.*a.*a.*b$`) backtracks: each `.*` retries
every split of the value, so seven `%` on a 70-character value take seconds and one more takes
minutes, on every one of up to 5,000 candidate records. Here the pattern is cut at its `%` into
segments of fixed length (literals and `_`); the first segment must match at the start, the last
at the end, and each middle one is searched from where the previous one ended. Taking the leftmost
occurrence of each middle segment is always right: any match that places a segment later leaves
less room for the segments after it, never more. Each segment is a regex of fixed length without
repetition, so a search costs at most len(value) × len(segment) and the whole match at most
len(value) × len(pattern); the regex engine is kept for its per-character case folding, which is
what ILIKE compared before.

Patterns are capped at MAX_PATTERN_LENGTH characters, so that bound stays small.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..errors import BadRequest

__all__ = ["MAX_PATTERN_LENGTH", "LikePattern", "like_pattern", "check_pattern_length"]

# Longer than any search a person types, short enough that pattern × a 5,000-record page of long
# values stays in milliseconds.
MAX_PATTERN_LENGTH = 1000

_PATTERN_TOO_LONG = "a like pattern may hold at most {limit} characters, this one has {length}"


def check_pattern_length(pattern: str) -> None:
    """Refuse a pattern past MAX_PATTERN_LENGTH (400, the cap named)."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise BadRequest(_PATTERN_TOO_LONG.format(limit=MAX_PATTERN_LENGTH, length=len(pattern)))


@dataclass(frozen=True)
class LikePattern:
    """A LIKE pattern compiled into its `%`-free segments; `matches` tells a value's fate."""

    # Without a `%`, the single segment must cover the whole value.
    anchored_whole: re.Pattern[str] | None
    first: re.Pattern[str] | None  # the segment before the first `%`, None when empty
    middle: tuple[re.Pattern[str], ...]  # non-empty segments between `%`s, in order
    last: re.Pattern[str] | None  # the segment after the last `%`, None when empty
    first_length: int
    last_length: int
    min_length: int  # characters the fixed segments need, together

    def matches(self, value: str) -> bool:
        if len(value) < self.min_length:
            return False
        if self.anchored_whole is not None:
            return len(value) == self.min_length and self.anchored_whole.match(value) is not None
        if self.first is not None and self.first.match(value) is None:
            return False
        end = len(value) - self.last_length  # the last segment owns value[end:]
        if self.last is not None and self.last.match(value, end) is None:
            return False
        position = self.first_length
        for segment in self.middle:
            found = segment.search(value, position, end)
            if found is None:
                return False
            position = found.end()
        return True


def _segment(text: str, flags: int) -> re.Pattern[str] | None:
    if not text:
        return None
    return re.compile("".join("." if char == "_" else re.escape(char) for char in text), flags)


@lru_cache(maxsize=256)
def like_pattern(pattern: str, insensitive: bool) -> LikePattern:
    """Compile `pattern` (LIKE, or ILIKE when `insensitive`); the caller checks its length first."""
    # DOTALL: `_` and `%` match a newline too, as in SQL.
    flags = re.DOTALL | (re.IGNORECASE if insensitive else 0)
    segments = pattern.split("%")
    if len(segments) == 1:
        return LikePattern(_segment(pattern, flags) or re.compile("", flags), None, (), None, 0, 0, len(pattern))
    first, *inner, last = segments
    middle = tuple(compiled for compiled in (_segment(text, flags) for text in inner) if compiled is not None)
    min_length = len(pattern) - (len(segments) - 1)
    return LikePattern(None, _segment(first, flags), middle, _segment(last, flags), len(first), len(last), min_length)

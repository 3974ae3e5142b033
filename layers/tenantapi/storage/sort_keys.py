"""Order-preserving string encodings for the LSI sort keys s1..s5 (docs/storage.md, "Encodings").

A slot value is `<state><null flag><encoded value>\\x01<record id>`:
- state "L" for a live record, "D" for a soft-deleted one, so every index query reads one state;
- null flag "0" for null, "1" followed by the encoded value otherwise: nulls sort first;
- U+0001 sorts below every character an encoded value holds, so a value that is a prefix of
  another sorts first and `begins_with(<state>1<value>\\x01)` is an exact equality;
- the record id makes the key unique and is the `id` tie-breaker of docs/api.md §3.3.
DynamoDB compares string keys by their UTF-8 bytes, which is code point order.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from ..metadata.field_types import FieldType

__all__ = [
    "SEPARATOR", "MAX_SORT_KEY_BYTES", "MAX_VALUE_BYTES", "LIVE", "DELETED",
    "encode_number", "encode_text", "encode_date_time", "encode_date", "encode_bool",
    "encode_value", "value_prefix", "slot_value", "with_state",
]

SEPARATOR = "\x01"
LIVE, DELETED = "L", "D"
MAX_SORT_KEY_BYTES = 1024  # DynamoDB: a sort key value holds at most 1024 bytes
# state + flag + separator + a 36-character id take 39 bytes; the rest, rounded down, is the value's.
MAX_VALUE_BYTES = 960
_EXPONENT_OFFSET = 500  # decimal exponents -499..499 (float64 needs -323..309)
_NUMERIC = (FieldType.NUMBER, FieldType.NUMERIC, FieldType.POSITION)


def encode_number(value: int | float | Decimal) -> str:
    """Any int, float or Decimal: "0" negatives < "1" zero < "2" positives.

    Positive x = 0.d1d2... x 10^e is "2", e + 500 on 3 digits, the digits without trailing zeros.
    Negatives complement exponent and digits and end with "~" (above every digit), so that a longer
    digit string (a more negative number) sorts first. Exact for bigint and NUMERIC, unlike the
    bits of a float64.
    """
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    if number.is_zero():
        return "1"
    sign, digits, exponent = number.as_tuple()
    text = "".join(map(str, digits)).rstrip("0")
    e = len(digits) + int(exponent)  # value = 0.<digits> x 10^e
    if not -_EXPONENT_OFFSET < e < _EXPONENT_OFFSET:
        raise ValueError(f"number out of the indexable range: {value!r}")
    if sign == 0:
        return f"2{e + _EXPONENT_OFFSET:03d}{text}"
    complement = "".join(str(9 - int(d)) for d in text)
    return f"0{999 - (e + _EXPONENT_OFFSET):03d}{complement}~"


def encode_text(value: str) -> str:
    """The text without U+0000/U+0001, cut to MAX_VALUE_BYTES at a character boundary.

    Code point order (case-sensitive, like eq and startsWith). Values longer than the cut share a
    key prefix: filters re-check the full value of every candidate.
    """
    cleaned = value.replace("\x00", "").replace(SEPARATOR, "")
    return cleaned.encode("utf-8")[:MAX_VALUE_BYTES].decode("utf-8", errors="ignore")


def encode_date_time(value: str | datetime) -> str:
    """UTC, fixed width with microseconds: 2024-05-01T09:30:00.000000Z."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def encode_date(value: str | date) -> str:
    return (date.fromisoformat(value) if isinstance(value, str) else value).isoformat()


def encode_bool(value: bool) -> str:
    return "1" if value else "0"  # false < true, as in PostgreSQL


def encode_value(field_type: FieldType, value: Any) -> str:
    """The encoding of one non-null value of a field type (RATING_1..5 and SELECT as text)."""
    if field_type in _NUMERIC:
        return encode_number(value)
    if field_type is FieldType.DATE_TIME:
        return encode_date_time(value)
    if field_type is FieldType.DATE:
        return encode_date(value)
    if field_type is FieldType.BOOLEAN:
        return encode_bool(value)
    return encode_text(str(value))


def value_prefix(encoded: str | None, live: bool = True) -> str:
    """The key prefix of one value (None = null): `begins_with` on it is an equality filter."""
    state = LIVE if live else DELETED
    return f"{state}0{SEPARATOR}" if encoded is None else f"{state}1{encoded}{SEPARATOR}"


def slot_value(encoded: str | None, record_id: str, live: bool = True) -> str:
    return value_prefix(encoded, live) + record_id


def with_state(slot: str, live: bool) -> str:
    """The same slot value for a record that is soft-deleted (D) or restored (L)."""
    return (LIVE if live else DELETED) + slot[1:]

"""The core schema's scalars, as Twenty names them: UUID, DateTime, Date, JSON, RawJSON, BigFloat,
Position and Cursor (reference 3.3).

Built once per process and shared by every workspace's schema: a scalar holds no workspace data.
Output is a pass-through, since records come out of the engine already JSON-shaped (ids and times
as strings, numbers as numbers). Input is checked only for its JSON kind and form here; the
engine checks values against the field (option lists, nullability, relation targets) and its
messages name the field, which a scalar cannot.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from graphql import GraphQLError, GraphQLScalarType

__all__ = ["UUID", "DATE_TIME", "DATE", "JSON", "RAW_JSON", "BIG_FLOAT", "POSITION", "CURSOR", "SCALARS"]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _identity(value: Any) -> Any:
    return value


def _parse_uuid(value: Any) -> str:
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value))  # the canonical lower-case form stored ids have
        except ValueError:
            pass
    raise GraphQLError(f"Invalid UUID: {value!r}")


def _parse_date_time(value: Any) -> str:
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
            return value  # the engine normalises to UTC with milliseconds
        except ValueError:
            pass
    raise GraphQLError(f"Invalid DateTime: {value!r} is not an ISO 8601 date-time")


def _parse_date(value: Any) -> str:
    if isinstance(value, str) and _DATE.match(value):
        return value
    raise GraphQLError(f"Invalid Date: {value!r} is not a date YYYY-MM-DD")


def _number(value: Any) -> int | float | None:
    """A JSON number, or a numeric string as Twenty sends big numbers; None when neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            parsed = Decimal(value.strip())
        except InvalidOperation:
            return None
        if parsed.is_finite():
            return int(parsed) if parsed == parsed.to_integral_value() else float(parsed)
    return None


def _parse_big_float(value: Any) -> int | float:
    # A number, never a string: filters compare it with stored numbers (query/filters.py).
    number = _number(value)
    if number is None:
        raise GraphQLError(f"Invalid BigFloat: {value!r} is not a number")
    return number


def _serialize_big_float(value: Any) -> Any:
    if isinstance(value, str):
        number = _number(value)
        return value if number is None else number
    return value


def _parse_position(value: Any) -> Any:
    # Twenty also accepts "first" and "last"; they go on to the engine, which says what it takes.
    if (isinstance(value, (int, float)) and not isinstance(value, bool)) or value in ("first", "last"):
        return value
    raise GraphQLError(f"Invalid position value: {value!r}. Position must be 'first', 'last', or a number")


def _parse_cursor(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise GraphQLError(f"Invalid cursor: {value!r}")


# graphql-core parses a literal by handing its untyped value to parse_value, so each scalar
# checks one form, whether it came inline or as a variable.
UUID = GraphQLScalarType("UUID", _identity, _parse_uuid, description="A UUID scalar type")
DATE_TIME = GraphQLScalarType(
    "DateTime", _identity, _parse_date_time,
    description="A date-time string at UTC, such as 2019-12-03T09:54:33Z, compliant with the date-time format.",
)
DATE = GraphQLScalarType("Date", _identity, _parse_date, description="A date string, such as 2007-12-03 (YYYY-MM-DD)")
JSON = GraphQLScalarType(
    "JSON", _identity, _identity,
    description="The `JSON` scalar type represents JSON values as specified by ECMA-404.",
)
RAW_JSON = GraphQLScalarType("RawJSON", _identity, _identity, description="A JSON value stored as given")
BIG_FLOAT = GraphQLScalarType(
    "BigFloat", _serialize_big_float, _parse_big_float,
    description="A custom scalar type for representing big floating point numbers",
)
POSITION = GraphQLScalarType(
    "Position", _identity, _parse_position, description="A custom scalar type for representing record position in a list"
)
CURSOR = GraphQLScalarType("Cursor", _identity, _parse_cursor, description="An opaque cursor of a record in a list")

SCALARS: tuple[GraphQLScalarType, ...] = (UUID, DATE_TIME, DATE, JSON, RAW_JSON, BIG_FLOAT, POSITION, CURSOR)

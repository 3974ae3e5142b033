"""The core schema's scalars, as Twenty names them: UUID, DateTime, Date, JSON, RawJSON, BigFloat,
Position and Cursor (docs/api.md §6.6).

They are declared as graphene scalars, the project's GraphQL layer, and turned once per process
into the graphql-core types that every workspace's generated schema shares (graphene's own
conversion, `TypeMap.create_scalar`): a scalar holds no workspace data, so the per-workspace
builder never pays for graphene's class machinery.

Output is a pass-through, since records come out of the engine already JSON-shaped (ids and times
as strings, numbers as numbers). Input is checked only for its JSON kind and form here; the
engine checks values against the field (option lists, nullability, relation targets) and its
messages name the field, which a scalar cannot. No scalar defines `parse_literal`: graphql-core
then hands an inline literal's untyped value to `parse_value`, so each scalar checks one form,
whether it came inline or as a variable.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import graphene
from graphene.types.schema import TypeMap
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


# The graphene declarations. `serialize` stays the plain `_identity` function object where output
# passes through: the executor's fast path (fast_execution.py) recognises it and skips the call.


class Uuid(graphene.Scalar):
    """A UUID scalar type"""

    class Meta:
        name = "UUID"

    serialize = staticmethod(_identity)
    parse_value = staticmethod(_parse_uuid)


class DateTime(graphene.Scalar):
    """A date-time string at UTC, such as 2019-12-03T09:54:33Z, compliant with the date-time format."""

    serialize = staticmethod(_identity)
    parse_value = staticmethod(_parse_date_time)


class Date(graphene.Scalar):
    """A date string, such as 2007-12-03 (YYYY-MM-DD)"""

    serialize = staticmethod(_identity)
    parse_value = staticmethod(_parse_date)


class Json(graphene.Scalar):
    """The `JSON` scalar type represents JSON values as specified by ECMA-404."""

    class Meta:
        name = "JSON"

    serialize = staticmethod(_identity)
    parse_value = staticmethod(_identity)


class RawJson(graphene.Scalar):
    """A JSON value stored as given"""

    class Meta:
        name = "RawJSON"

    serialize = staticmethod(_identity)
    parse_value = staticmethod(_identity)


class BigFloat(graphene.Scalar):
    """A custom scalar type for representing big floating point numbers"""

    serialize = staticmethod(_serialize_big_float)
    parse_value = staticmethod(_parse_big_float)


class Position(graphene.Scalar):
    """A custom scalar type for representing record position in a list"""

    serialize = staticmethod(_identity)
    parse_value = staticmethod(_parse_position)


class Cursor(graphene.Scalar):
    """An opaque cursor of a record in a list"""

    serialize = staticmethod(_identity)
    parse_value = staticmethod(_parse_cursor)


UUID, DATE_TIME, DATE, JSON, RAW_JSON, BIG_FLOAT, POSITION, CURSOR = (
    TypeMap.create_scalar(scalar) for scalar in (Uuid, DateTime, Date, Json, RawJson, BigFloat, Position, Cursor)
)

SCALARS: tuple[GraphQLScalarType, ...] = (UUID, DATE_TIME, DATE, JSON, RAW_JSON, BIG_FLOAT, POSITION, CURSOR)

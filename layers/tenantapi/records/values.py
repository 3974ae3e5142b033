"""Checking and normalising record values against their field types (docs/api.md §5).

Pure: takes the object's field definitions and a JSON body, returns the values to store keyed by
field, or raises BadRequest naming the field. Nothing is stored unless the whole body is valid.
"""

from __future__ import annotations

import decimal
import math
import re
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping

from ..errors import BadRequest
from ..metadata.field_types import ACTOR_SOURCES, COMPOSITE_SUBFIELDS, RATING_VALUES, FieldType
from ..metadata.model import FieldMetadata, ObjectMetadata, WorkspaceSchema
from ..metadata.rules_common import json_type

__all__ = ["WritableFields", "check_values", "check_field_value", "normalise_uuid", "parse_datetime", "SERVER_SET_FIELDS"]

# Set by the server on every write (docs/api.md §3.6); a client may give createdAt and
# createdBy.source on create only, as imports do.
SERVER_SET_FIELDS = ("updatedAt", "deletedAt")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
# What a DynamoDB number holds: 38 significant digits (boto3 refuses to round), and a magnitude
# of 0 or from 1E-130 to below 1E+126 (DynamoDB refuses the others).
_PRECISION = decimal.Context(prec=38, traps=[decimal.Inexact, decimal.Rounded])
_SMALLEST, _TOO_LARGE = Decimal("1E-130"), Decimal("1E+126")


class WritableFields:
    """The input names a client may write on one object: field names, and `<name>Id` join
    columns for MANY_TO_ONE relations. Built once per object and schema version."""

    def __init__(self, schema: WorkspaceSchema, obj: ObjectMetadata) -> None:
        self.object = obj
        self.by_input_name: dict[str, FieldMetadata] = {}
        self.relation_names: dict[str, FieldMetadata] = {}
        for f in schema.fields_of(obj.id, active_only=True):
            if f.join_column:
                self.by_input_name[f.join_column] = f
                self.relation_names[f.name] = f
            elif f.is_one_to_many:
                self.relation_names[f.name] = f
            else:
                self.by_input_name[f.name] = f


def _fail(path: str, expected: str, value: Any) -> BadRequest:
    return BadRequest(f"Invalid value for field '{path}': expected {expected}, got {json_type(value)}")


def normalise_uuid(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise _fail(path, "a UUID string", value)
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise BadRequest(f"Invalid value for field '{path}': '{value}' is not a UUID") from None


def parse_datetime(value: Any, path: str) -> str:
    """ISO 8601 in, ISO 8601 UTC with milliseconds out (a naive time is taken as UTC)."""
    if not isinstance(value, str):
        raise _fail(path, "an ISO 8601 date-time string", value)
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"Invalid value for field '{path}': '{value}' is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    try:
        in_utc = parsed.astimezone(timezone.utc)
    except OverflowError:
        # An offset that moves the time past year 1 or year 9999.
        raise BadRequest(f"Invalid value for field '{path}': '{value}' is out of range in UTC") from None
    return in_utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _check_storable(exact: Decimal, shown: Any, path: str, *, digits: bool = True) -> None:
    """A 400 naming the field unless storage can keep the number (and, with `digits`, all of
    its digits)."""
    storable = exact.is_zero() or _SMALLEST <= exact.copy_abs() < _TOO_LARGE
    if storable and digits:
        try:
            _PRECISION.create_decimal(exact)
        except decimal.DecimalException:
            storable = False
    if not storable:
        raise BadRequest(
            f"Invalid value for field '{path}': {shown} cannot be stored "
            "(at most 38 digits, and 0 or a magnitude from 1e-130 to below 1e126)"
        )


def _storable(value: int | float, path: str) -> int | float:
    try:
        exact = Decimal(str(value))
    except ValueError:  # an int past Python's 4300-digit conversion limit
        raise BadRequest(f"Invalid value for field '{path}': the number has too many digits") from None
    _check_storable(exact, value, path)
    return value


def _number(value: Any, path: str) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(path, "a number", value)
    if isinstance(value, float) and not math.isfinite(value):
        raise BadRequest(f"Invalid value for field '{path}': numbers must be finite")
    return _storable(value, path)


# DynamoDB stores attributes nested at most 32 levels deep, the record's own attribute being the
# first; a deeper value fails the whole write with a ValidationException.
_RAW_JSON_NESTING = 31


def _raw_json(value: Any, path: str, levels: int = _RAW_JSON_NESTING) -> Any:
    """Any JSON value, provided storage can hold it: every number storable, no empty key, arrays
    and objects nested at most `levels` deep."""
    if isinstance(value, (dict, list)) and levels == 0:
        raise BadRequest(f"Invalid value for field '{path}': nested deeper than storage holds (32 levels, the field's own included)")
    if isinstance(value, dict):
        for key, item in value.items():
            if not key:
                # DynamoDB refuses an empty attribute name, map keys included.
                raise BadRequest(f"Invalid value for field '{path}': object keys must not be empty")
            _raw_json(item, f"{path}.{key}", levels - 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _raw_json(item, f"{path}[{i}]", levels - 1)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        _number(value, path)
    return value


def _numeric(value: Any, path: str) -> int | float:
    """NUMERIC / BigFloat: a JSON number or a numeric string (Twenty serialises big numbers as strings)."""
    if isinstance(value, str):
        try:
            parsed = Decimal(value.strip())
        except InvalidOperation:
            raise BadRequest(f"Invalid value for field '{path}': '{value}' is not a number") from None
        if not parsed.is_finite():
            raise BadRequest(f"Invalid value for field '{path}': numbers must be finite")
        # The magnitude is checked before int(): "1E+999999999" would build a billion-digit
        # integer. A fraction is kept as a float, so only the integer's digits must all fit.
        _check_storable(parsed, value, path, digits=False)
        return _number(int(parsed) if parsed == parsed.to_integral_value() else float(parsed), path)
    return _number(value, path)


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise _fail(path, "a string", value)
    return value


def _string_list(value: Any, path: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(path, "an array of strings", value)
    return list(value)


def _object_list(keys: tuple[str, ...]) -> Callable[[Any, str], list[dict[str, Any]]]:
    def check(value: Any, path: str) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            raise _fail(path, "an array", value)
        out = []
        for i, entry in enumerate(value):
            if not isinstance(entry, dict):
                raise _fail(f"{path}[{i}]", "an object", entry)
            unknown = set(entry) - set(keys)
            if unknown:
                raise BadRequest(f"Invalid value for field '{path}[{i}]': unknown key '{sorted(unknown)[0]}' (allowed: {', '.join(keys)})")
            for k, v in entry.items():
                if v is not None and not isinstance(v, str):
                    raise _fail(f"{path}[{i}].{k}", "a string", v)
            out.append(dict(entry))
        return out

    return check


# RAW_JSON sub-fields that hold lists of a known shape.
_LIST_SUBFIELDS: dict[tuple[FieldType, str], Callable[[Any, str], Any]] = {
    (FieldType.EMAILS, "additionalEmails"): _string_list,
    (FieldType.LINKS, "secondaryLinks"): _object_list(("url", "label")),
    (FieldType.PHONES, "additionalPhones"): _object_list(("number", "countryCode", "callingCode")),
}


def _scalar(field: FieldMetadata, ftype: FieldType, value: Any, path: str) -> Any:
    """One non-null value of a scalar type."""
    if ftype is FieldType.TEXT:
        return _text(value, path)
    if ftype is FieldType.NUMBER:
        number = _numeric(value, path) if (field.settings or {}).get("dataType") == "bigint" else _number(value, path)
        data_type = (field.settings or {}).get("dataType")
        if data_type in ("int", "bigint") and number != int(number):
            raise BadRequest(f"Invalid value for field '{path}': expected an integer, got {value}")
        if data_type == "int" and not _INT32_MIN <= number <= _INT32_MAX:
            # Twenty stores int NUMBERs as 32-bit integers (and GraphQL's Int is 32-bit).
            raise BadRequest(f"Invalid value for field '{path}': {value} is out of the 32-bit integer range")
        return int(number) if (field.settings or {}).get("dataType") in ("int", "bigint") else number
    if ftype in (FieldType.NUMERIC,):
        return _numeric(value, path)
    if ftype is FieldType.POSITION:
        return _number(value, path)
    if ftype is FieldType.BOOLEAN:
        if not isinstance(value, bool):
            raise _fail(path, "a boolean", value)
        return value
    if ftype is FieldType.DATE:
        if not isinstance(value, str) or not _DATE.match(value):
            raise BadRequest(f"Invalid value for field '{path}': expected a date YYYY-MM-DD")
        try:
            date.fromisoformat(value)
        except ValueError:
            raise BadRequest(f"Invalid value for field '{path}': '{value}' is not a valid date") from None
        return value
    if ftype is FieldType.DATE_TIME:
        return parse_datetime(value, path)
    if ftype is FieldType.UUID:
        return normalise_uuid(value, path)
    if ftype is FieldType.RATING:
        if value not in RATING_VALUES:
            raise BadRequest(f"Invalid value for field '{path}': expected one of {', '.join(RATING_VALUES)}")
        return value
    if ftype is FieldType.SELECT:
        if not isinstance(value, str) or value not in field.option_values:
            raise BadRequest(
                f"Invalid value for field '{path}': '{value}' is not an option (allowed: {', '.join(sorted(field.option_values))})"
            )
        return value
    if ftype is FieldType.MULTI_SELECT:
        values = _string_list(value, path)
        for v in values:
            if v not in field.option_values:
                raise BadRequest(
                    f"Invalid value for field '{path}': '{v}' is not an option (allowed: {', '.join(sorted(field.option_values))})"
                )
        return list(dict.fromkeys(values))
    if ftype is FieldType.ARRAY:
        return _string_list(value, path)
    if ftype is FieldType.RAW_JSON:
        return _raw_json(value, path)
    raise BadRequest(f"Field '{path}' cannot be written")  # pragma: no cover - every type is handled


def _composite(field: FieldMetadata, value: Any, current: Mapping[str, Any] | None) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(field.name, "an object", value)
    subfields = COMPOSITE_SUBFIELDS[field.type]
    merged = dict(current or composite_default(field.type))
    for key, sub_value in value.items():
        path = f"{field.name}.{key}"
        if key not in subfields:
            raise BadRequest(f"Invalid value for field '{field.name}': unknown sub-field '{key}' (allowed: {', '.join(subfields)})")
        if field.type is FieldType.ACTOR and key in ("workspaceMemberId", "name"):
            continue  # set by the server (Twenty hides them from inputs)
        if sub_value is None:
            merged[key] = None
            continue
        list_check = _LIST_SUBFIELDS.get((field.type, key))
        if list_check is not None:
            merged[key] = list_check(sub_value, path)
        elif field.type is FieldType.ACTOR and key == "source":
            if sub_value not in ACTOR_SOURCES:
                raise BadRequest(f"Invalid value for field '{path}': expected one of {', '.join(ACTOR_SOURCES)}")
            merged[key] = sub_value
        elif subfields[key] is FieldType.RAW_JSON:
            # Stored inside the composite's map: one level of DynamoDB's nesting is taken.
            merged[key] = _raw_json(sub_value, path, _RAW_JSON_NESTING - 1)
        else:
            merged[key] = _scalar(field, subfields[key], sub_value, path)
    return merged


def composite_default(ftype: FieldType) -> dict[str, Any]:
    """What an unset composite reads as: empty strings for text sub-fields, null otherwise."""
    out: dict[str, Any] = {}
    for key, sub in COMPOSITE_SUBFIELDS[ftype].items():
        if (ftype, key) in _LIST_SUBFIELDS:
            out[key] = None
        elif sub is FieldType.TEXT:
            out[key] = ""
        else:
            out[key] = None
    return out


__all__.append("composite_default")


def check_field_value(field: FieldMetadata, value: Any) -> Any:
    """One field's value as `check_values` checks a body's (a composite over the unset one),
    whatever the field's nullability; for values the server writes itself, such as defaults."""
    if value is None:
        return None
    if field.join_column:
        return normalise_uuid(value, field.join_column)
    if field.type.is_composite:
        return _composite(field, value, None)
    return _scalar(field, field.type, value, field.name)


def check_values(
    writable: WritableFields,
    body: Any,
    *,
    current: Mapping[str, Any] | None = None,
    creating: bool,
) -> dict[str, Any]:
    """Check a create or update body. Returns {field id: value to store}; composites are merged
    with the current value on update (a partial composite updates only the sub-fields given)."""
    if not isinstance(body, dict):
        raise BadRequest(f"The body must be a JSON object, got {json_type(body)}")
    values: dict[str, Any] = {}
    obj = writable.object
    for key, value in body.items():
        if key == "id":
            continue  # handled by the caller (create only)
        field = writable.by_input_name.get(key)
        if field is None:
            if key in writable.relation_names:
                hint = f" Use '{key}Id' to set it." if writable.relation_names[key].join_column else ""
                raise BadRequest(f"Field '{key}' of object '{obj.name_singular}' is a relation and cannot be written directly.{hint}")
            raise BadRequest(f"Object '{obj.name_singular}' has no field named '{key}'")
        if key in SERVER_SET_FIELDS or (key in ("createdAt", "createdBy") and not creating):
            raise BadRequest(f"Field '{key}' is set by the server and cannot be written")
        if value is None:
            if not field.is_nullable:
                raise BadRequest(f"Field '{key}' of object '{obj.name_singular}' cannot be null")
            values[field.id] = None
        elif field.join_column:
            values[field.id] = normalise_uuid(value, key)
        elif field.type.is_composite:
            values[field.id] = _composite(field, value, (current or {}).get(field.id))
        else:
            values[field.id] = _scalar(field, field.type, value, key)
    return values

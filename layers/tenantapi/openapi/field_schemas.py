"""JSON Schemas (OpenAPI 3.1 dialect) of record values, one per field type (docs/api.md §5).

Inputs describe what `records.values.check_values` accepts; outputs describe what
`RecordService.present` returns. The two differ where the engine is lenient on input (NUMERIC and
bigint NUMBER take numeric strings, the server-set sub-fields of an ACTOR are ignored) and where
every output sub-field of a composite is always present. Pure: definitions in, dicts out.
"""

from __future__ import annotations

from typing import Any

from ..metadata.field_types import ACTOR_SOURCES, COMPOSITE_SUBFIELDS, RATING_VALUES, FieldType
from ..metadata.model import FieldMetadata

__all__ = ["JsonSchema", "value_schema", "composite_schema", "nullable", "UUID_SCHEMA", "DATE_TIME_SCHEMA"]

JsonSchema = dict[str, Any]

UUID_SCHEMA: JsonSchema = {"type": "string", "format": "uuid"}
DATE_TIME_SCHEMA: JsonSchema = {"type": "string", "format": "date-time"}

# The RAW_JSON sub-fields that hold lists of a known shape (records.values._LIST_SUBFIELDS).
_LIST_ITEM_KEYS: dict[tuple[FieldType, str], tuple[str, ...] | None] = {
    (FieldType.EMAILS, "additionalEmails"): None,  # a list of strings
    (FieldType.LINKS, "secondaryLinks"): ("url", "label"),
    (FieldType.PHONES, "additionalPhones"): ("number", "countryCode", "callingCode"),
}
# ACTOR sub-fields the server fills in; check_values skips them on input (Twenty hides them).
_SERVER_SET_ACTOR_KEYS = ("workspaceMemberId", "name")


def nullable(schema: JsonSchema) -> JsonSchema:
    """The schema that also accepts null, in the 3.1 style (`type: [..., "null"]`).

    An `enum` must list null too, or a validator refuses null whatever `type` says; a `$ref`
    cannot carry a type, so it becomes `anyOf: [ref, null]`; `{}` already accepts anything.
    """
    if "$ref" in schema or "anyOf" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    if "type" not in schema:
        return dict(schema)  # `{}`: any value, null included
    out = dict(schema)
    current = out["type"]
    types = list(current) if isinstance(current, list) else [current]
    if "null" not in types:
        out["type"] = [*types, "null"]
    if "enum" in out and None not in out["enum"]:
        out["enum"] = [*out["enum"], None]
    return out


def _number(field: FieldMetadata | None, *, output: bool) -> JsonSchema:
    """NUMBER: settings.dataType int and bigint are whole numbers (bigint also takes a numeric
    string on input, as BigFloat); float, the default, any number."""
    data_type = ((field.settings if field is not None else None) or {}).get("dataType", "float")
    if data_type == "int":
        # Stored as a 32-bit integer, as Twenty does (records.values refuses the others).
        return {"type": "integer"} if output else {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1}
    if data_type == "bigint":
        return {"type": "integer"} if output else {"type": ["integer", "string"], "pattern": r"^-?\d+$"}
    return {"type": "number"}


def _options(field: FieldMetadata | None) -> list[Any]:
    # Option order is the order the client configured (and shows): keep it.
    return [option.get("value") for option in (field.options if field is not None else None) or ()]


def _scalar(field: FieldMetadata | None, ftype: FieldType, *, output: bool) -> JsonSchema:
    """One non-null value of a scalar type."""
    if ftype is FieldType.TEXT:
        return {"type": "string"}
    if ftype is FieldType.NUMBER:
        return _number(field, output=output)
    if ftype is FieldType.NUMERIC:
        # A JSON number, or (input only) a numeric string as Twenty's BigFloat serialises it.
        return {"type": "number"} if output else {"type": ["number", "string"]}
    if ftype is FieldType.POSITION:
        return {"type": "number"}
    if ftype is FieldType.BOOLEAN:
        return {"type": "boolean"}
    if ftype is FieldType.DATE:
        return {"type": "string", "format": "date"}
    if ftype is FieldType.DATE_TIME:
        return dict(DATE_TIME_SCHEMA)
    if ftype is FieldType.UUID:
        return dict(UUID_SCHEMA)
    if ftype is FieldType.RATING:
        return {"type": "string", "enum": list(RATING_VALUES)}
    if ftype is FieldType.SELECT:
        return {"type": "string", "enum": _options(field)}
    if ftype is FieldType.MULTI_SELECT:
        return {"type": "array", "items": {"type": "string", "enum": _options(field)}}
    if ftype is FieldType.ARRAY:
        return {"type": "array", "items": {"type": "string"}}
    if ftype is FieldType.RAW_JSON:
        return {}  # any JSON value
    raise ValueError(f"{ftype.value} is not a scalar field type")  # pragma: no cover - composites and relations are handled by the caller


def _list_subfield(item_keys: tuple[str, ...] | None) -> JsonSchema:
    if item_keys is None:
        return {"type": "array", "items": {"type": "string"}}
    item = {
        "type": "object",
        "properties": {key: {"type": ["string", "null"]} for key in item_keys},
        "additionalProperties": False,
    }
    return {"type": "array", "items": item}


def _subfield(field: FieldMetadata | None, ftype: FieldType, key: str, sub_type: FieldType, *, output: bool) -> JsonSchema:
    item_keys = _LIST_ITEM_KEYS.get((ftype, key), ())
    if item_keys != ():
        schema = _list_subfield(item_keys)
    elif ftype is FieldType.ACTOR and key == "source":
        schema = {"type": "string", "enum": list(ACTOR_SOURCES)}
    else:
        # A sub-field is checked with the field's own settings (records.values._composite).
        schema = _scalar(field, sub_type, output=output)
    if ftype is FieldType.ACTOR and key in _SERVER_SET_ACTOR_KEYS and not output:
        schema = {**schema, "readOnly": True, "description": "Set by the server; ignored when sent"}
    # Any sub-field may be set to null, and non-text sub-fields read as null until set.
    return nullable(schema)


def composite_schema(field: FieldMetadata | None, ftype: FieldType, *, output: bool) -> JsonSchema:
    """A composite value: an object of its sub-fields. On input every sub-field is optional (an
    update changes only the sub-fields given) and unknown ones are refused; on output all are
    present."""
    subfields = COMPOSITE_SUBFIELDS[ftype]
    schema: JsonSchema = {
        "type": "object",
        "properties": {key: _subfield(field, ftype, key, sub, output=output) for key, sub in subfields.items()},
    }
    if output:
        schema["required"] = list(subfields)
    else:
        schema["additionalProperties"] = False
    return schema


def value_schema(field: FieldMetadata, *, output: bool) -> JsonSchema:
    """The schema of one field's value (a MANY_TO_ONE relation's value is its join column),
    null allowed when the field is nullable, with the field's description."""
    if field.join_column:
        schema: JsonSchema = dict(UUID_SCHEMA)
    elif field.type.is_composite:
        schema = composite_schema(field, field.type, output=output)
    else:
        schema = _scalar(field, field.type, output=output)
    if field.is_nullable:
        schema = nullable(schema)
    if field.description:
        schema["description"] = field.description
    return schema


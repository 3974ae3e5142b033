"""The type-dependent parts of a field definition: its type, options, defaultValue, settings
and isUnique (docs/api.md §7.5). Each check takes the input value and returns the value
to store, or raises BadRequest naming the input key and the rule."""

from __future__ import annotations

import re
from typing import Any, Callable

from ..errors import BadRequest
from .field_types import COMPOSITE_SUBFIELDS, RATING_VALUES, FieldType, OnDelete
from .rules_common import Input, json_type

__all__ = [
    "ENUM_TYPES",
    "UNIQUE_TYPES",
    "LABEL_IDENTIFIER_TYPES",
    "parse_field_type",
    "check_unique_allowed",
    "normalize_options",
    "check_default_value",
    "normalize_settings",
]

# Types whose values are option values.
ENUM_TYPES = frozenset({FieldType.SELECT, FieldType.MULTI_SELECT, FieldType.RATING})

# Types a unique constraint makes sense on; a composite is unique on its primary sub-field
# (primaryEmail, primaryLinkUrl, primaryPhoneNumber). Not on lists, documents, relations, actors.
UNIQUE_TYPES = frozenset(
    {
        FieldType.TEXT, FieldType.NUMBER, FieldType.NUMERIC, FieldType.UUID, FieldType.DATE,
        FieldType.DATE_TIME, FieldType.SELECT, FieldType.RATING, FieldType.EMAILS, FieldType.LINKS,
        FieldType.PHONES,
    }
)

# Types that can name a record (an object's labelIdentifierFieldMetadataId).
LABEL_IDENTIFIER_TYPES = frozenset({FieldType.TEXT, FieldType.FULL_NAME, FieldType.NUMBER, FieldType.UUID})

# Twenty types this engine does not implement (docs/api.md §7.5), newest and older.
_UNSUPPORTED_TYPES = ("FILES", "MORPH_RELATION", "TS_VECTOR", "RICH_TEXT_V2", "EMAIL", "PHONE", "LINK", "FIELD_PATH")
# Types whose values only the server writes: they exist as system fields (createdBy, position).
_SERVER_MANAGED_TYPES = frozenset({FieldType.ACTOR, FieldType.POSITION})

# Twenty's isSnakeCaseString: upper-case snake case, e.g. IN_PROGRESS, RATING_1.
_OPTION_VALUE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
_OPTION_VALUE_MAX_LENGTH = 63
_OPTION_KEYS = ("id", "label", "value", "color", "position")
_NUMBER_DATA_TYPES = ("int", "float", "bigint")

# -- messages ---------------------------------------------------------------------------------
_TYPE_UNSUPPORTED = "Field type {type} is not supported"
_TYPE_SERVER_MANAGED = "Field type {type} is reserved for system fields"
_TYPE_UNKNOWN = 'type "{type}" is not a field type; use one of {types}'
_UNIQUE_NOT_ALLOWED = "isUnique is not supported on {type} fields"
_OPTIONS_NOT_ALLOWED = "options are only accepted on SELECT, MULTI_SELECT and RATING fields, not on {type}"
_OPTIONS_REQUIRED = "options is required for a {type} field: give a non-empty array of {{label, value}}"
_OPTION_VALUE_TOO_LONG = '{key} "{value}" is too long: an option value has at most {limit} characters'
_OPTION_VALUE_FORMAT = '{key} "{value}" must be in UPPER_CASE and follow snake_case (for example "IN_PROGRESS")'
_OPTION_DUPLICATE = '{key} {value} is used by another option; option {property}s must be unique'
_RATING_OPTIONS = "options of a RATING field must have exactly the values " + ", ".join(RATING_VALUES)
_DEFAULT_WRONG = "defaultValue of a {type} field must be {expected}, not {actual}"
_DEFAULT_NOT_AN_OPTION = 'defaultValue {value} is not one of the options of the field ({values})'
_DEFAULT_SUB_FIELD = 'defaultValue of a {type} field has no sub-field "{key}"; sub-fields are {sub_fields}'
_SETTINGS_VALUE = "settings.{key} must be one of {allowed}, not {actual}"
_SETTINGS_DECIMALS = "settings.decimals must be a whole number of 0 or more, not {actual}"


def parse_field_type(value: str) -> FieldType:
    """The `type` of CreateFieldInput."""
    if value in _UNSUPPORTED_TYPES:
        raise BadRequest(_TYPE_UNSUPPORTED.format(type=value))
    try:
        field_type = FieldType(value)
    except ValueError:
        raise BadRequest(_TYPE_UNKNOWN.format(type=value, types=", ".join(t.value for t in FieldType))) from None
    if field_type in _SERVER_MANAGED_TYPES:
        raise BadRequest(_TYPE_SERVER_MANAGED.format(type=value))
    return field_type


def check_unique_allowed(field_type: FieldType, is_unique: bool | None) -> None:
    if is_unique and field_type not in UNIQUE_TYPES:
        raise BadRequest(_UNIQUE_NOT_ALLOWED.format(type=field_type.value))


# -- options ----------------------------------------------------------------------------------


def normalize_options(
    field_type: FieldType,
    options: Any,
    *,
    new_id: Callable[[], str],
    previous: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]] | None:
    """Options to store: each `{id, label, value, position[, color]}`.

    Rule (Twenty's, plus unique labels): a non-empty array; labels non-empty strings; values
    upper snake case of at most 63 characters; values, labels, ids and positions unique. An
    option without an id keeps the id of the previous option with its value, or gets a new one;
    without a position it gets its index. RATING options are RATING_1..RATING_5, filled in when
    not given.
    """
    if field_type not in ENUM_TYPES:
        if options is not None:
            raise BadRequest(_OPTIONS_NOT_ALLOWED.format(type=field_type.value))
        return None
    if options is None and field_type is FieldType.RATING:
        options = [{"label": str(index + 1), "value": value} for index, value in enumerate(RATING_VALUES)]
    if options is not None and not isinstance(options, list):
        raise BadRequest(f"options must be an array, not {json_type(options)}")
    if not options:
        raise BadRequest(_OPTIONS_REQUIRED.format(type=field_type.value))
    previous_ids = {str(o.get("value")): o.get("id") for o in previous or () if o.get("id")}
    normalized = [_normalize_option(option, index, previous_ids, new_id) for index, option in enumerate(options)]
    for property_name in ("value", "label", "id", "position"):
        seen: set[Any] = set()
        for index, option in enumerate(normalized):
            if option[property_name] in seen:
                raise BadRequest(
                    _OPTION_DUPLICATE.format(
                        key=f"options[{index}].{property_name}",
                        value=_show(option[property_name]),
                        property=property_name,
                    )
                )
            seen.add(option[property_name])
    if field_type is FieldType.RATING and sorted(o["value"] for o in normalized) != list(RATING_VALUES):
        raise BadRequest(_RATING_OPTIONS)
    return normalized


def _normalize_option(
    option: Any, index: int, previous_ids: dict[str, Any], new_id: Callable[[], str]
) -> dict[str, Any]:
    prefix = f"options[{index}]."
    item = Input(option, name="an option", allowed=_OPTION_KEYS, prefix=prefix)
    label = item.text("label", required=True)
    value = item.text("value", required=True)
    assert label is not None and value is not None
    if len(value) > _OPTION_VALUE_MAX_LENGTH:
        raise BadRequest(
            _OPTION_VALUE_TOO_LONG.format(key=prefix + "value", value=value, limit=_OPTION_VALUE_MAX_LENGTH)
        )
    if not _OPTION_VALUE.match(value):
        raise BadRequest(_OPTION_VALUE_FORMAT.format(key=prefix + "value", value=value))
    position = item.number("position")
    normalized: dict[str, Any] = {
        "id": item.string("id") or previous_ids.get(value) or new_id(),
        "label": label,
        "value": value,
        "position": index if position is None else position,
    }
    color = item.string("color")
    if color is not None:
        normalized["color"] = color
    return normalized


def _show(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)


# -- defaultValue -----------------------------------------------------------------------------


def _is_quoted(value: Any) -> bool:
    """Twenty writes text defaults as SQL literals: "'NEW'", "''"."""
    return isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == "'"


def check_default_value(field_type: FieldType, value: Any, options: list[dict[str, Any]] | None) -> Any:
    """The defaultValue to store (docs/api.md §7.5: SQL-literal quoting for text-like values)."""
    if value is None:
        return None

    def wrong(expected: str) -> BadRequest:
        return BadRequest(_DEFAULT_WRONG.format(type=field_type.value, expected=expected, actual=_describe(value)))

    if field_type in (FieldType.SELECT, FieldType.RATING):
        if not _is_quoted(value):
            raise wrong("a quoted option value such as \"'NEW'\"")
        _check_is_option(value, options)
    elif field_type is FieldType.MULTI_SELECT:
        if not isinstance(value, list) or not all(_is_quoted(v) for v in value):
            raise wrong("an array of quoted option values such as [\"'NEW'\"]")
        for item in value:
            _check_is_option(item, options)
    elif field_type is FieldType.TEXT:
        if not _is_quoted(value):
            raise wrong("a quoted string such as \"'text'\"")
    elif field_type in (FieldType.NUMBER, FieldType.NUMERIC, FieldType.POSITION):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise wrong("a number")
    elif field_type is FieldType.BOOLEAN:
        if not isinstance(value, bool):
            raise wrong("true or false")
    elif field_type in (FieldType.DATE, FieldType.DATE_TIME):
        if value != "now" and not _is_quoted(value):
            raise wrong("\"now\" or a quoted date such as \"'2024-01-31'\"")
    elif field_type is FieldType.UUID:
        if value != "uuid" and not _is_quoted(value):
            raise wrong("\"uuid\" or a quoted UUID")
    elif field_type is FieldType.ARRAY:
        if not isinstance(value, list):
            raise wrong("an array")
    elif field_type is FieldType.RELATION:
        raise BadRequest("defaultValue is not accepted on RELATION fields")
    elif field_type.is_composite:
        if not isinstance(value, dict):
            raise wrong("an object of sub-field defaults")
        sub_fields = COMPOSITE_SUBFIELDS[field_type]
        for key in value:
            if key not in sub_fields:
                raise BadRequest(
                    _DEFAULT_SUB_FIELD.format(type=field_type.value, key=key, sub_fields=", ".join(sub_fields))
                )
    return value


def _check_is_option(literal: str, options: list[dict[str, Any]] | None) -> None:
    values = [str(option["value"]) for option in options or ()]
    if literal[1:-1] not in values:
        raise BadRequest(_DEFAULT_NOT_AN_OPTION.format(value=_show(literal), values=", ".join(values)))


def _describe(value: Any) -> str:
    return _show(value) if isinstance(value, str) else json_type(value)


# -- settings ---------------------------------------------------------------------------------


def normalize_settings(field_type: FieldType, settings: Any) -> dict[str, Any] | None:
    """Settings to store. NUMBER: dataType int|float|bigint (float when not given), decimals a
    whole number. RELATION: onDelete one of OnDelete (relationType and joinColumnName are
    derived from the relation, whatever the input says). Other types keep what they are given."""
    if settings is None:
        return {"dataType": "float"} if field_type is FieldType.NUMBER else None
    if not isinstance(settings, dict):
        raise BadRequest(f"settings must be an object, not {json_type(settings)}")
    settings = dict(settings)
    if field_type is FieldType.NUMBER:
        data_type = settings.setdefault("dataType", "float")
        if data_type not in _NUMBER_DATA_TYPES:
            allowed = ", ".join(_NUMBER_DATA_TYPES)
            raise BadRequest(_SETTINGS_VALUE.format(key="dataType", allowed=allowed, actual=_describe(data_type)))
        decimals = settings.get("decimals")
        if decimals is not None and (isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0):
            raise BadRequest(_SETTINGS_DECIMALS.format(actual=_describe(decimals)))
    if field_type is FieldType.RELATION and settings.get("onDelete") is not None:
        on_delete = settings["onDelete"]
        if on_delete not in [member.value for member in OnDelete]:
            allowed = ", ".join(member.value for member in OnDelete)
            raise BadRequest(_SETTINGS_VALUE.format(key="onDelete", allowed=allowed, actual=_describe(on_delete)))
    return settings

"""What the object and field planners share: the change they return, how they read Twenty's
camelCase inputs, and which names a field of an object may take.

Everything here is pure: a planner reads a `WorkspaceSchema` and returns a `SchemaChange`;
the caller writes it (metadata store) in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Collection, Iterable

from ..errors import BadRequest
from .field_types import COMPOSITE_SUBFIELDS, FieldType, RelationType
from .model import FieldMetadata, ObjectMetadata, capitalize
from .names import name_from_label

__all__ = [
    "SchemaChange",
    "MAX_FIELDS_PER_OBJECT",
    "OBJECT_NOT_FOUND",
    "FIELD_NOT_FOUND",
    "Input",
    "json_type",
    "check_label_synced",
    "collect_puts",
    "names_taken",
    "names_claimed",
    "check_name_available",
]

Definition = ObjectMetadata | FieldMetadata

# A record is one DynamoDB item (400 KB at most, attribute names included); capping the fields
# of an object keeps a record with every field filled well under it.
MAX_FIELDS_PER_OBJECT = 200


@dataclass(frozen=True)
class SchemaChange:
    """A planned change of the data model, written atomically by the caller."""

    result: Definition  # what the API returns (the created, updated or deleted definition)
    puts: tuple[Definition, ...] = ()
    deletes: tuple[Definition, ...] = ()
    purge_object_ids: tuple[str, ...] = ()  # objects whose records must be deleted
    cleared_fields: tuple[FieldMetadata, ...] = ()  # fields whose stored values became meaningless


def collect_puts(*definitions: Definition | None) -> tuple[Definition, ...]:
    """Definitions to put, one per id (the last version wins), in first-seen order."""
    by_id: dict[str, Definition] = {}
    for definition in definitions:
        if definition is not None:
            by_id[definition.id] = definition
    return tuple(by_id.values())


# Unknown ids (the API answers 404).
OBJECT_NOT_FOUND = "Object {id} not found"
FIELD_NOT_FOUND = "Field {id} not found"


# -- reading inputs ---------------------------------------------------------------------------

_NOT_AN_OBJECT = "{input} must be a JSON object"
_NOT_SYNCED = (
    '{name_key} "{name}" does not follow {label_key} "{label}" while isLabelSyncedWithName is true: '
    'expected "{expected}"'
)
_UNKNOWN_KEY = 'Unknown key "{key}": {input} has no such property'
_WRONG_TYPE = "{key} must be {expected}, not {actual}"
_REQUIRED = "{key} is required"
_EMPTY = "{key} must not be empty"


def json_type(value: Any) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


class Input:
    """One of Twenty's camelCase inputs (CreateObjectInput, UpdateFieldInput, ...).

    Unknown keys are refused, naming the key; every getter checks the JSON type of its value.
    A key given as null reads as absent, except where a getter says otherwise.
    """

    def __init__(self, data: Any, *, name: str, allowed: Collection[str], prefix: str = "") -> None:
        if not isinstance(data, dict):
            raise BadRequest(_NOT_AN_OBJECT.format(input=prefix.rstrip(".") or name))
        for key in data:
            if key not in allowed:
                raise BadRequest(_UNKNOWN_KEY.format(key=prefix + str(key), input=name))
        self.data: dict[str, Any] = data
        self.prefix = prefix

    def key(self, key: str) -> str:
        """The key as messages name it (`relationCreationPayload.type`)."""
        return self.prefix + key

    def has(self, key: str) -> bool:
        return key in self.data

    def _typed(self, key: str, types: type | tuple[type, ...], expected: str, required: bool) -> Any:
        value = self.data.get(key)
        if value is None:
            if required:
                raise BadRequest(_REQUIRED.format(key=self.key(key)))
            return None
        # bool is an int in Python but not a number in JSON.
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in _as_tuple(types)):
            raise BadRequest(_WRONG_TYPE.format(key=self.key(key), expected=expected, actual=json_type(value)))
        return value

    def string(self, key: str, *, required: bool = False) -> str | None:
        return self._typed(key, str, "a string", required)

    def text(self, key: str, *, required: bool = False) -> str | None:
        """A string that must hold more than blanks when given (labels)."""
        value = self.string(key, required=required)
        if value is not None and not value.strip():
            raise BadRequest(_EMPTY.format(key=self.key(key)))
        return value

    def boolean(self, key: str) -> bool | None:
        return self._typed(key, bool, "a boolean", False)

    def number(self, key: str) -> int | float | None:
        return self._typed(key, (int, float), "a number", False)

    def mapping(self, key: str, *, required: bool = False) -> dict[str, Any] | None:
        return self._typed(key, dict, "an object", required)

    def array(self, key: str) -> list[Any] | None:
        return self._typed(key, list, "an array", False)


def check_label_synced(name: str, label: str, *, name_key: str, label_key: str) -> None:
    """With isLabelSyncedWithName, a name is the one Twenty derives from the label."""
    expected = name_from_label(label)
    if name != expected:
        raise BadRequest(
            _NOT_SYNCED.format(name_key=name_key, name=name, label_key=label_key, label=label, expected=expected)
        )


def _as_tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


# -- field names in an object -----------------------------------------------------------------

_NAME_TAKEN = '{key} "{name}" is not available on object "{object}": it is already used by {holder}'
_DERIVED_NAME_TAKEN = (
    '{key} "{name}" is not available on object "{object}": it needs the name "{derived}", '
    "which is already used by {holder}"
)


def names_claimed(name: str, field_type: FieldType, relation_type: RelationType | None = None) -> list[str]:
    """Every name a field takes in its object: its own, the join column of a MANY_TO_ONE
    relation, and the column names of a composite's sub-fields (`nameFirstName`), as Twenty
    reserves them."""
    claimed = [name]
    if field_type is FieldType.RELATION and relation_type is RelationType.MANY_TO_ONE:
        claimed.append(f"{name}Id")
    for sub_field in COMPOSITE_SUBFIELDS.get(field_type, {}):
        claimed.append(name + capitalize(sub_field))
    return claimed


def names_taken(fields: Iterable[FieldMetadata], *, excluding: Collection[str] = ()) -> dict[str, str]:
    """The names the given fields take (active or not), each with what holds it."""
    taken: dict[str, str] = {}
    for f in fields:
        if f.id in excluding:
            continue
        relation_type = f.relation.type if f.relation is not None else None
        for claimed in names_claimed(f.name, f.type, relation_type):
            if claimed == f.name:
                taken[claimed] = f'field "{f.name}"'
            elif f.join_column == claimed:
                taken.setdefault(claimed, f'the join column of relation "{f.name}"')
            else:
                taken.setdefault(claimed, f'a column of composite field "{f.name}"')
    return taken


def check_name_available(
    taken: dict[str, str],
    name: str,
    field_type: FieldType,
    relation_type: RelationType | None = None,
    *,
    key: str,
    object_name: str,
) -> None:
    """Refuse a field name that collides with a name (or derived name) already in the object."""
    for claimed in names_claimed(name, field_type, relation_type):
        holder = taken.get(claimed)
        if holder is None:
            continue
        if claimed == name:
            raise BadRequest(_NAME_TAKEN.format(key=key, name=name, object=object_name, holder=holder))
        raise BadRequest(
            _DERIVED_NAME_TAKEN.format(key=key, name=name, object=object_name, derived=claimed, holder=holder)
        )

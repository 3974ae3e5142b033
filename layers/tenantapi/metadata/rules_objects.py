"""Planners for objects: create (with the system fields and the `name` field), update, delete.

Inputs are Twenty's CreateObjectInput and UpdateObjectPayload (docs/api.md §7.1); the rules are
those of docs/api.md §7.3, §7.4 and §7.7.
"""

from __future__ import annotations

from typing import Any, Callable

from ..errors import BadRequest, NotFound
from .field_types import FieldType
from .model import FieldMetadata, ObjectMetadata, WorkspaceSchema, replace
from .names import validate_name
from .rules_builders import FieldAllocator, build_system_fields
from .rules_common import OBJECT_NOT_FOUND, Input, SchemaChange, check_label_synced
from .rules_values import LABEL_IDENTIFIER_TYPES

__all__ = ["plan_create_object", "plan_update_object", "plan_delete_object"]

_CREATE_KEYS = (
    "nameSingular", "namePlural", "labelSingular", "labelPlural", "description", "icon", "shortcut", "color",
    "skipNameField", "isRemote", "primaryKeyColumnType", "primaryKeyFieldMetadataSettings",
    "isLabelSyncedWithName",
)
_UPDATE_KEYS = (
    "labelSingular", "labelPlural", "nameSingular", "namePlural", "description", "icon", "shortcut", "color",
    "isActive", "labelIdentifierFieldMetadataId", "imageIdentifierFieldMetadataId", "isLabelSyncedWithName",
    "isSearchable", "openRecordIn", "readability", "translations",
)
# API keys and the createdBy/updatedBy actors refer to workspace members: the object stays on.
_ALWAYS_ACTIVE = frozenset({"workspaceMember"})

_NAMES_EQUAL = 'nameSingular and namePlural cannot be the same ("{name}")'
_LABELS_EQUAL = 'labelSingular and labelPlural cannot be the same ("{label}")'
_NAME_TAKEN = '{key} "{name}" is not available: object "{owner}" already uses it'
_REMOTE = "Remote objects are not supported"
_ROUTE_NAME = 'namePlural "{name}" is not available: /rest/{name} is a path of the API itself'
# Ours: the API's own path segments under /rest/ (/rest/metadata/..., /rest/batch/{plural},
# /rest/playground). An object whose plural is one of them would lose its routes to them.
ROUTE_NAMES = frozenset({"metadata", "batch", "playground"})
_STANDARD_RENAME = 'Standard object "{name}" cannot be renamed'
_CANNOT_DEACTIVATE = 'Object "{name}" cannot be deactivated: API keys and record actors refer to it'
_IDENTIFIER_NOT_OWN = '{key} "{id}" is not a field of object "{object}"'
_IDENTIFIER_TYPE = '{key}: field "{name}" of type {type} cannot name records; use a {types} field'
_IDENTIFIER_INACTIVE = '{key}: field "{name}" is not active'
_STANDARD_DELETE = "Standard objects cannot be deleted"
_MUST_DEACTIVATE = 'Object "{name}" must be deactivated (isActive: false) before it can be deleted'


# -- create -----------------------------------------------------------------------------------


def plan_create_object(
    schema: WorkspaceSchema, payload: dict[str, Any], *, now: str, new_id: Callable[[], str]
) -> SchemaChange:
    """A new custom object with the system fields and, unless `skipNameField`, a `name` TEXT
    field as its label identifier. Index slots: createdAt 1, updatedAt 2, name 3; the others stay
    free for relations (position gets none)."""
    data = Input(payload, name="CreateObjectInput", allowed=_CREATE_KEYS)
    name_singular = validate_name(data.string("nameSingular", required=True) or "", key="nameSingular")
    name_plural = validate_name(data.string("namePlural", required=True) or "", key="namePlural")
    label_singular = data.text("labelSingular", required=True) or ""
    label_plural = data.text("labelPlural", required=True) or ""
    _check_names(schema, name_singular, name_plural, excluding=None)
    _check_labels(label_singular, label_plural)
    if data.boolean("isRemote"):
        raise BadRequest(_REMOTE)
    is_synced = bool(data.boolean("isLabelSyncedWithName"))
    if is_synced:
        _check_synced(name_singular, name_plural, label_singular, label_plural)

    obj = ObjectMetadata(
        id=new_id(),
        name_singular=name_singular,
        name_plural=name_plural,
        label_singular=label_singular,
        label_plural=label_plural,
        created_at=now,
        updated_at=now,
        description=data.string("description"),
        icon=data.string("icon"),
        is_label_synced_with_name=is_synced,
    )
    allocator = FieldAllocator(schema)
    allocator.add_object(obj)
    fields = build_system_fields(obj.id, allocator, now=now, new_id=new_id)
    if not data.boolean("skipNameField"):
        fields.insert(1, _name_field(obj.id, allocator, now=now, new_id=new_id))
    by_name = {f.name: f for f in fields}  # Twenty's order: id, name, createdAt, ...
    label_field = by_name.get("name", by_name["id"])
    for name in ("createdAt", "updatedAt", "name"):
        if name in by_name:
            by_name[name] = replace(by_name[name], index_slot=allocator.index_slot(obj.id))
    obj = replace(allocator.object(obj.id), label_identifier_field_id=label_field.id)
    return SchemaChange(result=obj, puts=(obj, *by_name.values()))


def _name_field(object_id: str, allocator: FieldAllocator, *, now: str, new_id: Callable[[], str]) -> FieldMetadata:
    """Twenty's default label field of a custom object: standard (not custom), nullable."""
    return FieldMetadata(
        id=new_id(),
        object_id=object_id,
        name="name",
        label="Name",
        type=FieldType.TEXT,
        storage_key=allocator.storage_key(object_id),
        created_at=now,
        updated_at=now,
        description="Name",
        icon="IconAbc",
        is_custom=False,
    )


def _check_names(schema: WorkspaceSchema, singular: str, plural: str, *, excluding: str | None) -> None:
    """Object names are unique across singular and plural forms of every object (active or not)."""
    if singular == plural:
        raise BadRequest(_NAMES_EQUAL.format(name=singular))
    if plural in ROUTE_NAMES:
        raise BadRequest(_ROUTE_NAME.format(name=plural))
    owners = {}
    for other in schema.objects:
        if other.id != excluding:
            owners.setdefault(other.name_singular, other.name_singular)
            owners.setdefault(other.name_plural, other.name_singular)
    for key, name in (("nameSingular", singular), ("namePlural", plural)):
        if name in owners:
            raise BadRequest(_NAME_TAKEN.format(key=key, name=name, owner=owners[name]))


def _check_labels(singular: str, plural: str) -> None:
    if singular.strip().lower() == plural.strip().lower():
        raise BadRequest(_LABELS_EQUAL.format(label=singular))


def _check_synced(name_singular: str, name_plural: str, label_singular: str, label_plural: str) -> None:
    check_label_synced(name_singular, label_singular, name_key="nameSingular", label_key="labelSingular")
    check_label_synced(name_plural, label_plural, name_key="namePlural", label_key="labelPlural")


# -- update -----------------------------------------------------------------------------------


def plan_update_object(schema: WorkspaceSchema, object_id: str, update: dict[str, Any], *, now: str) -> SchemaChange:
    """Apply an UpdateObjectPayload. shortcut, color, openRecordIn, readability and translations
    are accepted and not kept (nothing here reads them)."""
    obj = schema.object(object_id)
    if obj is None:
        raise NotFound(OBJECT_NOT_FOUND.format(id=object_id))
    data = Input(update, name="UpdateObjectPayload", allowed=_UPDATE_KEYS)
    changes: dict[str, Any] = {}

    for key, attribute in (("nameSingular", "name_singular"), ("namePlural", "name_plural")):
        if data.has(key):
            name = data.string(key, required=True) or ""
            if name != getattr(obj, attribute):
                if not obj.is_custom:
                    raise BadRequest(_STANDARD_RENAME.format(name=obj.name_singular))
                changes[attribute] = validate_name(name, key=key)
    for key, attribute in (("labelSingular", "label_singular"), ("labelPlural", "label_plural")):
        if data.has(key):
            changes[attribute] = data.text(key, required=True)
    for key, attribute in (("description", "description"), ("icon", "icon")):
        if data.has(key):
            changes[attribute] = data.string(key)
    for key, attribute in (
        ("isActive", "is_active"), ("isSearchable", "is_searchable"),
        ("isLabelSyncedWithName", "is_label_synced_with_name"),
    ):
        value = data.boolean(key)
        if value is not None:
            changes[attribute] = value
    if changes.get("is_active") is False and obj.is_active and obj.name_singular in _ALWAYS_ACTIVE:
        raise BadRequest(_CANNOT_DEACTIVATE.format(name=obj.name_singular))
    if data.has("labelIdentifierFieldMetadataId"):
        changes["label_identifier_field_id"] = _identifier_field(
            schema, obj, data, "labelIdentifierFieldMetadataId", label=True
        )
    if data.has("imageIdentifierFieldMetadataId"):
        changes["image_identifier_field_id"] = _identifier_field(
            schema, obj, data, "imageIdentifierFieldMetadataId", label=False
        )

    updated = replace(obj, **changes)
    if "name_singular" in changes or "name_plural" in changes:
        _check_names(schema, updated.name_singular, updated.name_plural, excluding=obj.id)
    if "label_singular" in changes or "label_plural" in changes:
        _check_labels(updated.label_singular, updated.label_plural)
    synced_keys = {"name_singular", "name_plural", "label_singular", "label_plural", "is_label_synced_with_name"}
    if updated.is_label_synced_with_name and synced_keys & changes.keys():
        _check_synced(updated.name_singular, updated.name_plural, updated.label_singular, updated.label_plural)
    if updated == obj:
        return SchemaChange(result=obj)  # nothing to write
    updated = replace(updated, updated_at=now)
    return SchemaChange(result=updated, puts=(updated,))


def _identifier_field(
    schema: WorkspaceSchema, obj: ObjectMetadata, data: Input, key: str, *, label: bool
) -> str | None:
    """A label identifier names records in the UI and in relation pickers, so it must be an
    active field of the object with a readable type; an image identifier only has to belong to
    the object. Null unsets either."""
    field_id = data.string(key)
    if field_id is None:
        return None
    field = schema.field(field_id)
    if field is None or field.object_id != obj.id:
        raise BadRequest(_IDENTIFIER_NOT_OWN.format(key=key, id=field_id, object=obj.name_singular))
    if label and field.type not in LABEL_IDENTIFIER_TYPES:
        types = ", ".join(sorted(t.value for t in LABEL_IDENTIFIER_TYPES))
        raise BadRequest(_IDENTIFIER_TYPE.format(key=key, name=field.name, type=field.type.value, types=types))
    if label and not field.is_active:
        raise BadRequest(_IDENTIFIER_INACTIVE.format(key=key, name=field.name))
    return field.id


# -- delete -----------------------------------------------------------------------------------


def plan_delete_object(schema: WorkspaceSchema, object_id: str, *, now: str) -> SchemaChange:
    """Delete a deactivated custom object: its fields, the relation fields of other objects that
    point at it (their values become meaningless) and, through `purge_object_ids`, its records."""
    obj = schema.object(object_id)
    if obj is None:
        raise NotFound(OBJECT_NOT_FOUND.format(id=object_id))
    if not obj.is_custom:
        raise BadRequest(_STANDARD_DELETE)
    if obj.is_active:
        raise BadRequest(_MUST_DEACTIVATE.format(name=obj.name_singular))
    own = schema.fields_of(obj.id)
    pointing = tuple(
        f for f in schema.fields
        if f.object_id != obj.id and f.relation is not None and f.relation.target_object_id == obj.id
    )
    return SchemaChange(
        result=obj,
        deletes=(obj, *own, *pointing),
        purge_object_ids=(obj.id,),
        cleared_fields=pointing,
    )


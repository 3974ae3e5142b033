"""Planners for fields: create (relations create both sides), update, delete.

Inputs are Twenty's CreateFieldInput and UpdateFieldInput (docs/api.md §7.1); the rules
are those of docs/api.md §7.3 and §7.5-7.7.
"""

from __future__ import annotations

import uuid
from typing import Any, Callable

from ..errors import BadRequest, NotFound
from .field_types import FieldType, OnDelete, RelationType
from .model import FieldMetadata, ObjectMetadata, WorkspaceSchema, replace
from .names import name_from_label, validate_name
from .rules_builders import FieldAllocator, RelationSide, build_relation_pair, relation_settings
from .rules_common import (
    FIELD_NOT_FOUND,
    OBJECT_NOT_FOUND,
    Input,
    SchemaChange,
    check_label_synced,
    check_name_available,
    collect_puts,
    names_claimed,
    names_taken,
)
from .rules_values import (
    check_default_value,
    check_unique_allowed,
    normalize_options,
    normalize_settings,
    parse_field_type,
)

# The not-found messages are re-exported for callers that look definitions up themselves.
__all__ = ["plan_create_field", "plan_update_field", "plan_delete_field", "OBJECT_NOT_FOUND", "FIELD_NOT_FOUND"]

# Twenty's inputs. isUIEditable, isSearchable, isAuditLogged, isRemoteCreation,
# universalIdentifier and translations are accepted and not kept: nothing here reads them.
_CREATE_KEYS = (
    "type", "name", "label", "description", "icon", "isActive", "isSystem", "isUIEditable", "isUIReadOnly",
    "isNullable", "isUnique", "isSearchable", "isAuditLogged", "defaultValue", "options", "settings",
    "objectMetadataId", "isLabelSyncedWithName", "isRemoteCreation", "relationCreationPayload",
    "morphRelationsCreationPayload", "isIndexed",
)
_UPDATE_KEYS = (
    "universalIdentifier", "name", "label", "description", "icon", "isActive", "isSystem", "isUIEditable",
    "isUIReadOnly", "isNullable", "isUnique", "isSearchable", "isAuditLogged", "defaultValue", "options",
    "settings", "objectMetadataId", "isLabelSyncedWithName", "morphRelationsUpdatePayload", "translations",
    "isIndexed",
)
# Ours, additive: `isIndexed: true` gives a field one of its object's five index slots, so filters
# and orders on it read O(page) (docs/storage.md). A slot is never taken back.
_INDEXABLE = frozenset({
    FieldType.TEXT, FieldType.NUMBER, FieldType.NUMERIC, FieldType.BOOLEAN, FieldType.DATE, FieldType.DATE_TIME,
    FieldType.UUID, FieldType.RATING, FieldType.SELECT, FieldType.POSITION, FieldType.FULL_NAME, FieldType.EMAILS,
    FieldType.LINKS, FieldType.PHONES, FieldType.CURRENCY, FieldType.ADDRESS,
})
_NOT_INDEXABLE = "Field type {type} cannot be indexed (indexable: {types})"
_NO_FREE_SLOT = 'Object "{object}" has no free index slot: the five are held by {held}'
_INDEX_DROP = "isIndexed cannot be turned off: an index slot is never taken back"
_RELATION_KEYS = ("type", "targetObjectMetadataId", "targetFieldLabel", "targetFieldName", "targetFieldIcon")
_RELATION_PREFIX = "relationCreationPayload."
# The one system object other objects may point at: records are assigned to members.
_RELATABLE_SYSTEM_OBJECTS = frozenset({"workspaceMember"})

_TYPE_CHANGE = "Field type cannot be changed"
_IS_SYSTEM_INPUT = "isSystem cannot be set: system fields are created with their object"
_MORPH_UNSUPPORTED = "morphRelationsCreationPayload is not supported: MORPH_RELATION fields are not supported"
_RELATION_PAYLOAD_REQUIRED = "relationCreationPayload is required for a RELATION field"
_RELATION_PAYLOAD_NOT_ALLOWED = "relationCreationPayload is only accepted on RELATION fields"
_RELATION_TYPE = 'relationCreationPayload.type must be MANY_TO_ONE or ONE_TO_MANY, not "{value}"'
_TARGET_UNKNOWN = 'relationCreationPayload.targetObjectMetadataId "{id}" is not an object of this workspace'
_TARGET_SYSTEM = 'Relations to the system object "{name}" are not supported'
_TARGET_INACTIVE = 'The relation target "{name}" is not active: activate it before relating to it'
_MOVE = 'A field cannot move to another object: objectMetadataId must stay "{id}"'
_IS_SYSTEM_CHANGE = "isSystem cannot be changed"
_PROTECTED = '{kind} field "{name}" cannot {action}'
_LABEL_IDENTIFIER = (
    'Field "{name}" is the label identifier of object "{object}" and cannot be {action}; '
    "choose another labelIdentifierFieldMetadataId first"
)
_ON_DELETE_SIDE = 'settings.onDelete belongs to the MANY_TO_ONE side of a relation (field "{other}")'
_MUST_DEACTIVATE = 'Field "{name}" must be deactivated (isActive: false) before it can be deleted'

# Keys a system field keeps as they are: they define how the server stores and fills it.
_SYSTEM_LOCKED = {
    "isActive": "is_active", "isNullable": "is_nullable", "isUnique": "is_unique",
    "defaultValue": "default_value", "options": "options", "settings": "settings",
}


def _random_id() -> str:
    return str(uuid.uuid4())


def _kind(field: FieldMetadata) -> str:
    return "System" if field.is_system else "Standard"


# -- create -----------------------------------------------------------------------------------


def plan_create_field(
    schema: WorkspaceSchema, payload: dict[str, Any], *, now: str, new_id: Callable[[], str]
) -> SchemaChange:
    """A new custom field (CreateFieldInput); a RELATION also creates its other side."""
    data = Input(payload, name="CreateFieldInput", allowed=_CREATE_KEYS)
    object_id = data.string("objectMetadataId", required=True)
    assert object_id is not None
    obj = schema.object(object_id)
    if obj is None:
        raise NotFound(OBJECT_NOT_FOUND.format(id=object_id))
    field_type = parse_field_type(data.string("type", required=True) or "")
    name = validate_name(data.string("name", required=True) or "", key="name")
    label = data.text("label", required=True) or ""
    if data.boolean("isSystem"):
        raise BadRequest(_IS_SYSTEM_INPUT)
    if data.array("morphRelationsCreationPayload"):
        raise BadRequest(_MORPH_UNSUPPORTED)
    is_synced = bool(data.boolean("isLabelSyncedWithName"))
    if is_synced:
        check_label_synced(name, label, name_key="name", label_key="label")
    is_unique = bool(data.boolean("isUnique"))
    check_unique_allowed(field_type, is_unique)
    options = normalize_options(field_type, data.data.get("options"), new_id=new_id)
    default_value = check_default_value(field_type, data.data.get("defaultValue"), options)
    settings = normalize_settings(field_type, data.data.get("settings"))
    relation_payload = data.mapping("relationCreationPayload")
    if field_type is FieldType.RELATION and relation_payload is None:
        raise BadRequest(_RELATION_PAYLOAD_REQUIRED)
    if field_type is not FieldType.RELATION and relation_payload is not None:
        raise BadRequest(_RELATION_PAYLOAD_NOT_ALLOWED)

    is_nullable = data.boolean("isNullable")
    common = dict(
        description=data.string("description"),
        icon=data.string("icon"),
        is_active=data.boolean("isActive") is not False,
        is_nullable=True if is_nullable is None else is_nullable,
        is_label_synced_with_name=is_synced,
        is_ui_read_only=bool(data.boolean("isUIReadOnly")),
    )
    if relation_payload is not None:
        return _plan_create_relation(
            schema, obj, name, label, relation_payload, settings, common, now=now, new_id=new_id
        )

    check_name_available(
        names_taken(schema.fields_of(obj.id)), name, field_type, key="name", object_name=obj.name_singular
    )
    allocator = FieldAllocator(schema)
    storage_key = allocator.storage_key(obj.id)
    index_slot = _explicit_slot(schema, allocator, obj, field_type) if data.boolean("isIndexed") else None
    field = FieldMetadata(
        id=new_id(),
        object_id=obj.id,
        name=name,
        label=label,
        type=field_type,
        index_slot=index_slot,
        storage_key=storage_key,
        created_at=now,
        updated_at=now,
        is_unique=is_unique,
        default_value=default_value,
        options=options,
        settings=settings,
        **common,
    )
    return SchemaChange(result=field, puts=collect_puts(field, *allocator.changed_objects()))


def _plan_create_relation(
    schema: WorkspaceSchema,
    obj: ObjectMetadata,
    name: str,
    label: str,
    payload: dict[str, Any],
    settings: dict[str, Any] | None,
    common: dict[str, Any],
    *,
    now: str,
    new_id: Callable[[], str],
) -> SchemaChange:
    relation = Input(payload, name="relationCreationPayload", allowed=_RELATION_KEYS, prefix=_RELATION_PREFIX)
    raw_type = relation.string("type", required=True)
    if raw_type not in (RelationType.MANY_TO_ONE.value, RelationType.ONE_TO_MANY.value):
        raise BadRequest(_RELATION_TYPE.format(value=raw_type))
    source_type = RelationType(raw_type)
    target_type = RelationType.ONE_TO_MANY if source_type is RelationType.MANY_TO_ONE else RelationType.MANY_TO_ONE
    target_id = relation.string("targetObjectMetadataId", required=True)
    target = schema.object(target_id or "")
    if target is None:
        raise BadRequest(_TARGET_UNKNOWN.format(id=target_id))
    if target.is_system and target.name_singular not in _RELATABLE_SYSTEM_OBJECTS:
        raise BadRequest(_TARGET_SYSTEM.format(name=target.name_singular))
    if not target.is_active:
        raise BadRequest(_TARGET_INACTIVE.format(name=target.name_singular))
    target_label = relation.text("targetFieldLabel", required=True) or ""
    target_name = relation.string("targetFieldName") or name_from_label(target_label)
    validate_name(target_name, key=relation.key("targetFieldName"))

    taken = names_taken(schema.fields_of(obj.id))
    check_name_available(taken, name, FieldType.RELATION, source_type, key="name", object_name=obj.name_singular)
    target_taken = names_taken(schema.fields_of(target.id))
    if target.id == obj.id:  # a relation to self: both sides live on one object
        for claimed in names_claimed(name, FieldType.RELATION, source_type):
            target_taken.setdefault(claimed, f'the new field "{name}"')
    check_name_available(
        target_taken, target_name, FieldType.RELATION, target_type,
        key=relation.key("targetFieldName"), object_name=target.name_singular,
    )

    source_side = RelationSide(obj.id, name, label, common["icon"], common["description"])
    target_side = RelationSide(target.id, target_name, target_label, relation.string("targetFieldIcon"))
    source_is_many = source_type is RelationType.MANY_TO_ONE
    on_delete = OnDelete((settings or {}).get("onDelete") or OnDelete.SET_NULL.value)
    allocator = FieldAllocator(schema)
    many, one = build_relation_pair(
        allocator,
        many=source_side if source_is_many else target_side,
        one=target_side if source_is_many else source_side,
        on_delete=on_delete,
        now=now,
        new_id=new_id,
        many_settings=settings if source_is_many else None,
        one_settings=None if source_is_many else settings,
    )
    source, other = (many, one) if source_is_many else (one, many)
    source = replace(source, **common)
    # The two sides are one relation: they are active, or not, together.
    other = replace(other, is_active=source.is_active)
    return SchemaChange(result=source, puts=collect_puts(source, other, *allocator.changed_objects()))


def _indexable_list() -> str:
    return ", ".join(sorted(t.value for t in _INDEXABLE))


def _explicit_slot(schema: WorkspaceSchema, allocator: FieldAllocator, obj: ObjectMetadata, field_type: FieldType) -> int:
    if field_type not in _INDEXABLE:
        raise BadRequest(_NOT_INDEXABLE.format(type=field_type.value, types=_indexable_list()))
    slot = allocator.index_slot(obj.id)
    if slot is None:
        held = ", ".join(f.join_column or f.name for f in schema.fields_of(obj.id) if f.index_slot is not None) or "deleted fields"
        raise BadRequest(_NO_FREE_SLOT.format(object=obj.name_singular, held=held))
    return slot


# -- update -----------------------------------------------------------------------------------


def plan_update_field(
    schema: WorkspaceSchema,
    field_id: str,
    update: dict[str, Any],
    *,
    now: str,
    new_id: Callable[[], str] = _random_id,
) -> SchemaChange:
    """Apply an UpdateFieldInput. `new_id` names options that arrive without an id."""
    field = schema.field(field_id)
    if field is None:
        raise NotFound(FIELD_NOT_FOUND.format(id=field_id))
    if isinstance(update, dict) and "type" in update:
        # Not part of UpdateFieldInput; clients that send a whole field back may repeat it.
        if update["type"] != field.type.value:
            raise BadRequest(_TYPE_CHANGE)
        update = {key: value for key, value in update.items() if key != "type"}
    data = Input(update, name="UpdateFieldInput", allowed=_UPDATE_KEYS)
    obj = schema.object(field.object_id)
    assert obj is not None
    changes: dict[str, Any] = {}

    object_id = data.string("objectMetadataId")
    if object_id is not None and object_id != field.object_id:
        raise BadRequest(_MOVE.format(id=field.object_id))
    is_system = data.boolean("isSystem")
    if is_system is not None and is_system != field.is_system:
        raise BadRequest(_IS_SYSTEM_CHANGE)
    if field.is_system:
        for key, attribute in _SYSTEM_LOCKED.items():
            if data.has(key) and data.data[key] != getattr(field, attribute):
                raise BadRequest(_PROTECTED.format(kind="System", name=field.name, action=f"change {key}"))

    if data.has("name"):
        name = data.string("name", required=True) or ""
        if name != field.name:
            if not field.is_custom:
                raise BadRequest(_PROTECTED.format(kind=_kind(field), name=field.name, action="be renamed"))
            validate_name(name, key="name")
            relation_type = field.relation.type if field.relation is not None else None
            check_name_available(
                names_taken(schema.fields_of(obj.id), excluding={field.id}), name, field.type, relation_type,
                key="name", object_name=obj.name_singular,
            )
            changes["name"] = name
    if data.has("label"):
        changes["label"] = data.text("label", required=True)
    for key, attribute in (("description", "description"), ("icon", "icon")):
        if data.has(key):
            changes[attribute] = data.string(key)
    for key, attribute in (
        ("isNullable", "is_nullable"), ("isUIReadOnly", "is_ui_read_only"),
        ("isLabelSyncedWithName", "is_label_synced_with_name"),
    ):
        value = data.boolean(key)
        if value is not None:
            changes[attribute] = value
    is_unique = data.boolean("isUnique")
    if is_unique is not None:
        check_unique_allowed(field.type, is_unique)
        changes["is_unique"] = is_unique

    is_active = data.boolean("isActive")
    if is_active is not None and is_active != field.is_active:
        if not is_active and obj.label_identifier_field_id == field.id:
            raise BadRequest(_LABEL_IDENTIFIER.format(name=field.name, object=obj.name_singular, action="deactivated"))
        changes["is_active"] = is_active

    if data.has("options") or data.has("defaultValue"):
        options = field.options
        if data.has("options"):
            options = normalize_options(field.type, data.data["options"], new_id=new_id, previous=field.options)
            changes["options"] = options
        # A default must still be an option once options change.
        default = data.data["defaultValue"] if data.has("defaultValue") else field.default_value
        changes["default_value"] = check_default_value(field.type, default, options)

    other = schema.field(field.relation.target_field_id) if field.relation is not None else None
    relation = field.relation
    if data.has("settings") and not field.is_system:
        settings = normalize_settings(field.type, data.data["settings"])
        if relation is not None and settings is not None and settings.get("onDelete") is not None:
            if relation.type is not RelationType.MANY_TO_ONE:
                raise BadRequest(_ON_DELETE_SIDE.format(other=other.name if other else "?"))
            relation = replace(relation, on_delete=OnDelete(settings["onDelete"]))
            changes["relation"] = relation
        changes["settings"] = settings
    if relation is not None:
        # relationType, onDelete and joinColumnName follow the relation and the (new) name.
        name = changes.get("name", field.name)
        changes["settings"] = relation_settings(name, relation, changes.get("settings", field.settings))

    allocator = FieldAllocator(schema)
    is_indexed = data.boolean("isIndexed")
    if is_indexed is False and field.index_slot is not None:
        raise BadRequest(_INDEX_DROP)
    if is_indexed and field.index_slot is None:
        if field.relation is not None and not field.join_column:
            raise BadRequest(_NOT_INDEXABLE.format(type="ONE_TO_MANY RELATION", types=_indexable_list()))
        changes["index_slot"] = _explicit_slot(schema, allocator, obj, FieldType.UUID if field.join_column else field.type)

    updated = replace(field, **changes)
    if updated.is_label_synced_with_name and {"name", "label", "is_label_synced_with_name"} & changes.keys():
        check_label_synced(updated.name, updated.label, name_key="name", label_key="label")
    if updated == field:
        return SchemaChange(result=field)  # nothing to write
    updated = replace(updated, updated_at=now)
    puts: list[FieldMetadata | ObjectMetadata] = [updated, *allocator.changed_objects()]
    if other is not None and "is_active" in changes and other.is_active != updated.is_active:
        # Both sides of a relation are active, or not, together.
        puts.append(replace(other, is_active=updated.is_active, updated_at=now))
    return SchemaChange(result=updated, puts=tuple(puts))


# -- delete -----------------------------------------------------------------------------------


def plan_delete_field(schema: WorkspaceSchema, field_id: str, *, now: str) -> SchemaChange:
    """Delete a deactivated custom field (both sides of a relation). Its values in records are
    meaningless from now on (`cleared_fields`); its storage key and index slot are never reused."""
    field = schema.field(field_id)
    if field is None:
        raise NotFound(FIELD_NOT_FOUND.format(id=field_id))
    obj = schema.object(field.object_id)
    assert obj is not None
    if field.is_system:
        raise BadRequest(_PROTECTED.format(kind="System", name=field.name, action="be deleted"))
    if not field.is_custom:
        action = "be deleted; deactivate it instead"
        raise BadRequest(_PROTECTED.format(kind="Standard", name=field.name, action=action))
    if obj.label_identifier_field_id == field.id:
        raise BadRequest(_LABEL_IDENTIFIER.format(name=field.name, object=obj.name_singular, action="deleted"))
    if field.is_active:
        raise BadRequest(_MUST_DEACTIVATE.format(name=field.name))
    deleted = [field]
    if field.relation is not None:
        other = schema.field(field.relation.target_field_id)
        if other is not None and other.id != field.id:
            deleted.append(other)
    deleted_ids = {f.id for f in deleted}
    # An image identifier that goes away is simply unset.
    puts = [
        replace(o, image_identifier_field_id=None, updated_at=now)
        for o in schema.objects
        if o.image_identifier_field_id in deleted_ids
    ]
    return SchemaChange(result=field, puts=tuple(puts), deletes=tuple(deleted), cleared_fields=tuple(deleted))

"""Definitions as the Metadata API shows them: Twenty's `Object` and `Field` outputs
(docs/api.md §7.1). Storage details (storage keys, index slots, counters) are never shown."""

from __future__ import annotations

import copy
from typing import Any

from .model import FieldMetadata, ObjectMetadata, WorkspaceSchema
from .rules_builders import relation_settings

__all__ = ["present_object", "present_field"]


def present_object(schema: WorkspaceSchema, obj: ObjectMetadata, *, with_fields: bool = True) -> dict[str, Any]:
    """Twenty's `Object` output; `fields` (in schema order, active or not) unless `with_fields`
    is False."""
    output: dict[str, Any] = {
        "id": obj.id,
        "nameSingular": obj.name_singular,
        "namePlural": obj.name_plural,
        "labelSingular": obj.label_singular,
        "labelPlural": obj.label_plural,
        "description": obj.description,
        "icon": obj.icon,
        "isCustom": obj.is_custom,
        "isRemote": obj.is_remote,
        "isActive": obj.is_active,
        "isSystem": obj.is_system,
        "isSearchable": obj.is_searchable,
        "isLabelSyncedWithName": obj.is_label_synced_with_name,
        "labelIdentifierFieldMetadataId": obj.label_identifier_field_id,
        "imageIdentifierFieldMetadataId": obj.image_identifier_field_id,
        "createdAt": obj.created_at,
        "updatedAt": obj.updated_at,
    }
    if with_fields:
        output["fields"] = [present_field(schema, f) for f in schema.fields_of(obj.id)]
    return output


def present_field(schema: WorkspaceSchema, field: FieldMetadata) -> dict[str, Any]:
    """Twenty's `Field` output. A relation's settings carry relationType (and, on the
    MANY_TO_ONE side, onDelete and joinColumnName), derived from the relation itself."""
    settings = copy.deepcopy(field.settings)
    if field.relation is not None:
        settings = relation_settings(field.name, field.relation, settings)
    return {
        "id": field.id,
        "type": field.type.value,
        "name": field.name,
        "label": field.label,
        "description": field.description,
        "icon": field.icon,
        "isCustom": field.is_custom,
        "isActive": field.is_active,
        "isSystem": field.is_system,
        "isNullable": field.is_nullable,
        "isUnique": field.is_unique,
        "isIndexed": field.index_slot is not None,  # ours, additive (docs/storage.md)
        "isLabelSyncedWithName": field.is_label_synced_with_name,
        "isUIReadOnly": field.is_ui_read_only,
        "defaultValue": copy.deepcopy(field.default_value),
        "options": copy.deepcopy(field.options),
        "settings": settings,
        "objectMetadataId": field.object_id,
        "createdAt": field.created_at,
        "updatedAt": field.updated_at,
        "relation": _present_relation(schema, field),
    }


def _present_relation(schema: WorkspaceSchema, field: FieldMetadata) -> dict[str, Any] | None:
    """Twenty's `Relation` output, seen from `field`: the source is the field's own side."""
    if field.relation is None:
        return None
    target_field = schema.field(field.relation.target_field_id)
    return {
        "type": field.relation.type.value,
        "sourceObjectMetadata": _object_ref(schema.object(field.object_id)),
        "targetObjectMetadata": _object_ref(schema.object(field.relation.target_object_id)),
        "sourceFieldMetadata": {"id": field.id, "name": field.name},
        "targetFieldMetadata": {"id": target_field.id, "name": target_field.name} if target_field else None,
    }


def _object_ref(obj: ObjectMetadata | None) -> dict[str, Any] | None:
    if obj is None:
        return None
    return {"id": obj.id, "nameSingular": obj.name_singular, "namePlural": obj.name_plural}

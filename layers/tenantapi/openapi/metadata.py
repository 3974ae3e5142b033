"""The metadata OpenAPI document: `/objects`, `/objects/{id}`, `/fields`, `/fields/{id}` as
`api.metadata_rest` serves them (docs/api.md §7.1).

Request bodies are Twenty's CreateObjectInput, UpdateObjectPayload, CreateFieldInput and
UpdateFieldInput (flat camelCase, as the planners in `metadata.rules_*` accept them); responses
are the outputs of `metadata.presenters` in the legacy envelopes (`{"data":{"objects":[…]}, …}`,
`createOneObject`, …). The workspace's own objects appear as examples of field creation.
"""

from __future__ import annotations

from typing import Any

from ..metadata.field_types import FieldType, RelationType
from ..metadata.model import WorkspaceSchema
from .document import ID_PATH, base_document, envelope, error_refs, json_content, pagination_parameters, with_server
from .field_schemas import DATE_TIME_SCHEMA, UUID_SCHEMA, JsonSchema, nullable

__all__ = ["metadata_document"]

_MEMO_KEY = ("openapi", "metadata")
# Twenty's metadata lists default to and cap at 1000 items (api.metadata_rest).
_METADATA_LIMIT = 1000
# Field types a client may create: ACTOR and POSITION exist as system fields only (rules_values).
_CREATABLE_TYPES = [t.value for t in FieldType if t not in (FieldType.ACTOR, FieldType.POSITION)]
# Names of objects and fields (docs/api.md §7.3): camelCase, 1..63 characters.
_NAME: JsonSchema = {"type": "string", "pattern": "^[a-z][a-zA-Z0-9]*$", "minLength": 1, "maxLength": 63}
_LABEL: JsonSchema = {"type": "string", "minLength": 1}
_TEXT: JsonSchema = {"type": ["string", "null"]}
_FLAG: JsonSchema = {"type": ["boolean", "null"]}
_OBJECT_OR_NULL: JsonSchema = {"type": ["object", "null"]}


def metadata_document(schema: WorkspaceSchema | None, server_url: str) -> dict[str, Any]:
    """The metadata OpenAPI 3.1 document: without a schema (no key) the base document, else the
    objects and fields routes. Cached per schema version in `schema.memo`; the result shares its
    parts with the cache and must not be mutated."""
    if schema is None:
        return with_server(base_document("metadata"), "metadata", server_url)
    document = schema.memo.get(_MEMO_KEY)
    if document is None:
        document = schema.memo[_MEMO_KEY] = _workspace_document(schema)
    return with_server(document, "metadata", server_url)


def _workspace_document(schema: WorkspaceSchema) -> dict[str, Any]:
    document = base_document("metadata")
    document["paths"].update(_paths("object", "objects", {}))
    document["paths"].update(_paths("field", "fields", _field_examples(schema)))
    document["tags"] += [
        {"name": "objects", "description": "The workspace's objects"},
        {"name": "fields", "description": "The fields of the workspace's objects"},
    ]
    document["components"] = {
        **document["components"],
        "schemas": {**_object_schemas(), **_field_schemas()},
        "parameters": {
            "idPath": dict(ID_PATH),
            # Metadata cursors are item ids (docs/api.md §7.1).
            **pagination_parameters(default_limit=_METADATA_LIMIT, max_limit=_METADATA_LIMIT, cursor_format="uuid"),
        },
    }
    return document


# -- objects ----------------------------------------------------------------------------------


def _object_schemas() -> dict[str, JsonSchema]:
    create: JsonSchema = {
        "type": "object",
        "description": "CreateObjectInput. A new object gets the system fields and a `name` TEXT field unless skipNameField.",
        "properties": {
            "nameSingular": _NAME,
            "namePlural": _NAME,
            "labelSingular": _LABEL,
            "labelPlural": _LABEL,
            "description": _TEXT,
            "icon": _TEXT,
            "shortcut": _TEXT,
            "color": _TEXT,
            "skipNameField": _FLAG,
            "isRemote": {**_FLAG, "description": "Remote objects are not supported: only false is accepted"},
            "primaryKeyColumnType": _TEXT,
            "primaryKeyFieldMetadataSettings": _OBJECT_OR_NULL,
            "isLabelSyncedWithName": _FLAG,
        },
        "required": ["nameSingular", "namePlural", "labelSingular", "labelPlural"],
        "additionalProperties": False,
    }
    update: JsonSchema = {
        "type": "object",
        "description": "UpdateObjectPayload. An object must be deactivated (isActive: false) before it is deleted.",
        "properties": {
            "labelSingular": _LABEL,
            "labelPlural": _LABEL,
            "nameSingular": _NAME,
            "namePlural": _NAME,
            "description": _TEXT,
            "icon": _TEXT,
            "shortcut": _TEXT,
            "color": _TEXT,
            "isActive": _FLAG,
            "labelIdentifierFieldMetadataId": nullable(UUID_SCHEMA),
            "imageIdentifierFieldMetadataId": nullable(UUID_SCHEMA),
            "isLabelSyncedWithName": _FLAG,
            "isSearchable": _FLAG,
            "openRecordIn": {"type": ["string", "null"], "enum": ["SIDE_PANEL", "RECORD_PAGE", "USER_CHOICE", None]},
            "readability": _TEXT,
            "translations": _OBJECT_OR_NULL,
        },
        "additionalProperties": False,
    }
    response: JsonSchema = {
        "type": "object",
        "description": "An object, with its fields (active or not)",
        "properties": {
            "id": UUID_SCHEMA,
            "nameSingular": {"type": "string"},
            "namePlural": {"type": "string"},
            "labelSingular": {"type": "string"},
            "labelPlural": {"type": "string"},
            "description": _TEXT,
            "icon": _TEXT,
            "isCustom": {"type": "boolean"},
            "isRemote": {"type": "boolean"},
            "isActive": {"type": "boolean"},
            "isSystem": {"type": "boolean"},
            "isSearchable": {"type": "boolean"},
            "isLabelSyncedWithName": {"type": "boolean"},
            "labelIdentifierFieldMetadataId": nullable(UUID_SCHEMA),
            "imageIdentifierFieldMetadataId": nullable(UUID_SCHEMA),
            "createdAt": DATE_TIME_SCHEMA,
            "updatedAt": DATE_TIME_SCHEMA,
            "fields": {"type": "array", "items": {"$ref": "#/components/schemas/FieldForResponse"}},
        },
    }
    response["required"] = list(response["properties"])
    return {"Object": create, "ObjectForUpdate": update, "ObjectForResponse": response}


# -- fields -----------------------------------------------------------------------------------


def _option_input() -> JsonSchema:
    return {
        "type": "object",
        "properties": {
            "id": UUID_SCHEMA,
            "label": _LABEL,
            # Upper snake case, at most 63 characters (rules_values).
            "value": {"type": "string", "pattern": "^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$", "maxLength": 63, "examples": ["IN_PROGRESS"]},
            "color": {"type": "string"},
            "position": {"type": "number"},
        },
        "required": ["label", "value"],
        "additionalProperties": False,
    }


def _field_schemas() -> dict[str, JsonSchema]:
    options = nullable({"type": "array", "description": "SELECT, MULTI_SELECT and RATING only", "items": _option_input()})
    common: dict[str, JsonSchema] = {
        "name": _NAME,
        "label": _LABEL,
        "description": _TEXT,
        "icon": _TEXT,
        "isActive": _FLAG,
        "isSystem": {**_FLAG, "description": "System fields come with their object: only false is accepted"},
        "isUIEditable": _FLAG,
        "isUIReadOnly": _FLAG,
        "isNullable": _FLAG,
        "isUnique": _FLAG,
        "isSearchable": _FLAG,
        "isAuditLogged": _FLAG,
        "defaultValue": {"description": "SQL-literal style: \"'NEW'\" for a SELECT, \"''\" for TEXT, \"now\", \"uuid\""},
        "options": options,
        "settings": _OBJECT_OR_NULL,
        "objectMetadataId": UUID_SCHEMA,
        "isLabelSyncedWithName": _FLAG,
        "isIndexed": {**_FLAG, "description": "Ours, additive: give the field one of its object's five index slots"},
    }
    relation_payload = nullable({
        "type": "object",
        "description": "RELATION only: creates both sides of the relation",
        "properties": {
            "type": {"type": "string", "enum": [t.value for t in RelationType]},
            "targetObjectMetadataId": UUID_SCHEMA,
            "targetFieldLabel": _LABEL,
            "targetFieldName": {**nullable(_NAME), "description": "Derived from targetFieldLabel when absent"},
            "targetFieldIcon": _TEXT,
        },
        "required": ["type", "targetObjectMetadataId", "targetFieldLabel"],
        "additionalProperties": False,
    })
    create: JsonSchema = {
        "type": "object",
        "description": "CreateFieldInput",
        "properties": {
            "type": {"type": "string", "enum": _CREATABLE_TYPES},
            **common,
            "isRemoteCreation": _FLAG,
            "relationCreationPayload": relation_payload,
            "morphRelationsCreationPayload": {**nullable({"type": "array", "maxItems": 0}),
                                              "description": "MORPH_RELATION fields are not supported"},
        },
        "required": ["type", "name", "label", "objectMetadataId"],
        "additionalProperties": False,
    }
    update: JsonSchema = {
        "type": "object",
        "description": "UpdateFieldInput (a field's type cannot change)",
        "properties": {
            "universalIdentifier": _TEXT,
            **common,
            "morphRelationsUpdatePayload": {},
            "translations": _OBJECT_OR_NULL,
        },
        "additionalProperties": False,
    }
    object_ref = nullable({
        "type": "object",
        "properties": {"id": UUID_SCHEMA, "nameSingular": {"type": "string"}, "namePlural": {"type": "string"}},
    })
    field_ref: JsonSchema = {"type": "object", "properties": {"id": UUID_SCHEMA, "name": {"type": "string"}}}
    response: JsonSchema = {
        "type": "object",
        "description": "A field",
        "properties": {
            "id": UUID_SCHEMA,
            "type": {"type": "string", "enum": [t.value for t in FieldType]},
            "name": {"type": "string"},
            "label": {"type": "string"},
            "description": _TEXT,
            "icon": _TEXT,
            "isCustom": {"type": "boolean"},
            "isActive": {"type": "boolean"},
            "isSystem": {"type": "boolean"},
            "isNullable": {"type": "boolean"},
            "isUnique": {"type": "boolean"},
            "isIndexed": {"type": "boolean"},
            "isLabelSyncedWithName": {"type": "boolean"},
            "isUIReadOnly": {"type": "boolean"},
            "defaultValue": {},
            "options": nullable({"type": "array", "items": {"type": "object", "properties": {
                "id": UUID_SCHEMA, "label": {"type": "string"}, "value": {"type": "string"},
                "color": {"type": "string"}, "position": {"type": "number"},
            }, "required": ["id", "label", "value", "position"]}}),
            "settings": _OBJECT_OR_NULL,
            "objectMetadataId": UUID_SCHEMA,
            "createdAt": DATE_TIME_SCHEMA,
            "updatedAt": DATE_TIME_SCHEMA,
            "relation": nullable({
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": [t.value for t in RelationType]},
                    "sourceObjectMetadata": object_ref,
                    "targetObjectMetadata": object_ref,
                    "sourceFieldMetadata": field_ref,
                    "targetFieldMetadata": nullable(field_ref),
                },
                "required": ["type", "sourceObjectMetadata", "targetObjectMetadata", "sourceFieldMetadata", "targetFieldMetadata"],
            }),
        },
    }
    response["required"] = list(response["properties"])
    return {"Field": create, "FieldForUpdate": update, "FieldForResponse": response}


def _free_name(schema: WorkspaceSchema, object_id: str, wanted: str) -> str:
    """`wanted`, or `wanted2`, `wanted3`… when a field (or a join column) of the object has it."""
    taken = {name for f in schema.fields_of(object_id) for name in (f.name, f.join_column) if name}
    name, suffix = wanted, 1
    while name in taken or f"{name}Id" in taken:
        suffix += 1
        name = f"{wanted}{suffix}"
    return name


def _field_examples(schema: WorkspaceSchema) -> dict[str, Any]:
    """Request examples bound to this workspace: a field on its first custom object (else on
    `company`), and a relation from it to `person`, with names still free on both."""
    owner = next((o for o in schema.active_objects() if o.is_custom), None) or schema.active_object_by_singular("company")
    target = schema.active_object_by_singular("person")
    if owner is None:
        return {}
    examples: dict[str, Any] = {
        "select": {"summary": f"A SELECT field on {owner.name_plural}", "value": {
            "objectMetadataId": owner.id, "type": "SELECT", "name": _free_name(schema, owner.id, "status"), "label": "Status",
            "options": [{"label": "Open", "value": "OPEN"}, {"label": "Closed", "value": "CLOSED"}],
            "defaultValue": "'OPEN'",
        }},
    }
    if target is not None and target.id != owner.id:
        examples["relation"] = {"summary": f"A relation from {owner.name_plural} to {target.name_plural}", "value": {
            "objectMetadataId": owner.id, "type": "RELATION", "name": _free_name(schema, owner.id, "contact"),
            "label": "Contact",
            "relationCreationPayload": {
                "type": "MANY_TO_ONE", "targetObjectMetadataId": target.id, "targetFieldLabel": owner.label_plural,
                "targetFieldName": _free_name(schema, target.id, f"contact{owner.plural_cap}"),
            },
        }}
    return examples


# -- paths ------------------------------------------------------------------------------------


def _paths(singular: str, plural: str, create_examples: dict[str, Any]) -> dict[str, Any]:
    cap = singular.capitalize()
    one: JsonSchema = {"$ref": f"#/components/schemas/{cap}ForResponse"}
    tags = [plural]
    errors = error_refs("400", "401", "403", "429")
    errors_by_id = error_refs("400", "401", "403", "404", "429")
    # A write commits against the schema version it read: 409 when another change won every retry.
    write_errors_by_id = error_refs("400", "401", "403", "404", "409", "429")
    # A new field names its object (and a relation its target): 404 when it does not exist.
    create_statuses = ("400", "401", "403", "404", "409", "429") if singular == "field" else ("400", "401", "403", "409", "429")
    create_errors = error_refs(*create_statuses)
    id_param = [{"$ref": "#/components/parameters/idPath"}]
    create_body: dict[str, Any] = {"$ref": f"#/components/schemas/{cap}"}
    create_content = json_content(create_body)
    if create_examples:
        create_content["application/json"]["examples"] = create_examples
    update_one = {
        "tags": tags,
        "summary": f"Update One {singular}",
        "operationId": f"updateOne{cap}",
        "parameters": id_param,
        "requestBody": {"required": True, "content": json_content({"$ref": f"#/components/schemas/{cap}ForUpdate"})},
        "responses": {"200": envelope(f"updateOne{cap}", one), **write_errors_by_id},
    }
    return {
        f"/{plural}": {
            "get": {
                "tags": tags,
                "summary": f"Find Many {plural}",
                "operationId": f"findMany{plural.capitalize()}",
                "parameters": [{"$ref": f"#/components/parameters/{name}"} for name in ("limit", "startingAfter", "endingBefore")],
                "responses": {"200": envelope(plural, {"type": "array", "items": one}, listing=True), **errors},
            },
            "post": {
                "tags": tags,
                "summary": f"Create One {singular}",
                "operationId": f"createOne{cap}",
                "requestBody": {"required": True, "content": create_content},
                "responses": {"201": envelope(f"createOne{cap}", one), **create_errors},
            },
        },
        f"/{plural}/{{id}}": {
            "get": {
                "tags": tags,
                "summary": f"Find One {singular}",
                "operationId": f"findOne{cap}",
                "parameters": id_param,
                "responses": {"200": envelope(singular, one), **errors_by_id},
            },
            "patch": update_one,
            "put": {**update_one, "summary": f"Update One {singular} (PUT alias of PATCH)", "operationId": f"putOne{cap}"},
            "delete": {
                "tags": tags,
                "summary": f"Delete One {singular}",
                "operationId": f"deleteOne{cap}",
                "parameters": id_param,
                "responses": {"200": envelope(f"deleteOne{cap}", one, description="The deleted item"), **write_errors_by_id},
            },
        },
    }

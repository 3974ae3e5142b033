"""The core OpenAPI document of a workspace: the REST routes of `api.core_rest` for every active
object, with the bodies and envelopes they really take and return (docs/api.md §1.3, §3).

Names follow Twenty's newest generator: paths `/{namePlural}`, `/batch/{namePlural}`,
`/{namePlural}/{id}`; operationIds `findManyPeople`, `createOnePerson`, `UpdateOnePerson`…; tags
= namePlural; schemas `Person` (create), `PersonForUpdate`, `PersonForResponse`. (Older Twenty
wrote "Person for Response"; OpenAPI 3.1 only allows `[a-zA-Z0-9._-]` in component names.)
"""

from __future__ import annotations

from typing import Any

from ..metadata.model import FieldMetadata, ObjectMetadata, WorkspaceSchema
from ..query.parse_params import DEFAULT_LIMIT, DEPTHS, MAX_LIMIT
from ..records.defaults import default_for
from ..records.projection import projectable_names
from ..records.service import BATCH_LIMIT
from ..records.shape import ObjectShape, shape_of
from ..records.values import SERVER_SET_FIELDS
from .document import ID_PATH, base_document, envelope, error_refs, json_content, pagination_parameters, with_server
from .field_schemas import UUID_SCHEMA, JsonSchema, nullable, value_schema

__all__ = ["core_document"]

_MEMO_KEY = ("openapi", "core")
# Fields a client may give on create only (records.values: `createdAt` for imports; `id`).
_CREATE_ONLY = ("id", "createdAt")
# The actors are the server's on update (updatedBy is overwritten with the key's actor).
_NOT_UPDATABLE = ("createdBy", "updatedBy")


def core_document(schema: WorkspaceSchema | None, server_url: str) -> dict[str, Any]:
    """The core OpenAPI 3.1 document: without a schema (no key) the base document, else every
    active object's paths and schemas. Cached per schema version in `schema.memo`; the result
    shares its parts with the cache and must not be mutated."""
    if schema is None:
        return with_server(base_document("core"), "core", server_url)
    document = schema.memo.get(_MEMO_KEY)
    if document is None:
        document = schema.memo[_MEMO_KEY] = _workspace_document(schema)
    return with_server(document, "core", server_url)


def _workspace_document(schema: WorkspaceSchema) -> dict[str, Any]:
    document = base_document("core")
    objects = sorted(schema.active_objects(), key=lambda o: o.name_plural)  # Twenty's order
    schemas: dict[str, JsonSchema] = {}
    for obj in objects:
        shape = shape_of(schema, obj)
        document["paths"].update(_paths(obj))
        schemas[obj.singular_cap] = _input_schema(obj, shape, creating=True)
        schemas[f"{obj.singular_cap}ForUpdate"] = _input_schema(obj, shape, creating=False)
        schemas[f"{obj.singular_cap}ForResponse"] = _response_schema(schema, obj, shape)
        document["tags"].append({"name": obj.name_plural, "description": obj.description or obj.label_plural})
    parameters = _parameters()
    for obj in objects:
        parameters[_fields_parameter_name(obj)] = _fields_parameter(projectable_names(schema, obj))
    document["components"] = {
        **document["components"],
        "schemas": schemas,
        "parameters": parameters,
    }
    return document


# -- component schemas ------------------------------------------------------------------------


def _writable(shape: ObjectShape, *, creating: bool) -> list[tuple[str, FieldMetadata]]:
    """(input name, field) a body may hold: what check_values accepts, minus what it refuses."""
    out = []
    for name, field in shape.writable.by_input_name.items():
        if name in SERVER_SET_FIELDS:
            continue
        if not creating and (name in _CREATE_ONLY or name in _NOT_UPDATABLE):
            continue
        out.append((name, field))
    return out


def _is_required(field: FieldMetadata) -> bool:
    # RecordService fills in defaults, then refuses a non-nullable custom field left null.
    if field.is_nullable or field.is_system:
        return False
    return default_for(field, now=lambda: "now", new_id=lambda: "id") is None


def _input_schema(obj: ObjectMetadata, shape: ObjectShape, *, creating: bool) -> JsonSchema:
    writable = _writable(shape, creating=creating)
    properties: dict[str, JsonSchema] = {}
    for name, field in writable:
        if name == "id":
            properties["id"] = {**UUID_SCHEMA, "description": "A client-chosen id; one is generated when absent"}
        else:
            properties[name] = value_schema(field, output=False)
    result: JsonSchema = {"type": "object"}
    if obj.description:
        result["description"] = obj.description
    result["properties"] = properties
    required = [name for name, field in writable if creating and _is_required(field)]
    if required:
        result["required"] = required
    # Unknown fields and relation names are refused with a 400.
    result["additionalProperties"] = False
    return result


def _response_schema(schema: WorkspaceSchema, obj: ObjectMetadata, shape: ObjectShape) -> JsonSchema:
    """A record as `RecordService.present` shows it (depth 0: join columns), plus the relations
    `depth=1` embeds: a many-to-one record (or null), a one-to-many list. Every property but `id`
    is optional: `fields=` keeps only the fields listed."""
    properties: dict[str, JsonSchema] = {"id": dict(UUID_SCHEMA)}
    for name, field in shape.outputs:
        properties[name] = value_schema(field, output=True)
    for field in schema.fields_of(obj.id, active_only=True):
        target = schema.object(field.relation.target_object_id) if field.relation is not None else None
        if target is None or not target.is_active:
            continue  # records.projection embeds nothing for an inactive target
        ref: JsonSchema = {"$ref": f"#/components/schemas/{target.singular_cap}ForResponse"}
        if field.is_many_to_one:
            embedded = nullable(ref)
        else:
            embedded = {"type": "array", "items": ref}
        embedded["description"] = f"With depth=1: {field.description or field.label}"
        properties[field.name] = embedded
    result: JsonSchema = {"type": "object"}
    if obj.description:
        result["description"] = obj.description
    result.update({"properties": properties, "required": ["id"]})
    return result


# -- parameters -------------------------------------------------------------------------------


def _flag(name: str, description: str) -> JsonSchema:
    # Twenty compares with the exact string "true" (parse_flag).
    return {"name": name, "in": "query", "description": description, "required": False,
            "schema": {"type": "boolean", "default": False}}


def _filter(*, required: bool) -> JsonSchema:
    description = (
        "Filters records: `field[COMPARATOR]:value`, several separated by commas (AND); "
        "`and(...)`, `or(...)`, `not(...)`; composite sub-fields as `field.subField`."
    )
    if required:
        description += " Mandatory for bulk operations, which touch at most " + f"{BATCH_LIMIT} records."
    return {
        "name": "filter",
        "in": "query",
        "description": description,
        "required": required,
        "schema": {"type": "string"},
        "examples": {
            "simple": {"value": 'createdAt[gte]:"2024-01-01"', "summary": "A simple filter"},
            "composite": {"value": "emails.primaryEmail[eq]:foo@example.com", "summary": "A composite sub-field"},
            "complex": {"value": 'or(createdAt[gte]:"2024-01-01",not(id[is]:NULL))', "summary": "Conjunctions"},
        },
    }


def _parameters() -> dict[str, JsonSchema]:
    return {
        "idPath": dict(ID_PATH),
        **pagination_parameters(default_limit=DEFAULT_LIMIT, max_limit=MAX_LIMIT, cursor_format=None),
        "filter": _filter(required=False),
        "bulkFilter": _filter(required=True),
        "orderBy": {
            "name": "order_by",
            "in": "query",
            "description": "Sorts records: `field1,field2[DIRECTION]` with AscNullsFirst (default), AscNullsLast, "
            "DescNullsFirst, DescNullsLast; `id` is always the last tie-breaker.",
            "required": False,
            "schema": {"type": "string"},
            "examples": {
                "simple": {"value": "createdAt", "summary": "One field"},
                "complex": {"value": "name.lastName[AscNullsLast],createdAt[DescNullsLast]", "summary": "Several fields"},
            },
        },
        "depth": {
            "name": "depth",
            "in": "query",
            "description": "0: the record with its join columns; 1: also the related records, one level deep.",
            "required": False,
            "schema": {"type": "integer", "enum": list(DEPTHS), "default": 0},
        },
        # Conditional requests on one record (docs/api.md §3.9): ETags are strong and opaque.
        "ifMatch": {
            "name": "If-Match",
            "in": "header",
            "description": "Write only if the record's current ETag is one of these (or `*`); otherwise 412 and nothing is written.",
            "required": False,
            "schema": {"type": "string"},
        },
        "ifNoneMatch": {
            "name": "If-None-Match",
            "in": "header",
            "description": "Answer 304 without a body when the record's current ETag is one of these (or `*`).",
            "required": False,
            "schema": {"type": "string"},
        },
        "softDelete": _flag("soft_delete", "`true`: soft delete (sets `deletedAt`); otherwise the record is destroyed."),
        "upsert": _flag("upsert", "`true`: update the record matching the `id` or a unique field instead of failing."),
    }


def _fields_parameter_name(obj: ObjectMetadata) -> str:
    return f"fields{obj.singular_cap}"


def _fields_parameter(names: list[str]) -> JsonSchema:
    """`fields` of one object: a comma-separated list of its field names (records.projection)."""
    return {
        "name": "fields",
        "in": "query",
        "description": "Comma-separated fields to return (`id` is always returned); a relation listed is "
        "the only one `depth=1` expands.",
        "required": False,
        "style": "form",
        "explode": False,
        "schema": {"type": "array", "items": {"type": "string", "enum": names}, "minItems": 1},
        "example": [name for name in ("id", "name", "createdAt") if name in names],
    }


# -- paths ------------------------------------------------------------------------------------


_ETAG_HEADER: JsonSchema = {
    "description": "The record's strong entity tag: it changes with every write of the record",
    "schema": {"type": "string"},
}


def _tagged(response: dict[str, Any]) -> dict[str, Any]:
    """A single-record success response that carries the record's ETag."""
    return {**response, "headers": {"ETag": _ETAG_HEADER}}


def _refs(*names: str) -> list[dict[str, str]]:
    return [{"$ref": f"#/components/parameters/{name}"} for name in names]


def _body(ref: str, description: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"required": True, "content": json_content({"$ref": f"#/components/schemas/{ref}"})}
    if description:
        body["description"] = description
    return body


def _paths(obj: ObjectMetadata) -> dict[str, Any]:
    plural, singular = obj.name_plural, obj.name_singular
    cap_plural, cap_singular = obj.plural_cap, obj.singular_cap
    one: JsonSchema = {"$ref": f"#/components/schemas/{cap_singular}ForResponse"}
    many: JsonSchema = {"type": "array", "items": one}
    tags = [plural]
    errors = error_refs("400", "401", "403", "429")
    errors_by_id = error_refs("400", "401", "403", "404", "429")
    # Writes also answer 409 when the records they read kept changing while they were written.
    write_errors = error_refs("400", "401", "403", "409", "429")
    write_errors_by_id = error_refs("400", "401", "403", "404", "409", "429")
    conditional_errors = error_refs("400", "401", "403", "404", "409", "412", "429")
    fields = _fields_parameter_name(obj)

    def operation(summary: str, operation_id: str, parameters: list[Any], responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return {"tags": tags, "summary": summary, "operationId": operation_id, "parameters": parameters,
                **extra, "responses": responses}

    update_one = operation(
        f"Update One {singular}", f"UpdateOne{cap_singular}", _refs("idPath", "depth", fields, "ifMatch"),
        {"200": _tagged(envelope(f"update{cap_singular}", one)), **conditional_errors},
        requestBody=_body(f"{cap_singular}ForUpdate"),
    )
    return {
        f"/{plural}": {
            "get": operation(
                f"Find Many {plural}", f"findMany{cap_plural}",
                _refs("orderBy", "filter", "limit", "depth", "startingAfter", "endingBefore", fields),
                {"200": envelope(plural, many, listing=True), **errors},
                description=f"**order_by**, **filter**, **limit**, **depth**, **starting_after** or **ending_before** "
                f"can be provided to request your **{plural}**",
            ),
            "post": operation(
                f"Create One {singular}", f"createOne{cap_singular}", _refs("depth", fields, "upsert"),
                {"201": _tagged(envelope(f"create{cap_singular}", one)), **write_errors},
                requestBody=_body(cap_singular),
            ),
            "patch": operation(
                f"Update Many {plural}", f"updateMany{cap_plural}", _refs("bulkFilter", "depth", fields),
                {"200": envelope(f"update{cap_plural}", many), **write_errors},
                requestBody=_body(f"{cap_singular}ForUpdate", "The values to set on every matching record"),
            ),
            "delete": operation(
                f"Delete Many {plural}", f"deleteMany{cap_plural}", _refs("bulkFilter", "softDelete", "depth", fields),
                {"200": envelope(f"delete{cap_plural}", many), **write_errors},
            ),
        },
        f"/batch/{plural}": {
            "post": operation(
                f"Create Many {plural}", f"createMany{cap_plural}", _refs("depth", fields, "upsert"),
                {"201": envelope(f"create{cap_plural}", many), **write_errors},
                requestBody={
                    "required": True,
                    "description": f"1 to {BATCH_LIMIT} records, created all or none",
                    "content": json_content({
                        "type": "array",
                        "items": {"$ref": f"#/components/schemas/{cap_singular}"},
                        "minItems": 1,
                        "maxItems": BATCH_LIMIT,
                    }),
                },
            ),
        },
        f"/{plural}/{{id}}": {
            "get": operation(
                f"Find One {singular}", f"findOne{cap_singular}", _refs("idPath", "depth", fields, "ifNoneMatch"),
                {"200": _tagged(envelope(singular, one)),
                 "304": {"description": "If-None-Match names the current ETag: no body", "headers": {"ETag": _ETAG_HEADER}},
                 **errors_by_id},
                description=f"**depth** can be provided to request your **{singular}**",
            ),
            "patch": update_one,
            # PUT is Twenty's legacy alias of PATCH (docs/api.md §3.1).
            "put": {**update_one, "summary": f"Update One {singular} (PUT alias of PATCH)",
                    "operationId": f"putOne{cap_singular}"},
            "delete": operation(
                f"Delete One {singular}", f"deleteOne{cap_singular}", _refs("idPath", "softDelete", "depth", fields, "ifMatch"),
                {"200": envelope(f"delete{cap_singular}", one), **conditional_errors},
            ),
        },
        f"/{plural}/{{id}}/restore": {
            "patch": operation(
                f"Restore One {singular}", f"restoreOne{cap_singular}", _refs("idPath", "depth", fields),
                {"200": envelope(f"restore{cap_singular}", one), **write_errors_by_id},
            ),
        },
        f"/{plural}/restore": {
            "patch": operation(
                f"Restore Many {plural}", f"restoreMany{cap_plural}", _refs("bulkFilter", "depth", fields),
                {"200": envelope(f"restore{cap_plural}", many), **write_errors},
            ),
        },
    }

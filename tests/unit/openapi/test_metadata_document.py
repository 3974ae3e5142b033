"""The metadata OpenAPI document: valid OpenAPI 3.1, the objects and fields routes with their
envelopes, and schemas that the presenters' outputs and the planners' inputs agree with."""

from __future__ import annotations

from typing import Any, Callable

from openapi_spec_validator import validate

from tenantapi.metadata.model import WorkspaceSchema
from tenantapi.metadata.presenters import present_field, present_object
from tenantapi.metadata.rules import plan_create_field, plan_update_object
from tenantapi.openapi import metadata_document

from ..metadata.support import NOW, apply, object_named
from .conftest import GADGET_FIELDS, SERVER
from .test_core_document import assert_valid, operations, response_schema


def test_the_base_document_is_valid_openapi_3_1_with_only_its_own_path() -> None:
    base = metadata_document(None, SERVER)
    validate(base)
    assert base["openapi"] == "3.1.1"
    assert base["servers"] == [{"url": f"{SERVER}/rest/metadata"}]
    assert base["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": base["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert list(base["paths"]) == ["/open-api/metadata"]


def test_the_workspace_document_is_valid_openapi_3_1(schema: WorkspaceSchema) -> None:
    validate(metadata_document(schema, SERVER))


def test_paths_and_operation_ids(schema: WorkspaceSchema) -> None:
    document = metadata_document(schema, SERVER)
    assert set(document["paths"]) == {"/open-api/metadata", "/objects", "/objects/{id}", "/fields", "/fields/{id}"}
    ids = {(path, method): op["operationId"] for path, method, op in operations(document) if path != "/open-api/metadata"}
    assert ids == {
        ("/objects", "get"): "findManyObjects",
        ("/objects", "post"): "createOneObject",
        ("/objects/{id}", "get"): "findOneObject",
        ("/objects/{id}", "patch"): "updateOneObject",
        ("/objects/{id}", "put"): "putOneObject",
        ("/objects/{id}", "delete"): "deleteOneObject",
        ("/fields", "get"): "findManyFields",
        ("/fields", "post"): "createOneField",
        ("/fields/{id}", "get"): "findOneField",
        ("/fields/{id}", "patch"): "updateOneField",
        ("/fields/{id}", "put"): "putOneField",
        ("/fields/{id}", "delete"): "deleteOneField",
    }


def test_envelopes_are_the_legacy_metadata_ones(schema: WorkspaceSchema) -> None:
    document = metadata_document(schema, SERVER)
    objects, one = document["paths"]["/objects"], document["paths"]["/objects/{id}"]
    record = {"$ref": "#/components/schemas/ObjectForResponse"}

    def data(op: dict[str, Any], status: str) -> dict[str, Any]:
        return response_schema(op, status)["properties"]["data"]["properties"]  # type: ignore[no-any-return]

    assert data(objects["get"], "200") == {"objects": {"type": "array", "items": record}}
    assert response_schema(objects["get"], "200")["required"] == ["data", "totalCount", "pageInfo"]
    assert data(objects["post"], "201") == {"createOneObject": record}
    assert data(one["get"], "200") == {"object": record}
    assert data(one["patch"], "200") == {"updateOneObject": record}
    assert data(one["delete"], "200") == {"deleteOneObject": record}
    fields = document["paths"]["/fields"]
    assert data(fields["post"], "201") == {"createOneField": {"$ref": "#/components/schemas/FieldForResponse"}}
    assert document["components"]["parameters"]["startingAfter"]["schema"] == {"type": "string", "format": "uuid"}
    assert document["components"]["parameters"]["limit"]["schema"]["default"] == 1000


def test_error_statuses_are_the_ones_each_route_answers(schema: WorkspaceSchema) -> None:
    paths = metadata_document(schema, SERVER)["paths"]

    def statuses(path: str, method: str) -> set[str]:
        return {s for s in paths[path][method]["responses"] if s >= "400"}

    # A field names its object: an unknown objectMetadataId is a 404, as Twenty answers.
    assert statuses("/fields", "post") == {"400", "401", "403", "404", "409", "429"}
    assert statuses("/objects", "post") == {"400", "401", "403", "409", "429"}
    for path in ("/objects/{id}", "/fields/{id}"):
        assert statuses(path, "get") == {"400", "401", "403", "404", "429"}
        for method in ("patch", "put", "delete"):
            assert statuses(path, method) == {"400", "401", "403", "404", "409", "429"}


def test_request_bodies_are_twentys_inputs(schema: WorkspaceSchema) -> None:
    schemas = metadata_document(schema, SERVER)["components"]["schemas"]
    assert schemas["Object"]["required"] == ["nameSingular", "namePlural", "labelSingular", "labelPlural"]
    assert {"skipNameField", "isLabelSyncedWithName", "icon"} <= set(schemas["Object"]["properties"])
    assert {"isActive", "labelIdentifierFieldMetadataId"} <= set(schemas["ObjectForUpdate"]["properties"])
    assert schemas["Field"]["required"] == ["type", "name", "label", "objectMetadataId"]
    assert {"relationCreationPayload", "options", "defaultValue", "settings"} <= set(schemas["Field"]["properties"])
    assert "type" not in schemas["FieldForUpdate"]["properties"]  # a field's type never changes
    assert "ACTOR" not in schemas["Field"]["properties"]["type"]["enum"]


def test_presented_objects_and_fields_validate_against_the_response_schemas(schema: WorkspaceSchema) -> None:
    document = metadata_document(schema, SERVER)
    assert_valid(document, "#/components/schemas/ObjectForResponse", *(present_object(schema, o) for o in schema.objects))
    assert_valid(document, "#/components/schemas/FieldForResponse", *(present_field(schema, f) for f in schema.fields))
    listing = {
        "data": {"objects": [present_object(schema, o) for o in schema.objects[:2]]}, "totalCount": len(schema.objects),
        "pageInfo": {"hasNextPage": True, "hasPreviousPage": False, "startCursor": schema.objects[0].id, "endCursor": schema.objects[1].id},
    }
    assert_valid(document, "#/paths/~1objects/get/responses/200/content/application~1json/schema", listing)


def test_inputs_the_planners_accept_validate_against_the_request_schemas(schema: WorkspaceSchema) -> None:
    document = metadata_document(schema, SERVER)
    gadget = object_named(schema, "gadget")
    bodies = [{"objectMetadataId": gadget.id, "name": f"{name}Two", "label": f"{name} two", **payload} for name, payload in GADGET_FIELDS]
    assert_valid(document, "#/components/schemas/Field", *bodies)
    assert_valid(document, "#/components/schemas/Object", {
        "nameSingular": "invoice", "namePlural": "invoices", "labelSingular": "Invoice", "labelPlural": "Invoices",
        "description": None, "skipNameField": False,
    })
    assert_valid(document, "#/components/schemas/ObjectForUpdate", {"isActive": False, "icon": None})


def test_the_field_examples_name_this_workspace_and_are_accepted(schema: WorkspaceSchema, new_id: Callable[[], str]) -> None:
    document = metadata_document(schema, SERVER)
    examples = document["paths"]["/fields"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    assert {"select", "relation"} <= set(examples)
    assert examples["select"]["value"]["name"] == "status2"  # gadget already has a `status`
    for example in examples.values():
        assert example["value"]["objectMetadataId"] == object_named(schema, "gadget").id
        assert_valid(document, "#/components/schemas/Field", example["value"])
        plan_create_field(schema, example["value"], now=NOW, new_id=new_id)  # raises when refused


def test_the_document_is_cached_per_schema_version(schema: WorkspaceSchema) -> None:
    first = metadata_document(schema, SERVER)
    assert metadata_document(schema, "http://localhost:3000")["components"] is first["components"]
    changed = apply(schema, plan_update_object(schema, object_named(schema, "gadget").id, {"isActive": False}, now=NOW))
    assert metadata_document(changed, SERVER)["components"] is not first["components"]

"""The core OpenAPI document: valid OpenAPI 3.1, Twenty's paths and names, and schemas that the
records the engine really returns validate against."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Callable, Iterable

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from tenantapi.metadata.model import WorkspaceSchema
from tenantapi.metadata.rules import plan_update_object
from tenantapi.openapi import core_document
from tenantapi.records.projection import Projection
from tenantapi.records.service import RecordService, WorkspaceView
from tenantapi.storage.dynamo import from_item, to_item
from tenantapi.storage.metadata_store import WorkspaceHead
from tenantapi.storage.record_store import DuplicateRecord, RecordMissing, RecordWrite

from ..metadata.support import NOW, apply, field_named, object_named
from .conftest import SERVER

METHODS = ("get", "post", "put", "patch", "delete")


def operations(document: dict[str, Any]) -> Iterable[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def validator(document: dict[str, Any], ref: str) -> Draft202012Validator:
    """A JSON Schema validator for one schema of the document, by JSON pointer (its `$ref`s
    resolve inside the document)."""
    root = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": document["components"],
        "paths": document["paths"],
        "$ref": ref,
    }
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid(document: dict[str, Any], ref: str, *instances: Any) -> None:
    check = validator(document, ref)
    for instance in instances:
        errors = sorted(check.iter_errors(instance), key=str)
        assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def response_schema(operation: dict[str, Any], status: str) -> dict[str, Any]:
    return operation["responses"][status]["content"]["application/json"]["schema"]  # type: ignore[no-any-return]


@pytest.fixture
def document(schema: WorkspaceSchema) -> dict[str, Any]:
    return core_document(schema, SERVER)


# -- the base document ------------------------------------------------------------------------


def test_the_base_document_is_valid_openapi_3_1_with_only_its_own_path() -> None:
    base = core_document(None, SERVER)
    validate(base)
    assert base["openapi"] == "3.1.1"
    assert base["servers"] == [{"url": f"{SERVER}/rest/"}]
    assert base["components"]["securitySchemes"]["bearerAuth"]["type"] == "http"
    assert base["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert base["security"] == [{"bearerAuth": []}]
    assert list(base["paths"]) == ["/open-api/core"]
    assert base["paths"]["/open-api/core"]["get"]["servers"] == [{"url": f"{SERVER}/rest"}]


# -- the workspace document -------------------------------------------------------------------


def test_the_workspace_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    validate(document)
    json.dumps(document)  # plain JSON, nothing else


def test_every_active_object_has_its_paths(schema: WorkspaceSchema, document: dict[str, Any]) -> None:
    expected = {"/open-api/core"}
    for obj in schema.active_objects():
        plural = obj.name_plural
        expected |= {f"/{plural}", f"/batch/{plural}", f"/{plural}/{{id}}", f"/{plural}/{{id}}/restore", f"/{plural}/restore"}
    assert set(document["paths"]) == expected
    assert set(document["paths"]["/people"]) == {"get", "post", "patch", "delete"}
    assert set(document["paths"]["/people/{id}"]) == {"get", "patch", "put", "delete"}


def test_an_inactive_object_is_left_out(schema: WorkspaceSchema) -> None:
    gadget = object_named(schema, "gadget")
    inactive = apply(schema, plan_update_object(schema, gadget.id, {"isActive": False}, now=NOW))
    document = core_document(inactive, SERVER)
    validate(document)
    assert not any("gadget" in path for path in document["paths"])
    assert "GadgetForResponse" not in document["components"]["schemas"]
    # A relation to an inactive object embeds nothing; its join column stays.
    company = document["components"]["schemas"]["CompanyForResponse"]["properties"]
    assert "gadgets" not in company


def test_operation_ids_are_twentys_and_unique(document: dict[str, Any]) -> None:
    ids = Counter(op["operationId"] for _, _, op in operations(document))
    assert all(count == 1 for count in ids.values()), [i for i, c in ids.items() if c > 1]
    people = {(path, method): op["operationId"] for path, method, op in operations(document) if "people" in path}
    assert people == {
        ("/people", "get"): "findManyPeople",
        ("/people", "post"): "createOnePerson",
        ("/people", "patch"): "updateManyPeople",
        ("/people", "delete"): "deleteManyPeople",
        ("/batch/people", "post"): "createManyPeople",
        ("/people/{id}", "get"): "findOnePerson",
        ("/people/{id}", "patch"): "UpdateOnePerson",
        ("/people/{id}", "put"): "putOnePerson",
        ("/people/{id}", "delete"): "deleteOnePerson",
        ("/people/{id}/restore", "patch"): "restoreOnePerson",
        ("/people/restore", "patch"): "restoreManyPeople",
    }


def test_operations_are_tagged_with_the_plural(schema: WorkspaceSchema, document: dict[str, Any]) -> None:
    for path, _, op in operations(document):
        if path != "/open-api/core":
            plural = path.removeprefix("/batch").split("/")[1]
            assert op["tags"] == [plural]
    assert {tag["name"] for tag in document["tags"]} == {"General"} | {o.name_plural for o in schema.active_objects()}


def test_operations_take_the_parameters_the_api_reads(document: dict[str, Any]) -> None:
    def names(op: dict[str, Any]) -> list[str]:
        return [p["$ref"].rsplit("/", 1)[1] for p in op["parameters"]]

    people, one = document["paths"]["/people"], document["paths"]["/people/{id}"]
    assert names(people["get"]) == ["orderBy", "filter", "limit", "depth", "startingAfter", "endingBefore", "fieldsPerson"]
    assert "upsert" in names(people["post"]) and "upsert" in names(document["paths"]["/batch/people"]["post"])
    assert {"bulkFilter", "softDelete"} <= set(names(people["delete"]))
    assert {"idPath", "softDelete"} <= set(names(one["delete"]))
    parameters = document["components"]["parameters"]
    assert parameters["orderBy"]["name"] == "order_by" and parameters["softDelete"]["name"] == "soft_delete"
    assert parameters["bulkFilter"]["required"] is True and parameters["filter"]["required"] is False
    assert parameters["depth"]["schema"]["enum"] == [0, 1]
    assert parameters["limit"]["schema"]["default"] == 60 and parameters["limit"]["schema"]["maximum"] == 200


def test_fields_lists_the_names_the_api_accepts_for_each_object(schema: WorkspaceSchema, document: dict[str, Any]) -> None:
    # A free string let generated values be refused as unknown names; the names are known.
    parameter = document["components"]["parameters"]["fieldsPerson"]
    assert (parameter["name"], parameter["in"], parameter["style"], parameter["explode"]) == ("fields", "query", "form", False)
    names = parameter["schema"]["items"]["enum"]
    assert names[0] == "id" and {"name", "companyId", "company", "createdAt"} <= set(names)
    person = schema.active_object_by_singular("person")
    Projection.build(schema, person, depth=1, fields=names, can_read=lambda _: True)  # every listed name is accepted
    for path, _, op in operations(document):
        if path != "/open-api/core" and {"$ref": "#/components/parameters/depth"} in op["parameters"]:
            plural = path.removeprefix("/batch").split("/")[1]
            obj = schema.active_object_by_plural(plural)
            assert {"$ref": f"#/components/parameters/fields{obj.singular_cap}"} in op["parameters"]


def test_error_responses_carry_the_contracts_body(document: dict[str, Any]) -> None:
    responses = document["components"]["responses"]
    assert set(responses) == {"400", "401", "403", "404", "409", "412", "429"}
    for status, response in responses.items():
        body = response["content"]["application/json"]["schema"]
        assert body["required"] == ["statusCode", "error", "messages"]
        assert body["properties"]["messages"] == {"type": "array", "items": {"type": "string"}}
        assert_valid(document, f"#/components/responses/{status}/content/application~1json/schema", body["examples"][0])
    assert "Retry-After" in responses["429"]["headers"]
    assert document["paths"]["/people/{id}"]["get"]["responses"]["404"] == {"$ref": "#/components/responses/404"}


# -- envelopes --------------------------------------------------------------------------------


def test_envelopes_are_the_ones_the_api_returns(document: dict[str, Any]) -> None:
    people, one = document["paths"]["/people"], document["paths"]["/people/{id}"]
    record = {"$ref": "#/components/schemas/PersonForResponse"}
    records = {"type": "array", "items": record}

    def data(op: dict[str, Any], status: str) -> dict[str, Any]:
        return response_schema(op, status)["properties"]["data"]["properties"]  # type: ignore[no-any-return]

    assert data(people["post"], "201") == {"createPerson": record}
    assert data(document["paths"]["/batch/people"]["post"], "201") == {"createPeople": records}
    assert data(people["get"], "200") == {"people": records}
    assert data(people["patch"], "200") == {"updatePeople": records}
    assert data(people["delete"], "200") == {"deletePeople": records}
    assert data(one["get"], "200") == {"person": record}
    assert data(one["patch"], "200") == {"updatePerson": record}
    assert data(one["delete"], "200") == {"deletePerson": record}
    assert data(document["paths"]["/people/{id}/restore"]["patch"], "200") == {"restorePerson": record}
    assert data(document["paths"]["/people/restore"]["patch"], "200") == {"restorePeople": records}
    listing = response_schema(people["get"], "200")
    assert listing["required"] == ["data", "totalCount", "pageInfo"]
    assert set(listing["properties"]["pageInfo"]["properties"]) == {"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"}


def test_request_bodies_reference_the_input_schemas(document: dict[str, Any]) -> None:
    def body(op: dict[str, Any]) -> dict[str, Any]:
        return op["requestBody"]["content"]["application/json"]["schema"]  # type: ignore[no-any-return]

    assert body(document["paths"]["/people"]["post"]) == {"$ref": "#/components/schemas/Person"}
    assert body(document["paths"]["/people/{id}"]["patch"]) == {"$ref": "#/components/schemas/PersonForUpdate"}
    assert body(document["paths"]["/people"]["patch"]) == {"$ref": "#/components/schemas/PersonForUpdate"}
    batch = body(document["paths"]["/batch/people"]["post"])
    assert (batch["type"], batch["minItems"], batch["maxItems"]) == ("array", 1, 60)
    assert batch["items"] == {"$ref": "#/components/schemas/Person"}


# -- component schemas ------------------------------------------------------------------------


def test_field_types_map_to_json_types(document: dict[str, Any]) -> None:
    gadget = document["components"]["schemas"]["Gadget"]["properties"]
    assert gadget["text"]["type"] == ["string", "null"]
    assert gadget["count"]["type"] == ["integer", "null"]
    # An int NUMBER is a 32-bit integer: the bounds the API enforces are declared.
    assert (gadget["count"]["minimum"], gadget["count"]["maximum"]) == (-(2**31), 2**31 - 1)
    assert gadget["weight"]["type"] == ["number", "null"]
    assert gadget["launchDate"]["format"] == "date"
    assert gadget["launchedAt"]["format"] == "date-time"
    assert gadget["externalId"]["format"] == "uuid"
    assert gadget["makerId"] == {"type": ["string", "null"], "format": "uuid"}
    assert gadget["rating"]["enum"] == ["RATING_1", "RATING_2", "RATING_3", "RATING_4", "RATING_5", None]
    assert gadget["colors"]["type"] == ["array", "null"] and gadget["colors"]["items"]["enum"] == ["RED", "BLUE"]
    assert gadget["tags"]["items"] == {"type": "string"}
    assert gadget["payload"] == {}  # RAW_JSON: any value
    assert set(gadget["price"]["properties"]) == {"amountMicros", "currencyCode"}
    assert set(gadget["owner"]["properties"]) == {"firstName", "lastName"}
    assert gadget["location"]["properties"]["addressLat"]["type"] == ["number", "null"]
    assert gadget["website"]["properties"]["secondaryLinks"]["items"]["properties"].keys() == {"url", "label"}


def test_a_select_is_an_enum_of_its_option_values(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    # Non-nullable: no null among the values.
    assert schemas["Gadget"]["properties"]["status"]["enum"] == ["NEW", "DONE"]
    stage = schemas["Opportunity"]["properties"]["stage"]
    assert stage["type"] == ["string", "null"] and stage["enum"][-1] is None
    assert "NEW" in stage["enum"] and "SCREENING" in stage["enum"]


def test_nullability_and_required_fields(document: dict[str, Any]) -> None:
    create = document["components"]["schemas"]["Gadget"]
    # Required: non-nullable and no default. `status` is non-nullable with a default.
    assert create["required"] == ["quantity"]
    assert create["properties"]["quantity"]["type"] == "integer"
    assert create["properties"]["status"]["type"] == "string"
    assert create["additionalProperties"] is False
    update = document["components"]["schemas"]["GadgetForUpdate"]
    assert "required" not in update
    assert "id" not in update["properties"] and "createdAt" not in update["properties"]
    assert "id" in create["properties"] and "createdAt" in create["properties"]
    # Server-set fields and relation names are never inputs.
    for name in ("updatedAt", "deletedAt", "maker"):
        assert name not in create["properties"] and name not in update["properties"]


def test_the_response_schema_has_system_fields_join_columns_and_embedded_relations(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    person = schemas["PersonForResponse"]
    assert person["required"] == ["id"]
    properties = person["properties"]
    for name in ("id", "createdAt", "updatedAt", "deletedAt", "createdBy", "updatedBy", "position", "companyId"):
        assert name in properties, name
    assert properties["deletedAt"]["type"] == ["string", "null"]
    assert set(properties["createdBy"]["properties"]) == {"source", "workspaceMemberId", "name", "context"}
    assert properties["company"]["anyOf"] == [{"$ref": "#/components/schemas/CompanyForResponse"}, {"type": "null"}]
    company = schemas["CompanyForResponse"]["properties"]
    assert company["people"]["items"] == {"$ref": "#/components/schemas/PersonForResponse"}
    assert company["gadgets"]["items"] == {"$ref": "#/components/schemas/GadgetForResponse"}
    assert schemas["GadgetForResponse"]["properties"]["maker"]["anyOf"][0] == {"$ref": "#/components/schemas/CompanyForResponse"}


def test_the_document_is_cached_per_schema_version(schema: WorkspaceSchema) -> None:
    first, second = core_document(schema, SERVER), core_document(schema, "http://localhost:3000")
    assert first["components"] is second["components"]
    assert second["servers"] == [{"url": "http://localhost:3000/rest/"}]
    assert first["servers"] == [{"url": f"{SERVER}/rest/"}]
    changed = apply(schema, plan_update_object(schema, object_named(schema, "gadget").id, {"labelPlural": "Devices"}, now=NOW))
    assert core_document(changed, SERVER)["components"] is not first["components"]


# -- the documents against the records the engine returns -------------------------------------


class MemoryRecords:
    """Just enough of RecordStore for creates and reads, in memory; values go through the
    DynamoDB attribute encoding both ways, as stored records do."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], dict[str, Any]] = {}
        self.guards: dict[tuple[str, str], str] = {}

    def write(self, actions: list[RecordWrite]) -> None:
        for action in actions:
            key = (action.pk, action.record_id)
            if action.kind == "put" and key in self.items:
                raise DuplicateRecord(action.record_id)
            if action.kind != "put" and key not in self.items:
                raise RecordMissing()
        for action in actions:
            key = (action.pk, action.record_id)
            if action.kind == "delete":
                del self.items[key]
            else:
                self.items[key] = {**self.items.get(key, {}), **to_item(action.attributes)}

    def get(self, pk: str, record_id: str) -> dict[str, Any] | None:
        item = self.items.get((pk, record_id))
        return {**from_item(item), "id": record_id} if item is not None else None

    def batch_get(self, pk: str, record_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        found = {record_id: self.get(pk, record_id) for record_id in record_ids}
        return {record_id: record for record_id, record in found.items() if record is not None}

    def reserve_guard(self, pk: str, guard: str, record_id: str, *, stale_owner: str | None = None) -> tuple[str, float] | None:
        owner = self.guards.setdefault((pk, guard), record_id)
        return None if owner == record_id else (owner, 0.0)

    def guard_owner(self, pk: str, guard: str) -> str | None:
        return self.guards.get((pk, guard))

    def release_guard(self, pk: str, guard: str, record_id: str) -> None:
        if self.guards.get((pk, guard)) == record_id:
            del self.guards[(pk, guard)]


GADGET_BODY: dict[str, Any] = {
    "text": "A gadget", "count": 3, "weight": 1.5, "serial": "9007199254740993", "ratio": "12.50",
    "enabled": True, "launchDate": "2024-02-29", "launchedAt": "2024-03-01T12:00:00+02:00",
    "externalId": "6F9619FF-8B86-D011-B42D-00C04FC964FF", "rating": "RATING_4", "status": "DONE",
    "colors": ["RED", "BLUE", "RED"], "tags": ["a", "b"], "payload": {"nested": [1, None, "x"]},
    "owner": {"firstName": "Ada"}, "contactEmails": {"primaryEmail": "ada@example.com", "additionalEmails": ["a@b.c"]},
    "contactPhones": {"primaryPhoneNumber": "600000000", "additionalPhones": [{"number": "1", "countryCode": "FR"}]},
    "website": {"primaryLinkUrl": "https://example.com", "secondaryLinks": [{"url": "https://b.example", "label": None}]},
    "price": {"amountMicros": 1500000, "currencyCode": "EUR"},
    "location": {"addressCity": "Paris", "addressLat": 48.85},
    "notes": {"markdown": "# Hi"}, "quantity": 7, "createdBy": {"source": "IMPORT"},
}


@pytest.fixture
def records(schema: WorkspaceSchema) -> Callable[[str, Any], dict[str, Any]]:
    """Creates a record through RecordService (in memory) and returns it as the API shows it."""
    head = WorkspaceHead(id="ws-1", name="t", schema_version=schema.version, created_at=NOW, secret="s", usage_key="u" * 20)
    ws = WorkspaceView(head=head, schema=schema, actor_name="test key")
    service = RecordService(MemoryRecords())  # type: ignore[arg-type]

    def create(object_name: str, body: Any) -> dict[str, Any]:
        obj = object_named(schema, object_name)
        created = service.create_one(ws, obj, body)
        assert service.get_one(ws, obj, created["id"]) == created  # what a read returns, too
        return created

    return create


def test_presented_records_validate_against_the_response_schema(
    schema: WorkspaceSchema, document: dict[str, Any], records: Callable[[str, Any], dict[str, Any]]
) -> None:
    company = records("company", {"name": "Acme", "domainName": {"primaryLinkUrl": "https://acme.example"}})
    gadget = records("gadget", {**GADGET_BODY, "makerId": company["id"]})
    minimal = records("gadget", {"quantity": 0})
    person = records("person", {"name": {"firstName": "Ada", "lastName": "Lovelace"}, "companyId": company["id"]})
    for object_name, record in (("Company", company), ("Gadget", gadget), ("Gadget", minimal), ("Person", person)):
        assert_valid(document, f"#/components/schemas/{object_name}ForResponse", record)
        # Every output field is documented (the schema leaves extra properties open on purpose).
        documented = document["components"]["schemas"][f"{object_name}ForResponse"]["properties"]
        assert set(record) <= set(documented), set(record) - set(documented)
    # depth=1 embeds: a many-to-one record, a one-to-many list.
    assert_valid(document, "#/components/schemas/GadgetForResponse", {**gadget, "maker": company})
    assert_valid(document, "#/components/schemas/CompanyForResponse", {**company, "gadgets": [gadget], "people": []})


def test_the_bodies_the_api_accepts_validate_against_the_input_schemas(document: dict[str, Any]) -> None:
    assert_valid(document, "#/components/schemas/Gadget", GADGET_BODY)
    assert_valid(document, "#/components/schemas/GadgetForUpdate", {"status": "NEW", "owner": {"lastName": None}})
    errors = list(validator(document, "#/components/schemas/Gadget").iter_errors({"status": "MAYBE", "unknown": 1}))
    messages = " ".join(e.message for e in errors)
    assert "'quantity' is a required property" in messages and "'MAYBE' is not one of" in messages
    assert "Additional properties are not allowed" in messages


def test_response_envelopes_validate_real_responses(document: dict[str, Any], records: Callable[[str, Any], dict[str, Any]]) -> None:
    gadget = records("gadget", {"quantity": 1, "status": "NEW"})
    listing = {
        "data": {"gadgets": [gadget]}, "totalCount": 1,
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "startCursor": "abc", "endCursor": "abc"},
    }
    ref = "#/paths/~1gadgets/{method}/responses/{status}/content/application~1json/schema"
    assert_valid(document, ref.format(method="get", status="200"), listing)
    assert_valid(document, ref.format(method="post", status="201"), {"data": {"createGadget": gadget}})
    assert_valid(document, ref.format(method="delete", status="200"), {"data": {"deleteGadgets": [gadget]}})
    with pytest.raises(AssertionError):
        assert_valid(document, ref.format(method="post", status="201"), {"data": {"gadget": gadget}})


def test_a_field_by_name_reads_back_its_option_order(schema: WorkspaceSchema, document: dict[str, Any]) -> None:
    stage = field_named(schema, "opportunity", "stage")
    values = [option["value"] for option in stage.options or ()]
    assert document["components"]["schemas"]["OpportunityForResponse"]["properties"]["stage"]["enum"] == [*values, None]

"""Metadata REST: validation errors, envelopes, pagination, activation and deletion."""

import uuid

import pytest


@pytest.fixture(scope="module")
def tenant(new_tenant):
    return new_tenant(f"meta-{uuid.uuid4().hex[:8]}")


def _object(client, singular, plural, **extra):
    return client.post(
        "/rest/metadata/objects",
        json={"nameSingular": singular, "namePlural": plural, "labelSingular": singular.title(),
              "labelPlural": plural.title(), **extra},
    )


@pytest.mark.parametrize(
    "singular, plural, fragment",
    [
        ("Invoice", "invoices", "camelCase"),
        ("in voice", "invoices", "camelCase"),
        ("x" * 64, "invoices", "63 characters"),
        ("role", "roleItems", "reserved"),
        ("person", "persons", "not available"),
        ("same", "same", "cannot be the same"),
        ("9lives", "lives", "camelCase"),
    ],
)
def test_invalid_object_names_are_a_400_naming_the_rule(tenant, singular, plural, fragment):
    response = _object(tenant.client, singular, plural)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "BadRequestException"
    assert fragment in body["messages"][0]


@pytest.mark.parametrize(
    "field, fragment",
    [
        ({"type": "TEXT", "name": "name", "label": "Name again"}, "not available"),
        ({"type": "TEXT", "name": "Bad Name", "label": "Bad"}, "camelCase"),
        ({"type": "FILES", "name": "attachments2", "label": "Files"}, "not supported"),
        ({"type": "NOPE", "name": "nope", "label": "Nope"}, "type"),
        ({"type": "SELECT", "name": "stage2", "label": "Stage"}, "options"),
        ({"type": "SELECT", "name": "stage3", "label": "Stage",
          "options": [{"label": "A", "value": "A"}, {"label": "B", "value": "A"}]}, "unique"),
        ({"type": "TEXT", "name": "tagged", "label": "Tagged", "options": [{"label": "A", "value": "A"}]}, "options"),
        ({"type": "RELATION", "name": "owner2", "label": "Owner"}, "relationCreationPayload"),
    ],
)
def test_invalid_fields_are_a_400_naming_the_rule(tenant, field, fragment):
    objects = tenant.client.get("/rest/metadata/objects").json()["data"]["objects"]
    company_id = next(o["id"] for o in objects if o["nameSingular"] == "company")
    response = tenant.client.post("/rest/metadata/fields", json={"objectMetadataId": company_id, **field})
    assert response.status_code == 400, response.text
    assert fragment in response.json()["messages"][0]


@pytest.mark.parametrize(
    "field, fragment",
    [
        ({"type": "NUMBER", "defaultValue": 1e300}, "defaultValue of field 'probe' is not a value the field can hold"),
        ({"type": "NUMBER", "settings": {"dataType": "int"}, "defaultValue": 1.5}, "expected an integer"),
        ({"type": "RAW_JSON", "defaultValue": {"": 1}}, "object keys must not be empty"),
        ({"type": "CURRENCY", "defaultValue": {"amountMicros": 1e300}}, "'probe.amountMicros'"),
        ({"type": "DATE_TIME", "defaultValue": "'0001-01-01T00:00:00+01:00'"}, "out of range in UTC"),
        ({"type": "UUID", "defaultValue": "'not-a-uuid'"}, "is not a UUID"),
        ({"type": "ARRAY", "defaultValue": [1]}, "expected an array of strings"),
        ({"type": "TEXT", "description": "x" * 500_000}, "too large to store"),
    ],
)
def test_a_field_whose_definition_storage_or_records_cannot_hold_is_a_400(tenant, field, fragment):
    # Such a default was stored and then failed every create of the object with a 500.
    client = tenant.client
    client.post("/rest/metadata/objects", json={"nameSingular": "probeHost", "namePlural": "probeHosts",
                                                "labelSingular": "Probe host", "labelPlural": "Probe hosts"})
    objects = client.get("/rest/metadata/objects").json()["data"]["objects"]
    host_id = next(o["id"] for o in objects if o["nameSingular"] == "probeHost")
    response = client.post("/rest/metadata/fields", json={"objectMetadataId": host_id, "name": "probe", "label": "Probe", **field})
    assert response.status_code == 400, response.text
    assert fragment in response.json()["messages"][0]
    assert client.post("/rest/probeHosts", json={"name": "still writable"}).status_code == 201


@pytest.mark.parametrize("raw", [b'{"settings": {"x": NaN}}', b'{"settings": {"x": 1e999}}', b'{"icon": "\\ud800"}'])
def test_a_body_json_cannot_carry_back_is_a_400(tenant, raw):
    # Stored, such a value failed every later response that showed the field.
    objects = tenant.client.get("/rest/metadata/objects").json()["data"]["objects"]
    company_id = next(o["id"] for o in objects if o["nameSingular"] == "company")
    body = raw[:-1] + b', "objectMetadataId": "%s", "type": "TEXT", "name": "odd", "label": "Odd"}' % company_id.encode()
    response = tenant.client.post("/rest/metadata/fields", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.json()["messages"][0].startswith("The body is not valid JSON")
    assert tenant.client.get("/rest/metadata/objects").status_code == 200


def test_objects_list_inlines_fields_and_paginates_by_id(tenant):
    client = tenant.client
    everything = client.get("/rest/metadata/objects").json()
    total = everything["totalCount"]
    names = {o["nameSingular"] for o in everything["data"]["objects"]}
    assert {"company", "person", "opportunity", "note", "task", "noteTarget", "taskTarget", "workspaceMember"} <= names
    assert all(o["fields"] for o in everything["data"]["objects"])

    first = client.get("/rest/metadata/objects", params={"limit": 1}).json()
    item = first["data"]["objects"][0]
    assert first["pageInfo"] == {"hasNextPage": True, "hasPreviousPage": False, "startCursor": item["id"], "endCursor": item["id"]}
    assert first["totalCount"] == total
    second = client.get("/rest/metadata/objects", params={"limit": 1, "starting_after": item["id"]}).json()
    assert second["data"]["objects"][0]["id"] == everything["data"]["objects"][1]["id"]

    assert client.get("/rest/metadata/objects", params={"starting_after": "not-a-uuid"}).status_code == 400
    both = client.get("/rest/metadata/objects", params={"starting_after": item["id"], "ending_before": item["id"]})
    assert both.status_code == 400
    assert client.get("/rest/metadata/objects", params={"limit": "1.5"}).status_code == 400


def test_get_one_by_id_404_for_unknown_400_for_malformed(tenant):
    client = tenant.client
    assert client.get(f"/rest/metadata/objects/{uuid.uuid4()}").status_code == 404
    assert client.get("/rest/metadata/objects/not-a-uuid").status_code == 400
    assert client.get(f"/rest/metadata/fields/{uuid.uuid4()}").status_code == 404
    assert client.get("/rest/metadata/fields/not-a-uuid").status_code == 400


def test_deactivation_hides_an_object_and_keeps_its_data_until_deletion(tenant):
    client = tenant.client
    created = _object(client, "gadget", "gadgets")
    assert created.status_code == 201
    object_id = created.json()["data"]["createOneObject"]["id"]
    record = client.post("/rest/gadgets", json={"name": "G1"}).json()["data"]["createGadget"]

    active = client.delete(f"/rest/metadata/objects/{object_id}")
    assert active.status_code == 400 and "deactivated" in active.json()["messages"][0]

    off = client.patch(f"/rest/metadata/objects/{object_id}", json={"isActive": False})
    assert off.status_code == 200 and off.json()["data"]["updateOneObject"]["isActive"] is False
    hidden = client.get("/rest/gadgets")
    assert hidden.status_code == 400
    assert hidden.json()["messages"][0].startswith("object 'gadgets' not found")

    client.patch(f"/rest/metadata/objects/{object_id}", json={"isActive": True})
    assert client.get(f"/rest/gadgets/{record['id']}").json()["data"]["gadget"]["name"] == "G1"

    client.patch(f"/rest/metadata/objects/{object_id}", json={"isActive": False})
    deleted = client.delete(f"/rest/metadata/objects/{object_id}")
    assert deleted.status_code == 200
    assert deleted.json()["data"]["deleteOneObject"]["id"] == object_id
    # Re-created with the same names, the object starts empty: the old records were purged.
    again = _object(client, "gadget", "gadgets")
    assert again.status_code == 201
    assert client.get("/rest/gadgets").json()["totalCount"] == 0


def test_a_new_field_is_writable_on_the_very_next_request(tenant):
    client = tenant.client
    objects = client.get("/rest/metadata/objects").json()["data"]["objects"]
    person_id = next(o["id"] for o in objects if o["nameSingular"] == "person")
    created = client.post("/rest/metadata/fields", json={"objectMetadataId": person_id, "type": "BOOLEAN", "name": "vip", "label": "VIP"})
    assert created.status_code == 201
    field = created.json()["data"]["createOneField"]
    assert field["objectMetadataId"] == person_id and field["type"] == "BOOLEAN"
    person = client.post("/rest/people", json={"vip": True})
    assert person.status_code == 201 and person.json()["data"]["createPerson"]["vip"] is True

    off = client.patch(f"/rest/metadata/fields/{field['id']}", json={"isActive": False})
    assert off.status_code == 200
    assert client.post("/rest/people", json={"vip": True}).status_code == 400
    assert client.delete(f"/rest/metadata/fields/{field['id']}").status_code == 200
    assert client.get(f"/rest/metadata/fields/{field['id']}").status_code == 404


def test_relation_creates_both_sides(tenant):
    client = tenant.client
    created = _object(client, "ticket", "tickets")
    ticket_id = created.json()["data"]["createOneObject"]["id"]
    objects = client.get("/rest/metadata/objects").json()["data"]["objects"]
    person_id = next(o["id"] for o in objects if o["nameSingular"] == "person")
    response = client.post(
        "/rest/metadata/fields",
        json={"objectMetadataId": ticket_id, "type": "RELATION", "name": "reporter", "label": "Reporter",
              "relationCreationPayload": {"type": "MANY_TO_ONE", "targetObjectMetadataId": person_id,
                                          "targetFieldLabel": "Reported tickets", "targetFieldName": "reportedTickets"}},
    )
    assert response.status_code == 201, response.text
    relation = response.json()["data"]["createOneField"]["relation"]
    assert relation["type"] == "MANY_TO_ONE"
    assert relation["targetObjectMetadata"]["nameSingular"] == "person"
    assert relation["targetFieldMetadata"]["name"] == "reportedTickets"
    person = next(o for o in client.get("/rest/metadata/objects").json()["data"]["objects"] if o["id"] == person_id)
    inverse = next(f for f in person["fields"] if f["name"] == "reportedTickets")
    assert inverse["relation"]["type"] == "ONE_TO_MANY"

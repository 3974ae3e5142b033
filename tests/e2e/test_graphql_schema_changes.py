"""A change made through the Metadata API is in the core GraphQL schema on the very next request
(docs/api.md §1.2): the schema is cached per (workspace, schemaVersion) and a change bumps the version."""

from __future__ import annotations

import uuid

from .graphql_support import codes, data, gql, nodes


def _object_id(client, name: str) -> str:
    objects = client.get("/rest/metadata/objects").json()["data"]["objects"]
    return next(o["id"] for o in objects if o["nameSingular"] == name)


def test_a_custom_object_and_its_fields_are_queryable_right_after_creation(new_tenant):
    client = new_tenant(f"gql-schema-{uuid.uuid4().hex[:8]}").client
    assert codes(gql(client, "{ invoices { totalCount } }", status=400)) == ["GRAPHQL_VALIDATION_FAILED"]

    created = client.post(
        "/rest/metadata/objects",
        json={"nameSingular": "invoice", "namePlural": "invoices", "labelSingular": "Invoice", "labelPlural": "Invoices"},
    )
    assert created.status_code == 201, created.text
    invoice_id = created.json()["data"]["createOneObject"]["id"]
    assert data(client, "{ invoices { totalCount } }") == {"invoices": {"totalCount": 0}}

    for body in (
        {"type": "NUMBER", "name": "amount", "label": "Amount", "settings": {"dataType": "int"}},
        {"type": "SELECT", "name": "status", "label": "Status", "defaultValue": "'DRAFT'",
         "options": [{"label": "Draft", "value": "DRAFT"}, {"label": "Paid", "value": "PAID"}]},
        {"type": "RELATION", "name": "company", "label": "Company",
         "relationCreationPayload": {"type": "MANY_TO_ONE", "targetObjectMetadataId": _object_id(client, "company"),
                                     "targetFieldLabel": "Invoices", "targetFieldName": "invoices"}},
    ):
        response = client.post("/rest/metadata/fields", json={"objectMetadataId": invoice_id, **body})
        assert response.status_code == 201, response.text

    company = data(client, 'mutation { createCompany(data: {name: "Acme"}) { id } }')["createCompany"]["id"]
    invoice = data(
        client, 'mutation($c: ID) { createInvoice(data: {name: "INV-1", amount: 1200, companyId: $c}) { id name amount status company { name } } }',
        {"c": company},
    )["createInvoice"]
    assert invoice["name"] == "INV-1" and invoice["amount"] == 1200 and invoice["status"] == "DRAFT" and invoice["company"] == {"name": "Acme"}
    paid = data(client, '{ invoices(filter: {status: {in: [PAID]}}) { totalCount } }')["invoices"]["totalCount"]
    assert paid == 0
    listed = data(client, '{ companies { edges { node { invoices { totalCount edges { node { name } } } } } } }')["companies"]
    assert nodes(nodes(listed)[0]["invoices"]) == [{"name": "INV-1"}]


def test_a_field_added_is_queryable_on_the_next_request_and_a_deactivated_one_disappears(new_tenant):
    client = new_tenant(f"gql-field-{uuid.uuid4().hex[:8]}").client
    person = data(client, 'mutation { createPerson(data: {city: "Oslo"}) { id } }')["createPerson"]["id"]
    assert codes(gql(client, "{ people { edges { node { nickname } } } }", status=400)) == ["GRAPHQL_VALIDATION_FAILED"]

    field = client.post(
        "/rest/metadata/fields", json={"objectMetadataId": _object_id(client, "person"), "type": "TEXT", "name": "nickname", "label": "Nickname"}
    )
    assert field.status_code == 201, field.text
    people = data(client, "{ people { edges { node { id nickname } } } }")["people"]
    assert nodes(people) == [{"id": person, "nickname": ""}]  # written before the field existed: its default
    data(client, 'mutation($id: UUID!) { updatePerson(id: $id, data: {nickname: "Oz"}) { nickname } }', {"id": person})

    field_id = field.json()["data"]["createOneField"]["id"]
    assert client.patch(f"/rest/metadata/fields/{field_id}", json={"isActive": False}).status_code == 200
    assert codes(gql(client, "{ people { edges { node { nickname } } } }", status=400)) == ["GRAPHQL_VALIDATION_FAILED"]
    assert client.patch(f"/rest/metadata/fields/{field_id}", json={"isActive": True}).status_code == 200
    assert nodes(data(client, "{ people { edges { node { nickname } } } }")["people"]) == [{"nickname": "Oz"}]

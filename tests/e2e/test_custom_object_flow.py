"""A custom object created through the Metadata API is usable through REST at once."""

import uuid

import pytest


@pytest.fixture(scope="module")
def tenant(new_tenant):
    return new_tenant(f"flow-{uuid.uuid4().hex[:8]}")


def _create_invoice_object(client):
    response = client.post(
        "/rest/metadata/objects",
        json={"nameSingular": "invoice", "namePlural": "invoices", "labelSingular": "Invoice", "labelPlural": "Invoices"},
    )
    assert response.status_code == 201, response.text
    created = response.json()["data"]["createOneObject"]
    assert created["nameSingular"] == "invoice"
    assert {f["name"] for f in created["fields"]} >= {"id", "name", "createdAt", "updatedAt", "deletedAt", "position"}
    return created


def test_invoice_object_fields_and_records_round_trip(tenant):
    client = tenant.client
    invoice = _create_invoice_object(client)
    companies = client.get("/rest/metadata/objects").json()["data"]["objects"]
    company_id = next(o["id"] for o in companies if o["nameSingular"] == "company")

    for body in (
        {"type": "NUMBER", "name": "amount", "label": "Amount", "settings": {"dataType": "int"}},
        {"type": "SELECT", "name": "status", "label": "Status", "defaultValue": "'DRAFT'",
         "options": [{"label": "Draft", "value": "DRAFT", "color": "gray", "position": 0},
                     {"label": "Paid", "value": "PAID", "color": "green", "position": 1}]},
        {"type": "DATE", "name": "dueOn", "label": "Due on"},
        {"type": "RELATION", "name": "company", "label": "Company",
         "relationCreationPayload": {"type": "MANY_TO_ONE", "targetObjectMetadataId": company_id,
                                     "targetFieldLabel": "Invoices", "targetFieldName": "invoices"}},
    ):
        response = client.post("/rest/metadata/fields", json={"objectMetadataId": invoice["id"], **body})
        assert response.status_code == 201, response.text

    company = client.post("/rest/companies", json={"name": "Acme"}).json()["data"]["createCompany"]

    created = client.post(
        "/rest/invoices", json={"name": "INV-1", "amount": 1200, "dueOn": "2026-12-31", "companyId": company["id"]}
    )
    assert created.status_code == 201, created.text
    record = created.json()["data"]["createInvoice"]
    assert record["status"] == "DRAFT"
    assert record["companyId"] == company["id"]
    assert record["createdBy"] == {"source": "API", "workspaceMemberId": None, "name": record["createdBy"]["name"], "context": {}}

    fetched = client.get(f"/rest/invoices/{record['id']}")
    assert fetched.status_code == 200
    assert fetched.json()["data"]["invoice"] == record

    updated = client.patch(f"/rest/invoices/{record['id']}", json={"status": "PAID", "amount": 1300})
    assert updated.status_code == 200, updated.text
    assert updated.json()["data"]["updateInvoice"]["status"] == "PAID"
    assert updated.json()["data"]["updateInvoice"]["updatedAt"] >= record["updatedAt"]

    listed = client.get("/rest/invoices").json()
    assert listed["totalCount"] == 1
    assert [r["id"] for r in listed["data"]["invoices"]] == [record["id"]]

    deleted = client.delete(f"/rest/invoices/{record['id']}")
    assert deleted.status_code == 200
    assert deleted.json()["data"]["deleteInvoice"]["id"] == record["id"]
    assert client.get(f"/rest/invoices/{record['id']}").status_code == 404
    assert client.get("/rest/invoices").json()["totalCount"] == 0


def test_a_record_value_of_the_wrong_type_is_a_400_naming_the_field(tenant):
    client = tenant.client
    response = client.post("/rest/people", json={"city": 42})
    assert response.status_code == 400
    assert response.json() == {
        "statusCode": 400,
        "error": "BadRequestException",
        "messages": ["Invalid value for field 'city': expected a string, got number"],
    }
    assert client.get("/rest/people").json()["totalCount"] == 0


def test_soft_delete_hides_the_record_and_keeps_it(tenant):
    client = tenant.client
    person = client.post("/rest/people", json={"name": {"firstName": "Soft", "lastName": "Deleted"}}).json()["data"]["createPerson"]
    before = client.get("/rest/people").json()["totalCount"]
    response = client.delete(f"/rest/people/{person['id']}", params={"soft_delete": "true"})
    assert response.status_code == 200
    assert response.json()["data"]["deletePerson"]["deletedAt"] is not None
    assert client.get(f"/rest/people/{person['id']}").status_code == 404
    assert client.get("/rest/people").json()["totalCount"] == before - 1

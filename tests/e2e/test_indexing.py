"""isIndexed (ours, additive) and indexes built on objects that already hold records."""

import uuid

import pytest


@pytest.fixture
def tenant(new_tenant):
    return new_tenant(f"index-{uuid.uuid4().hex[:8]}")


def _field(client, object_name, name):
    objects = client.get("/rest/metadata/objects").json()["data"]["objects"]
    obj = next(o for o in objects if o["nameSingular"] == object_name)
    return obj, next((f for f in obj["fields"] if f["name"] == name), None)


def test_indexing_a_field_of_an_object_with_records_keeps_every_record_findable(tenant):
    client = tenant.client
    venue = client.post("/rest/metadata/objects", json={"nameSingular": "venue", "namePlural": "venues", "labelSingular": "Venue", "labelPlural": "Venues"}).json()["data"]["createOneObject"]
    created = client.post("/rest/metadata/fields", json={"objectMetadataId": venue["id"], "type": "TEXT", "name": "city", "label": "City"})
    city = created.json()["data"]["createOneField"]
    assert city["isIndexed"] is False
    client.post("/rest/batch/venues", json=[{"city": c, "name": str(i)} for i, c in enumerate(["Oslo", "Rome", "Oslo", None, "Lima"])])
    gone = client.post("/rest/venues", json={"city": "Oslo"}).json()["data"]["createVenue"]
    client.delete(f"/rest/venues/{gone['id']}", params={"soft_delete": "true"})

    response = client.patch(f"/rest/metadata/fields/{city['id']}", json={"isIndexed": True})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["updateOneField"]["isIndexed"] is True

    oslo = client.get("/rest/venues", params={"filter": "city[eq]:Oslo"}).json()
    assert oslo["totalCount"] == 2
    ordered = client.get("/rest/venues", params={"order_by": "city"}).json()["data"]["venues"]
    assert [v["city"] for v in ordered] == [None, "Lima", "Oslo", "Oslo", "Rome"]
    assert client.patch(f"/rest/venues/{gone['id']}/restore").status_code == 200
    assert client.get("/rest/venues", params={"filter": "city[eq]:Oslo"}).json()["totalCount"] == 3
    assert client.patch(f"/rest/metadata/fields/{city['id']}", json={"isIndexed": False}).status_code == 400


def test_a_relation_added_to_an_object_with_records_is_traversable(tenant):
    client = tenant.client
    created = client.post("/rest/metadata/objects", json={"nameSingular": "ticket", "namePlural": "tickets", "labelSingular": "Ticket", "labelPlural": "Tickets"})
    ticket_object = created.json()["data"]["createOneObject"]
    client.post("/rest/batch/tickets", json=[{"name": f"T{i}"} for i in range(3)])
    company_object, _ = _field(client, "company", "name")
    relation = client.post("/rest/metadata/fields", json={
        "objectMetadataId": ticket_object["id"], "type": "RELATION", "name": "company", "label": "Company",
        "relationCreationPayload": {"type": "MANY_TO_ONE", "targetObjectMetadataId": company_object["id"],
                                    "targetFieldLabel": "Tickets", "targetFieldName": "tickets"}})
    assert relation.status_code == 201, relation.text
    assert relation.json()["data"]["createOneField"]["isIndexed"] is True
    company = client.post("/rest/companies", json={"name": "Helpdesk"}).json()["data"]["createCompany"]
    tickets = client.get("/rest/tickets").json()["data"]["tickets"]
    client.patch(f"/rest/tickets/{tickets[0]['id']}", json={"companyId": company["id"]})
    mine = client.get("/rest/tickets", params={"filter": f"companyId[eq]:{company['id']}"}).json()
    assert [t["id"] for t in mine["data"]["tickets"]] == [tickets[0]["id"]]
    unassigned = client.get("/rest/tickets", params={"filter": "companyId[is]:NULL"}).json()
    assert unassigned["totalCount"] == 2
    embedded = client.get(f"/rest/companies/{company['id']}", params={"depth": "1"}).json()["data"]["company"]
    assert [t["name"] for t in embedded["tickets"]] == [tickets[0]["name"]]


def test_a_sixth_index_is_refused_naming_the_five(tenant):
    client = tenant.client
    person, _ = _field(client, "person", "city")
    response = client.post("/rest/metadata/fields", json={"objectMetadataId": person["id"], "type": "TEXT", "name": "nickname", "label": "Nickname", "isIndexed": True})
    assert response.status_code == 400
    message = response.json()["messages"][0]
    assert "no free index slot" in message and "companyId" in message


def test_unindexable_types_are_refused(tenant):
    client = tenant.client
    created = client.post("/rest/metadata/objects", json={"nameSingular": "blob", "namePlural": "blobs", "labelSingular": "Blob", "labelPlural": "Blobs"}).json()
    response = client.post("/rest/metadata/fields", json={"objectMetadataId": created["data"]["createOneObject"]["id"], "type": "RAW_JSON", "name": "payload", "label": "Payload", "isIndexed": True})
    assert response.status_code == 400 and "cannot be indexed" in response.json()["messages"][0]

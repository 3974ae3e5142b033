"""A key of workspace B sees nothing of workspace A (docs/api.md §2.4)."""

import uuid

import pytest


@pytest.fixture(scope="module")
def two_tenants(new_tenant):
    suffix = uuid.uuid4().hex[:8]
    return new_tenant(f"iso-a-{suffix}"), new_tenant(f"iso-b-{suffix}")


def test_records_of_another_workspace_are_invisible_and_untouchable(two_tenants):
    a, b = two_tenants
    company = a.client.post("/rest/companies", json={"name": "Only in A"}).json()["data"]["createCompany"]
    path = f"/rest/companies/{company['id']}"

    for response in (
        b.client.get(path),
        b.client.patch(path, json={"name": "taken over"}),
        b.client.delete(path),
        b.client.delete(path, params={"soft_delete": "true"}),
    ):
        assert response.status_code == 404, response.text
        assert response.json() == {"statusCode": 404, "error": "NotFoundException", "messages": ["Record not found"]}

    listed = b.client.get("/rest/companies").json()
    assert listed["totalCount"] == 0 and listed["data"]["companies"] == []
    assert a.client.get(path).json()["data"]["company"]["name"] == "Only in A"


def test_a_record_id_of_another_workspace_cannot_be_claimed_by_create(two_tenants):
    a, b = two_tenants
    company = a.client.post("/rest/companies", json={"name": "A again"}).json()["data"]["createCompany"]
    # The same id in B is simply a new record of B: ids never collide across workspaces.
    created = b.client.post("/rest/companies", json={"id": company["id"], "name": "B"})
    assert created.status_code == 201
    assert a.client.get(f"/rest/companies/{company['id']}").json()["data"]["company"]["name"] == "A again"


def test_custom_objects_and_cursors_of_another_workspace_do_not_reach_it(two_tenants):
    a, b = two_tenants
    created = a.client.post(
        "/rest/metadata/objects",
        json={"nameSingular": "secretThing", "namePlural": "secretThings", "labelSingular": "Secret", "labelPlural": "Secrets"},
    )
    assert created.status_code == 201
    object_id = created.json()["data"]["createOneObject"]["id"]

    assert b.client.get("/rest/secretThings").status_code == 400
    assert b.client.get(f"/rest/metadata/objects/{object_id}").status_code == 404
    names = {o["nameSingular"] for o in b.client.get("/rest/metadata/objects").json()["data"]["objects"]}
    assert "secretThing" not in names

    for _ in range(3):
        a.client.post("/rest/people", json={"city": "A-town"})
    cursor = a.client.get("/rest/people", params={"limit": 1}).json()["pageInfo"]["endCursor"]
    response = b.client.get("/rest/people", params={"starting_after": cursor})
    assert response.status_code == 400
    assert "Invalid cursor" in response.json()["messages"][0]

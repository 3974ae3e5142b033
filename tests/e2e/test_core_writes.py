"""Core REST writes: batches, upsert, bulk operations, integrity, restore, depth and fields."""

import uuid

import pytest


@pytest.fixture
def tenant(new_tenant):
    return new_tenant(f"writes-{uuid.uuid4().hex[:8]}")


def count(client, plural, **params):
    return client.get(f"/rest/{plural}", params={"limit": 1, **params}).json()["totalCount"]


def test_batch_of_60_is_created_in_one_go_and_61_is_refused(tenant):
    client = tenant.client
    response = client.post("/rest/batch/people", json=[{"city": f"C{i}"} for i in range(60)])
    assert response.status_code == 201, response.text
    assert len(response.json()["data"]["createPeople"]) == 60
    assert count(client, "people") == 60
    too_many = client.post("/rest/batch/people", json=[{"city": "x"}] * 61)
    assert too_many.status_code == 400 and "at most 60" in too_many.json()["messages"][0]
    assert count(client, "people") == 60


def test_one_bad_record_fails_the_whole_batch_and_is_named(tenant):
    client = tenant.client
    body = [{"city": "ok"}, {"city": "ok"}, {"city": 5}, {"city": "ok"}]
    response = client.post("/rest/batch/people", json=body)
    assert response.status_code == 400
    assert response.json()["messages"][0].startswith("Record 2 of the batch: Invalid value for field 'city'")
    assert count(client, "people") == 0


def test_a_batch_with_an_existing_id_stores_nothing(tenant):
    client = tenant.client
    existing = client.post("/rest/people", json={"city": "first"}).json()["data"]["createPerson"]["id"]
    response = client.post("/rest/batch/people", json=[{"city": "new"}, {"id": existing, "city": "again"}])
    assert response.status_code == 400 and "A duplicate entry was detected" in response.json()["messages"][0]
    assert count(client, "people") == 1
    assert client.get(f"/rest/people/{existing}").json()["data"]["person"]["city"] == "first"


def test_batch_keeps_a_given_created_by_source(tenant):
    created = tenant.client.post("/rest/batch/people", json=[{"createdBy": {"source": "EMAIL"}}, {}]).json()["data"]["createPeople"]
    assert [p["createdBy"]["source"] for p in created] == ["EMAIL", "API"]


def test_unique_email_is_enforced_on_create_update_and_batch(tenant):
    client = tenant.client
    ada = client.post("/rest/people", json={"emails": {"primaryEmail": "ada@example.com"}}).json()["data"]["createPerson"]
    duplicate = client.post("/rest/people", json={"emails": {"primaryEmail": "ADA@example.com"}})
    assert duplicate.status_code == 400 and "A duplicate entry was detected" in duplicate.json()["messages"][0]
    other = client.post("/rest/people", json={"emails": {"primaryEmail": "bob@example.com"}}).json()["data"]["createPerson"]
    assert client.patch(f"/rest/people/{other['id']}", json={"emails": {"primaryEmail": "ada@example.com"}}).status_code == 400
    in_batch = client.post("/rest/batch/people", json=[{"emails": {"primaryEmail": "c@example.com"}}, {"emails": {"primaryEmail": "c@example.com"}}])
    assert in_batch.status_code == 400
    assert count(client, "people") == 2
    # The value is free again once its owner moves away from it.
    assert client.patch(f"/rest/people/{ada['id']}", json={"emails": {"primaryEmail": "ada2@example.com"}}).status_code == 200
    assert client.post("/rest/people", json={"emails": {"primaryEmail": "ada@example.com"}}).status_code == 201


def test_destroyed_or_soft_deleted_owner_frees_its_unique_value(tenant):
    client = tenant.client
    first = client.post("/rest/companies", json={"domainName": {"primaryLinkUrl": "https://acme.test"}}).json()["data"]["createCompany"]
    client.delete(f"/rest/companies/{first['id']}", params={"soft_delete": "true"})
    second = client.post("/rest/companies", json={"domainName": {"primaryLinkUrl": "https://acme.test"}})
    assert second.status_code == 201
    restored = client.patch(f"/rest/companies/{first['id']}/restore")
    assert restored.status_code == 400 and "A duplicate entry was detected" in restored.json()["messages"][0]


def test_upsert_updates_the_match_by_id_or_unique_field(tenant):
    client = tenant.client
    person = client.post("/rest/people", json={"emails": {"primaryEmail": "up@example.com"}, "city": "A"}).json()["data"]["createPerson"]
    by_email = client.post("/rest/people", params={"upsert": "true"}, json={"emails": {"primaryEmail": "up@example.com"}, "city": "B"})
    assert by_email.status_code == 201 and by_email.json()["data"]["createPerson"]["id"] == person["id"]
    by_id = client.post("/rest/batch/people", params={"upsert": "true"}, json=[{"id": person["id"], "city": "C"}, {"city": "new"}])
    assert [p["city"] for p in by_id.json()["data"]["createPeople"]] == ["C", "new"]
    assert count(client, "people") == 2
    # Without upsert=true (exactly "true"), the same body is a duplicate.
    assert client.post("/rest/people", params={"upsert": "True"}, json={"emails": {"primaryEmail": "up@example.com"}}).status_code == 400


def test_join_column_must_name_an_existing_record(tenant):
    client = tenant.client
    response = client.post("/rest/people", json={"companyId": str(uuid.uuid4())})
    assert response.status_code == 400 and "no company with id" in response.json()["messages"][0]
    assert count(client, "people") == 0


def test_destroying_a_parent_applies_on_delete(tenant):
    client = tenant.client
    company = client.post("/rest/companies", json={"name": "Parent"}).json()["data"]["createCompany"]
    person = client.post("/rest/people", json={"companyId": company["id"]}).json()["data"]["createPerson"]
    note = client.post("/rest/notes", json={"title": "n"}).json()["data"]["createNote"]
    target = client.post("/rest/noteTargets", json={"noteId": note["id"], "personId": person["id"]}).json()["data"]["createNoteTarget"]

    assert client.delete(f"/rest/companies/{company['id']}").status_code == 200
    assert client.get(f"/rest/people/{person['id']}").json()["data"]["person"]["companyId"] is None  # SET_NULL
    assert client.delete(f"/rest/notes/{note['id']}").status_code == 200
    assert client.get(f"/rest/noteTargets/{target['id']}").status_code == 404  # CASCADE


def test_bulk_update_delete_and_restore_under_a_filter(tenant):
    client = tenant.client
    client.post("/rest/batch/people", json=[{"city": "Bulk", "jobTitle": str(i)} for i in range(5)] + [{"city": "Other"}])
    updated = client.patch("/rest/people", params={"filter": "city[eq]:Bulk"}, json={"jobTitle": "Same"})
    assert updated.status_code == 200
    assert {p["jobTitle"] for p in updated.json()["data"]["updatePeople"]} == {"Same"}
    assert len(updated.json()["data"]["updatePeople"]) == 5

    soft = client.delete("/rest/people", params={"filter": "city[eq]:Bulk", "soft_delete": "true"})
    assert len(soft.json()["data"]["deletePeople"]) == 5
    assert count(client, "people") == 1
    restored = client.patch("/rest/people/restore", params={"filter": "city[eq]:Bulk", "fields": "id"})
    assert restored.status_code == 200
    assert all(set(p) == {"id"} for p in restored.json()["data"]["restorePeople"])
    assert count(client, "people") == 6

    destroyed = client.delete("/rest/people", params={"filter": "city[eq]:Bulk"})
    assert len(destroyed.json()["data"]["deletePeople"]) == 5
    assert count(client, "people") == 1
    assert count(client, "people", filter="deletedAt[is]:NOT_NULL") == 0


def test_a_bulk_filter_matching_more_than_60_changes_nothing(tenant):
    client = tenant.client
    client.post("/rest/batch/people", json=[{"city": "Many"}] * 60)
    client.post("/rest/people", json={"city": "Many"})
    response = client.patch("/rest/people", params={"filter": "city[eq]:Many"}, json={"jobTitle": "x"})
    assert response.status_code == 400 and "matches 61 people" in response.json()["messages"][0]
    assert count(client, "people", filter="jobTitle[eq]:x") == 0


def test_restore_one_brings_the_record_back(tenant):
    client = tenant.client
    person = client.post("/rest/people", json={"city": "Back"}).json()["data"]["createPerson"]
    client.delete(f"/rest/people/{person['id']}", params={"soft_delete": "true"})
    response = client.patch(f"/rest/people/{person['id']}/restore", params={"fields": "id"})
    assert response.json() == {"data": {"restorePerson": {"id": person["id"]}}}
    assert client.get(f"/rest/people/{person['id']}").json()["data"]["person"]["city"] == "Back"
    assert client.patch(f"/rest/people/{person['id']}/restore").status_code == 404  # not deleted


def test_depth_1_embeds_both_sides_of_relations(tenant):
    client = tenant.client
    company = client.post("/rest/companies", json={"name": "Deep"}).json()["data"]["createCompany"]
    people = client.post("/rest/batch/people", json=[{"companyId": company["id"], "city": c} for c in ("a", "b")]).json()["data"]["createPeople"]
    person = client.get(f"/rest/people/{people[0]['id']}", params={"depth": "1"}).json()["data"]["person"]
    assert person["company"]["name"] == "Deep" and "people" not in person["company"]
    listed = client.get("/rest/companies", params={"depth": "1", "filter": f"id[eq]:{company['id']}"}).json()
    assert sorted(p["city"] for p in listed["data"]["companies"][0]["people"]) == ["a", "b"]
    flat = client.get(f"/rest/people/{people[0]['id']}").json()["data"]["person"]
    assert "company" not in flat and flat["companyId"] == company["id"]
    assert client.get("/rest/people", params={"depth": "2"}).status_code == 400


def test_fields_projects_the_response_and_rejects_unknown_names(tenant):
    client = tenant.client
    created = client.post("/rest/people", params={"fields": "id"}, json={"jobTitle": "Projection test"})
    assert created.json() == {"data": {"createPerson": {"id": created.json()["data"]["createPerson"]["id"]}}}
    person_id = created.json()["data"]["createPerson"]["id"]
    assert client.get(f"/rest/people/{person_id}").json()["data"]["person"]["jobTitle"] == "Projection test"
    projected = client.get("/rest/people", params={"fields": "jobTitle,company"}).json()["data"]["people"][0]
    assert set(projected) == {"id", "jobTitle", "companyId"}
    bad = client.get("/rest/people", params={"fields": "nope"})
    assert bad.status_code == 400 and "'fields' parameter invalid" in bad.json()["messages"][0]


def test_update_many_without_filter_is_refused(tenant):
    response = tenant.client.patch("/rest/people", json={"city": "x"})
    assert response.status_code == 400 and "Filters are mandatory" in response.json()["messages"][0]


def test_a_number_storage_cannot_hold_is_a_400_and_the_edges_are_stored(tenant):
    client = tenant.client
    for body, field in (({"position": 2.5e-282}, "position"), ({"position": 1.7976931348623157e308}, "position"),
                        ({"createdBy": {"source": "API", "context": {"n": [1e300]}}}, "createdBy.context.n[0]")):
        response = client.post("/rest/notes", json=body)
        assert response.status_code == 400, response.text
        assert response.json()["messages"][0].startswith(f"Invalid value for field '{field}'")
    assert count(client, "notes") == 0
    for position in (9.99e125, -1e-130):
        created = client.post("/rest/notes", json={"position": position})
        assert created.status_code == 201, created.text
        stored = client.get(f"/rest/notes/{created.json()['data']['createNote']['id']}").json()["data"]["note"]["position"]
        assert float(stored) == position

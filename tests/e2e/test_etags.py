"""ETag, If-Match and If-None-Match on the single-record REST routes (docs/api.md §3.9), and the
transaction size limit of a batch (§8.1)."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def tenant(new_tenant):
    return new_tenant(f"etags-{uuid.uuid4().hex[:8]}")


def test_create_find_and_update_answer_a_strong_etag_that_moves_with_every_write(tenant):
    client = tenant.client
    created = client.post("/rest/people", json={"city": "Paris"})
    person_id = created.json()["data"]["createPerson"]["id"]
    found = client.get(f"/rest/people/{person_id}")
    assert created.headers["etag"] == found.headers["etag"]
    assert found.headers["etag"].startswith('"') and not found.headers["etag"].startswith("W/")
    assert person_id not in found.headers["etag"] and tenant.workspace_id not in found.headers["etag"]
    updated = client.patch(f"/rest/people/{person_id}", json={"city": "Lyon"})
    assert updated.headers["etag"] not in (None, found.headers["etag"])
    assert client.get(f"/rest/people/{person_id}").headers["etag"] == updated.headers["etag"]


def test_a_stale_if_match_is_a_412_with_the_error_body_and_nothing_is_written(tenant):
    client = tenant.client
    person_id = client.post("/rest/people", json={"city": "Paris"}).json()["data"]["createPerson"]["id"]
    stale = client.get(f"/rest/people/{person_id}").headers["etag"]
    current = client.patch(f"/rest/people/{person_id}", json={"city": "Lyon"}).headers["etag"]
    for response in (
        client.patch(f"/rest/people/{person_id}", json={"city": "Nice"}, headers={"If-Match": stale}),
        client.delete(f"/rest/people/{person_id}", params={"soft_delete": "true"}, headers={"If-Match": stale}),
        client.delete(f"/rest/people/{person_id}", headers={"If-Match": f"W/{current}"}),  # weak never matches
    ):
        assert response.status_code == 412
        body = response.json()
        assert body["statusCode"] == 412 and body["error"] == "PreconditionFailedException" and len(body["messages"]) == 1
    after = client.get(f"/rest/people/{person_id}")
    assert after.json()["data"]["person"]["city"] == "Lyon" and after.headers["etag"] == current


def test_a_current_if_match_writes(tenant):
    client = tenant.client
    person_id = client.post("/rest/people", json={"city": "Paris"}).json()["data"]["createPerson"]["id"]
    current = client.get(f"/rest/people/{person_id}").headers["etag"]
    updated = client.patch(f"/rest/people/{person_id}", json={"city": "Lyon"}, headers={"If-Match": f'"other", {current}'})
    assert updated.status_code == 200 and updated.json()["data"]["updatePerson"]["city"] == "Lyon"
    deleted = client.delete(f"/rest/people/{person_id}", params={"soft_delete": "true"}, headers={"If-Match": updated.headers["etag"]})
    assert deleted.status_code == 200
    assert client.get(f"/rest/people/{person_id}").status_code == 404


def test_if_none_match_with_the_current_etag_is_a_304_without_a_body(tenant):
    client = tenant.client
    person_id = client.post("/rest/people", json={"city": "Paris"}).json()["data"]["createPerson"]["id"]
    current = client.get(f"/rest/people/{person_id}").headers["etag"]
    unchanged = client.get(f"/rest/people/{person_id}", headers={"If-None-Match": current})
    assert unchanged.status_code == 304 and unchanged.content == b"" and unchanged.headers["etag"] == current
    client.patch(f"/rest/people/{person_id}", json={"city": "Lyon"})
    changed = client.get(f"/rest/people/{person_id}", headers={"If-None-Match": current})
    assert changed.status_code == 200 and changed.json()["data"]["person"]["city"] == "Lyon"


def test_the_openapi_document_declares_the_etag_and_the_conditional_headers(tenant):
    document = tenant.client.get("/rest/open-api/core").json()
    one = document["paths"]["/people/{id}"]

    def headers(operation: dict) -> set[str]:
        resolved = [p if "$ref" not in p else document["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]] for p in operation["parameters"]]
        return {p["name"] for p in resolved if p["in"] == "header"}

    assert "If-None-Match" in headers(one["get"]) and "If-Match" in headers(one["patch"]) and "If-Match" in headers(one["delete"])
    assert "ETag" in one["get"]["responses"]["200"]["headers"] and "304" in one["get"]["responses"]
    assert "ETag" in one["patch"]["responses"]["200"]["headers"] and "412" in one["patch"]["responses"]
    assert "ETag" in document["paths"]["/people"]["post"]["responses"]["201"]["headers"]


def test_a_batch_past_the_4_mb_of_one_transaction_is_a_400_naming_that_limit(tenant):
    client = tenant.client
    # 30 notes of 150 KB: each far under DynamoDB's 400 KB item limit, 4.5 MB together.
    body = [{"title": f"{i:02d}" + "x" * 150_000} for i in range(30)]
    response = client.post("/rest/batch/notes", json=body)
    assert response.status_code == 400, response.text
    message = response.json()["messages"][0]
    assert "4 MB" in message and "400 KB" not in message
    assert client.get("/rest/notes", params={"limit": 1}).json()["totalCount"] == 0

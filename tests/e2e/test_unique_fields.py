"""Turning `isUnique` on over existing records: refused over duplicates, enforced from then on."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def tenant(new_tenant):
    tenant = new_tenant(f"unique-{uuid.uuid4().hex[:8]}")
    objects = tenant.client.get("/rest/metadata/objects").json()["data"]["objects"]
    company = next(o for o in objects if o["nameSingular"] == "company")
    field = tenant.client.post(
        "/rest/metadata/fields", json={"objectMetadataId": company["id"], "name": "code", "label": "Code", "type": "TEXT"}
    )
    assert field.status_code == 201, field.text
    return tenant.client, field.json()["data"]["createOneField"]["id"]


def _create(client, name: str, code: str | None):
    return client.post("/rest/companies", json={"name": name, **({"code": code} if code is not None else {})})


def test_is_unique_over_duplicate_values_is_a_400_naming_the_value_and_changes_nothing(tenant):
    client, field_id = tenant
    for name, code in (("A", "ACME"), ("B", "ACME"), ("C", "GLOBEX"), ("D", None), ("E", None)):
        assert _create(client, name, code).status_code == 201
    response = client.patch(f"/rest/metadata/fields/{field_id}", json={"isUnique": True})
    assert response.status_code == 400, response.text
    assert response.json()["messages"] == ["Field 'code' cannot be unique: more than one company has the value ACME"]
    assert client.get(f"/rest/metadata/fields/{field_id}").json()["data"]["field"]["isUnique"] is False
    assert _create(client, "F", "GLOBEX").status_code == 201  # still not unique: nothing was left guarded


def test_is_unique_over_distinct_values_guards_them_from_the_next_duplicate(tenant):
    client, field_id = tenant
    for name, code in (("A", "ACME"), ("C", "GLOBEX"), ("D", None), ("E", "")):
        assert _create(client, name, code).status_code == 201
    response = client.patch(f"/rest/metadata/fields/{field_id}", json={"isUnique": True})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["updateOneField"]["isUnique"] is True
    duplicate = _create(client, "F", "ACME")
    assert duplicate.status_code == 400, duplicate.text
    assert "A duplicate entry was detected" in duplicate.json()["messages"][0]
    acme = client.get("/rest/companies", params={"filter": "name[eq]:C"}).json()["data"]["companies"][0]
    moved = client.patch(f"/rest/companies/{acme['id']}", json={"code": "ACME"})
    assert moved.status_code == 400, moved.text
    assert _create(client, "G", "INITECH").status_code == 201
    assert _create(client, "H", None).status_code == 201  # empty values are no values


def test_a_soft_deleted_duplicate_does_not_block_is_unique_but_cannot_be_restored_over_it(tenant):
    client, field_id = tenant
    keep = _create(client, "A", "ACME").json()["data"]["createCompany"]["id"]
    gone = _create(client, "B", "ACME").json()["data"]["createCompany"]["id"]
    assert client.delete(f"/rest/companies/{gone}", params={"soft_delete": "true"}).status_code == 200
    assert client.patch(f"/rest/metadata/fields/{field_id}", json={"isUnique": True}).status_code == 200
    restored = client.patch(f"/rest/companies/{gone}/restore")
    assert restored.status_code == 400, restored.text
    assert client.get(f"/rest/companies/{keep}").status_code == 200

"""REST `depth=1` embeds only what the caller's role may read (CONTRACT.md 2, 3).

As Twenty answers (its integration test "REST depth=1 with a restricted relation field"): the
request is a 200 and a relation the role may not read is left out of the record, key and all.
The join column of a MANY_TO_ONE relation (`companyId` on a person) is a value of the record the
role reads, so it stays, as Twenty selects it whenever the relation field itself is readable.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest


@dataclass(frozen=True)
class World:
    admin: httpx.Client
    no_people: httpx.Client  # a role that reads everything but people
    no_companies: httpx.Client  # a role that reads everything but companies
    company_id: str
    person_id: str


def _client_of_role(admin: httpx.Client, gateway_url: str, label: str, denied_object_id: str) -> httpx.Client:
    role = admin.post("/rest/metadata/roles", json={"label": label, "canReadAllObjectRecords": True, "canUpdateAllObjectRecords": True})
    assert role.status_code == 201, role.text
    role_id = role.json()["data"]["createOneRole"]["id"]
    denied = admin.post(
        f"/rest/metadata/roles/{role_id}/objectPermissions",
        json=[{"objectMetadataId": denied_object_id, "canReadObjectRecords": False}],
    )
    assert denied.status_code in (200, 201), denied.text
    key = admin.post("/rest/metadata/apiKeys", json={"name": label, "roleId": role_id})
    assert key.status_code == 201, key.text
    secret = key.json()["data"]["createApiKey"]["token"]
    return httpx.Client(base_url=gateway_url, headers={"Authorization": f"Bearer {secret}"}, timeout=30)


@pytest.fixture(scope="module")
def world(new_tenant, gateway_url) -> Iterator[World]:
    admin = new_tenant(f"depth-perm-{uuid.uuid4().hex[:8]}").client
    objects = {o["nameSingular"]: o["id"] for o in admin.get("/rest/metadata/objects").json()["data"]["objects"]}
    company = admin.post("/rest/companies", json={"name": "RestDepthPermissionCompany"})
    assert company.status_code == 201, company.text
    company_id = company.json()["data"]["createCompany"]["id"]
    person = admin.post("/rest/people", json={"city": "Oslo", "companyId": company_id})
    assert person.status_code == 201, person.text
    no_people = _client_of_role(admin, gateway_url, "No people", objects["person"])
    no_companies = _client_of_role(admin, gateway_url, "No companies", objects["company"])
    try:
        yield World(admin, no_people, no_companies, company_id, person.json()["data"]["createPerson"]["id"])
    finally:
        no_people.close()
        no_companies.close()


def test_the_role_denied_people_cannot_list_them(world):
    response = world.no_people.get("/rest/people")
    assert response.status_code == 403, response.text
    assert response.json()["error"] == "FORBIDDEN"


def test_an_unrestricted_role_sees_the_people_of_a_company_at_depth_1(world):
    company = world.admin.get(f"/rest/companies/{world.company_id}", params={"depth": 1}).json()["data"]["company"]
    assert [p["id"] for p in company["people"]] == [world.person_id]


def test_one_company_at_depth_1_leaves_out_the_people_the_role_cannot_read(world):
    response = world.no_people.get(f"/rest/companies/{world.company_id}", params={"depth": 1})
    assert response.status_code == 200, response.text
    company = response.json()["data"]["company"]
    assert company["id"] == world.company_id
    assert "people" not in company
    assert company["opportunities"] == []  # relations the role reads are still embedded


def test_a_list_of_companies_at_depth_1_leaves_out_the_people_the_role_cannot_read(world):
    response = world.no_people.get("/rest/companies", params={"depth": 1})
    assert response.status_code == 200, response.text
    companies = response.json()["data"]["companies"]
    assert [c["id"] for c in companies] == [world.company_id]
    assert all("people" not in c and "opportunities" in c for c in companies)


def test_a_relation_the_role_cannot_read_named_in_fields_is_left_out_too(world):
    response = world.no_people.get(f"/rest/companies/{world.company_id}", params={"depth": 1, "fields": "name,people"})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["company"] == {"id": world.company_id, "name": "RestDepthPermissionCompany"}


def test_a_person_at_depth_1_keeps_its_join_column_but_not_the_company_the_role_cannot_read(world):
    one = world.no_companies.get(f"/rest/people/{world.person_id}", params={"depth": 1})
    assert one.status_code == 200, one.text
    person = one.json()["data"]["person"]
    assert "company" not in person
    assert person["companyId"] == world.company_id
    many = world.no_companies.get("/rest/people", params={"depth": 1})
    assert many.status_code == 200, many.text
    people = many.json()["data"]["people"]
    assert [(p["id"], p["companyId"], "company" in p) for p in people] == [(world.person_id, world.company_id, False)]


def test_a_write_answered_at_depth_1_embeds_only_what_the_role_reads(world):
    response = world.no_companies.patch(f"/rest/people/{world.person_id}", params={"depth": 1}, json={"city": "Bergen"})
    assert response.status_code == 200, response.text
    person = response.json()["data"]["updatePerson"]
    assert person["city"] == "Bergen" and person["companyId"] == world.company_id and "company" not in person

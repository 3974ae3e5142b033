"""Role checks of core GraphQL over real HTTP, with a custom role made through the Metadata API:
read for queries and relation fields, update for create/update/upsert, soft_delete for delete and
restore, destroy for destroy (docs/api.md §2.3); a refusal is FORBIDDEN."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from .graphql_support import codes, data, gql


@pytest.fixture(scope="module")
def clients(new_tenant, gateway_url) -> Iterator[tuple[httpx.Client, httpx.Client, str]]:
    """An Admin client, and one holding a key of a role that reads and soft-deletes records but
    neither writes nor destroys them, and may not read companies at all."""
    admin = new_tenant(f"gql-perm-{uuid.uuid4().hex[:8]}").client
    role = admin.post(
        "/rest/metadata/roles",
        json={"label": "Auditor", "canReadAllObjectRecords": True, "canUpdateAllObjectRecords": False,
              "canSoftDeleteAllObjectRecords": True, "canDestroyAllObjectRecords": False},
    )
    assert role.status_code == 201, role.text
    role_id = role.json()["data"]["createOneRole"]["id"]
    objects = admin.get("/rest/metadata/objects").json()["data"]["objects"]
    company = next(o["id"] for o in objects if o["nameSingular"] == "company")
    granted = admin.post(f"/rest/metadata/roles/{role_id}/objectPermissions", json=[{"objectMetadataId": company, "canReadObjectRecords": False}])
    assert granted.status_code in (200, 201), granted.text
    key = admin.post("/rest/metadata/apiKeys", json={"name": "auditor", "roleId": role_id})
    assert key.status_code == 201, key.text
    auditor = httpx.Client(base_url=gateway_url, headers={"Authorization": f"Bearer {key.json()['data']['createApiKey']['token']}"}, timeout=30)
    company_id = data(admin, 'mutation { createCompany(data: {name: "Acme"}) { id } }')["createCompany"]["id"]
    data(admin, "mutation($c: ID) { createPerson(data: {city: \"Oslo\", companyId: $c}) { id } }", {"c": company_id})
    try:
        yield admin, auditor, company_id
    finally:
        auditor.close()


def test_reading_is_allowed_where_the_role_reads(clients):
    _, auditor, _ = clients
    assert data(auditor, "{ people { totalCount } }") == {"people": {"totalCount": 1}}


def test_a_query_on_an_object_the_role_cannot_read_is_forbidden(clients):
    _, auditor, _ = clients
    body = gql(auditor, "{ companies { totalCount } }")
    assert body["data"] is None and codes(body) == ["FORBIDDEN"]
    assert "cannot read companies" in body["errors"][0]["message"]


def test_a_relation_to_an_object_the_role_cannot_read_is_forbidden_alone(clients):
    _, auditor, _ = clients
    body = gql(auditor, "{ people { edges { node { city companyId company { name } } } } }")
    assert codes(body) == ["FORBIDDEN"] and body["errors"][0]["path"][-1] == "company"
    node = body["data"]["people"]["edges"][0]["node"]
    assert node["city"] == "Oslo" and node["company"] is None and node["companyId"]


@pytest.mark.parametrize(
    "mutation",
    [
        'mutation { createPerson(data: {city: "x"}) { id } }',
        'mutation { createPeople(data: [{city: "x"}], upsert: true) { id } }',
        'mutation { updatePeople(filter: {city: {eq: "Oslo"}}, data: {city: "x"}) { id } }',
        'mutation { destroyPeople(filter: {city: {eq: "Oslo"}}) { id } }',
    ],
    ids=["create", "upsert", "update", "destroy"],
)
def test_writes_the_role_lacks_are_forbidden_and_change_nothing(clients, mutation):
    admin, auditor, _ = clients
    body = gql(auditor, mutation)
    assert codes(body) == ["FORBIDDEN"]
    assert data(admin, '{ people(filter: {city: {eq: "Oslo"}}) { totalCount } }')["people"]["totalCount"] == 1


def test_soft_delete_and_restore_follow_the_soft_delete_permission(clients):
    _, auditor, _ = clients
    oslo = {"city": {"eq": "Oslo"}}
    assert len(data(auditor, "mutation($f: PersonFilterInput!) { deletePeople(filter: $f) { id } }", {"f": oslo})["deletePeople"]) == 1
    assert len(data(auditor, "mutation($f: PersonFilterInput!) { restorePeople(filter: $f) { id } }", {"f": oslo})["restorePeople"]) == 1

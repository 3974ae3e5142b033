"""Core REST first cut: envelopes, pagination, errors (docs/api.md §3)."""

import uuid

import pytest


@pytest.fixture(scope="module")
def tenant(new_tenant):
    tenant = new_tenant(f"core-{uuid.uuid4().hex[:8]}")
    for i in range(5):
        response = tenant.client.post("/rest/companies", json={"name": f"Company {i}", "employees": i})
        assert response.status_code == 201
    return tenant


def test_list_envelope_and_forward_and_backward_pages(tenant):
    client = tenant.client
    everything = client.get("/rest/companies").json()
    ids = [c["id"] for c in everything["data"]["companies"]]
    assert everything["totalCount"] == 5 and len(ids) == 5
    assert everything["pageInfo"]["hasNextPage"] is False

    first = client.get("/rest/companies", params={"limit": 2}).json()
    assert [c["id"] for c in first["data"]["companies"]] == ids[:2]
    assert first["totalCount"] == 5 and first["pageInfo"]["hasNextPage"] is True

    second = client.get("/rest/companies", params={"limit": 2, "starting_after": first["pageInfo"]["endCursor"]}).json()
    assert [c["id"] for c in second["data"]["companies"]] == ids[2:4]
    assert second["pageInfo"]["hasPreviousPage"] is True

    back = client.get("/rest/companies", params={"limit": 2, "ending_before": second["pageInfo"]["endCursor"]}).json()
    assert [c["id"] for c in back["data"]["companies"]] == ids[1:3]  # in forward order


def test_server_generated_ids_list_in_creation_order(tenant):
    names = [c["name"] for c in tenant.client.get("/rest/companies").json()["data"]["companies"]]
    assert names == [f"Company {i}" for i in range(5)]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"limit": "abc"}, "limit 'abc' is invalid. Should be an integer"),
        ({"limit": "-1"}, "limit '-1' is invalid. Should be an integer"),
        ({"starting_after": "invalid-cursor"}, "Invalid cursor"),
        ({"starting_after": "a", "ending_before": "b"}, "'starting_after' and 'ending_before' cannot be used together."),
    ],
)
def test_bad_list_parameters_are_400(tenant, params, message):
    response = tenant.client.get("/rest/companies", params=params)
    assert response.status_code == 400
    assert message in response.json()["messages"][0]


def test_limit_above_200_is_clamped(tenant):
    assert tenant.client.get("/rest/companies", params={"limit": "5000"}).status_code == 200


def test_unknown_object_names_an_example_and_a_singular_gets_a_hint(tenant):
    unknown = tenant.client.get("/rest/unicorns")
    assert unknown.status_code == 400
    assert unknown.json()["messages"][0].startswith("object 'unicorns' not found. eg: ")
    singular = tenant.client.get("/rest/person")
    assert singular.json()["messages"] == ["object 'person' not found. Did you mean 'people'?"]


def test_client_supplied_id_is_honoured_and_a_duplicate_is_400(tenant):
    record_id = str(uuid.uuid4())
    assert tenant.client.post("/rest/people", json={"id": record_id}).json()["data"]["createPerson"]["id"] == record_id
    again = tenant.client.post("/rest/people", json={"id": record_id})
    assert again.status_code == 400
    assert "A duplicate entry was detected" in again.json()["messages"][0]


@pytest.mark.parametrize("body", [b"{not json", b"", b"[1,2]", b"null", b'"text"'])
def test_a_body_that_is_not_a_json_object_is_400(tenant, body):
    response = tenant.client.post("/rest/people", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"] == "BadRequestException"


@pytest.mark.parametrize("body", [b'{"city": "\\ud800"}', b'{"city": "\xed\xa0\x80"}', b'{"\\udfff": 1}'])
def test_a_string_with_an_unpaired_surrogate_is_400_and_nothing_is_stored(tenant, body):
    # Neither storable nor renderable as UTF-8: once stored, every read of the record would fail.
    before = tenant.client.get("/rest/people").json()["totalCount"]
    response = tenant.client.post("/rest/people", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert "unpaired surrogate" in response.json()["messages"][0]
    assert tenant.client.get("/rest/people").json()["totalCount"] == before
    paired = tenant.client.post("/rest/people", content=b'{"city": "\\ud83d\\ude00"}', headers={"Content-Type": "application/json"})
    assert paired.status_code == 201 and paired.json()["data"]["createPerson"]["city"] == "\U0001f600"


def test_update_or_delete_of_a_missing_record_is_404(tenant):
    missing = f"/rest/people/{uuid.uuid4()}"
    for response in (tenant.client.patch(missing, json={"city": "x"}), tenant.client.delete(missing), tenant.client.get(missing)):
        assert response.status_code == 404
        assert response.json() == {"statusCode": 404, "error": "NotFoundException", "messages": ["Record not found"]}


def test_put_is_an_alias_of_patch(tenant):
    person = tenant.client.post("/rest/people", json={"city": "Paris"}).json()["data"]["createPerson"]
    response = tenant.client.put(f"/rest/people/{person['id']}", json={"city": "Lyon"})
    assert response.status_code == 200 and response.json()["data"]["updatePerson"]["city"] == "Lyon"


def test_a_malformed_record_id_is_400(tenant):
    response = tenant.client.get("/rest/people/not-a-uuid")
    assert response.status_code == 400


def test_bulk_delete_without_filter_is_refused(tenant):
    soft = tenant.client.delete("/rest/people", params={"soft_delete": "true"})
    assert soft.status_code == 400
    assert "Filters are mandatory for bulk delete operations" in soft.json()["messages"][0]
    hard = tenant.client.delete("/rest/people")
    assert "Filters are mandatory for bulk destroy operations" in hard.json()["messages"][0]


def test_record_shape_has_system_fields_and_composites(tenant):
    person = tenant.client.post("/rest/people", json={"name": {"firstName": "Ada"}}).json()["data"]["createPerson"]
    assert person["name"] == {"firstName": "Ada", "lastName": ""}
    assert person["emails"] == {"primaryEmail": "", "additionalEmails": None}
    assert person["jobTitle"] == ""
    assert person["companyId"] is None
    for key in ("createdAt", "updatedAt", "deletedAt", "createdBy", "updatedBy", "position"):
        assert key in person
    assert "company" not in person and "noteTargets" not in person

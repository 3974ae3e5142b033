"""Core GraphQL writes over real HTTP: create (one, many, upsert), update, delete, destroy and
restore, one and many, with the REST API's rules and Twenty's error codes."""

from __future__ import annotations

import uuid

import pytest

from .graphql_support import codes, data, gql, nodes

CREATE_MANY = "mutation($d: [PersonCreateInput!]!, $upsert: Boolean) { createPeople(data: $d, upsert: $upsert) { id city emails { primaryEmail } } }"
COUNT = "query($filter: PersonFilterInput) { people(filter: $filter) { totalCount } }"


@pytest.fixture
def tenant(new_tenant):
    return new_tenant(f"gql-writes-{uuid.uuid4().hex[:8]}")


def _count(client, filter=None):
    return data(client, COUNT, {"filter": filter})["people"]["totalCount"]


def test_create_one_returns_the_record_with_server_set_fields(tenant):
    given = str(uuid.uuid4())
    created = data(
        tenant.client,
        'mutation($id: UUID) { createPerson(data: {id: $id, name: {firstName: "Ada", lastName: "Lovelace"}, city: "London", '
        'emails: {primaryEmail: "ada@example.com", additionalEmails: ["a@b.c"]}}) '
        "{ id name { firstName lastName } city emails { primaryEmail additionalEmails } createdAt updatedAt deletedAt createdBy { source name } position } }",
        {"id": given},
    )["createPerson"]
    assert created["id"] == given and created["name"] == {"firstName": "Ada", "lastName": "Lovelace"}
    assert created["emails"] == {"primaryEmail": "ada@example.com", "additionalEmails": ["a@b.c"]}
    assert created["createdAt"] and created["updatedAt"] and created["deletedAt"] is None
    assert created["createdBy"]["source"] == "API" and isinstance(created["position"], (int, float))
    # Read-your-writes: the next request sees it.
    assert _count(tenant.client, {"id": {"eq": given}}) == 1


def test_create_many_creates_all_or_nothing(tenant):
    client = tenant.client
    created = data(client, CREATE_MANY, {"d": [{"city": f"C{i}"} for i in range(60)]})["createPeople"]
    assert len(created) == 60 and _count(client) == 60
    bad = gql(client, CREATE_MANY, {"d": [{"city": "ok"}, {"city": "ok", "companyId": str(uuid.uuid4())}]})
    assert codes(bad) == ["BAD_USER_INPUT"] and bad["data"] == {"createPeople": None}
    assert _count(client) == 60


def test_a_batch_above_60_is_refused_before_any_write(tenant):
    client = tenant.client
    variables = gql(
        client,
        'mutation($d: [PersonCreateInput!]!) { createCompany(data: {name: "first"}) { id } createPeople(data: $d) { id } }',
        {"d": [{"city": "x"}] * 61},
        status=400,
    )
    assert codes(variables) == ["BAD_USER_INPUT"] and "at most 60 records, got 61" in variables["errors"][0]["message"]
    literal = "mutation { createPeople(data: [" + ", ".join('{city: "x"}' for _ in range(61)) + "]) { id } }"
    assert codes(gql(client, literal, status=400)) == ["BAD_USER_INPUT"]
    assert _count(client) == 0
    assert data(client, "{ companies { totalCount } }")["companies"]["totalCount"] == 0


def test_upsert_updates_the_match_by_id_or_unique_field(tenant):
    client = tenant.client
    first = data(client, CREATE_MANY, {"d": [{"city": "A", "emails": {"primaryEmail": "u@example.com"}}]})["createPeople"][0]
    again = data(client, CREATE_MANY, {"d": [{"city": "B", "emails": {"primaryEmail": "u@example.com"}}, {"city": "C"}], "upsert": True})
    assert again["createPeople"][0]["id"] == first["id"] and again["createPeople"][0]["city"] == "B"
    one = data(client, "mutation($id: UUID) { createPerson(data: {id: $id, city: \"D\"}, upsert: true) { id city } }", {"id": first["id"]})
    assert one["createPerson"] == {"id": first["id"], "city": "D"}
    assert _count(client) == 2


def test_duplicates_and_bad_values_are_bad_user_input_naming_the_field(tenant):
    client = tenant.client
    data(client, CREATE_MANY, {"d": [{"emails": {"primaryEmail": "dup@example.com"}}]})
    duplicate = gql(client, CREATE_MANY, {"d": [{"emails": {"primaryEmail": "DUP@example.com"}}]})
    assert codes(duplicate) == ["BAD_USER_INPUT"] and "duplicate entry" in duplicate["errors"][0]["message"]
    bad_stage = gql(client, 'mutation { createOpportunity(data: {stage: WON}) { id } }', status=400)
    assert codes(bad_stage) == ["GRAPHQL_VALIDATION_FAILED"]
    bad_email = gql(client, 'mutation { createPerson(data: {emails: {additionalEmails: {a: 1}}}) { id } }')
    assert codes(bad_email) == ["BAD_USER_INPUT"] and "additionalEmails" in bad_email["errors"][0]["message"]


def test_update_one_and_many(tenant):
    client = tenant.client
    created = data(client, CREATE_MANY, {"d": [{"city": "Paris"}, {"city": "Paris"}, {"city": "Rome"}]})["createPeople"]
    one = data(client, 'mutation($id: UUID!) { updatePerson(id: $id, data: {city: "Lyon", name: {firstName: "Jo"}}) { id city name { firstName lastName } } }',
               {"id": created[2]["id"]})["updatePerson"]
    assert one == {"id": created[2]["id"], "city": "Lyon", "name": {"firstName": "Jo", "lastName": ""}}
    many = data(client, 'mutation { updatePeople(filter: {city: {eq: "Paris"}}, data: {jobTitle: "Chef"}) { id } }')["updatePeople"]
    assert sorted(p["id"] for p in many) == sorted(p["id"] for p in created[:2])
    assert _count(client, {"jobTitle": {"eq": "Chef"}}) == 2
    missing = gql(client, 'mutation($id: UUID!) { updatePerson(id: $id, data: {city: "X"}) { id } }', {"id": str(uuid.uuid4())})
    assert codes(missing) == ["NOT_FOUND"] and missing["data"] == {"updatePerson": None}
    no_filter = gql(client, 'mutation { updatePeople(filter: {}, data: {city: "X"}) { id } }')
    assert codes(no_filter) == ["BAD_USER_INPUT"] and "Filters are mandatory" in no_filter["errors"][0]["message"]
    missing_filter = gql(client, 'mutation { updatePeople(data: {city: "X"}) { id } }', status=400)
    assert codes(missing_filter) == ["GRAPHQL_VALIDATION_FAILED"]


def test_delete_restore_and_destroy_one(tenant):
    client = tenant.client
    person = data(client, CREATE_MANY, {"d": [{"city": "Oslo"}]})["createPeople"][0]["id"]
    deleted = data(client, "mutation($id: UUID!) { deletePerson(id: $id) { id deletedAt } }", {"id": person})["deletePerson"]
    assert deleted["id"] == person and deleted["deletedAt"]
    assert _count(client) == 0 and _count(client, {"deletedAt": {"is": "NOT_NULL"}}) == 1
    again = gql(client, "mutation($id: UUID!) { deletePerson(id: $id) { id } }", {"id": person})
    assert codes(again) == ["NOT_FOUND"]
    restored = data(client, "mutation($id: UUID!) { restorePerson(id: $id) { id deletedAt city } }", {"id": person})["restorePerson"]
    assert restored == {"id": person, "deletedAt": None, "city": "Oslo"} and _count(client) == 1
    destroyed = data(client, "mutation($id: UUID!) { destroyPerson(id: $id) { id city } }", {"id": person})["destroyPerson"]
    assert destroyed == {"id": person, "city": "Oslo"}
    assert _count(client, {"or": [{"deletedAt": {"is": "NULL"}}, {"deletedAt": {"is": "NOT_NULL"}}]}) == 0
    assert codes(gql(client, "mutation($id: UUID!) { destroyPerson(id: $id) { id } }", {"id": person})) == ["NOT_FOUND"]


def test_delete_restore_and_destroy_many_under_a_filter(tenant):
    client = tenant.client
    data(client, CREATE_MANY, {"d": [{"city": "Oslo"}, {"city": "Oslo"}, {"city": "Bergen"}]})
    oslo = {"city": {"eq": "Oslo"}}
    assert len(data(client, "mutation($f: PersonFilterInput!) { deletePeople(filter: $f) { id deletedAt } }", {"f": oslo})["deletePeople"]) == 2
    assert _count(client) == 1
    restored = data(client, "mutation($f: PersonFilterInput!) { restorePeople(filter: $f) { id deletedAt } }", {"f": oslo})["restorePeople"]
    assert len(restored) == 2 and all(p["deletedAt"] is None for p in restored) and _count(client) == 3
    destroyed = data(client, "mutation($f: PersonFilterInput!) { destroyPeople(filter: $f) { id } }", {"f": oslo})["destroyPeople"]
    assert len(destroyed) == 2 and _count(client) == 1
    for verb in ("deletePeople", "destroyPeople", "restorePeople"):
        body = gql(client, f"mutation {{ {verb}(filter: {{}}) {{ id }} }}")
        assert codes(body) == ["BAD_USER_INPUT"] and "Filters are mandatory" in body["errors"][0]["message"], verb


def test_a_bulk_filter_matching_more_than_60_changes_nothing(tenant):
    client = tenant.client
    data(client, CREATE_MANY, {"d": [{"city": "Big"}] * 60})
    data(client, CREATE_MANY, {"d": [{"city": "Big"}]})
    body = gql(client, 'mutation { updatePeople(filter: {city: {eq: "Big"}}, data: {city: "Small"}) { id } }')
    assert codes(body) == ["BAD_USER_INPUT"] and "61" in body["errors"][0]["message"]
    assert _count(client, {"city": {"eq": "Small"}}) == 0


def test_mutations_of_one_document_run_in_order_and_see_each_other(tenant):
    client = tenant.client
    result = data(
        client,
        'mutation { a: createCompany(data: {name: "Acme"}) { id } b: updateCompanies(filter: {name: {eq: "Acme"}}, data: {employees: 5}) { employees } }',
    )
    assert result["b"] == [{"employees": 5}]
    companies = data(client, "{ companies { edges { node { id name employees } } } }")["companies"]
    assert nodes(companies) == [{"id": result["a"]["id"], "name": "Acme", "employees": 5}]

"""Core GraphQL (`POST /graphql`) over real HTTP: queries and their arguments, errors, limits,
introspection, and the Member role. Writes: test_graphql_mutations.py; relations:
test_graphql_relations.py; the same filters as REST: test_graphql_parity.py."""

from __future__ import annotations

import uuid

import pytest
from graphql import build_client_schema, get_introspection_query

from .graphql_support import codes, data, gql, nodes

PEOPLE = [
    # firstName, lastName, city, jobTitle, position, email
    ("Ada", "Lovelace", "London", "Engineer", 5.0, "ada@example.com"),
    ("Alan", "Turing", "London", "Scientist", 1.0, "alan@example.com"),
    ("Grace", "Hopper", "New York", "Admiral", 3.0, "grace@example.org"),
    ("Edsger", "Dijkstra", "Austin", "", 4.0, None),
    ("Barbara", "Liskov", "Boston", "Professor", 2.0, None),
    ("Ada", "Byron", None, "Poet", 6.0, None),
]

LIST = """
query List($filter: PersonFilterInput, $orderBy: [PersonOrderByInput], $first: Int, $last: Int, $before: String, $after: String) {
  people(filter: $filter, orderBy: $orderBy, first: $first, last: $last, before: $before, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id name { firstName lastName } city position } }
  }
}
"""


@pytest.fixture(scope="module")
def world(new_tenant):
    tenant = new_tenant(f"gql-core-{uuid.uuid4().hex[:8]}")
    records = []
    for first, last, city, job, position, email in PEOPLE:
        record = {"name": {"firstName": first, "lastName": last}, "city": city, "jobTitle": job, "position": position}
        if email:
            record["emails"] = {"primaryEmail": email}
        records.append(record)
    created = data(tenant.client, "mutation($d: [PersonCreateInput!]!) { createPeople(data: $d) { id name { lastName } } }", {"d": records})
    ids = {p["name"]["lastName"]: p["id"] for p in created["createPeople"]}
    return tenant, ids


def _list(client, **variables):
    return data(client, LIST, variables)["people"]


def _last_names(connection):
    return [n["name"]["lastName"] for n in nodes(connection)]


def test_find_one_by_filter_and_null_when_nothing_matches(world):
    tenant, ids = world
    found = data(tenant.client, "query($id: UUID!) { person(filter: {id: {eq: $id}}) { id name { firstName } city } }", {"id": ids["Turing"]})
    assert found["person"] == {"id": ids["Turing"], "name": {"firstName": "Alan"}, "city": "London"}
    by_email = data(tenant.client, '{ person(filter: {emails: {primaryEmail: {eq: "grace@example.org"}}}) { name { lastName } } }')
    assert by_email["person"]["name"]["lastName"] == "Hopper"
    assert data(tenant.client, '{ person(filter: {city: {eq: "Nowhere"}}) { id } }') == {"person": None}


def test_filter_nests_composites_and_combines_and_or_not(world):
    tenant, _ = world
    connection = _list(tenant.client, filter={
        "and": [
            {"or": [{"name": {"firstName": {"eq": "Ada"}}}, {"city": {"eq": "London"}}]},
            {"not": {"name": {"lastName": {"ilike": "%BYR%"}}}},
        ]
    })
    assert sorted(_last_names(connection)) == ["Lovelace", "Turing"] and connection["totalCount"] == 2
    assert _list(tenant.client, filter={"city": {"is": "NULL"}})["totalCount"] == 1
    assert sorted(_last_names(_list(tenant.client, filter={"position": {"gte": 3, "lt": 6}}))) == ["Dijkstra", "Hopper", "Lovelace"]
    assert _last_names(_list(tenant.client, filter={"emails": {"primaryEmail": {"like": "%.org"}}})) == ["Hopper"]


def test_order_by_takes_a_list_of_fields_and_composite_sub_fields(world):
    tenant, _ = world
    by_name = _list(tenant.client, orderBy=[{"name": {"firstName": "AscNullsFirst"}}, {"position": "DescNullsLast"}])
    assert _last_names(by_name) == ["Byron", "Lovelace", "Turing", "Liskov", "Dijkstra", "Hopper"]
    by_city = _list(tenant.client, orderBy=[{"city": "AscNullsLast"}, {"name": {"lastName": "AscNullsFirst"}}])
    assert _last_names(by_city) == ["Dijkstra", "Liskov", "Lovelace", "Turing", "Hopper", "Byron"]


def test_first_after_pages_forward_with_cursors_and_page_info(world):
    tenant, _ = world
    order = [{"position": "AscNullsFirst"}]
    first = _list(tenant.client, orderBy=order, first=2)
    assert _last_names(first) == ["Turing", "Liskov"] and first["totalCount"] == 6
    info = first["pageInfo"]
    assert info["hasNextPage"] and not info["hasPreviousPage"]
    assert info["startCursor"] == first["edges"][0]["cursor"] and info["endCursor"] == first["edges"][-1]["cursor"]
    second = _list(tenant.client, orderBy=order, first=2, after=info["endCursor"])
    assert _last_names(second) == ["Hopper", "Dijkstra"] and second["pageInfo"]["hasPreviousPage"]
    rest = _list(tenant.client, orderBy=order, first=10, after=second["pageInfo"]["endCursor"])
    assert _last_names(rest) == ["Lovelace", "Byron"] and not rest["pageInfo"]["hasNextPage"]


def test_last_and_before_page_backward_and_last_alone_reads_the_end(world):
    tenant, _ = world
    order = [{"position": "AscNullsFirst"}]
    tail = _list(tenant.client, orderBy=order, last=2)
    assert _last_names(tail) == ["Lovelace", "Byron"]
    assert tail["pageInfo"]["hasPreviousPage"] and not tail["pageInfo"]["hasNextPage"]
    before = _list(tenant.client, orderBy=order, last=2, before=tail["pageInfo"]["startCursor"])
    assert _last_names(before) == ["Hopper", "Dijkstra"] and before["pageInfo"]["hasNextPage"]
    # A cursor of the `last` page is a cursor of the query: it works forward as well.
    after = _list(tenant.client, orderBy=order, first=1, after=before["pageInfo"]["startCursor"])
    assert _last_names(after) == ["Dijkstra"]


def test_a_graphql_cursor_is_a_rest_cursor_of_the_same_query(world):
    tenant, _ = world
    page = _list(tenant.client, orderBy=[{"position": "AscNullsFirst"}], first=2)
    rest = tenant.client.get("/rest/people", params={"order_by": "position", "limit": 2, "starting_after": page["pageInfo"]["endCursor"]})
    assert rest.status_code == 200, rest.text
    assert [p["name"]["lastName"] for p in rest.json()["data"]["people"]] == ["Hopper", "Dijkstra"]


def test_bad_paging_and_cursors_are_bad_user_input(world):
    tenant, _ = world
    for variables in ({"first": 1, "last": 1}, {"first": -1}, {"after": "not-a-cursor"}):
        body = gql(tenant.client, LIST, variables)
        assert body["data"] is None and codes(body) == ["BAD_USER_INPUT"], body
    cursor = _list(tenant.client, orderBy=[{"position": "AscNullsFirst"}], first=1)["pageInfo"]["endCursor"]
    other_query = gql(tenant.client, LIST, {"after": cursor})  # another order: the cursor is not its
    assert codes(other_query) == ["BAD_USER_INPUT"] and "Invalid cursor" in other_query["errors"][0]["message"]


def test_filter_values_are_checked_against_the_field(world):
    tenant, _ = world
    body = gql(tenant.client, LIST, {"filter": {"companyId": {"eq": "not-a-uuid"}}})
    assert codes(body) == ["BAD_USER_INPUT"] and "companyId" in body["errors"][0]["message"]
    wrong_type = gql(tenant.client, '{ people(filter: {position: {eq: "high"}}) { totalCount } }', status=400)
    assert codes(wrong_type) == ["GRAPHQL_VALIDATION_FAILED"]


def test_documents_that_do_not_parse_or_validate_are_400(world):
    tenant, _ = world
    parse_failed = gql(tenant.client, "{ people { totalCount ", status=400)
    assert codes(parse_failed) == ["GRAPHQL_PARSE_FAILED"] and parse_failed.get("data") is None
    invalid = gql(tenant.client, "{ peoples { totalCount } }", status=400)
    assert codes(invalid) == ["GRAPHQL_VALIDATION_FAILED"] and "people" in invalid["errors"][0]["message"]
    unknown_field = gql(tenant.client, "{ people { edges { node { salary } } } }", status=400)
    assert codes(unknown_field) == ["GRAPHQL_VALIDATION_FAILED"]


def test_bad_bodies_and_variables_are_bad_user_input(world):
    tenant, _ = world
    not_graphql = tenant.client.post("/graphql", json=[1, 2])
    assert not_graphql.status_code == 400 and codes(not_graphql.json()) == ["BAD_USER_INPUT"]
    no_query = tenant.client.post("/graphql", json={"variables": {}})
    assert no_query.status_code == 400 and codes(no_query.json()) == ["BAD_USER_INPUT"]
    bad_variable = gql(tenant.client, "query($first: Int) { people(first: $first) { totalCount } }", {"first": "many"}, status=400)
    assert codes(bad_variable) == ["BAD_USER_INPUT"]


def test_get_is_405_until_a_playground_is_served(world):
    tenant, _ = world
    response = tenant.client.get("/graphql")
    assert response.status_code == 405 and codes(response.json()) == ["METHOD_NOT_ALLOWED"]


def test_limits_are_checked_before_any_read(world):
    tenant, _ = world
    deep = "{ people { edges { node { company { people { edges { node { company { people { edges { node { id } } } } } } } } } } } }"
    assert codes(gql(tenant.client, deep, status=400)) == ["GRAPHQL_VALIDATION_FAILED"]
    many_roots = "{ " + " ".join(f"p{i}: people {{ totalCount }}" for i in range(21)) + " }"
    assert codes(gql(tenant.client, many_roots, status=400)) == ["GRAPHQL_VALIDATION_FAILED"]
    many_fields = "{ people { edges { node { " + " ".join(f"f{i}: id" for i in range(2001)) + " } } } }"
    assert codes(gql(tenant.client, many_fields, status=400)) == ["GRAPHQL_VALIDATION_FAILED"]


def test_introspection_gives_a_schema_a_client_can_build(world):
    tenant, _ = world
    result = data(tenant.client, get_introspection_query(descriptions=True))
    schema = build_client_schema(result)
    assert {"person", "people", "companies"} <= set(schema.query_type.fields)
    assert {"createPeople", "destroyCompany", "restorePeople"} <= set(schema.mutation_type.fields)
    assert str(schema.get_type("Person").fields["companyId"].type) == "ID"


def test_a_member_key_reads_and_writes_records(world, new_tenant):
    member = new_tenant(f"gql-member-{uuid.uuid4().hex[:8]}", role="Member")
    created = data(member.client, 'mutation { createCompany(data: {name: "Initech"}) { id name } }')["createCompany"]
    found = data(member.client, "{ companies { totalCount edges { node { id name } } } }")["companies"]
    assert nodes(found) == [created] and found["totalCount"] == 1
    assert data(member.client, "mutation($id: UUID!) { destroyCompany(id: $id) { id } }", {"id": created["id"]})["destroyCompany"] == {"id": created["id"]}


def test_records_of_another_workspace_are_not_found(world, new_tenant):
    tenant, ids = world
    other = new_tenant(f"gql-other-{uuid.uuid4().hex[:8]}")
    query = "query($id: UUID!) { person(filter: {id: {eq: $id}}) { id } }"
    assert data(other.client, query, {"id": ids["Turing"]}) == {"person": None}
    body = gql(other.client, "mutation($id: UUID!) { updatePerson(id: $id, data: {city: \"Oslo\"}) { id } }", {"id": ids["Turing"]})
    assert codes(body) == ["NOT_FOUND"]

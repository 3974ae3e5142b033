"""The same filters and orders as REST give the same records through GraphQL: one evaluator
serves both (docs/api.md §3.2), and this holds it to that over real HTTP."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from .graphql_support import data, nodes

PEOPLE = [
    # firstName, lastName, city, jobTitle, position, email, company index
    ("Ada", "Lovelace", "London", "Engineer", 5.0, "ada@example.com", 0),
    ("Alan", "Turing", "London", "Scientist", 1.0, "alan@example.com", 0),
    ("Grace", "Hopper", "New York", "Admiral", 3.0, "grace@example.org", 1),
    ("Edsger", "Dijkstra", "Austin", "", 4.0, None, 1),
    ("Barbara", "Liskov", "Boston", "Professor", 2.0, None, None),
    ("Ada", "Byron", "Paris", "Poet", 6.0, None, None),
    ("Linus", "Torvalds", None, "Engineer", 7.0, "linus@example.org", 1),
]

LIST = """query($filter: PersonFilterInput, $orderBy: [PersonOrderByInput]) {
  people(filter: $filter, orderBy: $orderBy, first: 200) { totalCount edges { node { id } } } }"""

# (REST filter, GraphQL filter); `{c0}`/`{c1}` stand for the ids of the two companies.
FILTERS: list[tuple[str, Any]] = [
    ("name.firstName[eq]:Ada", {"name": {"firstName": {"eq": "Ada"}}}),
    ("name.firstName[startsWith]:Al", {"name": {"firstName": {"startsWith": "Al"}}}),
    ("name.lastName[endsWith]:er", {"name": {"lastName": {"endsWith": "er"}}}),
    ("city[eq]:London", {"city": {"eq": "London"}}),
    ('city[in]:["London","Paris"]', {"city": {"in": ["London", "Paris"]}}),
    ("city[is]:NULL", {"city": {"is": "NULL"}}),
    ("city[is]:NOT_NULL", {"city": {"is": "NOT_NULL"}}),
    ("city[neq]:London", {"city": {"neq": "London"}}),
    ("position[gte]:3,position[lt]:6", {"position": {"gte": 3, "lt": 6}}),
    ("position[gt]:6.5", {"position": {"gt": 6.5}}),
    ("or(city[eq]:Paris,jobTitle[eq]:Engineer)", {"or": [{"city": {"eq": "Paris"}}, {"jobTitle": {"eq": "Engineer"}}]}),
    ("not(jobTitle[eq]:Engineer)", {"not": {"jobTitle": {"eq": "Engineer"}}}),
    ("jobTitle[ilike]:%engin%", {"jobTitle": {"ilike": "%engin%"}}),
    ("jobTitle[like]:%engin%", {"jobTitle": {"like": "%engin%"}}),
    ('jobTitle[eq]:""', {"jobTitle": {"eq": ""}}),
    ("and(name.firstName[eq]:Ada,city[eq]:Paris)", {"and": [{"name": {"firstName": {"eq": "Ada"}}}, {"city": {"eq": "Paris"}}]}),
    ("emails.primaryEmail[like]:%.org", {"emails": {"primaryEmail": {"like": "%.org"}}}),
    ("emails.primaryEmail[is]:NULL", {"emails": {"primaryEmail": {"is": "NULL"}}}),
    ("companyId[eq]:{c1}", {"companyId": {"eq": "{c1}"}}),
    ("companyId[in]:[{c0},{c1}]", {"companyId": {"in": ["{c0}", "{c1}"]}}),
    ("companyId[is]:NULL", {"companyId": {"is": "NULL"}}),
    ("and(companyId[eq]:{c1},or(position[lt]:4,name.firstName[eq]:Linus))",
     {"and": [{"companyId": {"eq": "{c1}"}}, {"or": [{"position": {"lt": 4}}, {"name": {"firstName": {"eq": "Linus"}}}]}]}),
    ("createdAt[gte]:2000-01-01T00:00:00Z", {"createdAt": {"gte": "2000-01-01T00:00:00Z"}}),
    ("createdBy.source[eq]:API", {"createdBy": {"source": {"eq": "API"}}}),
]

# (REST order_by, GraphQL orderBy)
ORDERS: list[tuple[str, Any]] = [
    ("position[DescNullsLast]", [{"position": "DescNullsLast"}]),
    ("name.firstName,position[DescNullsFirst]", [{"name": {"firstName": "AscNullsFirst"}}, {"position": "DescNullsFirst"}]),
    ("city[AscNullsLast],name.lastName", [{"city": "AscNullsLast"}, {"name": {"lastName": "AscNullsFirst"}}]),
    ("city[DescNullsFirst]", [{"city": "DescNullsFirst"}]),
    ("companyId[AscNullsLast],position", [{"companyId": "AscNullsLast"}, {"position": "AscNullsFirst"}]),
]


@pytest.fixture(scope="module")
def world(new_tenant):
    tenant = new_tenant(f"gql-parity-{uuid.uuid4().hex[:8]}")
    client = tenant.client
    companies = [client.post("/rest/companies", json={"name": n}).json()["data"]["createCompany"]["id"] for n in ("Acme", "Globex")]
    for first, last, city, job, position, email, company in PEOPLE:
        body: dict[str, Any] = {"name": {"firstName": first, "lastName": last}, "jobTitle": job, "position": position, "city": city,
                                "companyId": companies[company] if company is not None else None}
        if email:
            body["emails"] = {"primaryEmail": email}
        assert client.post("/rest/people", json=body).status_code == 201
    return client, {"c0": companies[0], "c1": companies[1]}


def _bind(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [_bind(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _bind(v, ids) for k, v in value.items()}
    return value


def _rest_ids(client, **params: str) -> tuple[list[str], int]:
    response = client.get("/rest/people", params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    body = response.json()
    return [p["id"] for p in body["data"]["people"]], body["totalCount"]


def _graphql_ids(client, variables: dict[str, Any]) -> tuple[list[str], int]:
    people = data(client, LIST, variables)["people"]
    return [n["id"] for n in nodes(people)], people["totalCount"]


@pytest.mark.parametrize("rest_filter, graphql_filter", FILTERS, ids=[f for f, _ in FILTERS])
def test_a_filter_selects_the_same_records_as_rest(world, rest_filter, graphql_filter):
    client, ids = world
    rest, rest_total = _rest_ids(client, filter=_bind(rest_filter, ids))
    graphql, graphql_total = _graphql_ids(client, {"filter": _bind(graphql_filter, ids)})
    assert graphql == rest and graphql_total == rest_total


@pytest.mark.parametrize("rest_order, graphql_order", ORDERS, ids=[o for o, _ in ORDERS])
def test_an_order_gives_the_same_sequence_as_rest(world, rest_order, graphql_order):
    client, _ = world
    rest, _ = _rest_ids(client, order_by=rest_order)
    graphql, _ = _graphql_ids(client, {"orderBy": graphql_order})
    assert graphql == rest and len(rest) == len(PEOPLE)

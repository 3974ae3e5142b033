"""Relations through core GraphQL over real HTTP: MANY_TO_ONE objects next to their join
columns, ONE_TO_MANY connections with their own arguments, and batched loading: the storage
calls of a query do not grow with the number of parent records."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any, Iterator

import pytest

from tenantapi.config import settings
from tenantapi.storage.dynamo import client as dynamodb_client

from .graphql_support import data, nodes

COMPANIES = 20
PEOPLE_PER_COMPANY = 2


@pytest.fixture(scope="module")
def world(new_tenant):
    tenant = new_tenant(f"gql-rel-{uuid.uuid4().hex[:8]}")
    client = tenant.client
    companies = data(
        client, "mutation($d: [CompanyCreateInput!]!) { createCompanies(data: $d) { id name } }",
        {"d": [{"name": f"Company {i:02d}", "employees": i} for i in range(COMPANIES)]},
    )["createCompanies"]
    people = [
        {"name": {"firstName": f"P{i:02d}-{j}", "lastName": "Doe"}, "companyId": c["id"], "position": float(j)}
        for i, c in enumerate(companies) for j in range(PEOPLE_PER_COMPANY)
    ]
    created = data(client, "mutation($d: [PersonCreateInput!]!) { createPeople(data: $d) { id companyId } }", {"d": people})["createPeople"]
    return tenant, companies, created


class _RecordCalls:
    """DynamoDB calls on the records table, by operation (the authorizer, the rate limiter and
    the schema cache read the metadata table; they cost the same whatever the query)."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.table = settings().records_table

    def __call__(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        tables = {params.get("TableName")} | set(params.get("RequestItems") or {})
        for item in params.get("TransactItems") or ():
            tables |= {action.get("TableName") for action in item.values()}
        if self.table in tables:
            self.calls[model.name] += 1


@pytest.fixture
def record_calls() -> Iterator[_RecordCalls]:
    calls = _RecordCalls()
    events = dynamodb_client().meta.events
    events.register("before-parameter-build.dynamodb", calls)
    try:
        yield calls
    finally:
        events.unregister("before-parameter-build.dynamodb", calls)


def test_many_to_one_gives_the_record_next_to_its_join_column(world):
    tenant, companies, people = world
    person = data(
        tenant.client, "query($id: UUID!) { person(filter: {id: {eq: $id}}) { companyId company { id name employees } } }", {"id": people[0]["id"]}
    )["person"]
    assert person == {"companyId": companies[0]["id"], "company": {"id": companies[0]["id"], "name": "Company 00", "employees": 0}}


def test_one_to_many_is_a_connection_with_its_own_arguments(world):
    tenant, companies, _ = world
    query = """query($id: UUID!) { company(filter: {id: {eq: $id}}) {
      all: people { totalCount edges { node { name { firstName } } } }
      last: people(orderBy: [{position: DescNullsLast}], first: 1) { totalCount pageInfo { hasNextPage endCursor } edges { node { name { firstName } } } }
      none: people(filter: {name: {firstName: {eq: "nobody"}}}) { totalCount edges { cursor } }
    } }"""
    company = data(tenant.client, query, {"id": companies[3]["id"]})["company"]
    assert sorted(n["name"]["firstName"] for n in nodes(company["all"])) == ["P03-0", "P03-1"]
    assert company["last"]["totalCount"] == 2 and [n["name"]["firstName"] for n in nodes(company["last"])] == ["P03-1"]
    assert company["last"]["pageInfo"]["hasNextPage"]
    assert company["none"] == {"totalCount": 0, "edges": []}
    follow = """query($id: UUID!, $after: String) { company(filter: {id: {eq: $id}}) {
      people(orderBy: [{position: DescNullsLast}], first: 1, after: $after) { edges { node { name { firstName } } } pageInfo { hasNextPage } } } }"""
    after = data(tenant.client, follow, {"id": companies[3]["id"], "after": company["last"]["pageInfo"]["endCursor"]})["company"]["people"]
    assert [n["name"]["firstName"] for n in nodes(after)] == ["P03-0"] and not after["pageInfo"]["hasNextPage"]


def test_relations_nest_both_ways(world):
    tenant, companies, _ = world
    query = """{ companies(orderBy: [{name: AscNullsFirst}], first: 2) { edges { node { name
      people(orderBy: [{position: AscNullsFirst}]) { edges { node { name { firstName } company { name people { totalCount } } } } } } } } }"""
    result = data(tenant.client, query)["companies"]
    first = nodes(result)[0]
    assert first["name"] == "Company 00"
    assert [p["name"]["firstName"] for p in nodes(first["people"])] == ["P00-0", "P00-1"]
    assert all(p["company"] == {"name": "Company 00", "people": {"totalCount": 2}} for p in nodes(first["people"]))


def test_mutation_results_resolve_relations(world):
    tenant, companies, _ = world
    created = data(
        tenant.client, "mutation($c: ID) { createPerson(data: {companyId: $c, city: \"Rel\"}) { id company { name } } }", {"c": companies[5]["id"]}
    )["createPerson"]
    assert created["company"] == {"name": "Company 05"}
    data(tenant.client, "mutation($id: UUID!) { destroyPerson(id: $id) { id } }", {"id": created["id"]})


def test_a_soft_deleted_target_reads_as_null(world):
    tenant, _, _ = world
    client = tenant.client
    company = data(client, 'mutation { createCompany(data: {name: "Gone"}) { id } }')["createCompany"]["id"]
    person = data(client, "mutation($c: ID) { createPerson(data: {companyId: $c}) { id } }", {"c": company})["createPerson"]["id"]
    data(client, "mutation($id: UUID!) { deleteCompany(id: $id) { id } }", {"id": company})
    found = data(client, "query($id: UUID!) { person(filter: {id: {eq: $id}}) { companyId company { id } } }", {"id": person})["person"]
    assert found == {"companyId": company, "company": None}
    data(client, "mutation($id: UUID!) { destroyPerson(id: $id) { id } }", {"id": person})
    data(client, "mutation($id: UUID!) { destroyCompany(id: $id) { id } }", {"id": company})


def _companies_with_relations(first: int) -> str:
    return f"""{{ companies(orderBy: [{{name: AscNullsFirst}}], first: {first}) {{ edges {{ node {{ name
      accountOwner {{ id }}
      people {{ totalCount edges {{ node {{ name {{ firstName }} company {{ name }} }} }} }}
      opportunities {{ totalCount }} }} }} }} }}"""


def _people_with_company(first: int) -> str:
    return f"{{ people(first: {first}) {{ edges {{ node {{ id company {{ name people {{ totalCount }} }} }} }} }} }}"


@pytest.mark.parametrize("query", [_companies_with_relations, _people_with_company], ids=["one_to_many", "many_to_one"])
def test_storage_calls_do_not_grow_with_the_number_of_parents(world, record_calls, query):
    tenant, _, _ = world
    counts = []
    for parents in (5, 20):
        record_calls.calls.clear()
        result = data(tenant.client, query(parents))
        assert len(next(iter(result.values()))["edges"]) == parents
        counts.append(dict(record_calls.calls))
    assert counts[0] == counts[1], counts
    # A page, its count, one read per relation level, and the child object's live count that
    # decides whether the children can be read in one bounded read.
    assert sum(counts[0].values()) <= 7, counts


"""FastExecutionContext gives what graphql-core's executor gives (data, errors, their paths and
locations), for the generated schema of a workspace with its resolvers served from memory."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest
from graphql import (
    ExecutionContext,
    GraphQLInt,
    GraphQLList,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
    execute,
    parse,
    validate,
)

from tenantapi.graphql.fast_execution import ContextResolver, FastExecutionContext
from tenantapi.graphql.scalars import JSON
from tenantapi.graphql.schema import build_core_schema

from .support import standard_schema, with_field, with_object

COMPANY_ID = "20000000-0000-4000-8000-000000000001"
ACTOR = {"source": "API", "workspaceMemberId": None, "name": "Key", "context": {"via": "api"}}


def _person(i: int, **changes: Any) -> dict[str, Any]:
    person = {
        "id": f"10000000-0000-4000-8000-{i:012d}",
        "createdAt": "2024-05-01T10:00:00.000Z",
        "updatedAt": "2024-05-02T10:00:00.000Z",
        "deletedAt": None,
        "createdBy": ACTOR,
        "updatedBy": ACTOR,
        "position": i + 0.5,
        "name": {"firstName": f"Ada{i}", "lastName": "Lovelace"},
        "emails": {"primaryEmail": f"ada{i}@example.com", "additionalEmails": ["a@b.c"]},
        "linkedinLink": {"primaryLinkUrl": "https://l.in/ada", "primaryLinkLabel": "", "secondaryLinks": []},
        "xLink": None,
        "jobTitle": "Engineer",
        "phones": {"primaryPhoneNumber": "600", "primaryPhoneCountryCode": "FR", "primaryPhoneCallingCode": "+33", "additionalPhones": None},
        "city": "London",
        "avatarUrl": "",
        "companyId": COMPANY_ID if i % 2 else None,
    }
    person.update(changes)
    return person


COMPANY = {
    "id": COMPANY_ID, "name": "Analytical Engines", "employees": 12, "idealCustomerProfile": True,
    "annualRecurringRevenue": {"amountMicros": "1000000000", "currencyCode": "GBP"},
    "domainName": {"primaryLinkUrl": "https://ae.example", "primaryLinkLabel": "", "secondaryLinks": None},
}
INVOICES = [
    {"id": "30000000-0000-4000-8000-000000000001", "status": "PAID", "tags": ["DRAFT", "PAID"], "amount": 3,
     "labels": ["x", None, "y"], "meta": {"a": [1, 2]}, "dueOn": "2024-06-01", "companyId": COMPANY_ID},
    {"id": "30000000-0000-4000-8000-000000000002", "status": None, "tags": None, "amount": None,
     "labels": None, "meta": None, "dueOn": None, "companyId": None},
]


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    """The standard workspace plus `invoice` (SELECT, MULTI_SELECT, NUMBER, ARRAY, RAW_JSON, DATE
    and a relation to company), its root and relation fields answering from memory."""
    workspace, new_id = standard_schema()
    workspace = with_object(workspace, new_id, "invoice", "invoices")
    options = [{"label": "Draft", "value": "DRAFT"}, {"label": "Paid", "value": "PAID"}]
    workspace = with_field(workspace, new_id, "invoice", "status", type="SELECT", options=options)
    workspace = with_field(workspace, new_id, "invoice", "tags", type="MULTI_SELECT", options=options)
    workspace = with_field(workspace, new_id, "invoice", "amount", type="NUMBER", settings={"dataType": "int"})
    workspace = with_field(workspace, new_id, "invoice", "labels", type="ARRAY")
    workspace = with_field(workspace, new_id, "invoice", "meta", type="RAW_JSON")
    workspace = with_field(workspace, new_id, "invoice", "dueOn", type="DATE")
    company = workspace.active_object_by_singular("company")
    assert company is not None
    workspace = with_field(
        workspace, new_id, "invoice", "company", type="RELATION",
        relationCreationPayload={"type": "MANY_TO_ONE", "targetObjectMetadataId": company.id,
                                 "targetFieldLabel": "Invoices", "targetFieldName": "invoices"},
    )
    core = build_core_schema(workspace)

    def page(records: list[dict[str, Any]]) -> dict[str, Any]:
        edges = [{"node": r, "cursor": f"cursor-{i}"} for i, r in enumerate(records)]
        return {"edges": edges, "totalCount": len(records),
                "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "startCursor": "cursor-0", "endCursor": None}}

    def company_of(row: dict[str, Any], _info: Any) -> dict[str, Any] | None:
        return COMPANY if row.get("companyId") == COMPANY_ID else None

    query = core.query_type
    assert query is not None
    query.fields["people"].resolve = lambda root, info, **args: page(info.context["people"])
    query.fields["person"].resolve = lambda root, info, **args: info.context["people"][0]
    query.fields["invoices"].resolve = lambda root, info, **args: page(info.context["invoices"])
    for type_name in ("Person", "Invoice"):
        core.type_map[type_name].fields["company"].resolve = company_of  # type: ignore[union-attr]
    return core


def _both(schema: GraphQLSchema, query: str, variables: dict[str, Any] | None = None, **data: Any) -> Any:
    """The default and the fast results, which must be equal, errors included."""
    document = parse(query)
    assert validate(schema, document) == []
    context = {"people": [_person(i) for i in range(3)], "invoices": copy.deepcopy(INVOICES), **data}
    expected = execute(schema, document, context_value=copy.deepcopy(context), variable_values=variables)
    # Twice: the second run finds the plans compiled by the first.
    for _ in range(2):
        result = execute(schema, document, context_value=copy.deepcopy(context), variable_values=variables,
                         execution_context_class=FastExecutionContext)
        assert result.data == expected.data
        assert result.errors == expected.errors
        assert result.formatted == expected.formatted
        assert [e.path for e in result.errors or ()] == [e.path for e in expected.errors or ()]
        assert [e.locations for e in result.errors or ()] == [e.locations for e in expected.errors or ()]
        # Same key order: the response body is the same bytes.
        assert repr(result.data) == repr(expected.data)
    return expected


PEOPLE = """
query People {
  people(first: 60) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id createdAt position jobTitle city avatarUrl companyId
        name { firstName lastName }
        emails { primaryEmail additionalEmails }
        linkedinLink { primaryLinkUrl secondaryLinks }
        xLink { primaryLinkUrl }
        phones { primaryPhoneNumber additionalPhones }
        createdBy { source workspaceMemberId name context }
        company { id name employees idealCustomerProfile annualRecurringRevenue { amountMicros currencyCode } }
      }
    }
  }
}
"""


def test_plain_fields_composites_and_a_relation(schema):
    result = _both(schema, PEOPLE)
    assert result.errors is None
    nodes = [e["node"] for e in result.data["people"]["edges"]]
    assert nodes[1]["company"]["name"] == "Analytical Engines" and nodes[0]["company"] is None
    assert nodes[0]["name"] == {"firstName": "Ada0", "lastName": "Lovelace"}
    assert nodes[1]["company"]["annualRecurringRevenue"]["amountMicros"] == 1000000000  # BigFloat serialized


def test_plain_fields_skip_the_default_field_execution(schema):
    executed: list[str] = []

    class Counting(FastExecutionContext):
        def execute_field(self, parent_type, source, field_nodes, path):  # type: ignore[no-untyped-def]
            executed.append(f"{parent_type.name}.{field_nodes[0].name.value}")
            return super().execute_field(parent_type, source, field_nodes, path)

    document = parse(PEOPLE)
    result = execute(schema, document, context_value={"people": [_person(i) for i in range(3)]}, execution_context_class=Counting)
    assert result.errors is None
    # Only the fields with resolvers (company's, replaced here, is not a ContextResolver): the
    # list of edges and the nodes that lead to them are entered directly.
    assert sorted(set(executed)) == ["Person.company", "Query.people"]


def test_a_context_resolver_is_called_with_the_context_and_its_errors_are_the_fields(schema, monkeypatch):
    def company(row: dict[str, Any], context: dict[str, Any]) -> Any:
        if row["id"].endswith("2"):
            raise ValueError("No company for this one")
        if row["id"].endswith("3"):
            return "not a record"  # completed by default: an object from a string
        return COMPANY if row.get("companyId") == COMPANY_ID and context["people"] else None

    monkeypatch.setattr(schema.type_map["Person"].fields["company"], "resolve", ContextResolver(company))
    executed: list[str] = []

    class Counting(FastExecutionContext):
        def execute_field(self, parent_type, source, field_nodes, path):  # type: ignore[no-untyped-def]
            executed.append(f"{parent_type.name}.{field_nodes[0].name.value}:{path.as_list()}")
            return super().execute_field(parent_type, source, field_nodes, path)

    query = "{ people { edges { node { id city company { id name } } } } }"
    result = _both(schema, query, people=[_person(i) for i in range(5)])
    nodes = [e["node"] for e in result.data["people"]["edges"]]
    assert [n["company"] and n["company"]["name"] for n in nodes] == [None, "Analytical Engines", None, None, None]
    assert [(e.message, e.path) for e in result.errors] == [
        ("No company for this one", ["people", "edges", 2, "node", "company"]),
        ("Cannot return null for non-nullable field Company.id.", ["people", "edges", 3, "node", "company", "id"]),
    ]
    execute(schema, parse(query), context_value={"people": [_person(i) for i in range(5)]}, execution_context_class=Counting)
    # The default execution only for the root field and the value the fast path does not complete.
    assert executed == ["Query.people:['people']", "Person.company:['people', 'edges', 3, 'node', 'company']",
                        "Company.id:['people', 'edges', 3, 'node', 'company', 'id']"]


def test_errors_keep_the_order_of_the_fields_around_a_context_resolver(schema, monkeypatch):
    def company(row: dict[str, Any], _context: Any) -> Any:
        raise ValueError(f"No company for {row['city']}")

    monkeypatch.setattr(schema.type_map["Person"].fields["company"], "resolve", ContextResolver(company))
    people = [_person(0, jobTitle={"not": "a string"}, city="Paris"), _person(1, city=["not", "a string"])]
    result = _both(schema, "{ people { edges { node { jobTitle company { id } city } } } }", people=people)
    assert [e.path[-1] for e in result.errors] == ["jobTitle", "company", "company", "city"]


def test_enums_lists_and_custom_scalars(schema):
    result = _both(schema, "{ invoices { edges { node { id status tags amount labels meta dueOn company { id } } } } }")
    assert result.errors is None
    assert result.data["invoices"]["edges"][0]["node"]["tags"] == ["DRAFT", "PAID"]


def test_aliases_fragments_and_typename(schema):
    _both(schema, """
        query People {
          people {
            __typename
            edges {
              node {
                __typename
                key: id
                ...Names
                ... on Person { city alias: city emails { __typename primaryEmail } }
                full: name { first: firstName ...Last }
                name { lastName }
                company { __typename ...CompanyName }
              }
            }
          }
        }
        fragment Names on Person { name { firstName } jobTitle }
        fragment Last on FullName { lastName __typename }
        fragment CompanyName on Company { name }
    """)


@pytest.mark.parametrize("flag", [True, False])
def test_include_and_skip_follow_the_variables(schema, flag):
    query = """
        query People($flag: Boolean!) {
          people {
            edges {
              node {
                id
                city @include(if: $flag)
                jobTitle @skip(if: $flag)
                name { firstName @include(if: $flag) lastName @skip(if: $flag) }
                ... on Person @include(if: $flag) { avatarUrl }
                emails { ...Primary }
              }
            }
          }
        }
        fragment Primary on Emails { primaryEmail @skip(if: $flag) additionalEmails }
    """
    result = _both(schema, query, {"flag": flag})
    node = result.data["people"]["edges"][0]["node"]
    assert ("city" in node) is flag and ("jobTitle" in node) is not flag
    assert list(node["name"]) == (["firstName"] if flag else ["lastName"])


def test_a_null_in_a_non_null_field_gives_the_same_error(schema):
    result = _both(schema, "{ people { totalCount edges { cursor node { id city name { firstName } } } } }",
                   people=[_person(0), _person(1, id=None)])
    assert result.data is None  # up to the root: people is non-null too
    assert result.errors[0].message == "Cannot return null for non-nullable field Person.id."
    assert result.errors[0].path == ["people", "edges", 1, "node", "id"]


def test_a_null_record_in_a_non_null_node_gives_the_same_error(schema):
    result = _both(schema, "{ people { edges { node { id } } } }", people=[_person(0), None])
    assert result.data is None and result.errors[0].path == ["people", "edges", 1, "node"]


def test_a_null_in_a_non_null_field_of_a_nullable_object_nulls_that_object(schema):
    result = _both(schema, "{ person(filter: {}) { id city } }", people=[_person(0, id=None)])
    assert result.data == {"person": None}
    assert result.errors[0].path == ["person", "id"]


def test_values_the_types_refuse_give_the_same_errors(schema):
    people = [_person(0, city={"not": "a string"}, name="not an object", jobTitle=7, position="first",
                      emails={"primaryEmail": ["x"], "additionalEmails": None})]
    invoices = [{**INVOICES[0], "status": "GONE", "tags": ["PAID", "GONE", None], "amount": "many", "labels": "x"}]
    result = _both(schema, "{ people { edges { node { id city jobTitle position name { firstName } emails { primaryEmail } } } } }",
                   people=people)
    assert {tuple(e.path) for e in result.errors} == {
        ("people", "edges", 0, "node", "city"), ("people", "edges", 0, "node", "emails", "primaryEmail"),
    }
    node = result.data["people"]["edges"][0]["node"]
    # The default resolver reads attributes of what is not a mapping: a string has no firstName.
    assert node["jobTitle"] == "7" and node["name"] == {"firstName": None}
    result = _both(schema, "{ invoices { edges { node { id status tags amount labels } } } }", invoices=invoices)
    assert {tuple(e.path) for e in result.errors} == {
        ("invoices", "edges", 0, "node", "status"), ("invoices", "edges", 0, "node", "tags", 1),
        ("invoices", "edges", 0, "node", "amount"), ("invoices", "edges", 0, "node", "labels"),
    }


def test_a_json_scalar_and_objects_that_are_not_dicts():
    class Thing:
        def __init__(self) -> None:
            self.name = "attribute"

    inner = GraphQLObjectType("Inner", {"name": GraphQLField(GraphQLString), "value": GraphQLField(JSON)})
    root = GraphQLObjectType("Query", {
        "json": GraphQLField(JSON),
        "inner": GraphQLField(inner),
        "things": GraphQLField(GraphQLNonNull(GraphQLString)),
    })
    schema = GraphQLSchema(root)
    document = parse("{ json inner { name value } things }")
    for source in ({"json": {"a": [1, None]}, "inner": Thing(), "things": "x"}, {"json": None, "inner": {"value": 1}, "things": None}):
        expected = execute(schema, document, root_value=source, execution_context_class=ExecutionContext)
        assert execute(schema, document, root_value=source, execution_context_class=FastExecutionContext) == expected


def test_lists_of_objects_their_errors_and_awaitable_items():
    async def later(source: dict[str, Any], _info: Any) -> int:
        if source["n"] == 3:
            raise ValueError("Not now")
        return source["n"]

    item = GraphQLObjectType("Item", {
        "n": GraphQLField(GraphQLNonNull(GraphQLInt)),
        "name": GraphQLField(GraphQLString),
        "later": GraphQLField(GraphQLNonNull(GraphQLInt), resolve=later),
    })
    root = GraphQLObjectType("Query", {
        "items": GraphQLField(GraphQLList(item)),
        "strict": GraphQLField(GraphQLNonNull(GraphQLList(GraphQLNonNull(item)))),
    })
    schema = GraphQLSchema(root)
    records = [{"n": 1, "name": "a"}, {"n": None}, {"n": 3, "name": {"not": "a string"}}, {"n": 4}]
    source = {"items": records, "strict": records[2:]}
    for query in ("{ items { n name } }", "{ items { name } strict { n } }", "{ strict { name } items { n } }"):
        expected = execute(schema, parse(query), root_value=copy.deepcopy(source), execution_context_class=ExecutionContext)
        assert execute(schema, parse(query), root_value=copy.deepcopy(source), execution_context_class=FastExecutionContext) == expected
    for query in ("{ items { n later } }", "{ strict { later name } items { name later } }"):
        document = parse(query)
        expected = asyncio.run(execute(schema, document, root_value=source, execution_context_class=ExecutionContext))
        result = asyncio.run(execute(schema, document, root_value=source, execution_context_class=FastExecutionContext))
        assert result == expected and [e.path for e in result.errors] == [e.path for e in expected.errors]

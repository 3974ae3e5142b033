"""Depth, field count, root field count and batch size, checked before any read or write."""

from __future__ import annotations

import pytest
from graphql import parse

from tenantapi.errors import BadRequest
from tenantapi.graphql import cache
from tenantapi.graphql.errors import RequestFailure
from tenantapi.graphql.limits import MAX_DEPTH, check_batch_sizes
from tenantapi.records.service import BATCH_LIMIT

from .support import standard_schema


@pytest.fixture(scope="module")
def schemas():
    schema = standard_schema()[0]
    return schema, cache.build_core_schema(schema)


def _errors(schemas, query: str) -> list[dict]:
    schema, core = schemas
    try:
        cache.parse_and_validate(core, query)
    except RequestFailure as failure:
        assert failure.status_code == 400
        return failure.errors
    return []


def _nested(depth: int) -> str:
    """people > edges > node > company > people > ... down to `depth` fields, the leaf included."""
    path = ["people", "edges", "node", "company"]
    names = [path[i % len(path)] for i in range(depth - 1)]
    leaf = {"people": "totalCount", "edges": "cursor", "node": "id", "company": "id"}[names[-1]]
    return "{ " + " { ".join(names) + " { " + leaf + " }" * len(names) + " }"


def test_the_deepest_allowed_operation_validates(schemas):
    assert _errors(schemas, _nested(MAX_DEPTH)) == []


def test_one_level_deeper_is_refused_as_a_validation_failure(schemas):
    errors = _errors(schemas, _nested(MAX_DEPTH + 1))
    assert [e["extensions"]["code"] for e in errors] == ["GRAPHQL_VALIDATION_FAILED"]
    assert f"at most {MAX_DEPTH}" in errors[0]["message"]


def test_depth_counts_through_fragments(schemas):
    query = "query { people { edges { node { ...P } } } } fragment P on Person { company { people { edges { node { company { people { edges { cursor } } } } } } } }"
    assert "11 fields deep" in _errors(schemas, query)[0]["message"]


def test_a_fragment_cycle_is_reported_without_looping(schemas):
    query = "query { people { edges { node { ...A } } } } fragment A on Person { company { people { edges { node { ...A } } } } }"
    assert any("Cannot spread fragment 'A' within itself" in e["message"] for e in _errors(schemas, query))


def test_introspection_is_not_counted_in_depth(schemas):
    from graphql import get_introspection_query

    assert _errors(schemas, get_introspection_query(descriptions=True)) == []


def test_more_than_2000_fields_are_refused(schemas):
    selection = " ".join(f"f{i}: id" for i in range(2001))
    errors = _errors(schemas, f"{{ people {{ edges {{ node {{ {selection} }} }} }} }}")
    assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED" and "2000" in errors[0]["message"]


def test_more_than_20_root_fields_are_refused(schemas):
    roots = " ".join(f"p{i}: people {{ totalCount }}" for i in range(21))
    errors = _errors(schemas, f"{{ {roots} }}")
    assert "21 root fields" in errors[0]["message"]
    assert _errors(schemas, "{ " + " ".join(f"p{i}: people {{ totalCount }}" for i in range(20)) + " }") == []


def test_a_literal_batch_above_60_is_bad_user_input(schemas):
    items = ", ".join("{city: \"x\"}" for _ in range(BATCH_LIMIT + 1))
    errors = _errors(schemas, f"mutation {{ createPeople(data: [{items}]) {{ id }} }}")
    assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"]
    assert "at most 60 records, got 61" in errors[0]["message"]
    ok = ", ".join("{city: \"x\"}" for _ in range(BATCH_LIMIT))
    assert _errors(schemas, f"mutation {{ createPeople(data: [{ok}]) {{ id }} }}") == []


def test_a_batch_in_variables_above_60_is_refused_before_execution(schemas):
    _, core = schemas
    document = parse("mutation M($d: [PersonCreateInput!]!) { createCompany(data: {name: \"x\"}) { id } createPeople(data: $d) { id } }")
    check_batch_sizes(core, document, None, {"d": [{"city": "x"}] * BATCH_LIMIT})
    with pytest.raises(BadRequest) as error:
        check_batch_sizes(core, document, None, {"d": [{"city": "x"}] * (BATCH_LIMIT + 1)})
    assert error.value.message == "createPeople: a batch holds at most 60 records, got 61"


def test_the_batch_check_sees_fields_through_fragments_and_aliases(schemas):
    _, core = schemas
    document = parse("mutation M($d: [PersonCreateInput!]!) { ...F } fragment F on Mutation { many: createPeople(data: $d) { id } }")
    with pytest.raises(BadRequest):
        check_batch_sizes(core, document, "M", {"d": [{}] * (BATCH_LIMIT + 1)})


def test_the_batch_check_leaves_bad_variables_to_the_execution(schemas):
    _, core = schemas
    document = parse("mutation M($d: [PersonCreateInput!]!) { createPeople(data: $d) { id } }")
    check_batch_sizes(core, document, None, {"d": "not a list of objects"})
    check_batch_sizes(core, document, "Unknown", {"d": [{}] * 100})

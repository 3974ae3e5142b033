"""Schemas cached per (workspace, schemaVersion); documents per (workspace, version, query text)."""

from __future__ import annotations

import pytest

from tenantapi.graphql import cache
from tenantapi.graphql.errors import RequestFailure

from .support import standard_schema


@pytest.fixture(autouse=True)
def _empty_caches():
    cache.schemas.clear()
    cache.documents.clear()
    yield
    cache.schemas.clear()
    cache.documents.clear()


def test_a_schema_is_built_once_per_workspace_and_version():
    schema = standard_schema("ws-a")[0]
    first = cache.core_schema_for(schema)
    assert cache.core_schema_for(schema) is first
    assert cache.core_schema_for(schema.with_changes(version=schema.version)) is first  # same key, another object
    assert cache.core_schema_for(schema.with_changes(version=schema.version + 1)) is not first
    assert cache.core_schema_for(standard_schema("ws-b")[0]) is not first


def test_a_new_version_exposes_a_new_object(with_invoice):
    before = standard_schema()[0]
    assert "invoices" not in cache.core_schema_for(before).query_type.fields
    assert "invoices" in cache.core_schema_for(with_invoice).query_type.fields


def test_a_valid_document_is_parsed_and_validated_once():
    schema = standard_schema()[0]
    core = cache.core_schema_for(schema)
    query = "{ people { totalCount } }"
    misses, hits = cache.documents.misses, cache.documents.hits
    document = cache.document_for(schema, core, query)
    assert cache.document_for(schema, core, query) is document
    assert (cache.documents.misses - misses, cache.documents.hits - hits) == (1, 1)


def test_documents_are_not_shared_between_workspaces_at_the_same_version():
    a, b = standard_schema("ws-a")[0], standard_schema("ws-b")[0]
    query = "{ people { totalCount } }"
    assert cache.document_for(a, cache.core_schema_for(a), query) is not cache.document_for(b, cache.core_schema_for(b), query)


def test_a_failing_document_is_reported_each_time_and_not_kept():
    schema = standard_schema()[0]
    core = cache.core_schema_for(schema)
    for _ in range(2):
        with pytest.raises(RequestFailure) as failure:
            cache.document_for(schema, core, "{ peoples { totalCount } }")
        assert failure.value.status_code == 400
        assert failure.value.errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert len(cache.documents) == 0


def test_a_document_that_does_not_parse_is_graphql_parse_failed():
    schema = standard_schema()[0]
    with pytest.raises(RequestFailure) as failure:
        cache.document_for(schema, cache.core_schema_for(schema), "{ people { ")
    assert failure.value.errors[0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


def test_a_document_with_too_many_tokens_does_not_parse():
    schema = standard_schema()[0]
    query = "{ " + " ".join("a: __typename" for _ in range(cache.MAX_TOKENS // 3 + 1)) + " }"
    with pytest.raises(RequestFailure) as failure:
        cache.parse_and_validate(cache.core_schema_for(schema), query)
    assert failure.value.errors[0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"

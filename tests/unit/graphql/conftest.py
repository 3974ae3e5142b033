"""Fixtures for the GraphQL builder tests."""

from __future__ import annotations

import pytest
from graphql import GraphQLSchema

from tenantapi.graphql.schema import build_core_schema
from tenantapi.metadata.model import WorkspaceSchema

from .support import standard_schema, with_field, with_object


@pytest.fixture
def standard() -> WorkspaceSchema:
    return standard_schema()[0]


@pytest.fixture
def with_invoice() -> WorkspaceSchema:
    """The standard schema plus `invoice` with a SELECT, a MULTI_SELECT and a relation to company."""
    schema, new_id = standard_schema()
    schema = with_object(schema, new_id, "invoice", "invoices")
    options = [{"label": "Draft", "value": "DRAFT"}, {"label": "Paid", "value": "PAID"}]
    schema = with_field(schema, new_id, "invoice", "status", type="SELECT", options=options)
    schema = with_field(schema, new_id, "invoice", "tags", type="MULTI_SELECT", options=options)
    schema = with_field(schema, new_id, "invoice", "amount", type="NUMBER", settings={"dataType": "int"})
    company = schema.active_object_by_singular("company")
    assert company is not None
    return with_field(
        schema, new_id, "invoice", "company", type="RELATION",
        relationCreationPayload={"type": "MANY_TO_ONE", "targetObjectMetadataId": company.id,
                                 "targetFieldLabel": "Invoices", "targetFieldName": "invoices"},
    )


@pytest.fixture
def core(with_invoice: WorkspaceSchema) -> GraphQLSchema:
    return build_core_schema(with_invoice)

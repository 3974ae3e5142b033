"""The OpenAPI documents through the gateway: public base document, the workspace's with a key."""

import uuid

import pytest
from openapi_spec_validator import validate


@pytest.fixture(scope="module")
def tenant(new_tenant):
    return new_tenant(f"openapi-{uuid.uuid4().hex[:8]}")


@pytest.mark.parametrize("path", ["/rest/open-api/core", "/open-api/core", "/rest/open-api/metadata"])
def test_without_a_key_the_base_document_is_served(anonymous, path):
    response = anonymous.get(path)
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert not any(p.startswith("/people") for p in document["paths"])


def test_with_a_key_the_document_describes_the_workspace(tenant):
    client = tenant.client
    client.post("/rest/metadata/objects", json={"nameSingular": "invoice", "namePlural": "invoices", "labelSingular": "Invoice", "labelPlural": "Invoices"})
    document = client.get("/rest/open-api/core").json()
    validate(document)
    assert {"/people", "/invoices", "/batch/invoices", "/invoices/{id}"} <= set(document["paths"])
    assert document["paths"]["/invoices"]["get"]["operationId"] == "findManyInvoices"
    metadata = client.get("/rest/open-api/metadata").json()
    validate(metadata)
    assert "/objects" in metadata["paths"]


def test_a_bad_key_gets_the_contract_401(anonymous):
    response = anonymous.get("/rest/open-api/core", headers={"Authorization": "Bearer tak_nope"})
    assert response.status_code == 401
    assert response.json() == {"statusCode": 401, "error": "UNAUTHENTICATED", "messages": ["Token invalid."]}

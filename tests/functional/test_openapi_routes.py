"""GET /rest/open-api/{core,metadata} through an ASGI app, against moto's DynamoDB.

The routes are public: no key gives the base document, a valid key the workspace's document, a
bad or expired key the contract's 401. The documents are then checked against what the core REST
routes really answer.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from starlette.applications import Starlette
from starlette.exceptions import StarletteDeprecationWarning
from starlette.types import ASGIApp, Receive, Scope, Send

with warnings.catch_warnings():
    # Starlette 1.x points its test client at httpx2; httpx (the dev dependency) still serves.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from tenantapi.api.core_rest import core_rest_routes
from tenantapi.api.http import exception_handlers
from tenantapi.auth.keys import KeyStore
from tenantapi.metadata.service import MetadataService
from tenantapi.openapi import openapi_routes
from tenantapi.storage import dynamo
from tenantapi.storage.metadata_store import WorkspaceHead
from tenantapi.workspaces import create_workspace

INVALID = {"statusCode": 401, "error": "UNAUTHENTICATED", "messages": ["Token invalid."]}


class WithEvent:
    """Puts an API Gateway proxy event into each HTTP scope, as Mangum does."""

    def __init__(self, app: ASGIApp, event: dict[str, Any]) -> None:
        self.app = app
        self.event = event

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope = {**scope, "aws.event": {**self.event, "path": scope["path"]}}
        await self.app(scope, receive, send)


def _app() -> Starlette:
    return Starlette(routes=openapi_routes() + core_rest_routes(), exception_handlers=exception_handlers)


@pytest.fixture
def workspace(moto_dynamodb: Any) -> Iterator[tuple[WorkspaceHead, str]]:
    """A workspace and the secret of an Admin key of it."""
    dynamo.reset_client()  # the engine's cached client must bind to moto
    try:
        head = create_workspace("openapi")
        _, secret = KeyStore().create(head.id, role="Admin", name="t", usage_key=head.usage_key)
        yield head, secret
    finally:
        dynamo.reset_client()


@pytest.fixture
def client(workspace: tuple[WorkspaceHead, str]) -> TestClient:
    return TestClient(_app())


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


# -- who gets which document ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/rest/open-api/core", "/open-api/core"])
def test_without_a_key_the_base_document_is_served(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert list(document["paths"]) == ["/open-api/core"]
    assert document["servers"] == [{"url": "http://testserver/rest/"}]
    assert response.headers["cache-control"] == "no-store"


def test_without_a_key_the_base_metadata_document_is_served(client: TestClient) -> None:
    document = client.get("/rest/open-api/metadata").json()
    validate(document)
    assert list(document["paths"]) == ["/open-api/metadata"]
    assert document["servers"] == [{"url": "http://testserver/rest/metadata"}]


def test_a_valid_key_gets_its_workspaces_documents(client: TestClient, workspace: tuple[WorkspaceHead, str]) -> None:
    head, secret = workspace
    MetadataService().create_object(head.id, {
        "nameSingular": "invoice", "namePlural": "invoices", "labelSingular": "Invoice", "labelPlural": "Invoices",
    })
    core = client.get("/rest/open-api/core", headers=bearer(secret))
    assert core.status_code == 200
    document = core.json()
    validate(document)
    for plural in ("companies", "people", "opportunities", "invoices"):
        assert f"/{plural}" in document["paths"] and f"/batch/{plural}" in document["paths"]
    assert "InvoiceForResponse" in document["components"]["schemas"]
    metadata = client.get("/open-api/metadata", headers=bearer(secret)).json()
    validate(metadata)
    assert {"/objects", "/objects/{id}", "/fields", "/fields/{id}"} <= set(metadata["paths"])


@pytest.mark.parametrize("header", ["Bearer tak_not-a-key", "Bearer not-even-a-key", "Basic dXNlcjpwYXNz"])
def test_a_bad_key_is_a_401(client: TestClient, header: str) -> None:
    for path in ("/rest/open-api/core", "/rest/open-api/metadata"):
        response = client.get(path, headers={"Authorization": header})
        assert (response.status_code, response.json()) == (401, INVALID)


def test_a_revoked_or_expired_key_is_a_401(client: TestClient, workspace: tuple[WorkspaceHead, str]) -> None:
    head, secret = workspace
    keys = KeyStore()
    _, expired = keys.create(head.id, role="Admin", name="old", usage_key=head.usage_key, expires_at="2020-01-01T00:00:00Z")
    response = client.get("/rest/open-api/core", headers=bearer(expired))
    assert (response.status_code, response.json()["messages"]) == (401, ["Token has expired."])
    key = next(k for k in keys.list(head.id) if k.name == "t")
    keys.revoke(key.id, head.id)
    assert client.get("/rest/open-api/core", headers=bearer(secret)).json() == INVALID


def test_the_authorizers_context_is_used_when_present(workspace: tuple[WorkspaceHead, str]) -> None:
    head, _ = workspace
    event = {"requestContext": {"authorizer": {"workspaceId": head.id, "keyId": "k", "keyName": "t", "role": "Admin"}}}
    document = TestClient(WithEvent(_app(), event)).get("/rest/open-api/core").json()
    assert "/people" in document["paths"]


# -- the server URL ---------------------------------------------------------------------------


def _servers(event_context: dict[str, Any], headers: dict[str, str]) -> list[dict[str, str]]:
    client = TestClient(WithEvent(_app(), {"requestContext": event_context}))
    return client.get("/rest/open-api/core", headers=headers).json()["servers"]  # type: ignore[no-any-return]


def test_the_server_url_keeps_the_stage_of_the_execute_api_endpoint(workspace: tuple[WorkspaceHead, str]) -> None:
    host = "abc123.execute-api.eu-west-1.amazonaws.com"
    context = {"path": "/prod/rest/open-api/core", "stage": "prod", "domainName": host}
    assert _servers(context, {"host": host, "x-forwarded-proto": "https"}) == [{"url": f"https://{host}/prod/rest/"}]


def test_the_server_url_keeps_a_custom_domains_base_path(workspace: tuple[WorkspaceHead, str]) -> None:
    context = {"path": "/crm/rest/open-api/core", "stage": "prod", "domainName": "api.example.com"}
    servers = _servers(context, {"host": "api.example.com", "x-forwarded-proto": "https"})
    assert servers == [{"url": "https://api.example.com/crm/rest/"}]


def test_the_local_gateway_serves_without_the_stage(workspace: tuple[WorkspaceHead, str]) -> None:
    # The local gateway reports the stage in requestContext.path, as the default endpoint does.
    context = {"path": "/prod/rest/open-api/core", "stage": "prod", "domainName": "localhost:3000"}
    servers = _servers(context, {"host": "localhost:3000", "x-forwarded-proto": "http"})
    assert servers == [{"url": "http://localhost:3000/rest/"}]


# -- the document against the API's real responses --------------------------------------------


def test_real_core_responses_validate_against_the_served_document(workspace: tuple[WorkspaceHead, str]) -> None:
    head, secret = workspace
    document = TestClient(_app()).get("/rest/open-api/core", headers=bearer(secret)).json()
    event = {"requestContext": {"authorizer": {"workspaceId": head.id, "keyId": "k", "keyName": "t", "role": "Admin"}}}
    api = TestClient(WithEvent(_app(), event))

    def check(path: str, method: str, status: int, response: Any) -> None:
        assert response.status_code == status, response.json()
        documented = document["paths"][path][method]["responses"][str(status)]
        # An error status refers to a shared response of components.responses.
        pointer = documented.get("$ref") or f"#/paths/{path.replace('~', '~0').replace('/', '~1')}/{method}/responses/{status}"
        root = {"$schema": "https://json-schema.org/draft/2020-12/schema", **document,
                "$ref": f"{pointer}/content/application~1json/schema"}
        errors = list(Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER).iter_errors(response.json()))
        assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]

    company = api.post("/rest/companies", json={"name": "Acme", "employees": 12, "address": {"addressCity": "Paris"}})
    check("/companies", "post", 201, company)
    company_id = company.json()["data"]["createCompany"]["id"]
    people = api.post("/rest/batch/people", json=[
        {"name": {"firstName": "Ada"}, "emails": {"primaryEmail": "ada@example.com"}, "companyId": company_id},
        {"name": {"firstName": "Alan"}, "phones": {"primaryPhoneNumber": "600"}},
    ])
    check("/batch/people", "post", 201, people)
    person_id = people.json()["data"]["createPeople"][0]["id"]
    check("/people", "get", 200, api.get("/rest/people", params={"depth": "1", "limit": "1"}))
    check("/companies/{id}", "get", 200, api.get(f"/rest/companies/{company_id}", params={"depth": "1"}))
    check("/people/{id}", "patch", 200, api.patch(f"/rest/people/{person_id}", json={"jobTitle": "Engineer"}))
    check("/people/{id}", "delete", 200, api.delete(f"/rest/people/{person_id}", params={"soft_delete": "true"}))
    check("/people/{id}/restore", "patch", 200, api.patch(f"/rest/people/{person_id}/restore"))
    check("/people/{id}", "get", 404, api.get("/rest/people/00000000-0000-4000-8000-000000000000"))
    check("/people", "get", 400, api.get("/rest/people", params={"limit": "x"}))

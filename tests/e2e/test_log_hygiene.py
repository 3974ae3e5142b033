"""No secret in any log line, and no function call for a malformed Authorization header.

The logs are everything the process writes while serving: Python logging (the engine's
`tenantapi` logger at DEBUG, everything else at INFO, as the functions log in Lambda) and the
standard streams (the local gateway's one line per request, anything printed). A key's secret
and its SHA-256 (the key item's partition key) must appear in none of them, whether the key is
created (REST, GraphQL), used (allowed, forbidden, not found), sent in the query string, or
revoked.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tenantapi.auth.keys import KeyStore

MALFORMED = ["Basic abc", "Bearer", "Bearer a b", "bearer lowercase-scheme-token", "Token abc", ""]


@pytest.fixture(scope="module")
def admin(new_tenant: Any) -> Any:
    return new_tenant(f"hygiene-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> Iterator[Any]:
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="tenantapi")

    def text() -> str:
        captured = capfd.readouterr()
        # httpx logs the URLs this test itself requests (a secret in a query string included):
        # that is the client's log, not the server's.
        served = [caplog.handler.format(r) for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
        return "\n".join([*served, captured.out, captured.err])

    yield text


def _leaks(secret: str, text: str) -> list[str]:
    digest = hashlib.sha256(secret.encode()).hexdigest()
    return [what for what, value in (("secret", secret), ("hash", digest)) if value in text]


def test_creating_and_using_keys_logs_neither_the_secret_nor_its_hash(admin: Any, gateway_url: str, logs: Any) -> None:
    client = admin.client
    member = next(r["id"] for r in client.get("/rest/metadata/roles").json()["data"]["roles"] if r["label"] == "Member")
    rest = client.post("/rest/metadata/apiKeys", json={"name": "via REST", "roleId": member}).json()["data"]["createApiKey"]
    graphql = client.post(
        "/metadata",
        json={"query": "mutation($r: UUID!) { createApiKey(input: {name: \"via GraphQL\", roleId: $r}) { id token } }",
              "variables": {"r": member}},
    ).json()["data"]["createApiKey"]
    secrets = [admin.secret, rest["token"], graphql["token"]]

    for secret in secrets:
        with httpx.Client(base_url=gateway_url, headers={"Authorization": f"Bearer {secret}"}, timeout=30) as keyed:
            assert keyed.get("/rest/companies").status_code == 200
            assert keyed.get(f"/rest/companies/{uuid.uuid4()}").status_code == 404
            assert keyed.post("/graphql", json={"query": "{ companies { totalCount } }"}).status_code == 200
            keyed.post("/rest/metadata/objects", json={"nameSingular": "x"})  # 403 for Member, 400 for Admin
            keyed.get("/rest/people", params={"filter": "nope[eq]:1"})  # 400
        with httpx.Client(base_url=gateway_url, timeout=30) as anonymous:
            assert anonymous.get("/rest/companies", params={"token": secret}).status_code == 403
    client.delete(f"/rest/metadata/apiKeys/{rest['id']}")
    with httpx.Client(base_url=gateway_url, headers={"Authorization": f"Bearer {rest['token']}"}, timeout=30) as revoked:
        assert revoked.get("/rest/companies").status_code == 401

    text = logs()
    assert "GET /rest/companies 200" in text  # the gateway's request lines were captured
    for secret in secrets:
        assert _leaks(secret, text) == []


@pytest.mark.parametrize("header", MALFORMED)
def test_a_malformed_authorization_header_never_reaches_the_authorizer(
    gateway_url: str, monkeypatch: pytest.MonkeyPatch, header: str
) -> None:
    # API Gateway's ValidationExpression (template.yaml) refuses these before any function runs;
    # the local gateway does the same, so the authorizer's key check is never called.
    checked: list[str] = []
    original = KeyStore.check

    def counting(self: KeyStore, secret: str) -> Any:
        checked.append(secret)
        return original(self, secret)

    monkeypatch.setattr(KeyStore, "check", counting)
    with httpx.Client(base_url=gateway_url, timeout=30) as client:
        response = client.get("/rest/companies", headers={"Authorization": header} if header else {})
        assert response.status_code == 403
        assert response.json()["error"] == "FORBIDDEN_EXCEPTION"
        assert checked == []
        # A well-formed header does reach it (once: the test gateway caches nothing).
        assert client.get("/rest/companies", headers={"Authorization": "Bearer short"}).status_code == 401
    assert checked == ["short"]

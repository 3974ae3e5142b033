"""Keys at the gateway: the contract's 401/403 bodies (docs/api.md §2.2)."""

import uuid

import httpx
import pytest

from tenantapi.auth.keys import KeyStore

MISSING = {"statusCode": 403, "error": "FORBIDDEN_EXCEPTION", "messages": ["Missing authentication token"]}
INVALID = {"statusCode": 401, "error": "UNAUTHENTICATED", "messages": ["Token invalid."]}
EXPIRED = {"statusCode": 401, "error": "UNAUTHENTICATED", "messages": ["Token has expired."]}


@pytest.fixture(scope="module")
def tenant(new_tenant):
    return new_tenant(f"auth-{uuid.uuid4().hex[:8]}")


@pytest.mark.parametrize("headers", [{}, {"Authorization": ""}, {"Authorization": "Bearer"}, {"Authorization": "Basic abc"}])
def test_no_usable_token_is_403_missing_authentication_token(anonymous, headers):
    response = anonymous.post("/rest/people", headers=headers, json={})
    assert response.status_code == 403
    assert response.json() == MISSING


@pytest.mark.parametrize("token", ["invalid-token", "tak_" + "x" * 43, "tak_"])
def test_unknown_or_malformed_token_is_401_token_invalid(anonymous, token):
    response = anonymous.get("/rest/people", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json() == INVALID


def test_a_key_in_the_query_string_is_not_accepted(anonymous, tenant):
    response = anonymous.get("/rest/people", params={"token": tenant.secret, "apiKey": tenant.secret})
    assert response.status_code == 403
    assert response.json() == MISSING


def test_revoked_key_is_refused(gateway_url, tenant):
    key, secret = KeyStore().create(tenant.workspace_id, role="Member", name="to revoke", usage_key=tenant.usage_key)
    with httpx.Client(base_url=gateway_url, headers={"Authorization": f"Bearer {secret}"}) as client:
        assert client.get("/rest/people").status_code == 200
        KeyStore().revoke(key.id, tenant.workspace_id)
        response = client.get("/rest/people")
    assert response.status_code == 401
    assert response.json() == INVALID


def test_expired_key_is_401_token_has_expired(gateway_url, tenant):
    _, secret = KeyStore().create(
        tenant.workspace_id, role="Member", name="expired", usage_key=tenant.usage_key, expires_at="2020-01-01T00:00:00Z"
    )
    with httpx.Client(base_url=gateway_url, headers={"Authorization": f"Bearer {secret}"}) as client:
        response = client.get("/rest/people")
    assert response.status_code == 401
    assert response.json() == EXPIRED


def test_member_may_write_records_but_not_the_data_model(new_tenant):
    member = new_tenant(f"member-{uuid.uuid4().hex[:8]}", role="Member")
    assert member.client.post("/rest/companies", json={"name": "Member Co"}).status_code == 201
    response = member.client.post(
        "/rest/metadata/objects",
        json={"nameSingular": "thing", "namePlural": "things", "labelSingular": "Thing", "labelPlural": "Things"},
    )
    assert response.status_code == 403
    body = response.json()
    assert body["error"] == "FORBIDDEN" and "DATA_MODEL" in body["messages"][0]
    assert member.client.get("/rest/metadata/objects").status_code == 200

"""Key and role writes over HTTP: a key manager stays within the roles it may assign, a revoked
key cannot write even while the authorizer's cache still lets it in, and revocation is final."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tenantapi.auth.keys import KeyStore
from tenantapi.auth.role_model import builtin_role_id
from tenantapi.workspaces import create_workspace
from tenantapi_tools.local.gateway import serving
from tenantapi_tools.local.template import DEFAULT_TEMPLATE

INVALID = {"statusCode": 401, "error": "UNAUTHENTICATED", "messages": ["Token invalid."]}
ROTATE = "mutation($id: UUID!) { generateApiKeyToken(apiKeyId: $id, expiresAt: \"2099-01-01T00:00:00Z\") { token } }"
UPDATE = "mutation($input: UpdateApiKeyInput!) { updateApiKey(input: $input) { id revokedAt } }"
REVOKE = "mutation($id: UUID!) { revokeApiKey(input: {id: $id}) { id } }"


def _key(admin: httpx.Client, role_id: str, name: str) -> dict[str, Any]:
    response = admin.post("/rest/metadata/apiKeys", json={"name": name, "roleId": role_id})
    assert response.status_code == 201, response.text
    return response.json()["data"]["createApiKey"]  # type: ignore[no-any-return]


def _manager(admin: httpx.Client, url: str) -> httpx.Client:
    """A client with a key of a custom role that has only the API-keys-and-webhooks flag."""
    response = admin.post("/rest/metadata/roles", json={"label": f"Keys {uuid.uuid4().hex[:6]}", "permissionFlags": ["API_KEYS_AND_WEBHOOKS"]})
    assert response.status_code == 201, response.text
    key = _key(admin, response.json()["data"]["createOneRole"]["id"], "key manager")
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key['token']}"}, timeout=30)


def _gql(client: httpx.Client, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    return client.post("/metadata", json={"query": query, "variables": variables}).json()  # type: ignore[no-any-return]


def test_a_key_manager_cannot_create_rotate_revive_or_revoke_an_admin_key(new_tenant, gateway_url: str) -> None:
    tenant = new_tenant(f"kw-{uuid.uuid4().hex[:6]}")
    admin = tenant.client
    manager = _manager(admin, gateway_url)
    admin_role = builtin_role_id(tenant.workspace_id, "Admin")

    refused = manager.post("/rest/metadata/apiKeys", json={"name": "climb", "roleId": admin_role})
    assert refused.status_code == 403

    target = _key(admin, admin_role, "admin target")
    path = f"/rest/metadata/apiKeys/{target['id']}"
    rotated = _gql(manager, ROTATE, {"id": target["id"]})
    assert rotated.get("data") is None and rotated["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert manager.patch(path, json={"expiresAt": "2099-01-01T00:00:00Z"}).status_code == 403
    assert _gql(manager, UPDATE, {"input": {"id": target["id"], "name": "mine"}})["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert manager.delete(path).status_code == 403
    assert _gql(manager, REVOKE, {"id": target["id"]})["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    assert admin.delete(path).status_code == 200
    revived = manager.patch(path, json={"revokedAt": None, "expiresAt": "2099-01-01T00:00:00Z"})
    assert revived.status_code == 403
    assert KeyStore().check(target["token"]).key is None

    # Keys of roles it may assign stay its to manage.
    member = _key(manager, builtin_role_id(tenant.workspace_id, "Member"), "member")
    assert manager.patch(f"/rest/metadata/apiKeys/{member['id']}", json={"name": "renamed"}).status_code == 200
    assert _gql(manager, ROTATE, {"id": member["id"]})["data"]["generateApiKeyToken"]["token"].startswith("tak_")
    assert manager.delete(f"/rest/metadata/apiKeys/{member['id']}").status_code == 200


def test_clearing_revoked_at_is_refused_even_for_an_admin(new_tenant) -> None:
    tenant = new_tenant(f"kw-{uuid.uuid4().hex[:6]}")
    key = _key(tenant.client, builtin_role_id(tenant.workspace_id, "Member"), "gone")
    path = f"/rest/metadata/apiKeys/{key['id']}"
    assert tenant.client.delete(path).status_code == 200
    refused = tenant.client.patch(path, json={"revokedAt": None})
    assert refused.status_code == 400 and "cannot be undone" in refused.json()["messages"][0]
    graphql = _gql(tenant.client, UPDATE, {"input": {"id": key["id"], "revokedAt": None}})
    assert "cannot be undone" in graphql["errors"][0]["message"]
    assert KeyStore().check(key["token"]).key is None


@pytest.fixture(scope="module")
def cached_url(dynamodb_local) -> Iterator[str]:
    """A gateway with the template's default authorizer TTL (60 s), as deployed."""
    with serving(DEFAULT_TEMPLATE) as server:
        yield server.url


def test_a_revoked_key_cannot_write_while_the_authorizer_cache_still_admits_it(cached_url: str) -> None:
    from tenantapi.storage.dynamo import reset_client

    reset_client()
    head = create_workspace(f"kw-{uuid.uuid4().hex[:6]}")
    _, secret = KeyStore().create(head.id, role="Admin", name="owner", usage_key=head.usage_key)
    owner = httpx.Client(base_url=cached_url, headers={"Authorization": f"Bearer {secret}"}, timeout=30)
    victim = _key(owner, builtin_role_id(head.id, "Admin"), "leaked")
    leaked = httpx.Client(base_url=cached_url, headers={"Authorization": f"Bearer {victim['token']}"}, timeout=30)
    assert leaked.get("/rest/metadata/apiKeys").status_code == 200  # cached from here on

    assert owner.delete(f"/rest/metadata/apiKeys/{victim['id']}").status_code == 200
    assert leaked.get("/rest/metadata/apiKeys").status_code == 200  # reads ride the cache for its TTL
    path = f"/rest/metadata/apiKeys/{victim['id']}"
    assert (r := leaked.patch(path, json={"name": "back"})).status_code == 401 and r.json() == INVALID
    created = leaked.post("/rest/metadata/apiKeys", json={"name": "new", "roleId": builtin_role_id(head.id, "Admin")})
    assert (created.status_code, created.json()) == (401, INVALID)
    assert leaked.post("/rest/metadata/roles", json={"label": "Sneaky"}).json() == INVALID
    rotated = _gql(leaked, ROTATE, {"id": victim["id"]})
    assert rotated["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert KeyStore().check(victim["token"]).key is None

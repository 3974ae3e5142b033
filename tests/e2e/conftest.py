"""End-to-end: the local gateway over real HTTP, the real handlers, DynamoDB Local.

The gateway runs in this process on a free port with the authorizer cache off (TTL 0), so a
revoked key is refused on the next request, as AWS does once the TTL has passed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from tenantapi.auth.keys import KeyStore
from tenantapi.usage_plans import UsageKeyPlans
from tenantapi.workspaces import create_workspace
from tenantapi_tools.local.gateway import serving
from tenantapi_tools.local.template import DEFAULT_TEMPLATE


@dataclass(frozen=True)
class Tenant:
    """A workspace and a client holding one of its keys."""

    workspace_id: str
    usage_key: str
    client: httpx.Client
    secret: str


@pytest.fixture(scope="session")
def gateway_url(dynamodb_local) -> Iterator[str]:
    # Each usage key metered in its workspace's plan, as `make run` and API Gateway do: a test
    # module that sends many quick requests moves its workspace to the pro plan (`set_plan`).
    with serving(DEFAULT_TEMPLATE, parameter_overrides={"AuthorizerTtlSeconds": "0"}, key_plans=UsageKeyPlans()) as server:
        yield server.url


@pytest.fixture(autouse=True)
def _e2e_needs_dynamodb_local(dynamodb_local) -> None:
    """Every e2e test talks to DynamoDB Local (the root conftest's session server)."""


def _client(base_url: str, secret: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return httpx.Client(base_url=base_url, headers=headers, timeout=30)


@pytest.fixture(scope="session")
def new_tenant(gateway_url, dynamodb_local):
    """Make a workspace (standard objects seeded) and a client with a key of the given role."""
    made: list[httpx.Client] = []

    def make(name: str, role: str = "Admin") -> Tenant:
        from tenantapi.storage.dynamo import reset_client

        reset_client()
        head = create_workspace(name)
        _, secret = KeyStore().create(head.id, role=role, name=f"{name} {role}", usage_key=head.usage_key)
        client = _client(gateway_url, secret)
        made.append(client)
        return Tenant(head.id, head.usage_key, client, secret)

    yield make
    for client in made:
        client.close()


@pytest.fixture
def anonymous(gateway_url) -> Iterator[httpx.Client]:
    with _client(gateway_url, None) as client:
        yield client

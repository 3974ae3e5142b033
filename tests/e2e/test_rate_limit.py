"""Rate limits over HTTP (docs/api.md §8.2-8.3): the functions' exact per-workspace buckets and
the usage plans' gateway throttle, each answering 429 with the contract's body and headers.

This module runs its own gateway, metering each usage key in its workspace's plan as `make run`
does: a workspace on ProUsagePlan (burst 200) reaches the functions' limit of 100 per minute
before the gateway throttles it; one on DefaultUsagePlan (burst 100) meets the gateway first.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from tenantapi.auth.keys import KeyStore
from tenantapi.limits import limiter as limiter_module
from tenantapi.limits.buckets import BucketLimit
from tenantapi.limits.limiter import set_workspace_limits
from tenantapi.usage_plans import UsageKeyPlans, set_plan
from tenantapi.workspaces import create_workspace
from tenantapi_tools.local.gateway import serving
from tenantapi_tools.local.template import DEFAULT_TEMPLATE

RATE_LIMITED_BODY = {
    "statusCode": 429,
    "error": "RATE_LIMITED",
    "messages": ["Limit reached (100 tokens per 60000 ms)"],
    "limit": 100,
    "remaining": 0,
}


@pytest.fixture(scope="module")
def url(dynamodb_local) -> Iterator[str]:
    with serving(DEFAULT_TEMPLATE, parameter_overrides={"AuthorizerTtlSeconds": "0"}, key_plans=UsageKeyPlans()) as server:
        yield server.url


@pytest.fixture
def workspace(url):
    """Make a fresh workspace (its own usage key, so its own gateway bucket) and a client."""
    clients: list[httpx.Client] = []

    def make(plan: str = "default", **limits: BucketLimit) -> httpx.Client:
        from tenantapi.storage.dynamo import reset_client

        reset_client()
        head = create_workspace(f"rl-{uuid.uuid4().hex[:10]}")
        set_plan(head, plan)
        if limits:
            set_workspace_limits(head.id, **limits)
        _, secret = KeyStore().create(head.id, role="Admin", name="rate limit", usage_key=head.usage_key)
        client = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {secret}"}, timeout=30,
                              limits=httpx.Limits(max_connections=40))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def _burst(client: httpx.Client, n: int, path: str = "/rest/companies?limit=1") -> list[httpx.Response]:
    with ThreadPoolExecutor(max_workers=35) as pool:
        return list(pool.map(lambda _: client.get(path), range(n)))


def test_105_quick_requests_give_100_successes_then_the_contracts_429(workspace, monkeypatch):
    busy, other = workspace("pro"), workspace("pro")
    # The local stack answers a few dozen requests a second here, while the long bucket gives a
    # token back every 600 ms: the functions' clock is paused for the burst so that "quick" holds
    # whatever the machine (refills over time are tested in tests/functional/test_limiter.py).
    paused = time.time_ns() // 1_000_000
    monkeypatch.setattr(limiter_module, "now_ms", lambda: paused)
    responses = _burst(busy, 105)
    statuses = Counter(r.status_code for r in responses)
    assert statuses == Counter({200: 100, 429: 5}), statuses

    refused = next(r for r in responses if r.status_code == 429)
    body = refused.json()
    assert {k: v for k, v in body.items() if k != "retryAfterSeconds"} == RATE_LIMITED_BODY
    assert body["retryAfterSeconds"] == 1 == int(refused.headers["retry-after"])
    assert (refused.headers["x-ratelimit-limit"], refused.headers["x-ratelimit-remaining"]) == ("100", "0")
    assert int(refused.headers["x-ratelimit-reset"]) == -(-paused // 1000) + 1
    assert "x-amzn-errortype" not in refused.headers  # the function's 429, not the gateway's

    assert other.get("/rest/companies?limit=1").status_code == 200


def test_graphql_over_the_limit_is_rate_limited(workspace):
    client = workspace("pro", long=BucketLimit(1, 60_000))
    query = {"query": "{ objects(paging: {first: 1}) { edges { node { id } } } }"}
    assert client.post("/metadata", json=query).status_code == 200
    response = client.post("/metadata", json=query)
    assert response.status_code == 429 and response.headers["retry-after"] == "60"
    (error,) = response.json()["errors"]
    assert error == {
        "message": "Limit reached (1 tokens per 60000 ms)",
        "extensions": {"code": "RATE_LIMITED", "limit": 1, "remaining": 0, "retryAfterSeconds": 60},
    }


def test_a_batch_counts_as_one_request(workspace):
    client = workspace("pro", long=BucketLimit(2, 60_000))
    created = client.post("/rest/batch/companies", json=[{"name": f"Co {i}"} for i in range(60)])
    assert created.status_code == 201, created.text
    assert client.get("/rest/companies?limit=1").status_code == 200
    assert client.get("/rest/companies?limit=1").status_code == 429


def test_the_default_plans_gateway_throttle_answers_the_contracts_429_too(workspace):
    # The functions' limit is raised out of the way: here the usage plan (burst 100) refuses first.
    client = workspace("default", long=BucketLimit(1_000, 60_000), short=BucketLimit(1_000, 1_000))
    assert Counter(r.status_code for r in _burst(client, 100)) == Counter({200: 100})
    # The plan refills 1.67 tokens a second: requests one after another soon outrun it.
    for _ in range(50):
        refused = client.get("/rest/companies?limit=1")
        if refused.status_code == 429:
            break
    assert refused.status_code == 429
    assert refused.headers["x-amzn-errortype"] == "TooManyRequestsException"
    assert refused.json() == {**RATE_LIMITED_BODY, "retryAfterSeconds": 60}
    assert (refused.headers["retry-after"], refused.headers["x-ratelimit-limit"], refused.headers["x-ratelimit-remaining"]) == ("60", "100", "0")

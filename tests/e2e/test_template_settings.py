"""A setting changed in template.yaml, or overridden as `sam deploy --parameter-overrides` would,
changes the local stack over HTTP as it changes the deployed one: here the functions' rate limit
(RateLimitPerMinute -> RATE_LIMIT_LONG)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx
import pytest
from tenantapi.auth.keys import KeyStore
from tenantapi.usage_plans import UsageKeyPlans, set_plan
from tenantapi.workspaces import create_workspace
from tenantapi_tools.local.gateway import serving
from tenantapi_tools.local.template import DEFAULT_TEMPLATE

from ..template_support import template_copy


def _serve(template: Path, overrides: Mapping[str, str]) -> Iterator[httpx.Client]:
    """A stack on `template` and a client with the Admin key of a fresh workspace on ProUsagePlan
    (whose burst leaves the refusing to the functions)."""
    from tenantapi.storage.dynamo import reset_client

    with serving(template, parameter_overrides={"AuthorizerTtlSeconds": "0", **overrides}, key_plans=UsageKeyPlans()) as server:
        reset_client()
        head = create_workspace(f"settings-{uuid.uuid4().hex[:10]}")
        set_plan(head, "pro")
        _, secret = KeyStore().create(head.id, role="Admin", name="settings", usage_key=head.usage_key)
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {secret}"}, timeout=30) as client:
            yield client


@pytest.fixture
def edited_template(tmp_path: Path) -> Iterator[httpx.Client]:
    template = template_copy(tmp_path, (r"(RateLimitPerMinute:\n    Type: Number\n    Default: )100", r"\g<1>3"))
    yield from _serve(template, {})


@pytest.fixture
def overridden(tmp_path: Path) -> Iterator[httpx.Client]:
    yield from _serve(DEFAULT_TEMPLATE, {"RateLimitPerMinute": "3"})


@pytest.mark.parametrize("stack", ["edited_template", "overridden"])
def test_a_rate_limit_of_3_in_the_template_refuses_the_4th_request(stack: str, request: pytest.FixtureRequest) -> None:
    client: httpx.Client = request.getfixturevalue(stack)
    responses = [client.get("/rest/companies?limit=1") for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    refused = responses[3]
    assert refused.json()["messages"] == ["Limit reached (3 tokens per 60000 ms)"]
    assert refused.headers["x-ratelimit-limit"] == "3"

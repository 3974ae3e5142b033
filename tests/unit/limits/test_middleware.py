import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tenantapi.limits.buckets import BucketLimit, Verdict
from tenantapi.limits.middleware import RateLimitMiddleware

LONG = BucketLimit(100, 60_000)
NOW = 1_750_000_000_000


class StubLimiter:
    def __init__(self, verdict: Verdict | None) -> None:
        self.verdict = verdict
        self.checked: list[str] = []

    def clock(self) -> int:
        return NOW

    def check(self, workspace_id: str) -> Verdict | None:
        self.checked.append(workspace_id)
        return self.verdict


async def ok(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True}, headers={"X-Own": "1"})


def _client(limiter: StubLimiter, workspace_id: str | None = "ws-1", **options: bool) -> httpx.AsyncClient:
    app = Starlette(
        routes=[Route("/rest/people", ok, methods=["GET", "POST"]), Route("/metadata", ok, methods=["POST"]), Route("/graphql", ok, methods=["POST"])],
        middleware=[Middleware(RateLimitMiddleware, limiter=limiter, **options)],
    )
    event = {"requestContext": {"authorizer": {"workspaceId": workspace_id} if workspace_id else {}}}

    async def with_event(scope, receive, send):  # what Mangum does: the Lambda event in the scope
        await app({**scope, "aws.event": event}, receive, send)

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=with_event), base_url="http://api")


REFUSED = Verdict(False, LONG, 0, 600, 60_000)
GRANTED = Verdict(True, LONG, 41, 0, 35_400)


@pytest.mark.anyio
async def test_a_request_over_the_limit_gets_the_contracts_429_and_the_app_does_not_run():
    limiter = StubLimiter(REFUSED)
    async with _client(limiter) as client:
        response = await client.get("/rest/people")
    assert response.status_code == 429
    assert response.json() == {
        "statusCode": 429, "error": "RATE_LIMITED", "messages": ["Limit reached (100 tokens per 60000 ms)"],
        "limit": 100, "remaining": 0, "retryAfterSeconds": 1,
    }
    assert (response.headers["retry-after"], response.headers["x-ratelimit-limit"], response.headers["x-ratelimit-remaining"]) == ("1", "100", "0")
    assert response.headers["x-ratelimit-reset"] == str(NOW // 1000 + 1)
    assert "x-own" not in response.headers and limiter.checked == ["ws-1"]


@pytest.mark.anyio
@pytest.mark.parametrize("path", ["/metadata", "/graphql"])
async def test_graphql_over_the_limit_gets_a_graphql_error_with_code_rate_limited(path):
    async with _client(StubLimiter(REFUSED)) as client:
        response = await client.post(path, json={"query": "{ objects { edges { node { id } } } }"})
    assert response.status_code == 429 and response.headers["retry-after"] == "1"
    (error,) = response.json()["errors"]
    assert error["message"] == "Limit reached (100 tokens per 60000 ms)"
    assert error["extensions"] == {"code": "RATE_LIMITED", "limit": 100, "remaining": 0, "retryAfterSeconds": 1}


@pytest.mark.anyio
async def test_a_granted_request_is_answered_by_the_app_unchanged():
    async with _client(StubLimiter(GRANTED)) as client:
        response = await client.get("/rest/people")
    assert response.status_code == 200 and response.json() == {"ok": True}
    assert not any(name.startswith("x-ratelimit") for name in response.headers)


@pytest.mark.anyio
async def test_headers_on_success_adds_the_usage_of_the_tightest_bucket():
    async with _client(StubLimiter(GRANTED), headers_on_success=True) as client:
        response = await client.get("/rest/people")
    assert response.headers["x-own"] == "1"
    assert (response.headers["x-ratelimit-limit"], response.headers["x-ratelimit-remaining"]) == ("100", "41")
    assert response.headers["x-ratelimit-reset"] == str(-(-(NOW + 35_400) // 1000))


@pytest.mark.anyio
async def test_a_request_without_a_workspace_is_not_limited():
    limiter = StubLimiter(REFUSED)
    async with _client(limiter, workspace_id=None) as client:
        response = await client.get("/rest/people")
    assert response.status_code == 200 and limiter.checked == []


@pytest.mark.anyio
async def test_an_undecided_check_lets_the_request_through():
    async with _client(StubLimiter(None), headers_on_success=True) as client:
        response = await client.get("/rest/people")
    assert response.status_code == 200 and "x-ratelimit-limit" not in response.headers

"""The local gateway against a small template in the shape of the real one (gateway_fixtures/)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from tenantapi_tools.local.api_model import RouteSpec, load_api_model
from tenantapi_tools.local.gateway import LocalGateway, serve
from tenantapi_tools.local.routes import RouteTable
from tenantapi_tools.local.template import DEFAULT_TEMPLATE

FIXTURE_TEMPLATE = Path(__file__).parent / "gateway_fixtures" / "template.yaml"
PLANS = {"key-tight": "TightUsagePlan", "key-quota": "QuotaUsagePlan", "key-good": "DefaultUsagePlan"}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Answer:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status = status
        self.header_list = headers
        self.headers = {name.lower(): value for name, value in headers}
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def gateway(clock: FakeClock) -> Iterator[LocalGateway]:
    with LocalGateway(FIXTURE_TEMPLATE, clock=clock, key_plans=PLANS.get) as local:
        yield local


def call(
    gateway: LocalGateway,
    method: str,
    path: str,
    *,
    token: str | None = "good",
    query: str = "",
    headers: list[tuple[str, str]] | None = None,
    body: bytes = b"",
) -> Answer:
    sent = list(headers or [])
    if token is not None:
        sent.append(("Authorization", f"Bearer {token}"))
    return Answer(*gateway.handle(method, path, query, sent, body))


def event_of(answer: Answer) -> dict[str, Any]:
    assert answer.status == 200, answer.body
    return answer.json()["event"]


def invocation_of(answer: Answer) -> int:
    return int(event_of(answer)["requestContext"]["authorizer"]["invocation"])


# Routes


@pytest.mark.parametrize(
    ("method", "path", "served_by", "resource", "parameters"),
    [
        ("GET", "/rest/people", "echo", "/rest/{proxy+}", {"proxy": "people"}),
        ("GET", "/rest/people/123/notes", "echo", "/rest/{proxy+}", {"proxy": "people/123/notes"}),
        ("GET", "/rest/metadata/objects", "metadata", "/rest/metadata/{proxy+}", {"proxy": "objects"}),
        ("GET", "/rest/metadata/objects/abc", "metadata", "/rest/metadata/objects/{objectId}", {"objectId": "abc"}),
        ("GET", "/rest/metadata/objects/abc/fields", "metadata", "/rest/metadata/{proxy+}", {"proxy": "objects/abc/fields"}),
        ("POST", "/graphql", "echo", "/graphql", None),
    ],
)
def test_literal_beats_param_beats_greedy_and_the_most_specific_resource_wins(
    gateway: LocalGateway, method: str, path: str, served_by: str, resource: str, parameters: dict[str, str] | None
) -> None:
    answer = call(gateway, method, path)
    assert answer.status == 200
    if served_by == "echo":
        event = event_of(answer)
        assert (event["resource"], event["pathParameters"]) == (resource, parameters)
    else:
        assert answer.json() == {"servedBy": "metadata", "resource": resource, "pathParameters": parameters}


def test_a_resource_without_the_method_falls_through_to_a_less_specific_one(gateway: LocalGateway) -> None:
    # /rest/metadata/objects/{objectId} has only GET: a POST reaches /rest/metadata/{proxy+}.
    assert call(gateway, "POST", "/rest/metadata/objects/abc").json()["resource"] == "/rest/metadata/{proxy+}"
    # /rest/metadata exists only as a parent of /rest/metadata/{proxy+}: /rest/{proxy+} serves it.
    event = event_of(call(gateway, "GET", "/rest/metadata"))
    assert (event["resource"], event["pathParameters"]) == ("/rest/{proxy+}", {"proxy": "metadata"})


@pytest.mark.parametrize(("method", "path"), [("GET", "/"), ("GET", "/nope"), ("GET", "/graphql"), ("GET", "/broken")])
def test_no_matching_method_is_missing_authentication_token(gateway: LocalGateway, method: str, path: str) -> None:
    answer = call(gateway, method, path)
    assert (answer.status, answer.json()) == (403, {"message": "Missing Authentication Token"})
    assert answer.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
    # The template's DEFAULT_4XX adds its header to every 4xx type without a response of its own.
    assert answer.headers["access-control-allow-origin"] == "*"


# Authorizer


@pytest.mark.parametrize(
    "headers",
    [[], [("Authorization", "")], [("Authorization", "Bearer")], [("Authorization", "Basic abc")], [("Authorization", "Bearer a b")]],
)
def test_missing_or_unmatched_identity_header_is_unauthorized_without_calling_the_authorizer(
    gateway: LocalGateway, headers: list[tuple[str, str]]
) -> None:
    answer = call(gateway, "GET", "/rest/people", token=None, headers=headers)
    assert answer.status == 403
    assert answer.json() == {"statusCode": 403, "error": "FORBIDDEN_EXCEPTION", "messages": ["Missing authentication token"]}
    assert answer.headers["x-amzn-errortype"] == "UnauthorizedException"
    assert invocation_of(call(gateway, "GET", "/rest/people")) == 1


def test_identity_header_name_is_case_insensitive(gateway: LocalGateway) -> None:
    answer = call(gateway, "GET", "/rest/people", token=None, headers=[("authorization", "Bearer good")])
    assert answer.status == 200


def test_explicit_deny_is_access_denied_rendered_from_the_authorizer_context(gateway: LocalGateway) -> None:
    answer = call(gateway, "GET", "/rest/people", token="bad")
    assert answer.status == 401
    assert answer.json() == {"statusCode": 401, "error": "UNAUTHENTICATED", "messages": ["API key revoked"]}
    assert answer.headers["www-authenticate"] == "Bearer"
    assert answer.headers["x-amzn-errortype"] == "AccessDeniedException"


def test_a_cached_policy_is_evaluated_against_each_routes_method_arn(gateway: LocalGateway) -> None:
    # "narrow" allows only the methodArn it was first asked about; the cached answer denies the rest.
    assert call(gateway, "GET", "/rest/people", token="narrow").status == 200
    assert call(gateway, "GET", "/rest/people", token="narrow").status == 200
    denied = call(gateway, "GET", "/rest/companies", token="narrow")
    assert (denied.status, denied.json()["messages"]) == (401, [""])


def test_authorizer_raising_unauthorized_is_the_unauthorized_gateway_response(gateway: LocalGateway) -> None:
    answer = call(gateway, "GET", "/rest/people", token="nope")
    assert (answer.status, answer.json()["error"]) == (403, "FORBIDDEN_EXCEPTION")


@pytest.mark.parametrize("token", ["boom", "malformed", "nested"])
def test_authorizer_failure_or_malformed_answer_is_a_500_with_null_message(gateway: LocalGateway, token: str) -> None:
    answer = call(gateway, "GET", "/rest/people", token=token)
    assert (answer.status, answer.json()) == (500, {"message": None})
    assert answer.headers["x-amzn-errortype"] == "AuthorizerConfigurationException"


def test_authorizer_answer_is_cached_per_token_for_reauthorize_every(gateway: LocalGateway, clock: FakeClock) -> None:
    # ReauthorizeEvery is !Ref AuthorizerTtlSeconds, whose default is 60.
    assert invocation_of(call(gateway, "GET", "/rest/people")) == 1
    assert invocation_of(call(gateway, "POST", "/rest/companies")) == 1
    clock.advance(59.9)
    assert invocation_of(call(gateway, "GET", "/rest/people")) == 1
    assert call(gateway, "GET", "/rest/people", token="bad").status == 401  # another token: a call
    clock.advance(0.1)
    assert invocation_of(call(gateway, "GET", "/rest/people")) == 3


def test_authorizer_ttl_zero_calls_the_authorizer_on_every_request(clock: FakeClock) -> None:
    overrides = {"AuthorizerTtlSeconds": "0"}
    with LocalGateway(FIXTURE_TEMPLATE, clock=clock, key_plans=PLANS.get, parameter_overrides=overrides) as gateway:
        assert [invocation_of(call(gateway, "GET", "/rest/people")) for _ in range(3)] == [1, 2, 3]


def test_authorizer_ttl_override_replaces_reauthorize_every(clock: FakeClock) -> None:
    overrides = {"AuthorizerTtlSeconds": "5"}
    with LocalGateway(FIXTURE_TEMPLATE, clock=clock, key_plans=PLANS.get, parameter_overrides=overrides) as gateway:
        assert invocation_of(call(gateway, "GET", "/rest/people")) == 1
        clock.advance(4.9)
        assert invocation_of(call(gateway, "GET", "/rest/people")) == 1
        clock.advance(0.1)
        assert invocation_of(call(gateway, "GET", "/rest/people")) == 2


def test_the_stage_is_the_templates_stage_name_overrides_included(clock: FakeClock) -> None:
    overrides = {"StageName": "dev"}
    with LocalGateway(FIXTURE_TEMPLATE, clock=clock, key_plans=PLANS.get, parameter_overrides=overrides) as gateway:
        context = event_of(call(gateway, "GET", "/rest/people"))["requestContext"]
    assert (context["stage"], context["path"]) == ("dev", "/dev/rest/people")
    assert "/dev/GET/rest/people" in context["authorizer"]["methodArn"]


# API keys and usage plans


@pytest.mark.parametrize("token", ["nokey", "orphan"])
def test_key_required_without_a_usage_key_in_a_plan_is_invalid_api_key(gateway: LocalGateway, token: str) -> None:
    answer = call(gateway, "GET", "/rest/people", token=token)
    assert (answer.status, answer.json()) == (403, {"message": "Forbidden"})
    assert answer.headers["x-amzn-errortype"] == "ForbiddenException"


def test_default_key_plans_put_every_key_in_default_usage_plan(clock: FakeClock) -> None:
    with LocalGateway(FIXTURE_TEMPLATE, clock=clock) as gateway:
        assert call(gateway, "GET", "/rest/people", token="orphan").status == 200


def test_throttle_is_an_exact_token_bucket_of_burst_refilled_at_rate(gateway: LocalGateway, clock: FakeClock) -> None:
    # TightUsagePlan: BurstLimit 3, RateLimit 2 per second.
    def statuses(count: int) -> list[int]:
        return [call(gateway, "GET", "/rest/people", token="tight").status for _ in range(count)]

    assert statuses(4) == [200, 200, 200, 429]
    clock.advance(0.25)  # half a token
    assert statuses(1) == [429]
    clock.advance(0.25)  # one token
    assert statuses(2) == [200, 429]
    clock.advance(100)  # refilled to the burst, no further
    assert statuses(4) == [200, 200, 200, 429]
    # Another key has a bucket of its own.
    assert call(gateway, "GET", "/rest/people", token="good").status == 200


def test_the_token_bucket_admits_exactly_the_burst_under_concurrent_requests(gateway: LocalGateway) -> None:
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda _: call(gateway, "GET", "/rest/people", token="tight").status, range(12)))
    assert sorted(statuses) == [200] * 3 + [429] * 9


def test_throttled_uses_the_custom_gateway_response_with_the_request_id(gateway: LocalGateway) -> None:
    for _ in range(3):
        call(gateway, "GET", "/rest/people", token="tight")
    answer = call(gateway, "GET", "/rest/people", token="tight")
    assert answer.status == 429  # the type's default status: the custom response sets none
    assert answer.json() == {"statusCode": 429, "error": "TOO_MANY_REQUESTS", "requestId": answer.headers["x-amzn-requestid"]}


def test_quota_refuses_past_the_limit_until_the_next_period(gateway: LocalGateway, clock: FakeClock) -> None:
    # QuotaUsagePlan: 2 per DAY.
    statuses = [call(gateway, "GET", "/rest/people", token="quota") for _ in range(3)]
    assert [a.status for a in statuses] == [200, 200, 429]
    assert statuses[2].json() == {"message": "Limit Exceeded"}
    assert statuses[2].headers["x-amzn-errortype"] == "LimitExceededException"
    clock.advance(86400)
    assert call(gateway, "GET", "/rest/people", token="quota").status == 200


# Proxy event and result


def test_proxy_event_has_the_rest_api_v1_shape(gateway: LocalGateway) -> None:
    answer = call(
        gateway,
        "GET",
        "/rest/people/a%20b",
        query="tag=a&tag=b&q=x%20y&flag",
        headers=[("X-Multi", "1"), ("X-Multi", "2"), ("User-Agent", "tests"), ("Host", "127.0.0.1:3000")],
    )
    body = answer.json()
    event = body["event"]
    assert event["resource"] == "/rest/{proxy+}"
    assert event["path"] == "/rest/people/a%20b"
    assert event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"proxy": "people/a b"}
    assert event["queryStringParameters"] == {"tag": "b", "q": "x y", "flag": ""}
    assert event["multiValueQueryStringParameters"] == {"tag": ["a", "b"], "q": ["x y"], "flag": [""]}
    assert event["headers"]["X-Multi"] == "2"
    assert event["multiValueHeaders"]["X-Multi"] == ["1", "2"]
    assert event["headers"]["X-Forwarded-Proto"] == "http"
    assert event["headers"]["X-Forwarded-Port"] == "3000"
    assert event["stageVariables"] is None
    assert (event["body"], event["isBase64Encoded"]) == (None, False)

    context = event["requestContext"]
    api_id = context["apiId"]
    assert len(api_id) == 10
    assert context["resourcePath"] == "/rest/{proxy+}"
    assert context["httpMethod"] == "GET"
    assert context["path"] == "/prod/rest/people/a%20b"
    assert context["stage"] == "prod"
    assert context["accountId"] == "123456789012"
    assert context["protocol"] == "HTTP/1.1"
    assert context["requestId"] == answer.headers["x-amzn-requestid"]
    assert isinstance(context["requestTimeEpoch"], int)
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["identity"]["userAgent"] == "tests"
    assert context["identity"]["apiKey"] == "key-good"
    assert context["identity"]["apiKeyId"]
    # Context values arrive stringified; principalId and integrationLatency are added.
    authorizer = context["authorizer"]
    assert {k: authorizer[k] for k in ("workspaceId", "invocation", "admin", "ratio", "principalId")} == {
        "workspaceId": "ws-1",
        "invocation": "1",
        "admin": "true",
        "ratio": "0.5",
        "principalId": "principal-good",
    }
    assert isinstance(authorizer["integrationLatency"], int)

    lambda_context = body["context"]
    assert lambda_context["function_name"] == "EchoFunction"
    assert lambda_context["memory_limit_in_mb"] == 256
    assert lambda_context["invoked_function_arn"].endswith(":function:EchoFunction")
    assert 0 < lambda_context["remaining_ms"] <= 29_000


def test_the_authorizer_receives_a_real_token_event(gateway: LocalGateway) -> None:
    authorizer = event_of(call(gateway, "PATCH", "/rest/people/1"))["requestContext"]["authorizer"]
    api_id = event_of(call(gateway, "GET", "/rest/people"))["requestContext"]["apiId"]
    assert authorizer["eventType"] == "TOKEN"
    assert authorizer["methodArn"] == f"arn:aws:execute-api:us-east-1:123456789012:{api_id}/prod/PATCH/rest/people/1"


def test_a_method_without_authorizer_or_key_has_no_authorizer_context(gateway: LocalGateway) -> None:
    event = event_of(call(gateway, "GET", "/rest/open/docs", token=None))
    assert event["resource"] == "/rest/open/{proxy+}"
    assert "authorizer" not in event["requestContext"]
    assert event["requestContext"]["identity"]["apiKey"] is None


def test_result_headers_and_multi_value_headers_are_merged(gateway: LocalGateway) -> None:
    answer = call(gateway, "GET", "/rest/people")
    assert [v for n, v in answer.header_list if n == "Set-Cookie"] == ["a=1", "b=2"]
    assert answer.headers["x-served-by"] == "echo"
    assert answer.headers["x-amz-apigw-id"]


def test_a_binary_media_type_body_arrives_base64_and_a_base64_result_is_decoded(gateway: LocalGateway) -> None:
    payload = bytes(range(256))
    echoed = call(gateway, "POST", "/rest/files/raw", headers=[("Content-Type", "application/octet-stream")], body=payload)
    assert (echoed.status, echoed.body) == (200, payload)
    event = event_of(call(gateway, "POST", "/rest/files", headers=[("Content-Type", "application/octet-stream")], body=b"abc"))
    assert (event["body"], event["isBase64Encoded"]) == (base64.b64encode(b"abc").decode(), True)


def test_text_bodies_arrive_as_text_and_non_utf8_bodies_as_base64(gateway: LocalGateway) -> None:
    text = event_of(call(gateway, "POST", "/rest/people", headers=[("Content-Type", "application/json")], body='{"n":"é"}'.encode()))
    assert (text["body"], text["isBase64Encoded"]) == ('{"n":"é"}', False)
    raw = event_of(call(gateway, "POST", "/rest/people", headers=[("Content-Type", "text/plain")], body=b"\xff\xfe"))
    assert (raw["body"], raw["isBase64Encoded"]) == ("//4=", True)


@pytest.mark.parametrize("what", ["raise", "malformed", "slow"])
def test_a_failing_or_malformed_integration_is_502_internal_server_error(gateway: LocalGateway, what: str) -> None:
    answer = call(gateway, "GET", f"/broken/{what}", token=None)
    assert (answer.status, answer.json()) == (502, {"message": "Internal server error"})
    assert call(gateway, "GET", "/broken/ok", token=None).body == b"fine"


def test_a_mangum_asgi_app_serves_the_proxy_event(gateway: LocalGateway) -> None:
    answer = call(gateway, "POST", "/rest/asgi/a%20b/c", query="x=1&x=2", headers=[("Host", "127.0.0.1:3000")], body=b"hi")
    assert answer.status == 200
    assert answer.json() == {"path": "/rest/asgi/a b/c", "query": {"x": "2"}, "workspaceId": "ws-1", "body": "hi"}
    png = call(gateway, "GET", "/rest/asgi/png")
    assert (png.headers["content-type"], png.body) == ("image/png", b"\x89PNG\r\n\x1a\n\x00\xff")


def test_over_a_socket_with_httpx_and_one_log_line_without_secrets(
    gateway: LocalGateway, capfd: pytest.CaptureFixture[str]
) -> None:
    server = serve(gateway, port=0)
    try:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            ok = client.post("/rest/people", params={"q": "1"}, headers={"Authorization": "Bearer good"}, json={"n": 1})
            missing = client.get("/nope")
            head = client.head("/rest/people", headers={"Authorization": "Bearer good"})
    finally:
        server.shutdown()
    assert ok.status_code == 200
    assert ok.json()["event"]["body"] == '{"n":1}'
    assert ok.json()["event"]["queryStringParameters"] == {"q": "1"}
    assert ok.headers.get_list("set-cookie") == ["a=1", "b=2"]
    assert (missing.status_code, missing.json()) == (403, {"message": "Missing Authentication Token"})
    assert (head.status_code, head.content) == (200, b"")
    logged = capfd.readouterr().err
    assert "POST /rest/people 200 " in logged
    assert "GET /nope 403 " in logged
    assert "Bearer good" not in logged and "key-good" not in logged and "q=1" not in logged


# The project's own template


def test_the_real_template_routes_metadata_before_core_and_keeps_its_auth_settings() -> None:
    model = load_api_model(DEFAULT_TEMPLATE)
    table = RouteTable(model.routes)
    served = {
        path: table.match("GET", path).route.function_id  # type: ignore[union-attr]
        for path in ("/rest/people", "/rest/metadata/objects", "/graphql", "/metadata", "/rest/metadata")
    }
    assert served == {
        "/rest/people": "CoreApiFunction",
        "/rest/metadata/objects": "MetadataApiFunction",
        "/graphql": "MetadataApiFunction",  # GET /graphql: the GraphiQL page
        "/metadata": "MetadataApiFunction",
        "/rest/metadata": "CoreApiFunction",
    }
    assert table.match("POST", "/graphql").route.function_id == "CoreApiFunction"  # type: ignore[union-attr]
    api = model.apis["Api"]
    assert api.api_key_source == "AUTHORIZER"
    assert api.authorizers["KeyAuthorizer"].ttl_seconds == 60
    assert api.authorizers["KeyAuthorizer"].function_id == "AuthorizerFunction"
    assert set(api.usage_plans) == {"DefaultUsagePlan", "ProUsagePlan"}
    # Every route needs a key, but the OpenAPI documents, public by design (they check a key
    # themselves when one is sent), and the playground's pages and assets (no workspace data).
    def is_public(route: RouteSpec) -> bool:
        return "open-api" in route.path or "/playground" in route.path or (route.path, route.method) == ("/graphql", "GET")

    keyed = {(r.authorizer, r.api_key_required) for r in model.routes if not is_public(r)}
    public = {(r.authorizer, r.api_key_required) for r in model.routes if is_public(r)}
    assert keyed == {("KeyAuthorizer", True)}
    assert public == {(None, False)}
    assert api.gateway_responses["ACCESS_DENIED"].status_code == 401

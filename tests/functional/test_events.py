"""Every file of events/ through the function it is for, as `sam local invoke <Function> -e
events/<file>.json` runs it: the file is the event (with the example ids replaced by those of a
real workspace, in memory), the result is what the function answers API Gateway.

The files are checked to be events in API Gateway's own shape (the route is the one template.yaml
sends to that function, the proxy fields agree with each other); the answers against moto's
DynamoDB, and the list and create events against DynamoDB Local too.
"""

from __future__ import annotations

import calendar
import json
import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from tenantapi_tools.local.routes import RouteTable
from tenantapi_tools.local.template import DEFAULT_TEMPLATE, load_template, resources_of_type
from tenantapi_tools.local.token_authorizer import evaluate_policy, parse_authorizer_output

from .events_support import (
    AUTHORIZER_FUNCTION,
    ENV_VARS_FILE,
    EVENTS_DIR,
    EXAMPLE,
    FUNCTION_BY_PREFIX,
    KEY_SYNC_FUNCTION,
    ProxyAnswer,
    Tenant,
    api_model,
    create_companies,
    event_names,
    function_of,
    invoke,
    load_event,
    new_tenant,
    prepare,
    proxy_answer,
    substitute,
)

ALL_EVENTS = event_names()
TOKEN_EVENTS = event_names(AUTHORIZER_FUNCTION)
# The key sync's EventBridge events have their own tests (test_key_sync_events.py).
PROXY_EVENTS = [name for name in event_names(exclude=AUTHORIZER_FUNCTION) if function_of(name) != KEY_SYNC_FUNCTION]
# Token events whose token is the example secret: with a real key's secret they are allowed.
KEYED_TOKEN_EVENTS = [name for name in TOKEN_EVENTS if EXAMPLE.SECRET in load_event(name)["authorizationToken"]]

PROXY_KEYS = {
    "resource", "path", "httpMethod", "headers", "multiValueHeaders", "queryStringParameters",
    "multiValueQueryStringParameters", "pathParameters", "stageVariables", "requestContext", "body",
    "isBase64Encoded",
}
REQUEST_CONTEXT_KEYS = {
    "resourceId", "resourcePath", "httpMethod", "extendedRequestId", "requestTime", "path", "accountId",
    "protocol", "stage", "domainPrefix", "requestTimeEpoch", "requestId", "identity", "domainName", "apiId",
    "authorizer",
}
IDENTITY_KEYS = {
    "cognitoIdentityPoolId", "accountId", "cognitoIdentityId", "caller", "sourceIp", "principalOrgId",
    "accessKey", "cognitoAuthenticationType", "cognitoAuthenticationProvider", "userArn", "userAgent", "user",
    "apiKey", "apiKeyId",
}
METHOD_ARN = re.compile(
    r"arn:aws:execute-api:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):(?P<api>[a-z0-9]+)/(?P<stage>[^/]+)"
    r"/(?P<method>[A-Z]+)(?P<path>/.*)"
)


def _stage() -> str:
    return str(load_template()["Parameters"]["StageName"]["Default"])


def _token_authorizer() -> Any:
    authorizers = [a for api in api_model().apis.values() for a in api.authorizers.values()]
    matching = [a for a in authorizers if a.function_id == AUTHORIZER_FUNCTION]
    assert len(matching) == 1, authorizers
    return matching[0]


def _routes() -> RouteTable:
    return RouteTable(api_model().routes)


# -- the files ---------------------------------------------------------------------------------


def test_every_function_of_the_template_has_an_event_file() -> None:
    functions = set(resources_of_type(load_template(DEFAULT_TEMPLATE), "AWS::Serverless::Function"))
    assert functions == set(FUNCTION_BY_PREFIX.values())
    covered = {function_of(name) for name in ALL_EVENTS}
    assert functions - covered == set()


@pytest.mark.parametrize("name", ALL_EVENTS)
def test_every_event_file_is_named_after_the_function_it_is_for(name: str) -> None:
    assert function_of(name) is not None, f"{name}: the name must start with one of {sorted(FUNCTION_BY_PREFIX)}"


@pytest.mark.parametrize("name", ALL_EVENTS)
def test_every_event_file_is_listed_in_the_readme_with_its_invoke_command(name: str) -> None:
    readme = (EVENTS_DIR / "README.md").read_text(encoding="utf-8")
    command = f"sam local invoke {function_of(name)} -e events/{name} --env-vars events/{ENV_VARS_FILE.name}"
    assert command in readme


def test_the_env_vars_file_sets_only_variables_that_the_template_declares() -> None:
    # sam local invoke ignores --env-vars entries that the function's Environment does not declare.
    env_vars = json.loads(ENV_VARS_FILE.read_text(encoding="utf-8"))
    template = load_template(DEFAULT_TEMPLATE)
    declared = set(template["Globals"]["Function"]["Environment"]["Variables"])
    for scope, variables in env_vars.items():
        assert scope == "Parameters" or scope in FUNCTION_BY_PREFIX.values(), scope
        assert set(variables) <= declared, set(variables) - declared
    assert set(env_vars["Parameters"]) >= {"METADATA_TABLE", "RECORDS_TABLE"}


def test_all_events_come_from_one_api_and_stage() -> None:
    origins = set()
    for name in TOKEN_EVENTS:
        arn = METHOD_ARN.fullmatch(load_event(name)["methodArn"])
        assert arn is not None
        origins.add((arn["account"], arn["api"], arn["stage"]))
    for name in PROXY_EVENTS:
        context = load_event(name)["requestContext"]
        origins.add((context["accountId"], context["apiId"], context["stage"]))
    assert origins == {("123456789012", "abcdef1234", _stage())}


@pytest.mark.parametrize("name", TOKEN_EVENTS)
def test_token_events_have_the_shape_api_gateway_sends(name: str) -> None:
    event = load_event(name)
    assert set(event) == {"type", "authorizationToken", "methodArn"}
    assert event["type"] == "TOKEN"
    # API Gateway calls the authorizer only for a token that passes the ValidationExpression.
    spec = _token_authorizer()
    assert spec.validation_expression is not None
    assert spec.validation_expression.fullmatch(event["authorizationToken"])
    arn = METHOD_ARN.fullmatch(event["methodArn"])
    assert arn is not None, event["methodArn"]
    assert _routes().match(arn["method"], arn["path"]) is not None, "the methodArn names no route of the API"


@pytest.mark.parametrize("name", PROXY_EVENTS)
def test_proxy_events_have_the_shape_api_gateway_sends_for_their_route(name: str) -> None:
    event = load_event(name)
    assert set(event) == PROXY_KEYS
    method, path, resource = event["httpMethod"], event["path"], event["resource"]

    match = _routes().match(method, path)
    assert match is not None, f"no route for {method} {path}"
    assert match.route.path == resource
    assert match.route.function_id == function_of(name), "the template sends this route to another function"
    assert event["pathParameters"] == (match.path_parameters or None)

    context = event["requestContext"]
    assert set(context) == REQUEST_CONTEXT_KEYS
    assert context["resourcePath"] == resource
    assert context["httpMethod"] == method
    assert context["stage"] == _stage()
    assert context["path"] == f"/{context['stage']}{path}"
    assert context["protocol"] == "HTTP/1.1"
    assert re.fullmatch(r"[a-z0-9]{6}", context["resourceId"])
    assert context["domainPrefix"] == context["apiId"]
    assert context["domainName"] == f"{context['apiId']}.execute-api.us-east-1.amazonaws.com"
    requested = calendar.timegm(time.strptime(context["requestTime"], "%d/%b/%Y:%H:%M:%S +0000"))
    assert context["requestTimeEpoch"] // 1000 == requested
    assert set(context["identity"]) == IDENTITY_KEYS
    # ApiKeySourceType AUTHORIZER: the usage key is the one the authorizer returned.
    assert isinstance(context["identity"]["apiKey"], str) and context["identity"]["apiKey"]

    authorizer = context["authorizer"]
    assert authorizer["workspaceId"] == EXAMPLE.WORKSPACE_ID
    assert isinstance(authorizer["integrationLatency"], int)
    # The integration receives the authorizer's context values as strings.
    assert all(isinstance(v, str) for k, v in authorizer.items() if k != "integrationLatency"), authorizer

    headers, multi = event["headers"], event["multiValueHeaders"]
    assert set(headers) == set(multi)
    assert all(multi[name][-1] == value for name, value in headers.items())
    assert headers["Host"] == context["domainName"]
    assert headers["Authorization"] == f"Bearer {EXAMPLE.SECRET}"
    query, multi_query = event["queryStringParameters"], event["multiValueQueryStringParameters"]
    assert (query is None) == (multi_query is None)
    if query is not None:
        assert set(query) == set(multi_query)
        assert all(multi_query[key][-1] == value for key, value in query.items())

    assert event["isBase64Encoded"] is False
    if event["body"] is not None:
        assert headers["Content-Type"] == "application/json"
        json.loads(event["body"])


# -- the authorizer ----------------------------------------------------------------------------


def _policy(result: Any, method_arn: str) -> tuple[str, dict[str, Any]]:
    """The single statement's effect and the whole answer, after checking its shape."""
    assert isinstance(result, dict), result
    assert isinstance(result["principalId"], str) and result["principalId"]
    document = result["policyDocument"]
    assert document["Version"] == "2012-10-17"
    [statement] = document["Statement"]
    assert statement["Action"] == "execute-api:Invoke"
    assert statement["Effect"] in ("Allow", "Deny")
    assert statement["Resource"], statement
    parse_authorizer_output(result)  # what API Gateway accepts from an authorizer
    assert evaluate_policy(tuple(document["Statement"]), method_arn) == statement["Effect"]
    return statement["Effect"], result


@pytest.mark.parametrize("name", TOKEN_EVENTS)
def test_the_token_of_the_file_is_refused_with_a_deny_whose_reason_is_token_invalid(moto_dynamodb: Any, name: str) -> None:
    new_tenant()  # a workspace with a key exists; the file's token is still not one of its keys
    event = load_event(name)
    effect, result = _policy(invoke(AUTHORIZER_FUNCTION, event), event["methodArn"])
    assert effect == "Deny"
    assert result["context"] == {"reason": "Token invalid."}
    assert "usageIdentifierKey" not in result


@pytest.mark.parametrize("name", KEYED_TOKEN_EVENTS)
def test_a_real_key_in_the_token_event_is_allowed_on_every_route_of_its_workspace(moto_dynamodb: Any, name: str) -> None:
    tenant = new_tenant()
    event = substitute(load_event(name), {EXAMPLE.SECRET: tenant.secret})
    effect, result = _policy(invoke(AUTHORIZER_FUNCTION, event), event["methodArn"])
    assert effect == "Allow"
    assert result["principalId"] == tenant.key.id
    assert result["context"] == {
        "workspaceId": tenant.workspace_id, "keyId": tenant.key.id, "keyName": EXAMPLE.KEY_NAME, "role": "Admin",
    }
    assert result["usageIdentifierKey"] == tenant.usage_key
    # API Gateway caches one answer per token for every route: the policy must allow them all.
    arn = METHOD_ARN.fullmatch(event["methodArn"])
    assert arn is not None
    base = f"arn:aws:execute-api:{arn['region']}:{arn['account']}:{arn['api']}/{arn['stage']}"
    statements = tuple(result["policyDocument"]["Statement"])
    for route in api_model().routes:
        path = re.sub(r"\{[^}]+\}", "abc", re.sub(r"\{[^}]+\+\}", "people/abc/notes", route.path))
        methods = ["GET", "POST", "PATCH", "PUT", "DELETE"] if route.method == "ANY" else [route.method]
        for method in methods:
            assert evaluate_policy(statements, f"{base}/{method}{path}") == "Allow", (method, path)


@pytest.mark.parametrize("name", PROXY_EVENTS)
def test_proxy_events_carry_exactly_the_context_that_the_authorizer_returns(moto_dynamodb: Any, name: str) -> None:
    tenant = new_tenant()
    token_event = load_event(KEYED_TOKEN_EVENTS[0])
    allowed = invoke(AUTHORIZER_FUNCTION, substitute(token_event, {EXAMPLE.SECRET: tenant.secret}))
    decision = parse_authorizer_output(allowed)
    authorizer = substitute(load_event(name), tenant.replacements())["requestContext"]["authorizer"]
    assert {k: v for k, v in authorizer.items() if k != "integrationLatency"} == {
        **decision.context, "principalId": decision.principal_id,
    }
    assert load_event(name)["requestContext"]["identity"]["apiKey"] == EXAMPLE.USAGE_KEY


# -- the core and metadata functions ----------------------------------------------------------

Check = Callable[[ProxyAnswer, dict[str, Any], Tenant], None]
COMPANY_NAMES = ("Acme", "Globex", "Initech")


def _page_info(body: dict[str, Any]) -> dict[str, Any]:
    page_info = body["pageInfo"]
    assert set(page_info) == {"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"}
    return page_info  # type: ignore[no-any-return]


def _sent(event: dict[str, Any]) -> dict[str, Any]:
    return json.loads(event["body"])  # type: ignore[no-any-return]


def _companies_listed(answer: ProxyAnswer, event: dict[str, Any], tenant: Tenant) -> None:
    limit = int(event["queryStringParameters"]["limit"])
    companies = answer.body["data"]["companies"]
    assert len(companies) == limit < len(COMPANY_NAMES)
    assert {c["name"] for c in companies} <= set(COMPANY_NAMES)
    assert answer.body["totalCount"] == len(COMPANY_NAMES)
    page_info = _page_info(answer.body)
    assert (page_info["hasNextPage"], page_info["hasPreviousPage"]) == (True, False)
    assert page_info["startCursor"] and page_info["endCursor"]


def _person_created(answer: ProxyAnswer, event: dict[str, Any], tenant: Tenant) -> None:
    person, sent = answer.body["data"]["createPerson"], _sent(event)
    assert person["id"]
    assert person["name"] == sent["name"]
    assert person["emails"]["primaryEmail"] == sent["emails"]["primaryEmail"]
    assert (person["jobTitle"], person["city"]) == (sent["jobTitle"], sent["city"])
    assert person["deletedAt"] is None
    assert person["createdBy"]["source"] == "API"
    assert person["createdBy"]["name"] == EXAMPLE.KEY_NAME


def _person_id(event: dict[str, Any]) -> str:
    return str(event["pathParameters"]["proxy"].split("/")[1])


def _person_read(answer: ProxyAnswer, event: dict[str, Any], tenant: Tenant) -> None:
    person = answer.body["data"]["person"]
    assert person["id"] == _person_id(event)
    assert person["name"] == _sent(load_event("core_create_person.json"))["name"]


def _person_updated(answer: ProxyAnswer, event: dict[str, Any], tenant: Tenant) -> None:
    person = answer.body["data"]["updatePerson"]
    assert person["id"] == _person_id(event)
    assert {key: person[key] for key in _sent(event)} == _sent(event)


def _person_soft_deleted(answer: ProxyAnswer, event: dict[str, Any], tenant: Tenant) -> None:
    person = answer.body["data"]["deletePerson"]
    assert person["id"] == _person_id(event)
    assert person["deletedAt"]


def _objects_listed(answer: ProxyAnswer, event: dict[str, Any], tenant: Tenant) -> None:
    objects = answer.body["data"]["objects"]
    assert {"company", "person", "opportunity", "note", "task"} <= {o["nameSingular"] for o in objects}
    assert answer.body["totalCount"] == len(objects)
    assert _page_info(answer.body)["hasNextPage"] is False


def _object_created(answer: ProxyAnswer, event: dict[str, Any], tenant: Tenant) -> None:
    created, sent = answer.body["data"]["createOneObject"], _sent(event)
    assert {key: created[key] for key in sent} == sent
    assert {"id", "name", "createdAt", "updatedAt", "deletedAt", "position"} <= {f["name"] for f in created["fields"]}


def _field_created(answer: ProxyAnswer, event: dict[str, Any], tenant: Tenant) -> None:
    created, sent = answer.body["data"]["createOneField"], _sent(event)
    assert created["id"]
    assert created["objectMetadataId"] == sent["objectMetadataId"]
    assert (created["name"], created["label"], created["type"]) == (sent["name"], sent["label"], sent["type"])


def _graphql_objects(answer: ProxyAnswer, event: dict[str, Any], tenant: Tenant) -> None:
    assert "errors" not in answer.body, answer.body
    edges = answer.body["data"]["objects"]["edges"]
    assert len(edges) == 5
    assert all(isinstance(edge["node"]["nameSingular"], str) for edge in edges)


# The status and the Twenty envelope each event gets; a file not listed here must answer 200 or
# 201 with a `data` member.
EXPECTED: dict[str, tuple[int, Check]] = {
    "core_list_companies.json": (200, _companies_listed),
    "core_create_person.json": (201, _person_created),
    "core_get_person.json": (200, _person_read),
    "core_update_person.json": (200, _person_updated),
    "core_delete_person.json": (200, _person_soft_deleted),
    "metadata_list_objects.json": (200, _objects_listed),
    "metadata_create_object.json": (201, _object_created),
    "metadata_create_field.json": (201, _field_created),
    "metadata_graphql_objects.json": (200, _graphql_objects),
}
# What must exist in the workspace before an event, beyond what its example ids name.
SETUP: dict[str, Callable[[Tenant], Any]] = {
    "core_list_companies.json": lambda tenant: create_companies(tenant, COMPANY_NAMES),
}


def _answers_as_expected(name: str) -> None:
    tenant = new_tenant()
    SETUP.get(name, lambda _: None)(tenant)
    event = prepare(load_event(name), tenant)
    function = function_of(name)
    assert function is not None
    answer = proxy_answer(invoke(function, event))
    assert answer.headers["content-type"].split(";")[0] == "application/json"
    status, check = EXPECTED.get(name, (None, None))
    if status is None:
        assert answer.status in (200, 201), answer.body
        assert "data" in answer.body, answer.body
        return
    assert answer.status == status, answer.body
    assert check is not None
    check(answer, event, tenant)


@pytest.mark.parametrize("name", PROXY_EVENTS)
def test_each_api_event_gets_its_functions_json_answer_in_twentys_envelope(moto_dynamodb: Any, name: str) -> None:
    _answers_as_expected(name)


@pytest.mark.dynamodb_local
@pytest.mark.parametrize(
    "name",
    ["core_list_companies.json", "core_create_person.json", "metadata_list_objects.json", "metadata_create_object.json"],
)
def test_list_and_create_events_get_the_same_answers_against_dynamodb_local(name: str) -> None:
    _answers_as_expected(name)

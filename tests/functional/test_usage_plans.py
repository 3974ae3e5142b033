"""Usage keys and plans on API Gateway (moto) and, without API Gateway, in the metadata table."""

import uuid

import boto3
import pytest
from tenantapi.errors import BadRequest
from tenantapi.usage_plans import ApiKeys, PlanStore, UsageKeyPlans, resolve_plan, set_plan
from tenantapi.usage_plans.api_keys import WORKSPACE_TAG
from tenantapi.workspaces import create_workspace
from tenantapi_tools.cli import main
from tenantapi_tools.local.template import template_usage_plans


def _name() -> str:
    return f"ws-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def api_gateway(moto_dynamodb, monkeypatch):
    """A REST API with a stage and two usage plans in moto, configured as the stack's."""
    apigateway = boto3.client("apigateway")
    api = apigateway.create_rest_api(name="tenantapi")
    root = apigateway.get_resources(restApiId=api["id"])["items"][0]["id"]
    apigateway.put_method(restApiId=api["id"], resourceId=root, httpMethod="GET", authorizationType="NONE", apiKeyRequired=True)
    apigateway.put_integration(restApiId=api["id"], resourceId=root, httpMethod="GET", type="MOCK")
    apigateway.create_deployment(restApiId=api["id"], stageName="prod")
    stages = [{"apiId": api["id"], "stage": "prod"}]
    default = apigateway.create_usage_plan(name="local-default", apiStages=stages, throttle={"rateLimit": 1.67, "burstLimit": 100})["id"]
    pro = apigateway.create_usage_plan(name="local-pro", apiStages=stages, throttle={"rateLimit": 20, "burstLimit": 200})["id"]
    monkeypatch.setenv("DEFAULT_USAGE_PLAN_ID", default)
    monkeypatch.setenv("PRO_USAGE_PLAN_ID", pro)
    return apigateway, default, pro


def _plans_of(apigateway, key_id: str) -> list[str]:
    return [plan["id"] for plan in apigateway.get_usage_plans(keyId=key_id)["items"]]


def test_a_new_workspace_gets_an_api_key_of_its_usage_key_in_the_default_plan(api_gateway):
    apigateway, default, _ = api_gateway
    head = create_workspace(_name())
    entry = PlanStore().usage_key(head.usage_key)
    assert entry is not None and entry.workspace_id == head.id and entry.api_key_id
    key = apigateway.get_api_key(apiKey=entry.api_key_id, includeValue=True)
    assert (key["value"], key["name"], key["enabled"]) == (head.usage_key, f"tenantapi-{head.name}", True)
    assert key["tags"] == {WORKSPACE_TAG: head.id}
    assert _plans_of(apigateway, entry.api_key_id) == [default]
    assert PlanStore().plan_of(head.id) == default


def test_set_plan_moves_the_key_and_records_the_plan_on_the_head(api_gateway):
    apigateway, default, pro = api_gateway
    head = create_workspace(_name())
    key_id = PlanStore().usage_key(head.usage_key).api_key_id
    assert set_plan(head, "pro") == pro
    assert _plans_of(apigateway, key_id) == [pro]
    assert PlanStore().plan_of(head.id) == pro
    assert set_plan(head, default) == default  # a plan id works as well as a name
    assert _plans_of(apigateway, key_id) == [default]


def test_set_plan_gives_a_key_to_a_workspace_made_before_api_gateway_was_configured(api_gateway, monkeypatch):
    apigateway, default, pro = api_gateway
    monkeypatch.delenv("DEFAULT_USAGE_PLAN_ID")
    head = create_workspace(_name())
    assert PlanStore().usage_key(head.usage_key).api_key_id is None
    monkeypatch.setenv("DEFAULT_USAGE_PLAN_ID", default)
    set_plan(head, "pro")
    key_id = PlanStore().usage_key(head.usage_key).api_key_id
    assert apigateway.get_api_key(apiKey=key_id, includeValue=True)["value"] == head.usage_key
    assert _plans_of(apigateway, key_id) == [pro]


def test_pro_on_aws_needs_its_plan_id(api_gateway, monkeypatch):
    monkeypatch.delenv("PRO_USAGE_PLAN_ID")
    with pytest.raises(BadRequest, match="PRO_USAGE_PLAN_ID"):
        resolve_plan("pro")


class _NoApiGateway(ApiKeys):
    def __getattribute__(self, name):
        if name in ("create", "find", "attach", "detach", "plans_of"):
            raise AssertionError("API Gateway must not be called without DEFAULT_USAGE_PLAN_ID")
        return super().__getattribute__(name)


def test_without_api_gateway_plans_are_template_logical_ids_in_the_metadata_table(dynamodb_backend, monkeypatch):
    monkeypatch.delenv("DEFAULT_USAGE_PLAN_ID", raising=False)
    monkeypatch.delenv("USAGE_PLAN_ID", raising=False)
    head = create_workspace(_name())
    plans = UsageKeyPlans(ttl_seconds=0)
    assert plans(head.usage_key) == "DefaultUsagePlan"
    assert set_plan(head, "pro", api_keys=_NoApiGateway()) == "ProUsagePlan"
    assert plans(head.usage_key) == "ProUsagePlan"
    assert set_plan(head, "DefaultUsagePlan", api_keys=_NoApiGateway()) == "DefaultUsagePlan"
    assert plans(head.usage_key) == "DefaultUsagePlan"
    assert plans("a-key-nobody-indexed") == "DefaultUsagePlan"
    with pytest.raises(BadRequest, match="not a usage plan of template.yaml"):
        set_plan(head, "GoldPlan", local_plans=template_usage_plans())


def test_the_local_plan_of_a_key_is_cached_for_its_ttl(dynamodb_backend, monkeypatch):
    monkeypatch.delenv("DEFAULT_USAGE_PLAN_ID", raising=False)
    head = create_workspace(_name())
    ticks = [0.0]
    plans = UsageKeyPlans(ttl_seconds=1.0, clock=lambda: ticks[0])
    assert plans(head.usage_key) == "DefaultUsagePlan"
    set_plan(head, "pro")
    assert plans(head.usage_key) == "DefaultUsagePlan"
    ticks[0] = 1.0
    assert plans(head.usage_key) == "ProUsagePlan"


def test_the_cli_sets_a_plan_and_the_workspaces_limits(dynamodb_backend, monkeypatch, capsys):
    monkeypatch.delenv("DEFAULT_USAGE_PLAN_ID", raising=False)
    head = create_workspace(_name())
    assert main(["workspace", "set-plan", head.name, "pro"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"Workspace {head.name} is on usage plan ProUsagePlan.",
        "Rate limits: 100 per 60000 ms, 100 per 1000 ms (change with --per-minute / --per-second)",
    ]
    assert main(["workspace", "set-plan", head.id, "pro", "--per-minute", "600", "--per-second", "20"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Rate limits: 600 per 60000 ms, 20 per 1000 ms"
    assert main(["workspace", "set-plan", head.name, "GoldPlan"]) == 1
    assert "not a usage plan of template.yaml" in capsys.readouterr().err

"""Keys managed in the API Gateway console: the key_sync_* events of events/ through
KeySyncFunction, against moto's API Gateway and DynamoDB.

A key created in the console and tagged with a workspace and a role becomes a Bearer key of that
workspace (the authorizer finds it by the hash of its value, and its usage identifier is the value
itself); disabling, untagging or deleting it revokes it; `tenantapi keys sync` does the same for
every key at once.
"""

from __future__ import annotations

import copy
import json
import logging
import uuid
from typing import Any

import boto3
import pytest
from tenantapi.auth.console_keys import ROLE_TAG, WORKSPACE_TAG, console_key_id_of, key_id_for
from tenantapi.auth.keys import KeyStore
from tenantapi.config import settings
from tenantapi_tools.cli import main as cli
from tenantapi_tools.local.template import DEFAULT_TEMPLATE, load_template

from .events_support import (
    AUTHORIZER_FUNCTION,
    EXAMPLE,
    KEY_SYNC_FUNCTION,
    event_names,
    invoke,
    load_event,
    new_tenant,
    substitute,
)

KEY_SYNC_EVENTS = event_names(KEY_SYNC_FUNCTION)
EXAMPLE_CONSOLE_KEY = "a1b2c3d4e5"
METHOD_ARN = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/rest/companies"


def _rule_pattern() -> dict[str, Any]:
    events = load_template(DEFAULT_TEMPLATE)["Resources"][KEY_SYNC_FUNCTION]["Properties"]["Events"]
    [rule] = [e for e in events.values() if e["Type"] == "EventBridgeRule"]
    return rule["Properties"]["Pattern"]  # type: ignore[no-any-return]


def _matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    """EventBridge matching for the pattern's forms used here: lists of exact values, nested objects."""
    for key, expected in pattern.items():
        if key not in event:
            return False
        if isinstance(expected, dict):
            if not isinstance(event[key], dict) or not _matches(expected, event[key]):
                return False
        elif event[key] not in expected:
            return False
    return True


def _event(name: str, console_key_id: str, workspace_id: str) -> dict[str, Any]:
    return substitute(load_event(name), {EXAMPLE_CONSOLE_KEY: console_key_id, EXAMPLE.WORKSPACE_ID: workspace_id})  # type: ignore[no-any-return]


@pytest.fixture
def apigateway(moto_dynamodb: Any) -> Any:
    return boto3.client("apigateway", region_name="us-east-1")


def _console_key(apigateway: Any, workspace_id: str, role: str = "Member", **extra: Any) -> tuple[str, str]:
    tags = {WORKSPACE_TAG: workspace_id, ROLE_TAG: role} if workspace_id else {}
    created = apigateway.create_api_key(name="Partner integration", enabled=True, tags=tags, **extra)
    return created["id"], created["value"]


def _authorize(secret: str) -> dict[str, Any]:
    return invoke(AUTHORIZER_FUNCTION, {"type": "TOKEN", "authorizationToken": f"Bearer {secret}", "methodArn": METHOD_ARN})  # type: ignore[no-any-return]


# -- the files ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", KEY_SYNC_EVENTS)
def test_each_key_sync_event_is_an_eventbridge_cloudtrail_event_that_the_rule_matches(name: str) -> None:
    event = load_event(name)
    assert {"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"} <= set(event)
    assert event["detail-type"] == "AWS API Call via CloudTrail"
    assert event["detail"]["eventType"] == "AwsApiCall"
    assert _matches(_rule_pattern(), event)
    assert console_key_id_of(event) == EXAMPLE_CONSOLE_KEY


def test_the_four_api_key_calls_have_a_sample_event() -> None:
    names = {load_event(name)["detail"]["eventName"] for name in KEY_SYNC_EVENTS}
    assert names >= {"CreateApiKey", "UpdateApiKey", "DeleteApiKey", "TagResource"}


def test_a_failed_call_or_another_resource_is_ignored() -> None:
    failed = copy.deepcopy(load_event("key_sync_create_api_key.json"))
    failed["detail"]["errorCode"] = "BadRequestException"
    assert console_key_id_of(failed) is None
    other = copy.deepcopy(load_event("key_sync_tag_resource.json"))
    other["detail"]["requestParameters"]["resourceArn"] = "arn:aws:apigateway:us-east-1::/restapis/abcdef1234/stages/prod"
    assert console_key_id_of(other) is None


@pytest.mark.parametrize("name", KEY_SYNC_EVENTS)
def test_as_is_the_example_key_does_not_exist_and_nothing_is_written(apigateway: Any, name: str) -> None:
    assert invoke(KEY_SYNC_FUNCTION, load_event(name))["action"] == "ignored"
    assert KeyStore().console_key(EXAMPLE_CONSOLE_KEY) is None


# -- the sync -----------------------------------------------------------------------------------


def test_a_tagged_console_key_becomes_a_bearer_key_whose_usage_identifier_is_its_value(
    apigateway: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="tenantapi")
    tenant = new_tenant()
    console_id, value = _console_key(apigateway, tenant.workspace_id)

    answer = invoke(KEY_SYNC_FUNCTION, _event("key_sync_create_api_key.json", console_id, tenant.workspace_id))

    assert answer == {
        "console_key_id": console_id, "action": "active", "key_id": key_id_for(console_id),
        "workspace_id": tenant.workspace_id, "reason": None,
    }
    check = KeyStore().check(value)
    assert check.key is not None
    assert (check.key.workspace_id, check.key.role, check.key.console_key_id) == (tenant.workspace_id, "Member", console_id)
    allowed = _authorize(value)
    assert allowed["policyDocument"]["Statement"][0]["Effect"] == "Allow"
    assert allowed["usageIdentifierKey"] == value
    assert allowed["context"]["role"] == "Member"
    # Listed with the workspace's keys; the value is stored nowhere, only its hash.
    assert [k.id for k in KeyStore().list(tenant.workspace_id) if k.console_key_id] == [key_id_for(console_id)]
    stored = json.dumps(boto3.client("dynamodb").scan(TableName=settings().metadata_table)["Items"])
    assert value not in stored
    assert f"console key {console_id} active" in caplog.text and value not in caplog.text


def test_disabling_the_key_in_the_console_revokes_it_and_enabling_restores_it(apigateway: Any) -> None:
    tenant = new_tenant()
    console_id, value = _console_key(apigateway, tenant.workspace_id)
    invoke(KEY_SYNC_FUNCTION, _event("key_sync_create_api_key.json", console_id, tenant.workspace_id))

    apigateway.update_api_key(apiKey=console_id, patchOperations=[{"op": "replace", "path": "/enabled", "value": "false"}])
    answer = invoke(KEY_SYNC_FUNCTION, _event("key_sync_update_api_key.json", console_id, tenant.workspace_id))
    assert answer["action"] == "disabled"
    assert KeyStore().check(value).reason == "Token invalid."
    assert _authorize(value)["context"] == {"reason": "Token invalid."}

    apigateway.update_api_key(apiKey=console_id, patchOperations=[{"op": "replace", "path": "/enabled", "value": "true"}])
    invoke(KEY_SYNC_FUNCTION, _event("key_sync_update_api_key.json", console_id, tenant.workspace_id))
    assert KeyStore().check(value).key is not None


def test_deleting_the_key_in_the_console_revokes_it(apigateway: Any) -> None:
    tenant = new_tenant()
    console_id, value = _console_key(apigateway, tenant.workspace_id)
    invoke(KEY_SYNC_FUNCTION, _event("key_sync_create_api_key.json", console_id, tenant.workspace_id))

    apigateway.delete_api_key(apiKey=console_id)
    answer = invoke(KEY_SYNC_FUNCTION, _event("key_sync_delete_api_key.json", console_id, tenant.workspace_id))

    assert answer["action"] == "forgotten"
    assert KeyStore().check(value).reason == "Token invalid."
    [listed] = [k for k in KeyStore().list(tenant.workspace_id) if k.console_key_id == console_id]
    assert listed.revoked_at is not None


def test_a_key_tagged_after_creation_becomes_a_key_when_its_tags_arrive(apigateway: Any) -> None:
    from moto.apigateway.models import apigateway_backends

    tenant = new_tenant()
    console_id, value = _console_key(apigateway, "")
    assert invoke(KEY_SYNC_FUNCTION, _event("key_sync_create_api_key.json", console_id, tenant.workspace_id))["action"] == "ignored"
    assert KeyStore().check(value).key is None

    # moto's TagResource does not take API key ARNs: set the tags the console call would have set.
    apigateway_backends["123456789012"]["us-east-1"].keys[console_id].tags = {WORKSPACE_TAG: tenant.workspace_id, ROLE_TAG: "Admin"}
    answer = invoke(KEY_SYNC_FUNCTION, _event("key_sync_tag_resource.json", console_id, tenant.workspace_id))

    assert answer["action"] == "active"
    check = KeyStore().check(value)
    assert check.key is not None and check.key.role == "Admin"


def test_a_key_without_a_known_workspace_or_role_is_no_key(apigateway: Any) -> None:
    tenant = new_tenant()
    for workspace, role in ((str(uuid.uuid4()), "Member"), (tenant.workspace_id, "Owner"), (tenant.workspace_id, "")):
        console_id, value = _console_key(apigateway, workspace, role)
        answer = invoke(KEY_SYNC_FUNCTION, _event("key_sync_create_api_key.json", console_id, tenant.workspace_id))
        assert answer["action"] == "ignored", answer
        assert KeyStore().check(value).key is None


def test_keys_sync_resynchronises_every_console_key_and_prints_no_value(apigateway: Any, capsys: pytest.CaptureFixture[str]) -> None:
    tenant = new_tenant()
    kept, kept_value = _console_key(apigateway, tenant.workspace_id)
    gone, gone_value = _console_key(apigateway, tenant.workspace_id, "Admin")
    assert cli(["keys", "sync"]) == 0
    assert KeyStore().check(kept_value).key is not None and KeyStore().check(gone_value).key is not None

    apigateway.delete_api_key(apiKey=gone)  # no event reached the sync: the resync notices
    assert cli(["keys", "sync"]) == 0

    assert KeyStore().check(kept_value).key is not None
    assert KeyStore().check(gone_value).reason == "Token invalid."
    printed = capsys.readouterr().out
    assert f"{gone}\tforgotten" in printed and f"{kept}\tactive" in printed
    assert kept_value not in printed and gone_value not in printed


def test_console_keys_cannot_be_changed_through_the_metadata_api(apigateway: Any) -> None:
    from tenantapi.errors import BadRequest

    tenant = new_tenant()
    console_id, _ = _console_key(apigateway, tenant.workspace_id)
    invoke(KEY_SYNC_FUNCTION, _event("key_sync_create_api_key.json", console_id, tenant.workspace_id))
    with pytest.raises(BadRequest, match="managed in the API Gateway console"):
        KeyStore().revoke(key_id_for(console_id), tenant.workspace_id)

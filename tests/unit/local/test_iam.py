"""IAM as the local runtime applies it: the template's policies and what each DynamoDB call needs
(tests/functional/test_iam_enforcement.py: calls refused through a real client)."""

from __future__ import annotations

from typing import Any

import pytest
from tenantapi_tools.local.iam import (
    DynamoRequest,
    FunctionPolicy,
    Statement,
    dynamodb_requests,
    function_policies,
    table_arn,
)
from tenantapi_tools.local.intrinsics import Resolver
from tenantapi_tools.local.template import DEFAULT_TEMPLATE, TemplateError, load_template

TABLES = {"MetadataTable": "meta", "RecordsTable": "records"}
HASH_KEYS = {"meta": "pk", "records": "pk"}


def _resolve(raw: Any, what: str) -> Any:
    return Resolver(load_template(DEFAULT_TEMPLATE), resource_names=TABLES).value(raw, what)


@pytest.fixture(scope="module")
def policies() -> dict[str, FunctionPolicy]:
    return function_policies(load_template(DEFAULT_TEMPLATE), _resolve)


def _get(table: str, pk: str) -> DynamoRequest:
    return dynamodb_requests("GetItem", {"TableName": table, "Key": {"pk": {"S": pk}, "sk": {"S": "x"}}}, HASH_KEYS)[0]


def test_every_function_of_the_template_has_a_policy(policies):
    assert set(policies) == {"AuthorizerFunction", "CoreApiFunction", "MetadataApiFunction", "KeySyncFunction"}


def test_a_sam_policy_template_expands_to_the_actions_sam_deploys():
    template = {"Resources": {
        "MetadataTable": {"Type": "AWS::DynamoDB::Table", "Properties": {"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}},
        "Fn": {"Type": "AWS::Serverless::Function", "Properties": {"Policies": [{"DynamoDBReadPolicy": {"TableName": {"Ref": "MetadataTable"}}}]}},
    }}
    reader = function_policies(template, lambda raw, what: Resolver(template, resource_names=TABLES).value(raw, what))["Fn"]
    assert reader.allows(_get("meta", "H#1"))
    assert reader.allows(dynamodb_requests("Query", {"TableName": "meta", "IndexName": "i"}, HASH_KEYS)[0])
    assert not reader.allows(dynamodb_requests("PutItem", {"TableName": "meta", "Item": {"pk": {"S": "H#1"}}}, HASH_KEYS)[0])
    assert not reader.allows(_get("records", "W#1"))


def test_the_templates_functions_reach_only_their_own_items(policies):
    core, authorizer = policies["CoreApiFunction"], policies["AuthorizerFunction"]
    assert core.allows(_get("records", "W#1#O#2"))
    assert core.allows(_get("meta", "W#1"))
    assert not core.allows(_get("meta", "H#some-key-hash"))
    assert not core.allows(dynamodb_requests("Scan", {"TableName": "records"}, HASH_KEYS)[0])
    assert authorizer.allows(_get("meta", "H#some-key-hash"))
    assert not authorizer.allows(_get("meta", "W#1"))
    assert not authorizer.allows(_get("records", "W#1#O#2"))


def test_a_leading_keys_condition_holds_the_partition_keys_a_write_may_touch(policies):
    core = policies["CoreApiFunction"]
    update = {"TableName": "meta", "Key": {"pk": {"S": "L#ws"}, "sk": {"S": "#BUCKETS"}}}
    assert core.allows(dynamodb_requests("UpdateItem", update, HASH_KEYS)[0])
    update["Key"]["pk"] = {"S": "H#some-key-hash"}
    assert not core.allows(dynamodb_requests("UpdateItem", update, HASH_KEYS)[0])


def test_a_transaction_needs_each_items_own_action_on_its_own_key():
    requests = dynamodb_requests("TransactWriteItems", {"TransactItems": [
        {"Put": {"TableName": "records", "Item": {"pk": {"S": "W#1"}}}},
        {"ConditionCheck": {"TableName": "meta", "Key": {"pk": {"S": "W#1"}}}},
        {"Update": {"TableName": "meta", "Key": {"pk": {"S": "H#1"}}}},
    ]}, HASH_KEYS)
    assert [(r.action, r.resource, r.leading_keys) for r in requests] == [
        ("dynamodb:PutItem", table_arn("records"), ("W#1",)),
        ("dynamodb:ConditionCheckItem", table_arn("meta"), ("W#1",)),
        ("dynamodb:UpdateItem", table_arn("meta"), ("H#1",)),
    ]


def test_a_query_names_its_index_and_the_partition_key_it_reads():
    query = {
        "TableName": "records", "IndexName": "lsi2", "KeyConditionExpression": "#p = :v AND s2 > :low",
        "ExpressionAttributeNames": {"#p": "pk"}, "ExpressionAttributeValues": {":v": {"S": "W#1#O#2"}, ":low": {"S": "a"}},
    }
    (request,) = dynamodb_requests("Query", query, HASH_KEYS)
    assert request == DynamoRequest("dynamodb:Query", table_arn("records") + "/index/lsi2", ("W#1#O#2",))


def test_a_scan_satisfies_any_for_all_values_condition_as_on_aws():
    statement = Statement("Allow", ("dynamodb:Scan",), (table_arn("meta"),), ("L#*",))
    assert statement.matches(dynamodb_requests("Scan", {"TableName": "meta"}, HASH_KEYS)[0])


def test_an_explicit_deny_wins_and_nothing_is_allowed_by_default():
    allow = Statement("Allow", ("dynamodb:*",), ("*",), None)
    deny = Statement("Deny", ("dynamodb:GetItem",), (table_arn("meta"),), ("H#*",))
    policy = FunctionPolicy("Fn", (allow, deny), HASH_KEYS)
    assert policy.allows(_get("meta", "W#1"))
    assert not policy.allows(_get("meta", "H#1"))
    assert not FunctionPolicy("Fn", ()).allows(_get("meta", "W#1"))


def test_a_condition_the_emulation_cannot_evaluate_is_refused_at_start():
    template = {"Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {"Policies": [{"Statement": [
        {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceIp": "10.0.0.1"}}},
    ]}]}}}}
    with pytest.raises(TemplateError, match="aws:SourceIp"):
        function_policies(template, _resolve)

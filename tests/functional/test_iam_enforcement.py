"""IAM enforced on a DynamoDB client while a function runs: a call outside the function's policy
fails as DynamoDB refuses it (AccessDeniedException), and the template's own policies are what
the local runtime holds each function to."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from tenantapi.auth.keys import KeyStore
from tenantapi.storage.dynamo import client
from tenantapi.workspaces import create_workspace
from tenantapi_tools.local.api_model import load_api_model
from tenantapi_tools.local.iam import FunctionPolicy, Statement, acting_as, table_arn
from tenantapi_tools.local.template import DEFAULT_TEMPLATE


def test_a_call_outside_the_acting_functions_policy_fails_as_dynamodb_refuses_it(moto_dynamodb):
    boto3.client("dynamodb").create_table(
        TableName="meta", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
    dynamodb = boto3.client("dynamodb")
    reader = FunctionPolicy("Reader", (Statement("Allow", ("dynamodb:GetItem",), (table_arn("meta"),), ("W#*",)),), {"meta": "pk"})
    dynamodb.get_item(TableName="meta", Key={"pk": {"S": "H#1"}})  # outside any function: not checked
    with acting_as(reader, dynamodb):
        dynamodb.get_item(TableName="meta", Key={"pk": {"S": "W#1"}})
        with pytest.raises(ClientError) as refused:
            dynamodb.get_item(TableName="meta", Key={"pk": {"S": "H#1"}})
        assert refused.value.response["Error"]["Code"] == "AccessDeniedException"
        assert "dynamodb:GetItem" in refused.value.response["Error"]["Message"]
        with pytest.raises(ClientError):
            dynamodb.put_item(TableName="meta", Item={"pk": {"S": "W#1"}})
    dynamodb.get_item(TableName="meta", Key={"pk": {"S": "H#1"}})  # the block's end restores the caller's rights
    with acting_as(FunctionPolicy("Nothing", ()), dynamodb), pytest.raises(ClientError):
        dynamodb.get_item(TableName="meta", Key={"pk": {"S": "W#1"}})  # a function without policies may do nothing


def test_the_core_function_reads_no_key_item_and_the_authorizer_writes_nothing(moto_dynamodb):
    functions = load_api_model(DEFAULT_TEMPLATE).functions
    head = create_workspace("iam-cut")
    _, secret = KeyStore().create(head.id, role="Admin", name="k", usage_key=head.usage_key)
    with acting_as(functions["CoreApiFunction"].policy, client()):
        with pytest.raises(ClientError, match="AccessDeniedException"):
            KeyStore().check(secret)  # the key items are the authorizer's
        with pytest.raises(ClientError, match="AccessDeniedException"):
            KeyStore().list(head.id)  # and the key listings the metadata function's
    with acting_as(functions["AuthorizerFunction"].policy, client()):
        assert KeyStore().check(secret).key is not None
        with pytest.raises(ClientError, match="AccessDeniedException"):
            KeyStore().create(head.id, role="Admin", name="k2", usage_key=head.usage_key)

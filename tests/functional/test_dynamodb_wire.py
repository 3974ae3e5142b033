"""Reads decoded as plain JSON (storage/wire.py) give what botocore's parser gives, on both
backends, and errors still come out as botocore's ClientError."""

from __future__ import annotations

import uuid

import boto3
import pytest
from botocore.exceptions import ClientError

from tenantapi.config import settings
from tenantapi.storage import wire

ITEM = {
    "n": {"N": "12.50"}, "i": {"N": "-7"}, "t": {"BOOL": True}, "z": {"NULL": True}, "s": {"S": "é ✓ \"quoted\""},
    "l": {"L": [{"S": "x"}, {"N": "1"}, {"M": {}}]}, "m": {"M": {"k": {"S": "v"}, "e": {"L": []}}},
    "ss": {"SS": ["p", "q"]},
}  # fmt: skip


def _clients() -> tuple[object, object]:
    plain = boto3.client("dynamodb", region_name=settings().region)
    return plain, wire.attach(boto3.client("dynamodb", region_name=settings().region))


def test_every_read_operation_answers_as_botocore_does(dynamodb_backend):
    plain, fast = _clients()
    table = settings().records_table
    pk = f"W#wire-{uuid.uuid4()}"
    keys = [{"pk": {"S": pk}, "sk": {"S": f"R#{n}"}} for n in range(3)]
    for key in keys:
        plain.put_item(TableName=table, Item={**key, **ITEM})
    calls = [
        ("get_item", {"TableName": table, "Key": keys[0], "ConsistentRead": True}),
        ("get_item", {"TableName": table, "Key": {"pk": {"S": pk}, "sk": {"S": "R#none"}}}),
        ("query", {"TableName": table, "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": pk}},
                   "Limit": 2, "ConsistentRead": True, "ReturnConsumedCapacity": "TOTAL"}),
        ("batch_get_item", {"RequestItems": {table: {"Keys": keys, "ConsistentRead": True}}}),
        ("transact_get_items", {"TransactItems": [{"Get": {"TableName": table, "Key": key}} for key in keys]}),
    ]  # fmt: skip
    for operation, arguments in calls:
        expected, answered = getattr(plain, operation)(**arguments), getattr(fast, operation)(**arguments)
        assert answered.pop("ResponseMetadata")["HTTPStatusCode"] == 200
        expected.pop("ResponseMetadata")
        if operation == "batch_get_item":  # the order of a batch's items is not defined
            for answer in (expected, answered):
                answer["Responses"][table].sort(key=lambda item: item["sk"]["S"])
        assert answered == expected, operation


def test_an_error_answer_is_still_a_client_error(dynamodb_backend):
    _, fast = _clients()
    with pytest.raises(ClientError) as raised:
        fast.get_item(TableName="no-such-table", Key={"pk": {"S": "a"}, "sk": {"S": "b"}})
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400

"""Conversions between Python values and DynamoDB attribute values (storage/dynamo.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from boto3.dynamodb.types import TypeDeserializer

from tenantapi.storage.dynamo import from_attr, from_item, to_attr, to_item

RECORD = {
    "name": {"firstName": "Ada", "lastName": ""},
    "emails": {"primaryEmail": "ada@example.com", "additionalEmails": ["a@b.c", None]},
    "employees": 12,
    "position": 1.5,
    "score": -0.25,
    "idealCustomerProfile": False,
    "deletedAt": None,
    "tags": [],
    "context": {},
    "nested": [{"a": [1, 2.5, "x", True, None, {"b": {}}]}],
}


def test_a_record_comes_back_as_it_was_written():
    assert from_item(to_item(RECORD)) == RECORD


def test_a_number_written_as_an_integer_reads_as_int_any_other_as_float():
    assert [type(from_attr({"N": n})) for n in ("12", "-0", "1.0", "1.5", "1E+2", "12345678901234567890")] == [
        int, int, float, float, float, int,
    ]
    assert from_attr({"N": "1E+2"}) == 100.0


@pytest.mark.parametrize("attr", [
    {"S": ""}, {"S": "x"}, {"N": "3"}, {"BOOL": True}, {"NULL": True}, {"L": []}, {"M": {}},
    {"L": [{"S": "a"}, {"N": "2.5"}, {"NULL": True}, {"M": {"k": {"L": [{"BOOL": False}]}}}]},
    {"M": {"s": {"S": "a"}, "m": {"M": {"n": {"N": "7"}}}, "l": {"L": [{"S": "b"}]}}},
    {"SS": ["a", "b"]}, {"NS": ["1", "2.5"]},
])
def test_each_type_reads_as_the_generic_deserializer_gives_it_without_decimals(attr):
    def plain(value):
        if isinstance(value, Decimal):
            return int(value) if value.as_tuple().exponent >= 0 else float(value)
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, (list, set)):
            return type(value)(plain(v) for v in value)
        return value

    assert from_attr(attr) == plain(TypeDeserializer().deserialize(attr))
    assert from_item({"a": attr}) == {"a": from_attr(attr)}


def test_to_attr_writes_floats_by_their_shortest_repr():
    assert to_attr(0.1) == {"N": "0.1"} and to_attr(3) == {"N": "3"} and to_attr(True) == {"BOOL": True}

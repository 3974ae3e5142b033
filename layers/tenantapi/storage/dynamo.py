"""The DynamoDB client and the conversions between Python values and DynamoDB attribute values."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.config import Config

from ..config import settings
from . import wire
from .capacity import meter

__all__ = ["client", "reset_client", "to_attr", "from_attr", "to_item", "from_item", "TableAdapter"]

# Standard retry mode (README, Runtime dependencies): retries throttling and transient errors.
# No client-side parameter validation: the adapters build every request, and DynamoDB validates
# each one itself (a ValidationException, which the adapters handle); botocore's pass walked every
# attribute of every write again (a transaction of 100 updates: 13 ms of CPU instead of 7).
_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=3, read_timeout=10,
                 parameter_validation=False)


@lru_cache(maxsize=1)
def client() -> Any:
    """One client per process (clients are thread-safe); the endpoint comes from the standard
    AWS_ENDPOINT_URL_DYNAMODB variable when set (DynamoDB Local). Its calls are metered
    (capacity.py) and answers to reads are decoded as plain JSON (wire.py)."""
    return wire.attach(meter.attach(boto3.client("dynamodb", region_name=settings().region, config=_CONFIG)))


def reset_client() -> None:
    """Forget the cached client (tests switch between moto and DynamoDB Local)."""
    client.cache_clear()


_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def _to_dynamo(value: Any) -> Any:
    # DynamoDB numbers must be Decimals; floats go through str() to keep their shortest repr.
    if isinstance(value, bool) or value is None or isinstance(value, (str, Decimal)):
        return value
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        # An exponent >= 0 means the number was written as an integer ("12"), else as a float ("1.0").
        return int(value) if value.as_tuple().exponent >= 0 else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(v) for v in value]
    return value


def to_attr(value: Any) -> dict[str, Any]:
    return _serializer.serialize(_to_dynamo(value))


def from_attr(attr: dict[str, Any]) -> Any:
    """DynamoDB JSON to plain values, without Decimals: a number written as an integer reads as
    int, any other as float. A direct walk: the generic deserializer plus a Decimal pass cost
    four times the JSON rendering of the same page (docs/PERFORMANCE.md)."""
    value = attr.get("M")
    if value is not None:
        return from_item(value)
    if "NULL" in attr:
        return None
    value = attr.get("L")
    if value is not None:
        return [a["S"] if "S" in a else from_attr(a) for a in value]
    value = attr.get("S")
    if value is not None:
        return value
    value = attr.get("N")
    if value is not None:
        try:
            return int(value)
        except ValueError:
            return float(value)
    if "BOOL" in attr:
        return attr["BOOL"]
    return _from_dynamo(_deserializer.deserialize(attr))  # sets and binaries: not in records


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    return {k: to_attr(v) for k, v in values.items()}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    """An item (or a map attribute's value) to plain values. Strings and maps, most of a
    record's attributes, are read here without a call of from_attr: a tenth of the time."""
    values = {}
    for name, attr in item.items():
        value = attr.get("S")
        if value is None:
            value = attr.get("M")
            value = from_attr(attr) if value is None else from_item(value)
        values[name] = value
    return values


class TableAdapter:
    """Base of the table adapters: a table (given, or the setting read at each use: tests and
    the local runner change the environment at run time) and a client (the process's unless
    given). The pynamodb models of the metadata table (storage/items/) always use the setting
    and the process's client: a given table or client applies to the raw calls only."""

    setting = "metadata_table"  # the Settings attribute naming this adapter's default table

    def __init__(self, table: str | None = None, dynamodb: Any = None) -> None:
        self._table = table
        self._client = dynamodb

    @property
    def table(self) -> str:
        return self._table or getattr(settings(), self.setting)

    @property
    def client(self) -> Any:
        return self._client or client()

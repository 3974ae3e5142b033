"""Rate-limit buckets in the metadata table, and the per-workspace limits on the workspace head.

Layout:
    pk = "L#<workspaceId>", sk = "#BUCKETS"   one item per workspace: every bucket's full_at
                                              (tenantapi.limits.buckets), and `ttl`
    pk = "W#<workspaceId>", sk = "#HEAD"      the head's optional `rateLimit` map:
                                              {"long": {"limit": n, "windowMs": n}, "short": {...}}

A take is one UpdateItem covering every bucket of the workspace, conditioned on each bucket being
in the phase the caller computed, so concurrent takes are serialised by DynamoDB (single-item
writes are atomic) and none is lost; it returns the new item (ReturnValues ALL_NEW) or, when the
condition fails, the item as it was (ReturnValuesOnConditionCheckFailure ALL_OLD), so a retry
needs no extra read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from botocore.exceptions import ClientError

from ..limits.buckets import BucketLimit, Phase
from .dynamo import TableAdapter, from_attr, to_attr

__all__ = ["BucketUpdate", "LimitStore", "TakeResult"]

BUCKETS_SK = "#BUCKETS"
HEAD_SK = "#HEAD"
RATE_LIMIT = "rateLimit"
# BucketLimit.attribute: "t<limit>per<window>ms".
_BUCKET_ATTRIBUTE = re.compile(r"^t\d+per\d+ms$")


class BucketUpdate(NamedTuple):
    """One bucket's part of a take, in the bucket's own units."""

    bucket: BucketLimit
    phase: Phase
    now: int  # the instant of the take, scaled

    @classmethod
    def of(cls, bucket: BucketLimit, phase: Phase, now_ms: int) -> BucketUpdate:
        return cls(bucket, phase, bucket.scaled(now_ms))


class TakeResult(NamedTuple):
    applied: bool
    state: dict[str, int]  # attribute -> full_at: after the take if applied, else as found


class LimitStore(TableAdapter):
    def take(self, workspace_id: str, updates: Sequence[BucketUpdate], expires_at: int) -> TakeResult:
        """Apply `updates` at once if every bucket is still in the phase it was computed for."""
        sets = ["#ttl = :ttl"]
        conditions: list[str] = []
        names = {"#ttl": "ttl"}
        values: dict[str, Any] = {":ttl": {"N": str(expires_at)}}
        for i, update in enumerate(updates):
            bucket, attr = update.bucket, f"#b{i}"
            names[attr] = bucket.attribute
            values[f":now{i}"] = {"N": str(update.now)}
            if update.phase is Phase.START:
                sets.append(f"{attr} = :start{i}")
                values[f":start{i}"] = {"N": str(update.now + bucket.window_ms)}
                conditions.append(f"(attribute_not_exists({attr}) OR {attr} <= :now{i})")
            else:
                sets.append(f"{attr} = {attr} + :window{i}")
                values[f":window{i}"] = {"N": str(bucket.window_ms)}
                values[f":ceiling{i}"] = {"N": str(update.now + bucket.tolerance)}
                conditions.append(f"({attr} > :now{i} AND {attr} <= :ceiling{i})")
        try:
            response = self.client.update_item(
                TableName=self.table,
                Key=self._key(workspace_id),
                UpdateExpression="SET " + ", ".join(sets),
                ConditionExpression=" AND ".join(conditions),
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            # No "Item" when the item does not exist yet: every bucket is full.
            return TakeResult(False, _bucket_state(error.response.get("Item") or {}))
        return TakeResult(True, _bucket_state(response["Attributes"]))

    def buckets(self, workspace_id: str) -> dict[str, int]:
        """The stored buckets (for operators and tests; requests never read before taking)."""
        item = self.client.get_item(TableName=self.table, Key=self._key(workspace_id), ConsistentRead=True).get("Item")
        return _bucket_state(item or {})

    def expires_at(self, workspace_id: str) -> int | None:
        item = self.client.get_item(TableName=self.table, Key=self._key(workspace_id), ConsistentRead=True).get("Item")
        return int(item["ttl"]["N"]) if item and "ttl" in item else None

    def rate_limit_settings(self, workspace_id: str) -> dict[str, Any] | None:
        """The head's `rateLimit` map, or None. An eventually consistent read: a limit change may
        take a moment to show, which the limiter's own cache exceeds anyway."""
        item = self.client.get_item(
            TableName=self.table,
            Key={"pk": {"S": f"W#{workspace_id}"}, "sk": {"S": HEAD_SK}},
            ProjectionExpression="#rl",
            ExpressionAttributeNames={"#rl": RATE_LIMIT},
        ).get("Item")
        value = from_attr(item[RATE_LIMIT]) if item and RATE_LIMIT in item else None
        return value if isinstance(value, dict) else None

    def set_rate_limit_settings(self, workspace_id: str, value: dict[str, Any] | None) -> None:
        """Write (or, with None, remove) the head's `rateLimit` map; the head must exist."""
        key = {"pk": {"S": f"W#{workspace_id}"}, "sk": {"S": HEAD_SK}}
        if value is None:
            self.client.update_item(
                TableName=self.table, Key=key, UpdateExpression="REMOVE #rl",
                ConditionExpression="attribute_exists(pk)", ExpressionAttributeNames={"#rl": RATE_LIMIT},
            )
            return
        self.client.update_item(
            TableName=self.table, Key=key, UpdateExpression="SET #rl = :rl",
            ConditionExpression="attribute_exists(pk)", ExpressionAttributeNames={"#rl": RATE_LIMIT},
            ExpressionAttributeValues={":rl": to_attr(value)},
        )

    @staticmethod
    def _key(workspace_id: str) -> dict[str, Any]:
        return {"pk": {"S": f"L#{workspace_id}"}, "sk": {"S": BUCKETS_SK}}


def _bucket_state(item: dict[str, Any]) -> dict[str, int]:
    return {name: int(value["N"]) for name, value in item.items() if _BUCKET_ATTRIBUTE.match(name) and "N" in value}

"""Which usage plan a workspace is on, and which workspace a usage key belongs to.

Metadata table items (docs/api.md §8.3):
    pk = "UK#<usageKey>",   sk = "#USAGEKEY"   workspaceId, and apiKeyId once API Gateway has the key
    pk = "W#<workspaceId>", sk = "#HEAD"       the head's optional `plan`: the usage plan id (on AWS)
                                               or logical id (locally); absent means the default plan
Written through the pynamodb models of storage/items/ (imported on first use); read raw.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..storage.dynamo import TableAdapter

__all__ = ["PlanStore", "UsageKeyEntry"]

USAGE_KEY_SK = "#USAGEKEY"
HEAD_SK = "#HEAD"


class UsageKeyEntry(NamedTuple):
    workspace_id: str
    api_key_id: str | None  # API Gateway's id of the key (not its value)


class PlanStore(TableAdapter):
    def index_usage_key(self, usage_key: str, workspace_id: str) -> None:
        """Idempotent: an existing entry keeps its apiKeyId."""
        from ..storage.items.base import update
        from ..storage.items.usage_key import UsageKeyItem

        update(UsageKeyItem.of(usage_key), [UsageKeyItem.workspace_id.set(workspace_id)])

    def record_api_key(self, usage_key: str, api_key_id: str) -> None:
        from ..storage.items.base import update
        from ..storage.items.usage_key import UsageKeyItem

        update(UsageKeyItem.of(usage_key), [UsageKeyItem.api_key_id.set(api_key_id)])

    def usage_key(self, usage_key: str) -> UsageKeyEntry | None:
        item = self.client.get_item(TableName=self.table, Key=_usage_key_key(usage_key)).get("Item")
        if not item or "workspaceId" not in item:
            return None
        return UsageKeyEntry(item["workspaceId"]["S"], item["apiKeyId"]["S"] if "apiKeyId" in item else None)

    def record_plan(self, workspace_id: str, plan_id: str) -> None:
        """Set the head's `plan`; the head must exist."""
        from ..storage.items.base import update
        from ..storage.items.workspace import HeadItem

        update(HeadItem.of(workspace_id), [HeadItem.plan.set(plan_id)], condition=HeadItem.pk.exists())

    def plan_of(self, workspace_id: str) -> str | None:
        item = self.client.get_item(
            TableName=self.table,
            Key=_head_key(workspace_id),
            ProjectionExpression="#plan",
            ExpressionAttributeNames={"#plan": "plan"},
            ConsistentRead=True,
        ).get("Item")
        return item["plan"]["S"] if item and "plan" in item else None


def _usage_key_key(usage_key: str) -> dict[str, Any]:
    return {"pk": {"S": f"UK#{usage_key}"}, "sk": {"S": USAGE_KEY_SK}}


def _head_key(workspace_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"W#{workspace_id}"}, "sk": {"S": HEAD_SK}}


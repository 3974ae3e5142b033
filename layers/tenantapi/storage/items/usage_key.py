"""A usage key's index entry (usage_plans/plan_store.py):

    pk = "UK#<usageKey>", sk = "#USAGEKEY"   workspaceId, and apiKeyId once API Gateway has the key
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from .base import MetadataItem

__all__ = ["UsageKeyItem"]


class UsageKeyItem(MetadataItem):
    workspace_id = UnicodeAttribute(attr_name="workspaceId", null=True)
    api_key_id = UnicodeAttribute(attr_name="apiKeyId", null=True)  # API Gateway's id of the key, not its value

    @classmethod
    def of(cls, usage_key: str) -> UsageKeyItem:
        return cls(f"UK#{usage_key}", "#USAGEKEY")

"""API Gateway's control plane for workspaces' usage keys: one API key per workspace, in one plan.

With ApiKeySourceType AUTHORIZER, API Gateway meters a request against the usage plan holding
the API key whose *value* the authorizer returned as usageIdentifierKey, so the key is created
with the workspace's usage key as its value (docs/api.md §8.3).
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from ..config import settings
from ..storage.metadata_store import WorkspaceHead

__all__ = ["ApiKeys", "key_name", "WORKSPACE_TAG"]

WORKSPACE_TAG = "tenantapi:workspace"
# CreateApiKey is limited to 5 requests per second per account (API Gateway quota): standard
# retry mode backs off on TooManyRequestsException.
_CONFIG = Config(retries={"mode": "standard", "max_attempts": 6})


def key_name(head: WorkspaceHead) -> str:
    return f"tenantapi-{head.name}"


class ApiKeys:
    def __init__(self, apigateway: Any = None) -> None:
        self._client = apigateway

    @property
    def client(self) -> Any:
        # Made on first use: only an operator's command reaches API Gateway, never a request.
        if self._client is None:
            self._client = boto3.client("apigateway", region_name=settings().region, config=_CONFIG)
        return self._client

    def create(self, head: WorkspaceHead) -> str:
        """Create the workspace's key (enabled, value = its usage key) and return the key's id."""
        response = self.client.create_api_key(
            name=key_name(head),
            description=f"Usage key of tenantapi workspace {head.id}",
            enabled=True,
            value=head.usage_key,
            tags={WORKSPACE_TAG: head.id},
        )
        return str(response["id"])

    def find(self, head: WorkspaceHead) -> str | None:
        """The id of the key holding the workspace's usage key, if API Gateway has one (key
        names are not unique in API Gateway, so the value decides)."""
        for page in self.client.get_paginator("get_api_keys").paginate(nameQuery=key_name(head), includeValues=True):
            for key in page.get("items", []):
                if key.get("value") == head.usage_key:
                    return str(key["id"])
        return None

    def plans_of(self, key_id: str) -> list[str]:
        """The usage plans the key is attached to (GetUsagePlans filtered by keyId)."""
        plans: list[str] = []
        for page in self.client.get_paginator("get_usage_plans").paginate(keyId=key_id):
            plans.extend(str(plan["id"]) for plan in page.get("items", []))
        return plans

    def attach(self, key_id: str, plan_id: str) -> None:
        try:
            self.client.create_usage_plan_key(usagePlanId=plan_id, keyId=key_id, keyType="API_KEY")
        except ClientError as error:
            # ConflictException: the key is in that plan already.
            if error.response["Error"]["Code"] != "ConflictException":
                raise

    def detach(self, key_id: str, plan_id: str) -> None:
        try:
            self.client.delete_usage_plan_key(usagePlanId=plan_id, keyId=key_id)
        except ClientError as error:
            if error.response["Error"]["Code"] != "NotFoundException":
                raise

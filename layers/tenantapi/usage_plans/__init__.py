"""Usage plans: each workspace's API Gateway key (its usage key) and the plan it is in.

At workspace creation the usage key is indexed (usage key -> workspace) and, when API Gateway is
configured (DEFAULT_USAGE_PLAN_ID, or USAGE_PLAN_ID, holds the stack's DefaultUsagePlan id), the
key is created in API Gateway and attached to that plan. Without it (locally, in tests) there is
no API Gateway: the local gateway asks `UsageKeyPlans` which plan a key is in instead.

Plan names: `default` and `pro` are DefaultUsagePlan and ProUsagePlan of template.yaml; on AWS
they are the ids in DEFAULT_USAGE_PLAN_ID and PRO_USAGE_PLAN_ID (stack outputs DefaultUsagePlanId
and ProUsagePlanId). Any other name is taken as a plan id (on AWS) or logical id (locally).
"""

from __future__ import annotations

import os
from collections.abc import Collection
from typing import Any

from botocore.exceptions import ClientError

from ..errors import BadRequest
from ..storage.metadata_store import WorkspaceHead
from .api_keys import ApiKeys
from .key_plans import UsageKeyPlans
from .plan_store import PlanStore

__all__ = [
    "DEFAULT_PLAN",
    "PRO_PLAN",
    "ApiKeys",
    "PlanStore",
    "UsageKeyPlans",
    "configured_default_plan",
    "on_workspace_created",
    "resolve_plan",
    "set_plan",
]

# Logical ids of the template's usage plans.
DEFAULT_PLAN = "DefaultUsagePlan"
PRO_PLAN = "ProUsagePlan"


def configured_default_plan() -> str | None:
    """The default plan's id when API Gateway is to be managed, else None."""
    return os.environ.get("DEFAULT_USAGE_PLAN_ID") or os.environ.get("USAGE_PLAN_ID") or None


def resolve_plan(plan: str, local_plans: Collection[str] | None = None) -> str:
    """The plan id (AWS) or logical id (local) that a plan name or id stands for. Locally, a
    plan outside `local_plans` (the template's usage plans, when the caller knows them) is refused."""
    name = plan.strip()
    on_aws = configured_default_plan()
    if name.lower() == "default":
        return on_aws or DEFAULT_PLAN
    if name.lower() == "pro":
        if not on_aws:
            return PRO_PLAN
        pro = os.environ.get("PRO_USAGE_PLAN_ID")
        if not pro:
            raise BadRequest("Plan 'pro' needs PRO_USAGE_PLAN_ID (the stack's ProUsagePlanId output), or pass the plan id")
        return pro
    if not name:
        raise BadRequest("A plan name or id is required")
    if not on_aws and local_plans is not None and name not in local_plans:
        raise BadRequest(
            f"Plan '{name}' is not a usage plan of template.yaml: use default, pro or one of {', '.join(sorted(local_plans))}"
        )
    return name


def on_workspace_created(
    head: WorkspaceHead, *, table: str | None = None, dynamodb: Any = None, api_keys: ApiKeys | None = None
) -> None:
    """Index the usage key; on AWS also create the API key and put it in the default plan."""
    store = PlanStore(table, dynamodb)
    store.index_usage_key(head.usage_key, head.id)
    plan_id = configured_default_plan()
    if plan_id is None:
        return
    keys = api_keys or ApiKeys()
    key_id = keys.create(head)
    store.record_api_key(head.usage_key, key_id)
    keys.attach(key_id, plan_id)
    store.record_plan(head.id, plan_id)


def set_plan(
    head: WorkspaceHead,
    plan: str,
    *,
    local_plans: Collection[str] | None = None,
    table: str | None = None,
    dynamodb: Any = None,
    api_keys: ApiKeys | None = None,
) -> str:
    """Move the workspace's usage key to `plan` and record it on the head; returns the plan id.

    On AWS the key is detached from its current plans, then attached to the new one: API
    Gateway refuses a key in two plans of the same API stage (ConflictException), so requests
    in that instant get INVALID_API_KEY (403). A workspace made before API Gateway was
    configured gets its key here.
    """
    plan_id = resolve_plan(plan, local_plans)
    store = PlanStore(table, dynamodb)
    store.index_usage_key(head.usage_key, head.id)
    if configured_default_plan() is not None:
        keys = api_keys or ApiKeys()
        entry = store.usage_key(head.usage_key)
        key_id = (entry.api_key_id if entry else None) or keys.find(head) or keys.create(head)
        store.record_api_key(head.usage_key, key_id)
        current = keys.plans_of(key_id)
        for other in current:
            if other != plan_id:
                keys.detach(key_id, other)
        if plan_id not in current:
            try:
                keys.attach(key_id, plan_id)
            except ClientError:
                # Put the key back where it was rather than leave the workspace in no plan.
                for other in current:
                    keys.attach(key_id, other)
                raise
    store.record_plan(head.id, plan_id)
    return plan_id


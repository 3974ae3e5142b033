"""Which usage plan a usage key is in, for the local gateway (`LocalGateway(key_plans=...)`).

On AWS, API Gateway knows each key's plan; locally the metadata table says it: the usage key's
index entry gives the workspace, the workspace head its `plan` (absent: DefaultUsagePlan). A
key's workspace never changes, so that is remembered; plans are re-read after `ttl_seconds`, so
`tenantapi workspace set-plan` shows at the gateway within a second, as a key moved between plans
on AWS does within moments.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from botocore.exceptions import BotoCoreError, ClientError

from .plan_store import PlanStore

__all__ = ["UsageKeyPlans"]

logger = logging.getLogger("tenantapi")

# The template's DefaultUsagePlan, where every usage key starts.
_DEFAULT_PLAN = "DefaultUsagePlan"


class UsageKeyPlans:
    def __init__(
        self,
        store: PlanStore | None = None,
        *,
        ttl_seconds: float = 1.0,
        default_plan: str = _DEFAULT_PLAN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store or PlanStore()
        self._ttl = ttl_seconds
        self._default = default_plan
        self._clock = clock
        self._workspaces: dict[str, str] = {}
        self._plans: dict[str, tuple[float, str]] = {}
        self._unindexed: dict[str, float] = {}  # usage key -> when to look again
        self._lock = threading.Lock()

    def __call__(self, usage_key: str) -> str | None:
        try:
            return self._plan(usage_key)
        except (BotoCoreError, ClientError):
            # The gateway must answer something; a key it cannot look up stays in the default plan.
            logger.warning("usage plan lookup failed; using %s", self._default, exc_info=True)
            return self._default

    def _plan(self, usage_key: str) -> str:
        now = self._clock()
        workspace_id = self._workspaces.get(usage_key)
        if workspace_id is None:
            if self._unindexed.get(usage_key, now) > now:
                return self._default
            entry = self._store.usage_key(usage_key)
            if entry is None:
                # A workspace created before usage keys were indexed: the default plan, where
                # creation put its key on AWS.
                with self._lock:
                    self._unindexed[usage_key] = now + self._ttl
                return self._default
            workspace_id = self._workspaces[usage_key] = entry.workspace_id
        with self._lock:
            cached = self._plans.get(workspace_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        plan = self._store.plan_of(workspace_id) or self._default
        with self._lock:
            self._plans[workspace_id] = (now + self._ttl, plan)
        return plan

"""The per-workspace limiter: Twenty's two buckets, held in DynamoDB and taken atomically.

A check is one conditional UpdateItem in the common case (see storage/limit_store.py). The
update's condition needs each bucket's phase (full, or partly spent), which the limiter predicts
from the state the last response showed in this execution environment; a wrong guess fails the
condition, returns the item as it is, and the retry is computed from that exact state: at most
two calls per request unless other requests change the item in between, and then they made
progress, so a bounded number of attempts suffices. Stored instants only grow, so a remembered
state is a lower bound of the stored one: a refusal it implies is certain and costs no call.

The limits of a workspace are the defaults (RATE_LIMIT_LONG per 60,000 ms and RATE_LIMIT_SHORT
per 1,000 ms, 100 each) unless the workspace head has a `rateLimit` map; they are cached for
LIMITS_TTL_SECONDS (60 s, the authorizer cache's default TTL) per execution environment.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ..storage.limit_store import BucketUpdate, LimitStore
from .buckets import DEFAULT_LIMITS, BucketLimit, Limits, Verdict, decide, settle

__all__ = [
    "RateLimiter",
    "WorkspaceLimits",
    "default_limits",
    "limits_for",
    "limit_settings",
    "set_workspace_limits",
    "workspace_limits",
    "LIMITS_TTL_SECONDS",
]

logger = logging.getLogger("tenantapi")

LIMITS_TTL_SECONDS = 60.0
# Each failed attempt means another request changed the buckets in between; past this many the
# request is refused (never granted unchecked: the limit must hold under any contention).
MAX_ATTEMPTS = 6
_REMEMBERED_WORKSPACES = 1024


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def _positive_int(raw: Any, default: int) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return default
    return value if value >= 1 else default


def default_limits() -> Limits:
    """The deployment's defaults: RATE_LIMIT_LONG and RATE_LIMIT_SHORT (template parameters
    RateLimitPerMinute and RateLimitPerSecond), windows of 60,000 and 1,000 ms as in Twenty."""
    return Limits(
        long=BucketLimit(_positive_int(os.environ.get("RATE_LIMIT_LONG"), DEFAULT_LIMITS.long.limit), DEFAULT_LIMITS.long.window_ms),
        short=BucketLimit(_positive_int(os.environ.get("RATE_LIMIT_SHORT"), DEFAULT_LIMITS.short.limit), DEFAULT_LIMITS.short.window_ms),
    )


def limits_for(head: Mapping[str, Any] | None, defaults: Limits | None = None) -> Limits:
    """A workspace's limits from its head item (plain values): `rateLimit.long` / `rateLimit.short`,
    each `{"limit": n, "windowMs": n}` and each part optional, over `defaults`."""
    base = defaults or default_limits()
    settings = (head or {}).get("rateLimit")
    if not isinstance(settings, Mapping):
        return base

    def bucket(name: str, fallback: BucketLimit) -> BucketLimit:
        spec = settings.get(name)
        if not isinstance(spec, Mapping):
            return fallback
        return BucketLimit(
            _positive_int(spec.get("limit"), fallback.limit), _positive_int(spec.get("windowMs"), fallback.window_ms)
        )

    return Limits(long=bucket("long", base.long), short=bucket("short", base.short))


def limit_settings(long: BucketLimit | None = None, short: BucketLimit | None = None) -> dict[str, Any]:
    """The head's `rateLimit` map for the given buckets (the others keep the defaults)."""
    out: dict[str, Any] = {}
    for name, bucket in (("long", long), ("short", short)):
        if bucket is not None:
            if bucket.limit < 1 or bucket.window_ms < 1:
                raise ValueError(f"a {name} limit needs at least 1 token per at least 1 ms, not {bucket}")
            out[name] = {"limit": bucket.limit, "windowMs": bucket.window_ms}
    return out


def workspace_limits(workspace_id: str, store: LimitStore | None = None) -> Limits:
    """A workspace's limits as stored now (uncached)."""
    return limits_for({"rateLimit": (store or LimitStore()).rate_limit_settings(workspace_id)})


def set_workspace_limits(
    workspace_id: str,
    *,
    long: BucketLimit | None = None,
    short: BucketLimit | None = None,
    store: LimitStore | None = None,
) -> Limits:
    """Give a workspace its own long and/or short bucket (the other keeps its setting) and
    return its limits; functions apply them within LIMITS_TTL_SECONDS."""
    store = store or LimitStore()
    merged = {**(store.rate_limit_settings(workspace_id) or {}), **limit_settings(long, short)}
    store.set_rate_limit_settings(workspace_id, merged or None)
    return limits_for({"rateLimit": merged})


class WorkspaceLimits:
    """Limits per workspace read from the head's `rateLimit`, cached for `ttl_seconds`."""

    def __init__(
        self,
        store: LimitStore | None = None,
        *,
        ttl_seconds: float = LIMITS_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store or LimitStore()
        self._ttl = ttl_seconds
        self._clock = clock
        self._cache: dict[str, tuple[float, Limits]] = {}

    def __call__(self, workspace_id: str) -> Limits:
        now = self._clock()
        cached = self._cache.get(workspace_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        limits = limits_for({"rateLimit": self._store.rate_limit_settings(workspace_id)})
        if len(self._cache) >= _REMEMBERED_WORKSPACES:
            self._cache.clear()  # rare, and cheaper than tracking recency on every hit
        self._cache[workspace_id] = (now + self._ttl, limits)
        return limits


class _RecentStates:
    """The bucket state each workspace's last take returned, bounded, thread-safe (the local
    gateway runs one app on several threads)."""

    def __init__(self, max_entries: int = _REMEMBERED_WORKSPACES) -> None:
        self._entries: OrderedDict[str, dict[str, int]] = OrderedDict()
        self._max = max_entries
        self._lock = threading.Lock()

    def get(self, workspace_id: str) -> dict[str, int]:
        with self._lock:
            return dict(self._entries.get(workspace_id) or {})

    def put(self, workspace_id: str, state: dict[str, int]) -> None:
        with self._lock:
            self._entries[workspace_id] = state
            self._entries.move_to_end(workspace_id)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)


class RateLimiter:
    def __init__(
        self,
        store: LimitStore | None = None,
        *,
        limits_of: Callable[[str], Limits] | None = None,
        clock: Callable[[], int] | None = None,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.store = store or LimitStore()
        self._limits_of = limits_of or WorkspaceLimits(self.store)
        # `now_ms` is looked up at each call rather than bound here, so that a test can pause
        # the clock of limiters it cannot reach (those of the apps behind the local gateway).
        self.clock: Callable[[], int] = clock or (lambda: now_ms())
        self._max_attempts = max_attempts
        self._recent = _RecentStates()

    def check(self, workspace_id: str) -> Verdict | None:
        """Take one token from each of the workspace's buckets, or refuse.

        None means the limiter could not decide (DynamoDB failed): the request goes on
        unlimited, since a request that cannot reach DynamoDB fails on its own anyway and the
        gateway's usage plan still throttles.
        """
        try:
            return self._check(workspace_id)
        except (BotoCoreError, ClientError):
            logger.warning("rate limit not checked for workspace %s", workspace_id, exc_info=True)
            return None

    def _check(self, workspace_id: str) -> Verdict:
        buckets = self._limits_of(workspace_id).buckets()
        now = self.clock()
        state = self._recent.get(workspace_id)
        # Past the longest window every bucket is full again: the item may then expire (TTL).
        expires_at = (now + 2 * max(b.window_ms for b in buckets)) // 1000 + 1
        for _ in range(self._max_attempts):
            verdict, takes = decide(buckets, state, now)
            if not verdict.granted:
                return verdict
            updates = [BucketUpdate.of(bucket, t.phase, now) for bucket, t in takes if t.phase is not None]
            result = self.store.take(workspace_id, updates, expires_at)
            state = result.state
            self._recent.put(workspace_id, state)
            if result.applied:
                return settle(buckets, state, now)
        logger.warning("rate limit contention on workspace %s: refused after %d attempts", workspace_id, self._max_attempts)
        verdict, _ = decide(buckets, state, now)
        return verdict._replace(granted=False, remaining=0, retry_after_ms=max(verdict.retry_after_ms, 1))

"""Usage plan enforcement per API key: the throttle token bucket and the quota.

API Gateway throttles a key with a token bucket: `BurstLimit` requests of capacity, refilled at
`RateLimit` requests per second, full at the start; a request that finds less than one token is
THROTTLED. The quota counts requests per calendar period (UTC) and refuses the one past `Limit`
with QUOTA_EXCEEDED. A throttled request does not count against the quota.

Arithmetic is exact (fractions of the decimal values written in the template and read from the
clock), so tests can step a fake clock to the instant a token comes back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import Enum
from fractions import Fraction

from tenantapi_tools.local.api_model import QuotaSpec, TemplateError, ThrottleSpec, UsagePlanSpec

__all__ = ["Admission", "TokenBucket", "UsagePlanMeter", "quota_period_start"]


class Admission(Enum):
    ADMITTED = "ADMITTED"
    THROTTLED = "THROTTLED"
    QUOTA_EXCEEDED = "QUOTA_EXCEEDED"


def _exact(value: float) -> Fraction:
    # The decimal the float prints as (1.67 -> 167/100), not its binary approximation.
    return Fraction(repr(float(value)))


class TokenBucket:
    """Not thread-safe by itself: `UsagePlanMeter` serialises access."""

    def __init__(self, throttle: ThrottleSpec, now: float) -> None:
        self._rate = _exact(throttle.rate_limit)
        self._capacity = Fraction(throttle.burst_limit)
        self._tokens = self._capacity
        self._updated = _exact(now)

    def take(self, now: float) -> bool:
        instant = _exact(now)
        if instant > self._updated:
            self._tokens = min(self._capacity, self._tokens + (instant - self._updated) * self._rate)
            self._updated = instant
        if self._tokens >= 1:
            self._tokens -= 1
            return True
        return False


def quota_period_start(moment: datetime, period: str) -> date:
    """First day of the quota period holding `moment` (UTC): the day, the week from Sunday, the month."""
    day = moment.astimezone(timezone.utc).date()
    if period == "DAY":
        return day
    if period == "WEEK":
        # CloudFormation: with Period WEEK and Offset 0 the period starts on Sunday.
        return day - timedelta(days=(day.weekday() + 1) % 7)
    if period == "MONTH":
        return day.replace(day=1)
    raise TemplateError(f"quota period {period!r} is not DAY, WEEK or MONTH")


@dataclass
class _KeyState:
    bucket: TokenBucket | None
    period: date | None = None
    used: int = 0


class UsagePlanMeter:
    def __init__(
        self,
        plans: Mapping[str, UsagePlanSpec],
        clock: Callable[[], float],
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        for plan in plans.values():
            if plan.quota is not None:
                quota_period_start(datetime.now(timezone.utc), plan.quota.period)
                if plan.quota.offset:
                    raise TemplateError(f"{plan.logical_id}: a quota Offset other than 0 is not emulated")
        self._plans = dict(plans)
        self._clock = clock
        # Quota periods are calendar periods, so the monotonic clock is anchored to wall time once;
        # a fake clock then moves the calendar too.
        self._wall_origin = wall_clock() - clock()
        self._keys: dict[tuple[str, str], _KeyState] = {}
        self._lock = threading.Lock()

    def admit(self, plan_id: str, api_key: str) -> Admission:
        plan = self._plans[plan_id]
        with self._lock:
            now = self._clock()
            state = self._keys.get((plan_id, api_key))
            if state is None:
                bucket = TokenBucket(plan.throttle, now) if plan.throttle else None
                state = self._keys[(plan_id, api_key)] = _KeyState(bucket)
            if state.bucket is not None and not state.bucket.take(now):
                return Admission.THROTTLED
            if plan.quota is not None and not self._count(state, plan.quota, now):
                return Admission.QUOTA_EXCEEDED
            return Admission.ADMITTED

    def _count(self, state: _KeyState, quota: QuotaSpec, now: float) -> bool:
        period = quota_period_start(datetime.fromtimestamp(self._wall_origin + now, timezone.utc), quota.period)
        if period != state.period:
            state.period, state.used = period, 0
        if state.used >= quota.limit:
            return False
        state.used += 1
        return True

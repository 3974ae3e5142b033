"""Twenty's per-workspace token buckets as pure arithmetic (docs/api.md §8.2).

Twenty keeps, per workspace, two buckets that each give one token per request: 100 tokens per
60,000 ms and 100 per 1,000 ms. At time t a bucket holds

    available = min(max, stored + floor(elapsed × max / window))

and a request is refused when available < 1; a refused request takes nothing.

A bucket is stored here as one number, the instant it will be full again (`full_at`): with
T = window / max, available(t) = max - ceil((full_at - t) / T) while full_at > t, else max; a
granted request moves full_at to max(full_at, t) + T. This is the formula above with the
fraction of a token that has accrued since the last refill carried over (Twenty stores the refill
time as "now" and drops it, so a client polling faster than one token per T after a burst would
never see a token come back). Storing an instant instead of (tokens, time) lets a store apply a
take without reading first: "add T if full_at is in (t, t + (max - 1)·T]" or "set t + T if
full_at <= t" are single conditional updates.

Instants are integers in units of 1/max ms (milliseconds × max), so T is exactly `window_ms`
whatever the limit: no rounding, ever.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import NamedTuple

__all__ = [
    "BucketLimit",
    "Limits",
    "DEFAULT_LIMITS",
    "Phase",
    "Take",
    "Verdict",
    "available",
    "take",
    "decide",
    "settle",
]


class BucketLimit(NamedTuple):
    """`limit` tokens per `window_ms` milliseconds."""

    limit: int
    window_ms: int

    @property
    def message(self) -> str:
        # Twenty's ThrottlerException message, word for word.
        return f"Limit reached ({self.limit} tokens per {self.window_ms} ms)"

    @property
    def attribute(self) -> str:
        """The stored attribute of this bucket. It names the limit, so a workspace whose limits
        change starts a fresh bucket instead of reading instants scaled for another limit."""
        return f"t{self.limit}per{self.window_ms}ms"

    def scaled(self, now_ms: int) -> int:
        """An instant in this bucket's units (milliseconds × limit)."""
        return now_ms * self.limit

    @property
    def tolerance(self) -> int:
        """How far past now full_at may lie for a request to be granted: (max - 1) tokens' worth."""
        return (self.limit - 1) * self.window_ms


class Limits(NamedTuple):
    """A workspace's two buckets; Twenty's API_RATE_LIMITING_{LONG,SHORT}_{LIMIT,TTL_IN_MS} defaults."""

    long: BucketLimit = BucketLimit(100, 60_000)
    short: BucketLimit = BucketLimit(100, 1_000)

    def buckets(self) -> tuple[BucketLimit, ...]:
        """The distinct buckets, the long one first (it is the one reported when both refuse)."""
        return (self.long,) if self.short == self.long else (self.long, self.short)


DEFAULT_LIMITS = Limits()


class Phase(Enum):
    """How a granted take changes a bucket, which is what a store's conditional update needs."""

    START = "start"  # the bucket was full (or never used): full_at := now + T, if full_at <= now
    QUEUE = "queue"  # the bucket was partly spent: full_at += T, if now < full_at <= now + tolerance


class Take(NamedTuple):
    granted: bool
    phase: Phase | None  # None when refused
    full_at: int | None  # the bucket after the take (unchanged when refused)
    remaining: int  # tokens left after the take
    retry_after_ms: int  # until a token is back; 0 when granted


def available(bucket: BucketLimit, full_at: int | None, now_ms: int) -> int:
    """Tokens in the bucket at `now_ms`: Twenty's min(max, stored + floor(elapsed × max / window))."""
    now = bucket.scaled(now_ms)
    if full_at is None or full_at <= now:
        return bucket.limit
    # max - ceil(deficit / T), written with floor division.
    return max(0, bucket.limit + (now - full_at) // bucket.window_ms)


def take(bucket: BucketLimit, full_at: int | None, now_ms: int) -> Take:
    """One token out of `bucket` at `now_ms`, or the wait until there is one."""
    now = bucket.scaled(now_ms)
    if full_at is None or full_at <= now:
        after = now + bucket.window_ms
        return Take(True, Phase.START, after, available(bucket, after, now_ms), 0)
    if full_at - now <= bucket.tolerance:
        after = full_at + bucket.window_ms
        return Take(True, Phase.QUEUE, after, available(bucket, after, now_ms), 0)
    # The first instant at which full_at - now <= tolerance again, back in milliseconds.
    wait_ms = -(-(full_at - now - bucket.tolerance) // bucket.limit)
    return Take(False, None, full_at, 0, wait_ms)


class Verdict(NamedTuple):
    """The decision on one request over all of a workspace's buckets.

    `bucket` is the bucket the response describes: when refused, the one that refused (the
    longest wait; on a tie the long one); when granted, the one with the fewest tokens left.
    """

    granted: bool
    bucket: BucketLimit
    remaining: int
    retry_after_ms: int  # until a request would be granted again (0 when granted)
    reset_after_ms: int  # until `bucket` is full again

    @property
    def retry_after_seconds(self) -> int:
        """Whole seconds, at least 1: "Retry-After: 0" would invite an immediate retry storm."""
        return max(1, math.ceil(self.retry_after_ms / 1000))


def _until_full_ms(bucket: BucketLimit, full_at: int | None, now_ms: int) -> int:
    now = bucket.scaled(now_ms)
    return 0 if full_at is None or full_at <= now else -(-(full_at - now) // bucket.limit)


def decide(
    buckets: Sequence[BucketLimit], state: Mapping[str, int], now_ms: int
) -> tuple[Verdict, list[tuple[BucketLimit, Take]]]:
    """Take one token from every bucket, or from none: a request refused by one bucket takes
    nothing from the others. `state` maps a bucket's attribute to its full_at (absent: full)."""
    takes = [(bucket, take(bucket, state.get(bucket.attribute), now_ms)) for bucket in buckets]
    refused = [(bucket, t) for bucket, t in takes if not t.granted]
    if refused:
        # max() keeps the first of equals, and buckets come long first.
        bucket, worst = max(refused, key=lambda pair: pair[1].retry_after_ms)
        until_full = _until_full_ms(bucket, state.get(bucket.attribute), now_ms)
        return Verdict(False, bucket, 0, worst.retry_after_ms, until_full), takes
    bucket, fewest = min(takes, key=lambda pair: pair[1].remaining)
    return Verdict(True, bucket, fewest.remaining, 0, _until_full_ms(bucket, fewest.full_at, now_ms)), takes


def settle(buckets: Sequence[BucketLimit], state: Mapping[str, int], now_ms: int) -> Verdict:
    """The granted verdict once a store has applied the take and returned the buckets' new state
    (which includes what concurrent requests took meanwhile)."""
    bucket = min(buckets, key=lambda b: available(b, state.get(b.attribute), now_ms))
    full_at = state.get(bucket.attribute)
    return Verdict(True, bucket, available(bucket, full_at, now_ms), 0, _until_full_ms(bucket, full_at, now_ms))

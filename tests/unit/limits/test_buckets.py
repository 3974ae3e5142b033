import random
from fractions import Fraction

import pytest

from tenantapi.limits.buckets import DEFAULT_LIMITS, BucketLimit, Limits, Phase, Verdict, available, decide, settle, take

LONG = BucketLimit(100, 60_000)
SHORT = BucketLimit(100, 1_000)
T0 = 1_750_000_000_000  # a fake clock, in ms


class TwentyBucket:
    """The reference: Twenty's bucket with stored tokens and a refill time, literally
    available = min(max, stored + floor(elapsed × max / window)), keeping the fraction of a token
    that has accrued since the refill."""

    def __init__(self, bucket: BucketLimit) -> None:
        self.max, self.window = bucket.limit, bucket.window_ms
        self.tokens: int | None = None
        self.refilled_at = 0

    def available(self, now: int) -> int:
        if self.tokens is None:
            return self.max
        return min(self.max, self.tokens + (now - self.refilled_at) * self.max // self.window)

    def take(self, now: int) -> bool:
        tokens = self.available(now)
        if tokens < 1:
            return False
        if self.tokens is None or tokens == self.max:
            self.refilled_at = now
        else:
            # Move the refill time by the whole tokens added only: the fraction stays accrued.
            added = tokens - self.tokens
            self.refilled_at += Fraction(added * self.window, self.max)
        self.tokens = tokens - 1
        return True


def _takes(bucket: BucketLimit, instants: list[int]) -> list[bool]:
    full_at: int | None = None
    out = []
    for now in instants:
        result = take(bucket, full_at, now)
        full_at = result.full_at
        out.append(result.granted)
    return out


def test_defaults_are_twentys_100_per_minute_and_100_per_second():
    assert DEFAULT_LIMITS == Limits(LONG, SHORT)
    assert LONG.message == "Limit reached (100 tokens per 60000 ms)"


def test_a_fresh_bucket_is_full_and_a_take_leaves_max_minus_one():
    first = take(LONG, None, T0)
    assert (first.granted, first.phase, first.remaining) == (True, Phase.START, 99)
    assert available(LONG, None, T0) == 100


def test_100_takes_at_one_instant_are_granted_and_the_101st_waits_one_refill_period():
    full_at = None
    for i in range(100):
        result = take(LONG, full_at, T0)
        assert result.granted and result.remaining == 99 - i
        full_at = result.full_at
    refused = take(LONG, full_at, T0)
    assert (refused.granted, refused.phase, refused.remaining) == (False, None, 0)
    assert refused.retry_after_ms == 600  # 60,000 ms / 100 tokens
    assert refused.full_at == full_at  # a refusal takes nothing


def test_a_token_comes_back_after_window_over_max_and_not_a_millisecond_before():
    full_at = None
    for _ in range(100):
        full_at = take(LONG, full_at, T0).full_at
    assert not take(LONG, full_at, T0 + 599).granted
    assert take(LONG, full_at, T0 + 599).retry_after_ms == 1
    assert take(LONG, full_at, T0 + 600).granted
    assert available(LONG, full_at, T0 + 6_000) == 10


def test_an_idle_bucket_refills_to_max_and_no_further():
    full_at = take(LONG, None, T0).full_at
    assert available(LONG, full_at, T0 + 10 * 60_000) == 100
    again = take(LONG, full_at, T0 + 10 * 60_000)
    assert (again.phase, again.remaining) == (Phase.START, 99)


def test_the_fraction_of_a_token_carries_over_between_takes():
    # Spend the bucket, then poll every 500 ms for a minute: a token accrues every 600 ms, so
    # 100 of the 120 polls get through (dropping the fraction at each poll would grant none).
    instants = [T0] * 100 + [T0 + 500 * i for i in range(1, 121)]
    granted = _takes(LONG, instants)
    assert granted[:100] == [True] * 100
    assert sum(granted[100:]) == 100


def test_the_short_bucket_gives_a_token_back_every_10_ms():
    granted = _takes(SHORT, [T0] * 101 + [T0 + 9, T0 + 10, T0 + 10])
    assert granted == [True] * 100 + [False, False, True, False]


@pytest.mark.parametrize("bucket", [LONG, SHORT, BucketLimit(7, 1_000), BucketLimit(3, 60_000), BucketLimit(1, 250)])
def test_takes_match_twentys_formula_on_random_traffic(bucket):
    rng = random.Random(bucket.limit * bucket.window_ms)
    reference = TwentyBucket(bucket)
    full_at: int | None = None
    now = T0
    for _ in range(3_000):
        now += rng.choice([0, 0, 1, 3, bucket.window_ms // bucket.limit, bucket.window_ms // 3, rng.randrange(bucket.window_ms)])
        assert available(bucket, full_at, now) == reference.available(now)
        result = take(bucket, full_at, now)
        assert result.granted == reference.take(now)
        full_at = result.full_at


def test_a_request_refused_by_one_bucket_takes_nothing_from_the_other():
    state = {LONG.attribute: LONG.scaled(T0) + LONG.window_ms, SHORT.attribute: SHORT.scaled(T0) + 100 * SHORT.window_ms}
    verdict, takes = decide(Limits(LONG, SHORT).buckets(), state, T0)
    assert not verdict.granted and verdict.bucket == SHORT
    assert dict((b.attribute, t.granted) for b, t in takes) == {LONG.attribute: True, SHORT.attribute: False}


def test_when_both_buckets_refuse_the_longer_wait_is_reported():
    state = {LONG.attribute: LONG.scaled(T0) + 100 * LONG.window_ms, SHORT.attribute: SHORT.scaled(T0) + 100 * SHORT.window_ms}
    verdict, _ = decide(Limits(LONG, SHORT).buckets(), state, T0)
    assert (verdict.granted, verdict.bucket, verdict.retry_after_ms) == (False, LONG, 600)
    assert verdict.reset_after_ms == 60_000


def test_a_grant_reports_the_bucket_with_the_fewest_tokens_left():
    state = {LONG.attribute: LONG.scaled(T0) + 40 * LONG.window_ms}  # long: 60 left; short: full
    verdict, takes = decide(Limits(LONG, SHORT).buckets(), state, T0)
    assert (verdict.granted, verdict.bucket, verdict.remaining) == (True, LONG, 59)
    after = {b.attribute: t.full_at for b, t in takes}
    assert settle(Limits(LONG, SHORT).buckets(), after, T0) == verdict


def test_equal_limits_are_one_bucket_stored_under_a_name_that_says_the_limit():
    assert Limits(LONG, LONG).buckets() == (LONG,)
    assert (LONG.attribute, SHORT.attribute) == ("t100per60000ms", "t100per1000ms")


@pytest.mark.parametrize(("wait_ms", "seconds"), [(1, 1), (600, 1), (1_000, 1), (1_001, 2), (59_400, 60)])
def test_retry_after_is_whole_seconds_rounded_up_and_at_least_one(wait_ms, seconds):
    assert Verdict(False, LONG, 0, wait_ms, wait_ms).retry_after_seconds == seconds

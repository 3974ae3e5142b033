from collections.abc import Sequence

import pytest
from botocore.exceptions import ClientError

from tenantapi.limits.buckets import BucketLimit, Limits, Phase
from tenantapi.limits.limiter import RateLimiter, WorkspaceLimits, default_limits, limit_settings, limits_for
from tenantapi.storage.limit_store import BucketUpdate, TakeResult

LONG = BucketLimit(100, 60_000)
SHORT = BucketLimit(100, 1_000)
T0 = 1_750_000_000_000


class FakeStore:
    """LimitStore's conditional update in memory: applied only if every bucket is in its phase."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, int]] = {}
        self.calls = 0
        self.expires: dict[str, int] = {}
        self.settings: dict[str, dict] = {}
        self.fail_with: Exception | None = None

    def take(self, workspace_id: str, updates: Sequence[BucketUpdate], expires_at: int) -> TakeResult:
        self.calls += 1
        if self.fail_with is not None:
            raise self.fail_with
        item = self.items.setdefault(workspace_id, {})
        for u in updates:
            value = item.get(u.bucket.attribute)
            ok = (value is None or value <= u.now) if u.phase is Phase.START else (value is not None and u.now < value <= u.now + u.bucket.tolerance)
            if not ok:
                return TakeResult(False, dict(item))
        for u in updates:
            item[u.bucket.attribute] = u.now + u.bucket.window_ms if u.phase is Phase.START else item[u.bucket.attribute] + u.bucket.window_ms
        self.expires[workspace_id] = expires_at
        return TakeResult(True, dict(item))

    def rate_limit_settings(self, workspace_id: str) -> dict | None:
        return self.settings.get(workspace_id)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> int:
        return self.now


def _limiter(store: FakeStore, clock: Clock, limits: Limits = Limits(LONG, SHORT)) -> RateLimiter:
    return RateLimiter(store, limits_of=lambda _: limits, clock=clock)  # type: ignore[arg-type]


def test_limits_default_to_twentys_and_follow_the_environment(monkeypatch):
    monkeypatch.delenv("RATE_LIMIT_LONG", raising=False)
    monkeypatch.delenv("RATE_LIMIT_SHORT", raising=False)
    assert default_limits() == Limits(LONG, SHORT)
    monkeypatch.setenv("RATE_LIMIT_LONG", "250")
    monkeypatch.setenv("RATE_LIMIT_SHORT", "nonsense")
    assert default_limits() == Limits(BucketLimit(250, 60_000), SHORT)


def test_a_head_rate_limit_overrides_the_defaults_part_by_part():
    head = {"rateLimit": {"long": {"limit": 5}, "short": {"limit": 2, "windowMs": 500}}}
    assert limits_for(head, Limits(LONG, SHORT)) == Limits(BucketLimit(5, 60_000), BucketLimit(2, 500))
    assert limits_for({"rateLimit": {"long": {"limit": 0, "windowMs": "x"}}}, Limits(LONG, SHORT)) == Limits(LONG, SHORT)
    assert limits_for(None, Limits(LONG, SHORT)) == Limits(LONG, SHORT)


def test_limit_settings_refuse_an_empty_bucket():
    assert limit_settings(long=BucketLimit(5, 60_000)) == {"long": {"limit": 5, "windowMs": 60_000}}
    with pytest.raises(ValueError, match="at least 1 token"):
        limit_settings(short=BucketLimit(0, 1_000))


def test_workspace_limits_are_read_once_per_ttl():
    store, ticks = FakeStore(), [0.0]
    reads = []
    store.rate_limit_settings = lambda ws: reads.append(ws) or {"long": {"limit": 3}}  # type: ignore[method-assign]
    limits = WorkspaceLimits(store, ttl_seconds=60, clock=lambda: ticks[0])  # type: ignore[arg-type]
    assert limits("w").long == BucketLimit(3, 60_000)
    ticks[0] = 59.9
    limits("w")
    ticks[0] = 60.0
    limits("w")
    assert reads == ["w", "w"]


def test_one_store_call_per_request_once_the_bucket_state_is_known():
    store, clock = FakeStore(), Clock()
    limiter = _limiter(store, clock)
    for i in range(100):
        clock.now = T0 + i
        verdict = limiter.check("w")
        assert verdict is not None and verdict.granted
    assert store.calls == 100  # the first predicts "full" (right), the others "partly spent" (right)


def test_a_refusal_known_from_the_last_state_costs_no_call():
    store, clock = FakeStore(), Clock()
    limiter = _limiter(store, clock)
    for _ in range(100):
        limiter.check("w")
    calls = store.calls
    refused = limiter.check("w")
    assert refused is not None and not refused.granted and refused.bucket == LONG and refused.retry_after_ms == 600
    assert store.calls == calls


def test_a_wrong_guess_costs_one_more_call_computed_from_the_state_returned():
    store, clock = FakeStore(), Clock()
    _limiter(store, clock).check("w")  # another execution environment spent a token
    fresh = _limiter(store, clock)  # knows nothing: guesses "full", which is wrong
    before = store.calls
    assert fresh.check("w").granted  # type: ignore[union-attr]
    assert store.calls - before == 2


def test_each_of_many_limiters_sharing_a_store_grants_exactly_the_limit():
    store, clock = FakeStore(), Clock()
    limiters = [_limiter(store, clock) for _ in range(7)]
    granted = sum(bool(limiters[i % 7].check("w").granted) for i in range(130))  # type: ignore[union-attr]
    assert granted == 100


def test_the_item_expires_two_long_windows_after_the_last_take():
    store, clock = FakeStore(), Clock()
    _limiter(store, clock).check("w")
    assert store.expires["w"] == (T0 + 120_000) // 1000 + 1


def test_a_store_failure_lets_the_request_through_unchecked():
    store, clock = FakeStore(), Clock()
    store.fail_with = ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, "UpdateItem")
    assert _limiter(store, clock).check("w") is None


def test_endless_contention_is_refused_after_the_last_attempt():
    class Busy(FakeStore):
        def take(self, workspace_id, updates, expires_at):  # type: ignore[override]
            self.calls += 1
            return TakeResult(False, {})  # someone else always got there first

    store, clock = Busy(), Clock()
    verdict = RateLimiter(store, limits_of=lambda _: Limits(LONG, SHORT), clock=clock, max_attempts=3).check("w")  # type: ignore[arg-type]
    assert verdict is not None and not verdict.granted and verdict.retry_after_seconds == 1
    assert store.calls == 3

"""The limiter on DynamoDB: atomic under concurrency, per workspace, with TTL, and cheap."""

import threading
import time
import uuid
from collections import Counter

import pytest

from tenantapi.limits.buckets import BucketLimit, Limits
from tenantapi.limits.limiter import RateLimiter, WorkspaceLimits, set_workspace_limits, workspace_limits
from tenantapi.storage.dynamo import client
from tenantapi.storage.limit_store import LimitStore
from tenantapi.workspaces import create_workspace

# A frozen clock at the real time: DynamoDB Local deletes items whose TTL has passed, so a clock
# in the past would see its buckets vanish mid-test.
T0 = time.time_ns() // 1_000_000
DEFAULTS = Limits(BucketLimit(100, 60_000), BucketLimit(100, 1_000))


def _frozen(at: int = T0):
    return lambda: at


def _count_calls() -> Counter:
    """DynamoDB operations made through the engine's client from now on."""
    calls: Counter = Counter()
    client().meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.update([model.name]))
    return calls


@pytest.mark.dynamodb_local  # moto's in-memory backend is not thread-safe
def test_105_concurrent_requests_of_one_workspace_get_exactly_100_tokens():
    workspace_id = str(uuid.uuid4())
    # One limiter per thread: like 105 execution environments, none knowing the others' state.
    limiters = [RateLimiter(limits_of=lambda _: DEFAULTS, clock=_frozen()) for _ in range(105)]
    start = threading.Barrier(105)
    verdicts = [None] * 105

    def request(i: int) -> None:
        start.wait()
        verdicts[i] = limiters[i].check(workspace_id)

    threads = [threading.Thread(target=request, args=(i,)) for i in range(105)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(v is not None for v in verdicts)
    assert sum(v.granted for v in verdicts) == 100
    refused = [v for v in verdicts if not v.granted]
    assert {(v.bucket, v.retry_after_seconds) for v in refused} == {(DEFAULTS.long, 1)}
    stored = LimitStore().buckets(workspace_id)
    assert stored[DEFAULTS.long.attribute] == DEFAULTS.long.scaled(T0) + 100 * 60_000


def test_another_workspace_is_unaffected(dynamodb_backend):
    busy, calm = str(uuid.uuid4()), str(uuid.uuid4())
    limiter = RateLimiter(limits_of=lambda _: DEFAULTS, clock=_frozen())
    assert sum(limiter.check(busy).granted for _ in range(101)) == 100
    calm_verdict = limiter.check(calm)
    assert calm_verdict.granted and calm_verdict.remaining == 99


def test_the_bucket_item_carries_a_ttl_of_two_long_windows(dynamodb_backend):
    workspace_id = str(uuid.uuid4())
    RateLimiter(limits_of=lambda _: DEFAULTS, clock=_frozen()).check(workspace_id)
    assert LimitStore().expires_at(workspace_id) == (T0 + 2 * 60_000) // 1000 + 1
    item = client().get_item(TableName=LimitStore().table, Key={"pk": {"S": f"L#{workspace_id}"}, "sk": {"S": "#BUCKETS"}})["Item"]
    assert set(item) == {"pk", "sk", "ttl", "t100per60000ms", "t100per1000ms"}


def test_a_token_comes_back_after_600_ms_on_dynamodb(dynamodb_backend):
    workspace_id, now = str(uuid.uuid4()), [T0]
    limiter = RateLimiter(limits_of=lambda _: DEFAULTS, clock=lambda: now[0])
    assert sum(limiter.check(workspace_id).granted for _ in range(100)) == 100
    now[0] = T0 + 599
    assert not limiter.check(workspace_id).granted
    now[0] = T0 + 600
    assert limiter.check(workspace_id).granted
    # Another execution environment, knowing nothing, reaches the same verdict from the store.
    assert not RateLimiter(limits_of=lambda _: DEFAULTS, clock=lambda: now[0]).check(workspace_id).granted


def test_a_check_costs_at_most_two_dynamodb_calls(dynamodb_backend):
    head = create_workspace(f"lim-{uuid.uuid4().hex[:10]}")
    limiter = RateLimiter()  # real limits: the head is read once, then cached
    calls = _count_calls()
    limiter.check(head.id)
    assert calls == Counter({"GetItem": 1, "UpdateItem": 1})  # the head's limits, then the take
    for _ in range(30):
        calls.clear()
        assert limiter.check(head.id).granted
        assert calls == Counter({"UpdateItem": 1})
    # A cold execution environment on a busy bucket guesses wrong once.
    cold = RateLimiter(limits_of=lambda _: DEFAULTS)
    calls.clear()
    assert cold.check(head.id).granted
    assert sum(calls.values()) <= 2


def test_a_workspaces_own_limits_are_read_from_its_head(dynamodb_backend):
    head = create_workspace(f"lim-{uuid.uuid4().hex[:10]}")
    assert workspace_limits(head.id) == DEFAULTS
    limits = set_workspace_limits(head.id, long=BucketLimit(3, 60_000))
    assert limits == Limits(BucketLimit(3, 60_000), DEFAULTS.short) == workspace_limits(head.id)
    limiter = RateLimiter(limits_of=WorkspaceLimits(), clock=_frozen())
    verdicts = [limiter.check(head.id) for _ in range(4)]
    assert [v.granted for v in verdicts] == [True, True, True, False]
    assert verdicts[-1].bucket.message == "Limit reached (3 tokens per 60000 ms)"
    assert verdicts[-1].retry_after_seconds == 20
    set_workspace_limits(head.id, short=BucketLimit(50, 1_000))
    assert workspace_limits(head.id) == Limits(BucketLimit(3, 60_000), BucketLimit(50, 1_000))


def test_the_real_clock_refills_between_bursts(dynamodb_backend):
    workspace_id = str(uuid.uuid4())
    limiter = RateLimiter(limits_of=lambda _: Limits(BucketLimit(100, 60_000), BucketLimit(2, 2_000)))
    assert [limiter.check(workspace_id).granted for _ in range(3)] == [True, True, False]
    time.sleep(1.05)
    assert limiter.check(workspace_id).granted

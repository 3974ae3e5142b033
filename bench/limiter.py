"""Measure the per-workspace rate limiter: DynamoDB calls and time per request on DynamoDB Local.

    python bench/limiter.py              # 400 requests per case; prints the figures and the
                                         # "Limiter" section of docs/PERFORMANCE.md
    python bench/limiter.py --runs 1000

Cases, each through `RateLimiter.check` against the template's metadata table (what the
middleware runs before every API-key request), with DynamoDB requests counted by a botocore
`before-call` hook on the engine's own client:

1. warm, granted: one execution environment, its workspace's limits cached, tokens to spare;
2. first request of an execution environment: the head's limits are read, the buckets' phase is
   unknown;
3. another execution environment spent tokens meanwhile: this one's remembered phase is stale;
4. over the limit: a refusal known from the state the last take returned;
5. 105 concurrent requests of one workspace from 105 execution environments (threads), at one
   instant: tokens granted, calls per request, wall time.

Times are DynamoDB Local's on this machine (a local JVM, no network), not service latencies.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "layers"))

START, END = "<!-- limiter:start -->", "<!-- limiter:end -->"


def _fake_aws_environment(endpoint: str) -> None:
    """Before any boto3 client exists: never sign a request for a real account."""
    os.environ.update(
        AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local", AWS_SESSION_TOKEN="local",
        AWS_DEFAULT_REGION="us-east-1", AWS_REGION="us-east-1", AWS_ENDPOINT_URL_DYNAMODB=endpoint,
    )
    os.environ.pop("AWS_PROFILE", None)
    for name in ("RATE_LIMIT_LONG", "RATE_LIMIT_SHORT", "DEFAULT_USAGE_PLAN_ID", "USAGE_PLAN_ID"):
        os.environ.pop(name, None)


class Calls:
    """DynamoDB requests of the engine's client, by operation."""

    def __init__(self, client: Any) -> None:
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        client.meta.events.register("before-call.dynamodb.*", self._count)

    def _count(self, model: Any, **_: Any) -> None:
        with self._lock:
            self.counts[model.name] += 1

    def take(self) -> Counter[str]:
        with self._lock:
            counts, self.counts = self.counts, Counter()
        return counts


class Case:
    def __init__(self, name: str) -> None:
        self.name = name
        self.calls: list[int] = []
        self.operations: Counter[str] = Counter()
        self.millis: list[float] = []
        self.granted = 0

    def record(self, calls: Counter[str], elapsed: float, granted: bool) -> None:
        self.calls.append(sum(calls.values()))
        self.operations.update(calls)
        self.millis.append(elapsed * 1000)
        self.granted += granted

    def row(self) -> str:
        n = len(self.calls)
        per_request = " + ".join(f"{round(count / n, 2):g} {op}" for op, count in self.operations.items()) or "none"
        p95 = statistics.quantiles(self.millis, n=20)[18] if n >= 20 else max(self.millis)
        return (f"| {self.name} | {n} | {per_request} | {max(self.calls)} | "
                f"{statistics.median(self.millis):.2f} | {p95:.2f} |")


def run(runs: int, say: Callable[[str], None]) -> tuple[list[Case], dict[str, Any]]:
    from tenantapi.limits.buckets import BucketLimit, Limits
    from tenantapi.limits.limiter import RateLimiter, set_workspace_limits
    from tenantapi.storage.dynamo import client
    from tenantapi.workspaces import create_workspace

    calls = Calls(client())
    roomy = dict(long=BucketLimit(1_000_000, 60_000), short=BucketLimit(1_000_000, 1_000))

    def timed(case: Case, check: Callable[[], Any]) -> None:
        calls.take()
        started = time.perf_counter()
        verdict = check()
        case.record(calls.take(), time.perf_counter() - started, bool(verdict and verdict.granted))

    cases: list[Case] = []

    say("warming DynamoDB Local up (its JVM compiles the hot paths first)")
    head = create_workspace(f"bench-{uuid.uuid4().hex[:8]}")
    set_workspace_limits(head.id, **roomy)
    limiter = RateLimiter()
    for _ in range(300):
        limiter.check(head.id)

    say("1. warm, granted")
    case = Case("warm, granted")
    for _ in range(runs):
        timed(case, lambda: limiter.check(head.id))
    cases.append(case)

    say("2. first request of an execution environment")
    case = Case("first request of an execution environment")
    for _ in range(runs):
        fresh = RateLimiter()
        timed(case, lambda: fresh.check(head.id))
    cases.append(case)

    say("3. stale phase (another environment took tokens)")
    case = Case("phase changed by another environment")
    mine, theirs = (RateLimiter(limits_of=lambda _: Limits()) for _ in range(2))
    for _ in range(runs):
        workspace_id = str(uuid.uuid4())
        mine.check(workspace_id)
        time.sleep(0.015)  # mine's short bucket is full again (one take refills in 10 ms)...
        theirs.check(workspace_id)  # ...but another environment has just taken from it
        timed(case, lambda: mine.check(workspace_id))
    cases.append(case)

    say("4. over the limit")
    case = Case("over the limit (429)")
    tight = RateLimiter(limits_of=lambda _: Limits(BucketLimit(1, 60_000), BucketLimit(100, 1_000)))
    workspace_id = str(uuid.uuid4())
    tight.check(workspace_id)
    for _ in range(runs):
        timed(case, lambda: tight.check(workspace_id))
    cases.append(case)

    say("5. 105 concurrent requests of one workspace")
    workspace_id, instant = str(uuid.uuid4()), time.time_ns() // 1_000_000
    limiters = [RateLimiter(limits_of=lambda _: Limits(), clock=lambda: instant) for _ in range(105)]
    barrier = threading.Barrier(105)
    verdicts: list[Any] = [None] * 105

    def request(i: int) -> None:
        barrier.wait()
        verdicts[i] = limiters[i].check(workspace_id)

    threads = [threading.Thread(target=request, args=(i,)) for i in range(105)]
    calls.take()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    concurrent_calls = calls.take()
    concurrency = {
        "granted": sum(bool(v and v.granted) for v in verdicts),
        "refused": sum(bool(v and not v.granted) for v in verdicts),
        "calls": sum(concurrent_calls.values()),
        "wall_ms": wall * 1000,
    }
    return cases, concurrency


def section(cases: list[Case], concurrency: dict[str, Any]) -> str:
    lines = [
        START,
        "## Limiter",
        "",
        "Per-workspace buckets of `docs/api.md` §8.2 (`tenantapi.limits`), checked before every "
        "API-key request: one conditional UpdateItem of the workspace's `L#<workspaceId>` item holding both "
        "buckets. DynamoDB requests per check and time per check on DynamoDB Local "
        f"({platform.python_implementation()} {platform.python_version()}, {platform.machine()}; local JVM, "
        "no network: not service latencies). `python bench/limiter.py` measures them.",
        "",
        "| Case | Checks | DynamoDB requests per check (mean) | Most in one check | Median ms | p95 ms |",
        "|---|---:|---|---:|---:|---:|",
        *(case.row() for case in cases),
        "",
        f"105 concurrent requests of one workspace from 105 execution environments at one instant: "
        f"{concurrency['granted']} granted, {concurrency['refused']} refused (429), "
        f"{concurrency['calls']} UpdateItem in all ({concurrency['calls'] / 105:.2f} per request), "
        f"{concurrency['wall_ms']:.0f} ms wall time.",
        "",
        "- Warm: 1 UpdateItem, 1 WCU (the item is far below 1 KB). The head's limits are read once per "
        "execution environment and workspace per 60 s (1 eventually consistent GetItem, 0.5 RCU).",
        "- A phase the environment did not foresee (a bucket that became full, or was started by another "
        "environment) costs one more UpdateItem, computed from the item the failed condition returned "
        "(ReturnValuesOnConditionCheckFailure; the failed write still costs 1 WCU): at most 2 requests per "
        "check without contention. The short bucket refills in 10 ms per token, so most such guesses are "
        "right by the time they are made (third row).",
        "- A refusal implied by the state the last take returned costs no request: stored instants only "
        "grow, so a remembered state never overstates the tokens left.",
        END,
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=400, help="checks per case (at least 200 for the figures)")
    args = parser.parse_args()

    from tenantapi_tools.local.dynamodb_local import DynamoDBLocal, free_port

    server = DynamoDBLocal(port=free_port(), db_path=None).start()
    try:
        _fake_aws_environment(server.endpoint)
        from tenantapi_tools.local.tables import create_tables

        create_tables()
        cases, concurrency = run(args.runs, lambda text: print(f"… {text}", file=sys.stderr, flush=True))
    finally:
        server.stop()
    print(section(cases, concurrency))
    return 0


if __name__ == "__main__":
    sys.exit(main())

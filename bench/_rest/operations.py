"""The core REST operations measured against DynamoDB Local, each through RecordService as
api/core_rest.py calls it (REST strings parsed with the REST parsers), plus one list through the
Lambda handler itself."""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass
from typing import Any, Callable

from . import data
from .handler import lambda_context, rest_event
from .meter import Meter, Stats

__all__ = ["Result", "Target", "OPERATIONS", "run_operations", "fresh_people"]

PAGE = 60


@dataclass
class Result:
    stats: Stats  # of the first run
    times_ms: list[float]
    outcome: str

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times_ms)


@dataclass(frozen=True)
class Target:
    """What an operation's cost should do between sizes: "constant" (same calls and units),
    "calls" (same calls; `why` the units may differ), "grows" (calls grow with the page's
    parents, `why`) or "bounded" (an unindexed read: answered, or 400 past the read budget)."""

    kind: str
    why: str = ""


# name -> target; the order is the table's.
OPERATIONS: dict[str, Target] = {
    "get by id": Target("constant"),
    "list 60, default order, + totalCount": Target("constant"),
    "list 60, next page (starting_after)": Target("constant"),
    f"filter companyId[eq] (indexed, {data.BIG_COMPANY_PEOPLE} match)": Target("constant"),
    f"filter name.firstName[eq] (indexed, {data.PLANTED_NAME_COUNT} match)": Target("constant"),
    "order_by createdAt[DescNullsLast], 60": Target("constant"),
    "order_by position, 60": Target("constant"),
    "depth=1 people, 60, fields=...,company (MANY_TO_ONE)": Target(
        "calls", "RCU follows the distinct companies embedded"),
    "depth=1 companies, 60, fields=...,people (ONE_TO_MANY)": Target(
        "grows", "one Query per parent: DynamoDB has no multi-range query"),
    "depth=1 people, 60, no fields (every relation)": Target(
        "grows", "person's 3 ONE_TO_MANY relations: one Query per parent and relation"),
    "depth=1 companies, 60, no fields (every relation)": Target(
        "grows", "company's 4 ONE_TO_MANY relations: one Query per parent and relation"),
    "filter city[eq] (unindexed)": Target("bounded"),
    "batch create 60 people": Target("calls", "RCU follows the distinct companies checked"),
    "handler GET /rest/people?limit=60 (warm)": Target("constant"),
}


def measure(meter: Meter, runs: int, operation: Callable[[int], str]) -> Result:
    """Run `operation(run)` once to warm it (DynamoDB Local's code paths, the caches of the
    engine and of the app's middleware), once to count its requests, then `runs` more times for
    the wall time."""
    operation(0)
    meter.reset()
    outcome = operation(1)
    first = meter.reset()
    times: list[float] = []
    for run in range(2, runs + 2):
        started = time.perf_counter()
        operation(run)
        times.append((time.perf_counter() - started) * 1000)
    meter.reset()
    return Result(first, times, outcome)


def fresh_people(size: int, run: int, company_ids: list[str]) -> list[dict[str, Any]]:
    """60 new people (numbers far above any loaded one): no planted value, new ids and emails."""
    start = 1_000_000 + size * 100 + run * PAGE
    return list(data.person_bodies(PAGE, company_ids, start=start))


def _names(ws: Any, obj: Any) -> list[str]:
    from tenantapi.records.shape import shape_of

    return [name for name, _ in shape_of(ws.schema, obj).outputs]


def run_operations(service: Any, ws: Any, meter: Meter, handler: Any, *, size: int, runs: int,
                   person_ids: list[str], company_ids: list[str],
                   report: Callable[[str, Result], None]) -> dict[str, Result]:
    """Measure every operation of OPERATIONS, in its order, calling `report` after each."""
    from tenantapi.errors import BadRequest
    from tenantapi.query.parse_filter import parse_filter
    from tenantapi.query.parse_order_by import parse_order_by
    from tenantapi.records.projection import Projection

    people = ws.schema.active_object_by_plural("people")
    companies = ws.schema.active_object_by_plural("companies")

    def page(obj: Any, *, filter_text: str | None = None, order_text: str | None = None,
             after: str | None = None) -> Any:
        return service.find_many(
            ws, obj, filter_input=parse_filter(filter_text) if filter_text else None,
            order_input=parse_order_by(order_text) if order_text else None, limit=PAGE, starting_after=after)

    def listed(result: Any) -> str:
        return f"{len(result.records)} records, totalCount {result.total_count}"

    def get(run: int) -> str:
        service.get_one(ws, people, person_ids[run * 97 % len(person_ids)])
        return "found"

    def with_depth(obj: Any, fields: list[str] | None) -> Callable[[int], str]:
        projection = Projection.build(ws.schema, obj, depth=1, fields=fields)

        def run(_: int) -> str:
            records = projection.apply(service, ws, page(obj).records)
            parts = []
            for field in projection.many_to_one + projection.one_to_many:
                values = [r.get(field.name) for r in records]
                count = sum(1 for v in values if v) if field.is_many_to_one else sum(len(v or ()) for v in values)
                parts.append(f"{field.name} {count}")
            return f"{len(records)} {obj.name_plural}; embedded: " + ", ".join(parts)
        return run

    def unindexed(_: int) -> str:
        try:
            return listed(page(people, filter_text=f"city[eq]:{data.RARE_CITY}"))
        except BadRequest as error:
            return f"400 {error.message}"

    def create(run: int) -> str:
        created = service.create_many(ws, people, fresh_people(size, run, company_ids))
        return f"{len(created)} created, atomic (one transaction)"

    event = rest_event(ws.id, "/rest/people", {"limit": str(PAGE)})
    context = lambda_context()

    def invoke(_: int) -> str:
        response = handler(event, context)
        body = json.loads(response["body"])
        if response["statusCode"] != 200:
            return f"{response['statusCode']} {' '.join(body.get('messages') or [])}".strip()
        return f"200, {len(body['data']['people'])} records, {len(response['body']) // 1024} KB body"

    cursor = page(people).end_cursor
    handler(event, context)  # the schema of this version is cached from now on
    operations: list[Callable[[int], str]] = [
        get,
        lambda r: listed(page(people)),
        lambda r: listed(page(people, after=cursor)),
        lambda r: listed(page(people, filter_text=f"companyId[eq]:{company_ids[0]}")),
        lambda r: listed(page(people, filter_text=f"name.firstName[eq]:{data.PLANTED_FIRST_NAME}")),
        lambda r: listed(page(people, order_text="createdAt[DescNullsLast]")),
        lambda r: listed(page(people, order_text="position")),
        with_depth(people, _names(ws, people) + ["company"]),
        with_depth(companies, _names(ws, companies) + ["people"]),
        with_depth(people, None),
        with_depth(companies, None),
        unindexed,
        create,
        invoke,
    ]
    out: dict[str, Result] = {}
    for name, operation in zip(OPERATIONS, operations, strict=True):
        out[name] = measure(meter, runs, operation)
        report(name, out[name])
    return out

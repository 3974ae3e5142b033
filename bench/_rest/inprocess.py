"""In-process time of a warm list of 60 records, storage excluded, as a ratio to `json.dumps`.

Storage is excluded by giving RecordService a RecordStore whose DynamoDB client is a replay of
the responses DynamoDB Local gave for the same requests (captured once): the store's own
query_range/count/get run unchanged (request building and item conversion included); botocore
and the network do not run. Two levels:
- engine: RecordService.find_many + the response dict of api/core_rest.py + its rendering by
  Starlette's JSONResponse (`JSONResponse(content).body`);
- handler: functions/core_api/app.py's Mangum handler given a REST proxy event for
  GET /rest/people?limit=60, with MetadataStore.head/load_schema answered from memory too, and
  the rate limiter, when the app has one, granting every request without storage (its cost is
  measured on its own).
When a level misses its target, both are profiled with cProfile: the shares of a few engine steps
and the functions with the most own time. The item conversion is also timed against a direct
conversion of the same items (a sketch here, not engine code) to size the main fix.
"""

from __future__ import annotations

import copy
import cProfile
import gc
import io
import json
import pstats
import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from .handler import core_rest, lambda_context, rest_event

__all__ = ["Timing", "Profile", "InProcess", "measure_in_process"]

PAGE = 60
_RECORDED = ("get_item", "query", "batch_get_item")


def _key(operation: str, params: dict[str, Any]) -> str:
    kept = {k: v for k, v in params.items() if k != "ReturnConsumedCapacity"}
    return operation + json.dumps(kept, sort_keys=True, default=str)


class _Recorder:
    """Forwards reads to the real client and keeps each response by request."""

    def __init__(self, real: Any, responses: dict[str, Any]) -> None:
        self._real, self._responses = real, responses

    def __getattr__(self, operation: str) -> Any:
        if operation not in _RECORDED:
            raise AttributeError(f"the benchmark records reads only, not {operation}")

        def call(**params: Any) -> Any:
            key = _key(operation, params)
            response = getattr(self._real, operation)(**copy.deepcopy(params))
            response = {k: v for k, v in response.items() if k not in ("ConsumedCapacity", "ResponseMetadata")}
            self._responses[key] = copy.deepcopy(response)
            return response
        return call


class _Replay:
    """Answers the recorded requests from memory. The responses are shared between calls, not
    copied: the store only reads them (each run's output is checked to be the same), and a deep
    copy would cost more than the engine's own work."""

    def __init__(self, responses: dict[str, Any]) -> None:
        self._responses = responses

    def __getattr__(self, operation: str) -> Any:
        def call(**params: Any) -> Any:
            key = _key(operation, params)
            if key not in self._responses:
                raise LookupError(f"{operation} was not recorded: {key[:300]}")
            return dict(self._responses[key])
        return call


def _store_class() -> type:
    from tenantapi.storage.record_store import RecordStore

    class MemoryRecordStore(RecordStore):
        """A RecordStore reading recorded DynamoDB responses instead of DynamoDB."""

        def __init__(self, client: Any) -> None:
            super().__init__(dynamodb=client)

    return MemoryRecordStore


@dataclass
class Timing:
    name: str
    median_us: float
    runs: int


@dataclass
class Profile:
    total_ms: float  # per run, under the profiler
    steps: list[tuple[str, float]]  # (engine step, cumulative share %)
    rows: list[tuple[str, float, float]]  # (function, own time share %, cumulative share %)


# Engine steps whose cumulative time the profiles report: label -> (file suffix, function names).
_STEPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("item conversion: `from_item` (storage/dynamo.py)", "tenantapi/storage/dynamo.py", ("from_item",)),
    ("stored record to output: `RecordService.present`", "tenantapi/records/service.py", ("present",)),
    ("cursors: `encode_cursor`", "tenantapi/records/cursor.py", ("encode_cursor",)),
    ("filter, order, plan: `compile_filter`, `compile_order`, `plan_query`", "tenantapi/query/",
     ("compile_filter", "compile_order", "plan_query")),
    ("rendering: `JSONResponse.render`", "starlette/responses.py", ("render",)),
)
_ENDPOINT = ("tenantapi/api/core_rest.py", "collection")
_HANDLER = ("mangum/adapter.py", "__call__")


@dataclass
class InProcess:
    timings: dict[str, Timing]
    ratios: dict[str, float]  # median per-round ratio to json.dumps(body)
    body_bytes: int
    fields_per_record: int
    engine_ratio: float
    handler_ratio: float
    profiles: dict[str, Profile]
    items_converted: int  # items of the page's Query (the page + 1)
    direct_ratio: float  # the engine's ratio with the direct conversion's time instead (estimate)


def _time(functions: dict[str, Callable[[], Any]], runs: int, rounds: int = 10) -> tuple[dict[str, Timing], dict[str, float]]:
    """Median time of each function, and the median over rounds of its ratio to the first one's.
    Each round runs every function in a block of runs/rounds calls (a block keeps a function's own
    cache and GC pattern); taking turns, a busy machine slows them alike, so the ratios hold even
    when the absolute times do not."""
    for function in functions.values():
        for _ in range(20):  # warm
            function()
    block = max(1, runs // rounds)
    times: dict[str, list[int]] = {name: [] for name in functions}
    medians: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(rounds):
        for name, function in functions.items():
            spent = []
            for _ in range(block):
                started = time.perf_counter_ns()
                function()
                spent.append(time.perf_counter_ns() - started)
            times[name] += spent
            medians[name].append(statistics.median(spent))
    base = medians[next(iter(functions))]
    timings = {name: Timing(name, statistics.median(t) / 1000, len(t)) for name, t in times.items()}
    ratios = {name: statistics.median(a / b for a, b in zip(m, base)) for name, m in medians.items()}
    return timings, ratios


def _short(path: str) -> str:
    for marker in ("/layers/", "/site-packages/", "/lib/python3"):
        if marker in path:
            return path.split(marker, 1)[1]
    return Path(path).name if path.startswith("/") else path


def _profile(function: Callable[[], Any], runs: int, top: int, handler: bool) -> Profile:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        function()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    table: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    total = stats.total_tt  # type: ignore[attr-defined]

    def cumulative(suffix: str, names: tuple[str, ...]) -> float:
        return sum(v[3] for (path, _, func), v in table.items() if suffix in path and func in names)

    steps = [(label, 100 * cumulative(suffix, names) / total) for label, suffix, names in _STEPS]
    if handler:
        whole = cumulative(_HANDLER[0], (_HANDLER[1],)) or total
        endpoint = cumulative(_ENDPOINT[0], (_ENDPOINT[1],))
        steps.append(("Mangum, Starlette, middleware (outside `CoreRest.collection`)", 100 * (whole - endpoint) / total))
    rows = []
    for (path, line, func), (_, _, own, cum, _) in sorted(table.items(), key=lambda kv: kv[1][2], reverse=True)[:top]:
        where = f"{_short(path)}:{line}" if line else _short(path)
        rows.append((f"`{func}` ({where})", 100 * own / total, 100 * cum / total))
    return Profile(total * 1000 / runs, steps, rows)


def _direct(attribute: dict[str, Any]) -> Any:
    """DynamoDB JSON to the engine's values without Decimal: what `from_attr` returns (numbers
    written as integers read as int, others as float)."""
    value = attribute.get("S")
    if value is not None:
        return value
    value = attribute.get("M")
    if value is not None:
        return {k: _direct(v) for k, v in value.items()}
    value = attribute.get("N")
    if value is not None:
        try:
            return int(value)
        except ValueError:
            return float(value)
    value = attribute.get("L")
    if value is not None:
        return [_direct(v) for v in value]
    if "BOOL" in attribute:
        return attribute["BOOL"]
    if "NULL" in attribute:
        return None
    raise ValueError(f"type not used by the benchmark's records: {sorted(attribute)}")


@contextmanager
def _limiter_granting() -> Iterator[None]:
    """The rate limiter, if the app has one, grants every request without storage."""
    import importlib.util

    if importlib.util.find_spec("tenantapi.limits.limiter") is None:
        yield
        return
    from tenantapi.limits.limiter import RateLimiter

    saved = RateLimiter.check
    RateLimiter.check = lambda self, workspace_id: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        RateLimiter.check = saved  # type: ignore[method-assign]


@contextmanager
def _metadata_from_memory(ws: Any) -> Iterator[None]:
    """MetadataStore.head/load_schema answer from memory, for the handler only."""
    from tenantapi.storage.metadata_store import MetadataStore

    saved = MetadataStore.head, MetadataStore.load_schema
    MetadataStore.head = lambda self, workspace_id: ws.head if workspace_id == ws.id else None  # type: ignore[method-assign]
    MetadataStore.load_schema = lambda self, workspace_id: ws.schema if workspace_id == ws.id else None  # type: ignore[method-assign]
    try:
        yield
    finally:
        MetadataStore.head, MetadataStore.load_schema = saved  # type: ignore[method-assign]


def measure_in_process(ws: Any, real_client: Any, handler: Any, *, runs: int, profile_runs: int, top: int,
                       target: float, log: Callable[[str], None]) -> InProcess:
    from starlette.responses import JSONResponse

    from tenantapi.records.projection import Projection
    from tenantapi.records.service import RecordService
    from tenantapi.storage.dynamo import from_item

    people = ws.schema.active_object_by_plural("people")
    store_class = _store_class()
    responses: dict[str, Any] = {}
    RecordService(store_class(_Recorder(real_client, responses))).find_many(ws, people, limit=PAGE)
    service = RecordService(store_class(_Replay(responses)))
    projection = Projection.build(ws.schema, people, depth=0, fields=None)

    def content() -> dict[str, Any]:
        # What CoreRest._find_many builds for GET /rest/people?limit=60.
        result = service.find_many(ws, people, limit=PAGE)
        return {
            "data": {people.name_plural: projection.apply(service, ws, result.records)},
            "totalCount": result.total_count,
            "pageInfo": {"hasNextPage": result.has_next_page, "hasPreviousPage": result.has_previous_page,
                         "startCursor": result.start_cursor, "endCursor": result.end_cursor},
        }

    def engine() -> bytes:
        return JSONResponse(content()).body

    body = content()
    if not engine() == JSONResponse(body).body:
        raise AssertionError("the replayed page differs between runs")

    rest = core_rest(handler)
    saved_records = rest.records
    rest.records = service
    event = rest_event(ws.id, "/rest/people", {"limit": str(PAGE)})
    context = lambda_context()
    profiles: dict[str, Profile] = {}
    try:
        with _metadata_from_memory(ws), _limiter_granting():
            response = handler(event, context)
            if response["statusCode"] != 200 or json.loads(response["body"]) != json.loads(engine()):
                raise AssertionError(f"the handler's answer differs from the engine's: {response['body'][:300]}")

            def full() -> Any:
                return handler(event, context)

            items = [item for key, answer in responses.items() if key.startswith("query")
                     for item in answer.get("Items", [])]
            direct = [{k: _direct(v) for k, v in i.items()} for i in items]
            if json.dumps(direct, sort_keys=True) != json.dumps([from_item(i) for i in items], sort_keys=True):
                raise AssertionError("the direct conversion differs from from_item")
            converted, sketched = f"item conversion of the {len(items)} items: `from_item`", "the same, direct conversion (sketch, same output)"
            engine_name, handler_name = "engine: find_many + response + JSONResponse", "handler: Mangum, GET /rest/people?limit=60"
            gc.collect()
            timings, ratios = _time({
                "json.dumps(body)": lambda: json.dumps(body),
                "JSONResponse(body).body": lambda: JSONResponse(body).body,
                "RecordService.find_many": lambda: service.find_many(ws, people, limit=PAGE),
                engine_name: engine,
                handler_name: full,
                converted: lambda: [from_item(i) for i in items],
                sketched: lambda: [{k: _direct(v) for k, v in i.items()} for i in items],
            }, runs)
            for name, timing in timings.items():
                log(f"    {name}: median {timing.median_us:.0f} us, {ratios[name]:.1f}x json.dumps")
            engine_ratio, handler_ratio = ratios[engine_name], ratios[handler_name]
            direct_ratio = engine_ratio - ratios[converted] + ratios[sketched]
            if engine_ratio > target or handler_ratio > target:
                profiles["engine"] = _profile(engine, profile_runs, top, handler=False)
                profiles["handler"] = _profile(full, profile_runs, top, handler=True)
    finally:
        rest.records = saved_records
    records = body["data"][people.name_plural]
    return InProcess(timings, ratios, len(JSONResponse(body).body), len(records[0]) - 1, engine_ratio, handler_ratio,
                     profiles, len(items), direct_ratio)

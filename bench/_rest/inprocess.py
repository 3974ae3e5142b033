"""In-process time of a warm list of 60 records, storage excluded, as a ratio to `json.dumps`.

Storage is excluded by giving RecordService a RecordStore whose DynamoDB client is a replay of
the responses DynamoDB Local gave for the same requests (captured once): the store's own
query_range/count/get run unchanged (request building and item conversion included); botocore
and the network do not run. Two levels:
- engine: RecordService.find_many + the response dict of api/core_rest.py + its rendering by
  Starlette's JSONResponse (`JSONResponse(content).body`);
- handler: functions/core_api/app.py's Mangum handler given a REST proxy event for
  GET /rest/people?limit=60, with MetadataStore.head/load_schema answered from memory too.
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

from .handler import ROOT, core_rest, lambda_context, rest_event

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
    """Answers the recorded requests from memory (a fresh copy each time, as a client would)."""

    def __init__(self, responses: dict[str, Any]) -> None:
        self._responses = responses

    def __getattr__(self, operation: str) -> Any:
        def call(**params: Any) -> Any:
            key = _key(operation, params)
            if key not in self._responses:
                raise LookupError(f"{operation} was not recorded: {key[:300]}")
            return copy.deepcopy(self._responses[key])
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
    rows: list[tuple[str, float, float]]  # (function, own time share %, cumulative share %)


@dataclass
class InProcess:
    timings: dict[str, Timing]
    body_bytes: int
    fields_per_record: int
    engine_ratio: float
    handler_ratio: float
    profiles: dict[str, Profile]


def _time(name: str, runs: int, function: Callable[[], Any]) -> Timing:
    for _ in range(20):  # warm
        function()
    times = []
    for _ in range(runs):
        started = time.perf_counter_ns()
        function()
        times.append(time.perf_counter_ns() - started)
    return Timing(name, statistics.median(times) / 1000, runs)


def _short(path: str) -> str:
    for marker in ("/layers/", "/site-packages/", "/lib/python3"):
        if marker in path:
            return path.split(marker, 1)[1]
    return Path(path).name if path.startswith("/") else path


def _profile(function: Callable[[], Any], runs: int, top: int) -> Profile:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        function()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = []
    for (path, line, func), (_, _, own, cumulative, _) in sorted(
            stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]:  # type: ignore[attr-defined]
        where = f"{_short(path)}:{line}" if line else _short(path)
        rows.append((f"`{func}` ({where})", 100 * own / total, 100 * cumulative / total))
    return Profile(total * 1000 / runs, rows)


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
    timings: dict[str, Timing] = {}
    profiles: dict[str, Profile] = {}
    try:
        with _metadata_from_memory(ws):
            response = handler(event, context)
            if response["statusCode"] != 200 or json.loads(response["body"]) != json.loads(engine()):
                raise AssertionError(f"the handler's answer differs from the engine's: {response['body'][:300]}")

            def full() -> Any:
                return handler(event, context)

            gc.collect()
            for name, function in (
                ("json.dumps(body)", lambda: json.dumps(body)),
                ("JSONResponse(body).body", lambda: JSONResponse(body).body),
                ("RecordService.find_many", lambda: service.find_many(ws, people, limit=PAGE)),
                ("engine: find_many + response + JSONResponse", engine),
                ("handler: Mangum, GET /rest/people?limit=60", full),
            ):
                timings[name] = _time(name, runs, function)
                log(f"    {name}: median {timings[name].median_us:.0f} us")
            baseline = timings["json.dumps(body)"].median_us
            engine_ratio = timings["engine: find_many + response + JSONResponse"].median_us / baseline
            handler_ratio = timings["handler: Mangum, GET /rest/people?limit=60"].median_us / baseline
            if engine_ratio > target or handler_ratio > target:
                profiles["engine"] = _profile(engine, profile_runs, top)
                profiles["handler"] = _profile(full, profile_runs, top)
    finally:
        rest.records = saved_records
    records = body["data"][people.name_plural]
    return InProcess(timings, len(JSONResponse(body).body), len(records[0]) - 1, engine_ratio, handler_ratio, profiles)

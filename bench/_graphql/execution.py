"""In-process time of a warm GraphQL list of 60 people, storage excluded, as a ratio to
`json.dumps` of the same response; and parse + validate with and without the document cache.

Storage is excluded as in bench/_rest/inprocess.py (whose recorder, replay and timing loop are
reused): the requests the execution sends are recorded once against DynamoDB Local, then a
RecordStore whose client replays those responses serves every run, so the store's request
building and item conversion run and botocore and the network do not. Besides the whole request,
a few parts are timed on their own (the page read, the conversion of every item read, the page's
cursors, the executor over a page already read), each in turn with json.dumps, and the whole is
repeated to show how far a busy machine moves the ratios.
"""

from __future__ import annotations

import cProfile
import gc
import io
import json
import pstats
import statistics
from dataclasses import dataclass
from typing import Any, Callable

from _rest.inprocess import PAGE, Timing, _Recorder, _Replay, _short, _store_class, _time

__all__ = ["Execution", "Profile", "measure_execution", "list_query"]


@dataclass
class Profile:
    total_ms: float  # per run, under the profiler
    steps: list[tuple[str, float]]  # (step, cumulative share %)
    rows: list[tuple[str, float, float]]  # (function, own share %, cumulative share %)


@dataclass
class Execution:
    query: str
    timings: dict[str, Timing]
    ratios: dict[str, float]  # median over the repeats of the median per-round ratio to json.dumps
    spreads: dict[str, tuple[float, float]]  # lowest and highest of the repeats' ratios
    repeats: int
    body_bytes: int
    fields_per_record: int
    relation_records: int
    execute_ratio: float  # execute alone / json.dumps
    request_ratio: float  # cached document + batch check + execute + response body / json.dumps
    document_ratio: float  # parse + validate / cached document
    field_values: int  # values in the response (object fields and list items), each completed by the executor
    profile: Profile | None


def _values(value: Any) -> int:
    if isinstance(value, dict):
        return sum(1 + _values(v) for v in value.values())
    if isinstance(value, list):
        return sum(_values(v) for v in value)
    return 0


def _selection(graphql_type: Any, depth: int = 0) -> str:
    """Every leaf of a composite field (Links, Actor, ...), recursively."""
    from graphql import get_named_type, is_leaf_type

    parts = []
    for name, field in graphql_type.fields.items():
        named = get_named_type(field.type)
        parts.append(name if is_leaf_type(named) else f"{name} {{ {_selection(named, depth + 1)} }}")
    return " ".join(parts)


def list_query(graphql_schema: Any, type_name: str, plural: str, relation: str, relation_fields: str) -> tuple[str, int]:
    """`plural(first: PAGE)` selecting every field of the object that is not a relation (the leaves
    of its composite fields included), plus one MANY_TO_ONE relation; and the number of fields
    selected besides id."""
    from graphql import get_named_type, is_leaf_type

    node = graphql_schema.type_map[type_name]
    record_types = {t.name for t in graphql_schema.type_map.values() if hasattr(t, "fields") and "id" in getattr(t, "fields", {})}
    parts = []
    for name, field in node.fields.items():
        named = get_named_type(field.type)
        if is_leaf_type(named):
            parts.append(name)
        elif named.name in record_types or named.name.endswith("Connection"):
            continue  # relations: only the one below
        else:
            parts.append(f"{name} {{ {_selection(named)} }}")
    selected = len(parts) - 1
    parts.append(f"{relation} {{ {relation_fields} }}")
    query = (f"query People {{ {plural}(first: {PAGE}) {{ totalCount pageInfo {{ hasNextPage endCursor }} "
             f"edges {{ cursor node {{ {' '.join(parts)} }} }} }} }}")
    return query, selected


# Steps whose cumulative time the profile reports: label -> (file suffix, function names).
_STEPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("page read: `RecordService.find_many` (store, item conversion, `present`)", "tenantapi/records/service.py", ("find_many",)),
    ("item conversion, page and relation: `from_item` (storage/dynamo.py)", "tenantapi/storage/dynamo.py", ("from_item",)),
    ("relation: `load_many_to_one` (BatchGetItem replayed, `present`)", "tenantapi/graphql/loaders.py", ("load_many_to_one",)),
    ("connection and cursors: `connection` (graphql/connections.py)", "tenantapi/graphql/connections.py", ("connection",)),
    ("rendering: `JSONResponse.render`", "starlette/responses.py", ("render",)),
)
_EXECUTE = ("graphql/execution/execute.py", ("execute",))
_RESOLVERS = (("tenantapi/graphql/operations.py", ("resolve",)), ("tenantapi/graphql/relations.py", ("resolve",)))


def _profile(function: Callable[[], Any], runs: int, top: int) -> Profile:
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
    execute = cumulative(*_EXECUTE)
    engine = sum(cumulative(suffix, names) for suffix, names in _RESOLVERS)
    steps.append(("execution outside the root and relation resolvers (graphql-core and the fast path of "
                  "graphql/fast_execution.py, leaf serialization included)", 100 * (execute - engine) / total))
    rows = []
    for (path, line, func), (_, _, own, cum, _) in sorted(table.items(), key=lambda kv: kv[1][2], reverse=True)[:top]:
        where = f"{_short(path)}:{line}" if line else _short(path)
        rows.append((f"`{func}` ({where})", 100 * own / total, 100 * cum / total))
    return Profile(total * 1000 / runs, steps, rows)


def _repeated(functions: dict[str, Callable[[], Any]], runs: int, repeats: int
              ) -> tuple[dict[str, Timing], dict[str, float], dict[str, tuple[float, float]]]:
    """`_time` repeated: each step's median time and ratio over the repeats, and the lowest and
    highest of its ratios (a busy machine moves them; the spread says by how much)."""
    every: list[tuple[dict[str, Timing], dict[str, float]]] = []
    for _ in range(repeats):
        gc.collect()
        every.append(_time(functions, runs))
    timings = {name: Timing(name, statistics.median(t[name].median_us for t, _ in every), sum(t[name].runs for t, _ in every))
               for name in functions}
    ratios = {name: statistics.median(r[name] for _, r in every) for name in functions}
    spreads = {name: (min(r[name] for _, r in every), max(r[name] for _, r in every)) for name in functions}
    return timings, ratios, spreads


def measure_execution(ws: Any, real_client: Any, *, runs: int, repeats: int, document_runs: int, profile_runs: int,
                      top: int, target: float, log: Callable[[str], None]) -> Execution:
    from graphql import ExecutionResult, execute

    from tenantapi.api.context import Caller
    from tenantapi.auth.roles import ROLES
    from tenantapi.graphql.cache import core_schema_for, document_for, documents, parse_and_validate
    from tenantapi.graphql.connections import QueryKey
    from tenantapi.graphql.context import CoreContext
    from tenantapi.graphql.endpoint import PATH, _never_awaitable
    from tenantapi.graphql.errors import result_response
    from tenantapi.graphql.fast_execution import FastExecutionContext
    from tenantapi.graphql.limits import check_batch_sizes
    from tenantapi.records.service import RecordService
    from tenantapi.records.shape import shape_of
    from tenantapi.storage.dynamo import from_item

    schema = core_schema_for(ws.schema)
    query, selected = list_query(schema, "Person", "people", "company", "id name")
    caller = Caller(workspace_id=ws.id, key_id="bench-key", key_name="Bench key", role=ROLES["Admin"])
    store_class = _store_class()
    responses: dict[str, Any] = {}
    document = parse_and_validate(schema, query)

    def run(records: Any) -> ExecutionResult:
        context = CoreContext(caller=caller, ws=ws, records=records)
        result = execute(schema, document, context_value=context, operation_name="People", is_awaitable=_never_awaitable, execution_context_class=FastExecutionContext)
        assert isinstance(result, ExecutionResult)
        return result

    recorded = run(RecordService(store_class(_Recorder(real_client, responses))))
    if recorded.errors:
        raise AssertionError(f"the query failed: {recorded.errors}")
    service = RecordService(store_class(_Replay(responses)))

    def executed() -> ExecutionResult:
        return run(service)

    def request() -> bytes:
        # What CoreGraphQL.handle does once the caller and the workspace are known.
        doc = document_for(ws.schema, core_schema_for(ws.schema), query)
        check_batch_sizes(schema, doc, "People", None)
        context = CoreContext(caller=caller, ws=ws, records=service)
        result = execute(schema, doc, context_value=context, operation_name="People", is_awaitable=_never_awaitable, execution_context_class=FastExecutionContext)
        assert isinstance(result, ExecutionResult)
        return result_response(result, PATH).body

    body = {"data": recorded.data}
    # graphql-core alone: the root resolver hands back the connection it built on a first run (the
    # relation then finds its records already loaded for the page's group).
    people_field = schema.query_type.fields["people"]
    resolve_people = people_field.resolve
    kept: list[Any] = []
    people_field.resolve = lambda *a, **k: kept.append(resolve_people(*a, **k)) or kept[-1]
    try:
        executed()
        people_field.resolve = lambda *a, **k: kept[0]
        if executed().data != recorded.data:
            raise AssertionError("the execution over a prepared page differs")

        def prepared() -> ExecutionResult:
            return executed()

        floor_name = "executor alone (graphql-core + the engine's fast path): execute over the page already read"
        floor_timings, floor_ratios, floor_spreads = _repeated(
            {"json.dumps(body)": lambda: json.dumps(body), floor_name: prepared}, runs, repeats)
    finally:
        people_field.resolve = resolve_people
    log(f"    {floor_name}: median {floor_timings[floor_name].median_us:.0f} us, {floor_ratios[floor_name]:.2f}x json.dumps")

    if executed().data != recorded.data or json.loads(request()) != json.loads(json.dumps(body)):
        raise AssertionError("the replayed execution differs from the recorded one")
    edges = body["data"]["people"]["edges"]
    related = len({e["node"]["company"]["id"] for e in edges if e["node"]["company"]})
    # Two parts of the execution on their own: the conversion of every item it reads (the page's
    # Query and the relation's BatchGetItem), and the signing of the page's cursors.
    items = [item for key, response in responses.items() if key.startswith("query") for item in response.get("Items", [])]
    items += [item for key, response in responses.items() if key.startswith("batch_get_item")
              for table_items in response.get("Responses", {}).values() for item in table_items]
    people = ws.schema.active_object_by_plural("people")
    page = service.find_many(ws, people, limit=PAGE).records
    cursors = QueryKey(shape_of(ws.schema, people), None, None, ws.head.secret)
    if [cursors.cursor(r) for r in page] != [e["cursor"] for e in edges]:
        raise AssertionError("the cursors differ from the execution's")
    execute_name, request_name = "execute (storage replayed)", "warm request: cached document + execute + response body"
    timings, ratios, spreads = _repeated({
        "json.dumps(body)": lambda: json.dumps(body),
        "result_response(result).body (rendering)": lambda: result_response(recorded, PATH).body,
        "RecordService.find_many (the page, storage replayed)": lambda: service.find_many(ws, people, limit=PAGE),
        f"part: item conversion, `from_item` of the {len(items)} items read (page and relation)": lambda: [from_item(i) for i in items],
        f"part: cursors, `QueryKey.cursor` of the {len(page)} edges": lambda: [cursors.cursor(r) for r in page],
        execute_name: executed,
        request_name: request,
    }, runs, repeats)
    for name, timing in timings.items():
        low, high = spreads[name]
        log(f"    {name}: median {timing.median_us:.0f} us, {ratios[name]:.2f}x json.dumps ({low:.2f} to {high:.2f})")
    timings[floor_name], ratios[floor_name] = floor_timings[floor_name], floor_ratios[floor_name]
    spreads[floor_name] = floor_spreads[floor_name]

    cached_name, uncached_name = "document_for (cache hit)", "parse + validate (no cache)"
    document_for(ws.schema, schema, query)
    d_timings, d_ratios = _time({
        cached_name: lambda: document_for(ws.schema, schema, query),
        uncached_name: lambda: parse_and_validate(schema, query),
    }, document_runs)
    for name, timing in d_timings.items():
        log(f"    {name}: median {timing.median_us:.1f} us, {d_ratios[name]:.0f}x the cache hit")
    assert len(documents) >= 1
    timings.update(d_timings)
    ratios.update(d_ratios)

    profile = None
    if ratios[request_name] > target or ratios[execute_name] > target:
        profile = _profile(request, profile_runs, top)
    return Execution(
        query=query, timings=timings, ratios=ratios, spreads=spreads, repeats=repeats, body_bytes=len(json.dumps(body)),
        fields_per_record=selected,
        relation_records=related, execute_ratio=ratios[execute_name], request_ratio=ratios[request_name],
        document_ratio=ratios[uncached_name], field_values=_values(body["data"]), profile=profile,
    )

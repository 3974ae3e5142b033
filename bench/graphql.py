"""Measure the core GraphQL API in process: schema build, warm execution, document cache.

    python bench/graphql.py                 # one to two minutes: DynamoDB Local for one capture
    python bench/graphql.py --write-docs    # also rewrite the Core GraphQL figures of docs/PERFORMANCE.md

1. Cold build of the core schema of a standard workspace plus 10 custom objects of 20 fields,
   made in memory with the metadata planners (`build_core_schema` on a fresh WorkspaceSchema each
   run), and the warm hit of the schema cache (`core_schema_for` on the same schema); the same
   schema built as graphene classes (bench/_graphql/graphene_classes.py), timed in turns with
   `build_core_schema`, as a ratio to it.
2. Warm execution of `people(first: 60)` selecting the 20 fields of a person (the leaves of its
   composite fields) plus one MANY_TO_ONE relation (`company`), storage excluded: the requests
   are recorded once against DynamoDB Local and replayed from memory (bench/_rest/inprocess.py),
   as a ratio to `json.dumps` of the same response, measured --repeats times in the same process
   (medians, and the spread of the ratios); cProfile's top costs when the target is missed.
3. Parse + validate of that query (graphql-core's rules and the engine's limits) against the
   document cache's hit (`document_for`).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
# This file's name is the graphql-core package's: its folder goes last on the path, so that
# `import graphql` finds the package and the folder still provides _graphql and _rest.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent / "layers"))
sys.path.append(str(HERE))

from _docs import replace_section  # noqa: E402
from _graphql.build import Build, measure_build  # noqa: E402
from _graphql.execution import Execution, measure_execution  # noqa: E402
from _graphql.graphene_classes import GrapheneBuild, measure_graphene_build  # noqa: E402
from _graphql.workspace import large_schema  # noqa: E402
from _rest import data, stack  # noqa: E402
from _rest.inprocess import PAGE  # noqa: E402

DOC = HERE.parent / "docs" / "PERFORMANCE.md"
START, END = "<!-- graphql:start -->", "<!-- graphql:end -->"
BUILD_TARGET_MS = 50.0  # cold build of a standard workspace + 10 custom objects x 20 fields
HIT_TARGET_MS = 0.1  # schema cache hit
RATIO_TARGET = 3.0  # warm execution, at most this many json.dumps of its response
CUSTOM_OBJECTS, CUSTOM_FIELDS = 10, 20
COMPANIES = 20
LOAD_AT_START = os.getloadavg()[0]


def run(args: argparse.Namespace, log: Callable[[str], None]) -> tuple[Build, GrapheneBuild, Execution]:
    log(f"schema build: standard workspace + {CUSTOM_OBJECTS} custom objects x {CUSTOM_FIELDS} fields")
    workspace_schema = large_schema(CUSTOM_OBJECTS, CUSTOM_FIELDS)
    build = measure_build(workspace_schema, runs=args.build_runs, hit_runs=args.hit_runs, log=log)
    graphene_build = measure_graphene_build(workspace_schema, runs=args.graphene_runs, log=log)

    server = stack.start_dynamodb_local()
    log(f"DynamoDB Local started on {server.endpoint} (pid {server.pid})")
    try:
        stack.fake_aws_environment(server.endpoint)
        from tenantapi.records.service import RecordService
        from tenantapi.storage.dynamo import client, reset_client
        from tenantapi_tools.local.tables import create_tables

        reset_client()
        engine_client = client()
        create_tables(engine_client)
        ws = stack.make_workspace(f"graphql-bench-{uuid.uuid4().hex[:8]}")
        service = RecordService()
        people, company = ws.schema.active_object_by_plural("people"), ws.schema.active_object_by_plural("companies")
        companies = data.company_bodies(COMPANIES)
        stack.load(service, ws, company, companies)
        # People past the planted ones: spread over the companies (about 10% without one).
        stack.load(service, ws, people, data.person_bodies(PAGE, [c["id"] for c in companies], start=data.PLANTED))
        log(f"{COMPANIES} companies and {PAGE} people loaded; warm execution, storage replayed")
        execution = measure_execution(ws, engine_client, runs=args.in_process_runs, repeats=args.repeats,
                                      document_runs=args.document_runs, profile_runs=args.profile_runs, top=12,
                                      target=RATIO_TARGET, log=log)
    finally:
        server.stop()
        log("DynamoDB Local stopped")
    return build, graphene_build, execution


# -- figures -----------------------------------------------------------------------------------

def _state(value: float, target: float) -> str:
    return "met" if value <= target else f"missed by {value / target:.1f}x"


def render(build: Build, graphene: GrapheneBuild, ex: Execution) -> str:
    t = ex.timings
    lines = [
        f"Generated by `bench/graphql.py` on {time.strftime('%Y-%m-%d')}: {platform.machine()}, {os.cpu_count()} CPUs "
        f"(load average {LOAD_AT_START:.1f} at the start), Python {platform.python_version()}. Storage excluded "
        "throughout: the schema is built in memory, and the execution's DynamoDB responses, recorded once from "
        "DynamoDB Local, are replayed from memory (the store's request building and item conversion run).", "",
        "**Schema build**", "",
        f"A standard workspace plus {CUSTOM_OBJECTS} custom objects of {CUSTOM_FIELDS} fields (every field type in "
        f"turn, the last a MANY_TO_ONE to company): {build.objects} objects, {build.fields} field definitions, "
        f"{build.types} GraphQL types, {build.root_fields} root fields.", "",
        "| step | median | target | |", "|---|---|---|---|",
        f"| cold: `build_core_schema` on a fresh WorkspaceSchema ({build.cold_runs} runs, "
        f"{build.cold_spread[0]:.1f} to {build.cold_spread[1]:.1f} ms) | {build.cold_ms:.1f} ms | ≤ {BUILD_TARGET_MS:g} ms "
        f"| {_state(build.cold_ms, BUILD_TARGET_MS)} |",
        f"| warm: `core_schema_for`, cache hit ({build.hit_runs:,} runs) | {build.hit_us:.2f} µs | ≤ {HIT_TARGET_MS * 1000:g} µs "
        f"| {_state(build.hit_us / 1000, HIT_TARGET_MS)} |", "",
        f"The same schema as graphene classes: the workspace's {graphene.classes} types (object types, inputs and enums, "
        "`Query` and `Mutation`) made as `ObjectType`, `InputObjectType` and `Enum` subclasses with `type(...)` from "
        "the field lists of the engine's schema, then `graphene.Schema(...)`; the shared types made once, untimed, as "
        "the engine's are; the schema it makes prints as the engine's does (bench/_graphql/graphene_classes.py). "
        f"{graphene.runs} runs, each in turn with a `build_core_schema`:", "",
        "| step | median | x `build_core_schema` |", "|---|---|---|",
        f"| graphene classes + `graphene.Schema` ({graphene.spread[0]:.0f} to {graphene.spread[1]:.0f} ms) "
        f"| {graphene.median_ms:.0f} ms | {graphene.ratio:.1f} |", "",
        f"- **graphene classes**: {graphene.ratio:.1f}x `build_core_schema` for the same schema, "
        f"{graphene.median_ms / BUILD_TARGET_MS:.1f}x the cold build's target of {BUILD_TARGET_MS:g} ms: why the engine "
        "makes graphql-core's types directly, once per schemaVersion.", "",
        "**Warm execution** (storage excluded)", "",
        f"`people(first: {PAGE})` with `totalCount`, `pageInfo`, each edge's `cursor`, the {ex.fields_per_record} "
        f"fields of a person besides `id` (every leaf of the composite ones) and `company {{ id name }}` (MANY_TO_ONE, "
        f"{ex.relation_records} distinct companies, one BatchGetItem): {ex.body_bytes / 1024:.0f} KB of JSON. "
        f"{t[next(iter(t))].runs // ex.repeats} runs of each step in 10 rounds (each round runs every step in turn, a "
        f"block of runs each), repeated {ex.repeats} times in the same process; a step's ratio is the median of its "
        "rounds' ratios to json.dumps, the table gives the median repeat and the lowest and highest.", "",
        "| step | median µs | x json.dumps | repeats |", "|---|---|---|---|",
    ]
    names = list(t)
    for name in names[:-2]:
        low, high = ex.spreads[name]
        lines.append(f"| {name} | {t[name].median_us:,.0f} | {ex.ratios[name]:.1f} | {low:.1f} to {high:.1f} |")
    lines += [
        "",
        f"- **Target ≤ {RATIO_TARGET:g}x json.dumps, warm request**: {ex.request_ratio:.1f}x: {_state(ex.request_ratio, RATIO_TARGET)}.",
        f"- **Execution alone**: {ex.execute_ratio:.1f}x: {_state(ex.execute_ratio, RATIO_TARGET)}.",
    ]
    floor = next(name for name in names if name.startswith("executor alone"))
    lines.append(
        f"- **Executor alone** (the root resolver returning the page it read on a first run; plain fields read, and "
        f"edges, nodes and the MANY_TO_ONE relation entered, by the fast path of graphql/fast_execution.py): "
        f"{ex.ratios[floor]:.1f}x json.dumps for the "
        f"{PAGE} x {ex.fields_per_record + 1} fields and their leaves ({ex.field_values:,} field values), "
        f"{min(100, 100 * ex.ratios[floor] / ex.request_ratio):.0f}% of the warm request: "
        f"{'over the target on its own' if ex.ratios[floor] > RATIO_TARGET else 'within the target; the rest is reading and converting the page'}."
    )
    if ex.profile:
        p = ex.profile
        lines += ["", f"Where the time of the warm request goes (cProfile, {p.total_ms:.1f} ms per run under the "
                  "profiler, which inflates call-heavy code: shares are indicative):", "",
                  "| step (cumulative) | % |", "|---|---|"]
        lines += [f"| {label} | {share:.0f} |" for label, share in p.steps]
        lines += ["", "Functions with the most own time:", "", "| function | own % | cumulative % |", "|---|---|---|"]
        lines += [f"| {name} | {own:.1f} | {cum:.1f} |" for name, own, cum in p.rows]
    cached, uncached = names[-2], names[-1]
    lines += [
        "", "**Document cache**", "",
        f"The same query ({len(ex.query):,} characters), {t[cached].runs} runs each:", "",
        "| step | median µs | x cache hit |", "|---|---|---|",
        f"| {cached} | {t[cached].median_us:,.1f} | 1 |",
        f"| {uncached} | {t[uncached].median_us:,.0f} | {ex.document_ratio:,.0f} |",
        "",
        f"- **The document cache** saves {ex.document_ratio:,.0f}x: parse + validate would cost "
        f"{t[uncached].median_us / t['json.dumps(body)'].median_us:.1f}x json.dumps of the response on every request.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-runs", type=int, default=15, help="cold schema builds (median; default 15)")
    parser.add_argument("--hit-runs", type=int, default=10_000, help="schema cache hits (median; default 10000)")
    parser.add_argument("--graphene-runs", type=int, default=9, help="builds as graphene classes (median; default 9)")
    parser.add_argument("--in-process-runs", type=int, default=300, help="runs of each execution step (default 300)")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of the execution timings (default 3)")
    parser.add_argument("--document-runs", type=int, default=300, help="runs of parse + validate and of the cache hit")
    parser.add_argument("--profile-runs", type=int, default=100, help="runs under cProfile when the target is missed")
    parser.add_argument("--write-docs", nargs="?", const=str(DOC), metavar="PATH",
                        help=f"rewrite the Core GraphQL figures of PATH (default {DOC.relative_to(HERE.parent)})")
    args = parser.parse_args(argv)
    log = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    build, graphene_build, execution = run(args, log)
    figures = render(build, graphene_build, execution)
    print(figures)
    if args.write_docs:
        replace_section(Path(args.write_docs), START, END, figures)
        log(f"figures written to {args.write_docs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

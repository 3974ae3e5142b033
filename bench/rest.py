"""Measure the core REST API: DynamoDB cost per operation at two sizes, and in-process time.

    python bench/rest.py                 # starts DynamoDB Local, 1,000 then 10,000 people
    python bench/rest.py --write-docs    # also rewrite the Core REST figures of docs/PERFORMANCE.md

1. DynamoDB requests and consumed capacity of each core REST operation, through RecordService
   (the path api/core_rest.py takes; REST strings parsed with the REST parsers), counted with
   botocore event hooks on the engine's own client, at 1,000 and at 10,000 people of a standard
   workspace (20 fields each) spread over 200 companies. Wall times are DynamoDB Local's on this
   machine, not service latencies.
2. In-process time of a warm list of 60 people, storage excluded, as a ratio to `json.dumps` of
   the same response body: the engine alone, then the whole Lambda handler (bench/_rest/inprocess.py).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "layers"))

from _docs import replace_section  # noqa: E402
from _rest import data, stack  # noqa: E402
from _rest.handler import load_core_handler  # noqa: E402
from _rest.inprocess import InProcess, measure_in_process  # noqa: E402
from _rest.meter import Meter  # noqa: E402
from _rest.operations import OPERATIONS, PAGE, Result, run_operations  # noqa: E402

DOC = HERE.parent / "docs" / "PERFORMANCE.md"
START, END = "<!-- rest:start -->", "<!-- rest:end -->"
RATIO_TARGET = 3.0  # in-process time of a warm list, at most this many json.dumps of its body
LOAD_AT_START = os.getloadavg()[0]  # other work on the machine skews the wall times


# -- running -----------------------------------------------------------------------------------

def index_projections(client: Any, table: str) -> dict[str, tuple[str, str]]:
    """Index name -> (sort key attribute, projection type), as the records table was created."""
    description = client.describe_table(TableName=table)["Table"]
    out = {}
    for index in description.get("LocalSecondaryIndexes", []) + description.get("GlobalSecondaryIndexes", []):
        sort_key = next(k["AttributeName"] for k in index["KeySchema"] if k["KeyType"] == "RANGE")
        out[index["IndexName"]] = (sort_key, index["Projection"]["ProjectionType"])
    return out


def _size(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def run(sizes: list[int], runs: int, in_process_runs: int, profile_runs: int, companies: int,
        log: Callable[[str], None], say: Callable[[str], None]) -> tuple[dict[int, dict[str, Result]], InProcess]:
    server = stack.start_dynamodb_local()
    log(f"DynamoDB Local started on {server.endpoint} (pid {server.pid})")
    try:
        stack.fake_aws_environment(server.endpoint)
        from tenantapi.config import settings
        from tenantapi.records.service import RecordService
        from tenantapi.storage.dynamo import client, reset_client
        from tenantapi.storage.record_store import partition_key
        from tenantapi_tools.local.tables import create_tables

        reset_client()
        engine_client = client()
        create_tables(engine_client)
        meter = Meter(engine_client, index_projections(engine_client, settings().records_table))
        ws = stack.make_workspace(f"rest-bench-{uuid.uuid4().hex[:8]}")
        service = RecordService()
        people, company = ws.schema.active_object_by_plural("people"), ws.schema.active_object_by_plural("companies")
        handler = load_core_handler()

        started = time.perf_counter()
        company_bodies = data.company_bodies(companies)
        stack.load(service, ws, company, company_bodies)
        company_ids = [c["id"] for c in company_bodies]
        log(f"{companies} companies loaded in {time.perf_counter() - started:.0f}s")

        people_pk = partition_key(ws.id, people.id)
        person_ids: list[str] = []
        results: dict[int, dict[str, Result]] = {}
        in_process: InProcess | None = None
        for size in sizes:
            started = time.perf_counter()
            missing = size - service.store.count(people_pk)
            bodies = list(data.person_bodies(missing, company_ids, start=len(person_ids)))
            stack.load(service, ws, people, bodies, progress=lambda n: log(f"  {n}/{missing} people loaded"))
            person_ids += [b["id"] for b in bodies]
            log(f"{size} people ({missing} loaded in {time.perf_counter() - started:.0f}s); measuring")

            def report(name: str, result: Result, size: int = size) -> None:
                say(f"{_size(size)} | {name} | {result.stats.calls_text()} | {result.stats.units_text()} "
                    f"| {result.stats.items_read} items | {result.median_ms:.1f} ms | {result.outcome}")

            results[size] = run_operations(service, ws, meter, handler, size=size, runs=runs,
                                           person_ids=person_ids, company_ids=company_ids, report=report)
            if in_process is None:
                log(f"in-process: warm list of {PAGE} people, storage excluded")
                in_process = measure_in_process(ws, engine_client, handler, runs=in_process_runs,
                                                profile_runs=profile_runs, top=12, target=RATIO_TARGET, log=log)
                say(f"in-process | engine {in_process.engine_ratio:.1f}x json.dumps | handler "
                    f"{in_process.handler_ratio:.1f}x json.dumps")
        assert in_process is not None
        return results, in_process
    finally:
        server.stop()
        log("DynamoDB Local stopped")


# -- figures -----------------------------------------------------------------------------------

def _pair(values: list[str]) -> str:
    return values[0] if len(set(values)) == 1 else " / ".join(values)


def _call_diff(more: Counter, less: Counter) -> str:
    diff = more - less
    return " + ".join(f"{n} {op}" for op, n in diff.items()) or "nothing"


def verdict(name: str, per: list[Result]) -> str:
    target = OPERATIONS[name]
    calls = [r.stats.calls_text() for r in per]
    units = [r.stats.units_text() for r in per]
    if target.kind == "constant":
        same_calls, same_units = len(set(calls)) == 1, len(set(units)) == 1
        return "met" if same_calls and same_units else "missed: " + ", ".join(
            what for what, same in (("calls", same_calls), ("units", same_units)) if not same) + " differ"
    if target.kind == "calls":
        return f"met: same calls; {target.why}" if len(set(calls)) == 1 else "missed: calls differ"
    if target.kind == "grows":
        count = per[-1].stats.call_count
        return f"missed, by design: {count} calls for {PAGE} parents ({target.why})"
    last = per[-1].outcome
    return "400 past the read budget, as designed" if last.startswith("400") else "answered within the read budget"


def cost_table(results: dict[int, dict[str, Result]]) -> list[str]:
    sizes = sorted(results)
    head = " / ".join(_size(s) for s in sizes)
    lines = [f"| operation | DynamoDB calls | capacity | items read | median ms ({head}) | outcome ({_size(sizes[-1])}) | target |",
             "|---|---|---|---|---|---|---|"]
    for name in OPERATIONS:
        per = [results[s][name] for s in sizes]
        lines.append(
            f"| {name} | {_pair([r.stats.calls_text() for r in per])} | {_pair([r.stats.units_text() for r in per])} "
            f"| {_pair([str(r.stats.items_read) for r in per])} | {' / '.join(f'{r.median_ms:.1f}' for r in per)} "
            f"| {per[-1].outcome} | {verdict(name, per)} |")
    return lines


def cost_summary(results: dict[int, dict[str, Result]]) -> list[str]:
    sizes = sorted(results)
    big = results[sizes[-1]]
    names = list(OPERATIONS)
    constant = [n for n in names if OPERATIONS[n].kind == "constant"]
    kept = [n for n in constant if verdict(n, [results[s][n] for s in sizes]) == "met"]
    listing = big[names[1]].stats.calls
    many_to_one = big[names[7]].stats.calls
    one_to_many = big[names[8]].stats
    per_parent = (one_to_many.calls.get("Query", 0) - listing.get("Query", 0)) / PAGE
    handler = big[names[13]].stats.calls
    sizes_text = " and ".join(_size(s) for s in sizes)
    return [
        f"- **Same cost at {sizes_text}**: {len(kept)} of the {len(constant)} operations served by a key or an index "
        f"({'met' if len(kept) == len(constant) else 'missed: ' + ', '.join(n for n in constant if n not in kept)}).",
        f"- **depth=1 MANY_TO_ONE** adds {_call_diff(many_to_one, listing)} to the page (constant: one request per "
        "target object for up to 100 distinct parents): met.",
        f"- **depth=1 ONE_TO_MANY**: {one_to_many.calls_text()} for a page of {PAGE} companies, {per_parent:g} Query "
        "per parent (missed, by design: DynamoDB has no multi-range query, so the children of 60 parents are 60 key "
        "ranges; the reads run 8 at a time).",
        f"- **The Lambda handler** adds {_call_diff(handler, listing)} per request to RecordService's calls "
        "(what `api/context.py` and the app's middleware read or write: the workspace head, the schema being cached "
        "per version).",
    ]


def in_process_lines(result: InProcess) -> list[str]:
    t = result.timings
    runs = next(iter(t.values())).runs
    lines = [f"Warm `GET /rest/people?limit={PAGE}`: {PAGE} records x {result.fields_per_record} fields + id, "
             f"{result.body_bytes / 1024:.0f} KB of JSON; {runs} runs of each step in 10 rounds (each round runs "
             "every step in turn, a block of runs each), storage excluded; medians, and the ratio is the median of "
             "the rounds' ratios to json.dumps.", "",
             "| step | median µs | x json.dumps |", "|---|---|---|"]
    for timing in t.values():
        lines.append(f"| {timing.name} | {timing.median_us:,.0f} | {result.ratios[timing.name]:.1f} |")
    lines.append("")
    for level, ratio in (("engine", result.engine_ratio), ("handler", result.handler_ratio)):
        state = "met" if ratio <= RATIO_TARGET else f"missed by {ratio / RATIO_TARGET:.1f}x"
        lines.append(f"- **Target ≤ {RATIO_TARGET:g}x json.dumps, {level}**: {ratio:.1f}x: {state}.")
    lines.append(f"- **With a direct item conversion** (estimate: the engine's time with the sketch's conversion "
                 f"time instead of `from_item`'s): {result.direct_ratio:.1f}x.")
    if result.profiles:
        levels = list(result.profiles)
        lines += ["", "Where the time goes (cProfile, "
                  + ", ".join(f"{level} {p.total_ms:.1f} ms per run under the profiler" for level, p in result.profiles.items())
                  + "; the profiler inflates call-heavy code, so shares are indicative):", "",
                  "| step (cumulative) | " + " | ".join(f"{level} %" for level in levels) + " |",
                  "|---|" + "---|" * len(levels)]
        labels = list(dict.fromkeys(label for p in result.profiles.values() for label, _ in p.steps))
        for label in labels:
            shares = [dict(result.profiles[level].steps).get(label) for level in levels]
            lines.append(f"| {label} | " + " | ".join("-" if v is None else f"{v:.0f}" for v in shares) + " |")
        level = levels[-1]
        lines += ["", f"Functions with the most own time ({level}):", "",
                  "| function | own % | cumulative % |", "|---|---|---|"]
        lines += [f"| {name} | {own:.1f} | {cumulative:.1f} |" for name, own, cumulative in result.profiles[level].rows]
    return lines


def render(results: dict[int, dict[str, Result]], in_process: InProcess, runs: int, companies: int) -> str:
    sizes = sorted(results)
    lines = [f"Generated by `bench/rest.py` on {time.strftime('%Y-%m-%d')}: DynamoDB Local (in memory) on "
             f"{platform.machine()}, {os.cpu_count()} CPUs (load average {LOAD_AT_START:.1f} at the start), "
             f"Python {platform.python_version()}. "
             f"{' then '.join(f'{s:,}' for s in sizes)} people (20 fields + id) over {companies} companies; "
             f"one company has {data.BIG_COMPANY_PEOPLE} people, {data.PLANTED_NAME_COUNT} people are named "
             f"{data.PLANTED_FIRST_NAME}, {data.RARE_CITY_COUNT} live in {data.RARE_CITY}. Median of {runs} runs; "
             "requests and units of one more run, after a warm-up run. Capacity is DynamoDB Local's ConsumedCapacity (TOTAL), except "
             "WCU* (TransactWriteItems), computed with DynamoDB's rules. Items read: index entries or items a "
             "Query went through (filtered-out ones included), items a GetItem or BatchGetItem returned.", ""]
    lines += cost_table(results)
    lines += [""] + cost_summary(results)
    lines += ["", "**In-process time** (storage excluded)", ""] + in_process_lines(in_process)
    return "\n".join(lines) + "\n"


# -- main --------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="people in the object, ascending (default 1000,10000)")
    parser.add_argument("--runs", type=int, default=7, help="runs per DynamoDB operation, at least 2 (median; default 7)")
    parser.add_argument("--in-process-runs", type=int, default=300, help="runs of the in-process timings (default 300)")
    parser.add_argument("--profile-runs", type=int, default=200, help="runs under cProfile when a target is missed")
    parser.add_argument("--companies", type=int, default=200, help="companies the people are spread over (default 200)")
    parser.add_argument("--write-docs", nargs="?", const=str(DOC), metavar="PATH",
                        help=f"rewrite the Core REST figures of PATH (default {DOC.relative_to(HERE.parent)})")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if args.runs < 2:
        parser.error("--runs must be at least 2")
    if sizes[0] <= data.PLANTED:
        parser.error(f"the smallest size must exceed the {data.PLANTED} people holding the planted values")
    if any(b - a <= (args.runs + 2) * PAGE for a, b in zip(sizes, sizes[1:])):
        parser.error(f"sizes must be more than {(args.runs + 2) * PAGE} apart: each size's batch creates add people")
    if args.companies <= PAGE:
        parser.error(f"--companies must exceed {PAGE} (a depth=1 page of companies)")
    log = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    say = lambda line: print(line, flush=True)  # noqa: E731

    results, in_process = run(sizes, args.runs, args.in_process_runs, args.profile_runs, args.companies, log, say)
    figures = render(results, in_process, args.runs, args.companies)
    print(figures)
    if args.write_docs:
        replace_section(Path(args.write_docs), START, END, figures)
        log(f"figures written to {args.write_docs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

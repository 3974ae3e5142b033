"""Measure the cold start of each Lambda function: import of its app module, then its first request.

    python bench/cold_start.py                # a minute or two: DynamoDB Local, fresh processes
    python bench/cold_start.py --write-docs   # also rewrite the Cold start figures of docs/PERFORMANCE.md

Every run is a fresh Python process (one `python -c` per run) that does what the Lambda runtime does
on a cold start: it puts the function's folder and the engine layer on sys.path, imports
functions/<name>/app.py from its path (the handler module) and calls `handler` once with an event
from events/ (the workspace id, key and secret of a workspace made on DynamoDB Local substituted,
as tests/functional/events_support.py does), then a second time for the warm figure. The times are
measured inside the process: the interpreter's own start (identical for every function) is left out.

Besides the three functions, a variant of the core function is measured: the same Starlette app
(rate limit middleware, exception handlers, Mangum, instrumentation) with the REST routes only,
i.e. what the core function would cost at a REST cold start if its /graphql route were imported on
its first GraphQL request. A `python -X importtime` run of the core function gives the breakdown by
module, and the core process reports which GraphQL-only modules are in sys.modules after its REST
request.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
LAYER = ROOT / "layers"
FUNCTIONS = ROOT / "functions"
EVENTS = ROOT / "events"
DOC = ROOT / "docs" / "PERFORMANCE.md"
START, END = "<!-- coldstart:start -->", "<!-- coldstart:end -->"
# bench/graphql.py would shadow graphql-core: this folder leaves the path, the layer goes first.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(LAYER))
sys.path.append(str(Path(__file__).resolve().parent))  # after graphql-core: for the _docs helper

from _docs import replace_section  # noqa: E402

EXAMPLE_WORKSPACE_ID = "7f0b5c1e-3a52-4a8e-9d77-2f1c0e4b8a10"
EXAMPLE_KEY_ID = "c2d4e6f8-1a3b-4c5d-8e7f-9a0b1c2d3e4f"
EXAMPLE_USAGE_KEY = "EXAMPLEusageKey-0123456789abcdefghijklmnopqr"
EXAMPLE_SECRET = "tak_EXAMPLEsecret-0123456789abcdefghijklmnopqrs"
EXAMPLE_KEY_NAME = "Local invoke"

# Modules a REST request has no use for.
GRAPHQL_ONLY = ("graphene", "graphql", "tenantapi.graphql", "tenantapi.api.metadata_graphql")
LOAD_AT_START = os.getloadavg()[0]

# What the REST-only variant of the core function imports in place of functions/core_api/app.py.
CORE_REST_ONLY_APP = '''
from mangum import Mangum
from starlette.applications import Starlette
from starlette.middleware import Middleware

from tenantapi.api.core_rest import core_rest_routes
from tenantapi.api.http import exception_handlers
from tenantapi.limits.middleware import RateLimitMiddleware
from tenantapi.observability import instrumented

handler = instrumented(Mangum(Starlette(routes=core_rest_routes(), exception_handlers=exception_handlers,
                                        middleware=[Middleware(RateLimitMiddleware)]), lifespan="off"))
'''

# The process of one run. argv: function folder, app file (or "-" for the REST-only core app),
# event file. Prints one line: RESULT <json>.
CHILD = r'''
import time
t0 = time.perf_counter()
import importlib.util, json, sys, uuid
folder, app_file, event_file, layer, rest_only_app = sys.argv[1:6]
sys.path[:0] = [folder, layer]
event = json.load(open(event_file))

class Context:
    function_name = "tenantapi-bench"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:tenantapi-bench"
    memory_limit_in_mb = "1024"
    aws_request_id = str(uuid.uuid4())
    log_group_name = "/aws/lambda/tenantapi-bench"
    log_stream_name = "2025/11/27/[$LATEST]0123456789abcdef0123456789abcdef"
    def get_remaining_time_in_millis(self):
        return 30000

t1 = time.perf_counter()
if app_file == "-":
    namespace = {"__name__": "app"}
    exec(compile(rest_only_app, "app.py", "exec"), namespace)
    handler = namespace["handler"]
else:
    spec = importlib.util.spec_from_file_location("app", app_file)
    module = importlib.util.module_from_spec(spec)
    sys.modules["app"] = module
    spec.loader.exec_module(module)
    handler = module.handler
t2 = time.perf_counter()
first = handler(json.loads(json.dumps(event)), Context())
t3 = time.perf_counter()
second = handler(json.loads(json.dumps(event)), Context())
t4 = time.perf_counter()

def outcome(result):
    if isinstance(result, dict) and "statusCode" in result:
        return result["statusCode"]
    if isinstance(result, dict) and "policyDocument" in result:
        return result["policyDocument"]["Statement"][0]["Effect"]
    return repr(result)[:80]

loaded = {name: any(m == name or m.startswith(name + ".") for m in sys.modules) for name in json.loads(sys.argv[6])}
print("RESULT " + json.dumps({
    "bootstrap_ms": (t1 - t0) * 1000, "import_ms": (t2 - t1) * 1000, "first_ms": (t3 - t2) * 1000,
    "warm_ms": (t4 - t3) * 1000, "first": outcome(first), "second": outcome(second),
    "modules": len(sys.modules), "loaded": loaded,
}), flush=True)
'''


# A fresh process's first DynamoDB client (boto3 already imported): what every function's first
# request pays before its first DynamoDB call.
CLIENT_CHILD = r'''
import time, boto3
t0 = time.perf_counter()
boto3.client("dynamodb", region_name="us-east-1")
print("RESULT %f" % ((time.perf_counter() - t0) * 1000))
'''


def client_creation_ms(runs: int) -> float:
    times = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", CLIENT_CHILD], capture_output=True, text=True, timeout=60, check=True)
        times.append(float(done.stdout.split("RESULT ")[1]))
    return statistics.median(times)


class Target:
    def __init__(self, label: str, function: str, app: str, event: str, request: str) -> None:
        self.label, self.function, self.app, self.event, self.request = label, function, app, event, request


TARGETS = [
    Target("authorizer", "authorizer", "app.py", "authorizer.json", "TOKEN event"),
    Target("core_api", "core_api", "app.py", "core.json", "GET /rest/people"),
    Target("core_api, REST routes only (variant)", "core_api", "-", "core.json", "GET /rest/people"),
    Target("metadata_api", "metadata_api", "app.py", "metadata.json", "GET /rest/metadata/objects"),
]


# -- the stack and the events ------------------------------------------------------------------

def fake_aws_environment(endpoint: str) -> None:
    """Before any boto3 client is made: never sign a request for a real account."""
    os.environ.update(
        AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local", AWS_SESSION_TOKEN="local",
        AWS_DEFAULT_REGION="us-east-1", AWS_REGION="us-east-1", AWS_ENDPOINT_URL_DYNAMODB=endpoint,
        POWERTOOLS_METRICS_NAMESPACE="tenantapi", POWERTOOLS_SERVICE_NAME="tenantapi",
    )
    os.environ.pop("AWS_PROFILE", None)


def substitute(value: Any, replacements: dict[str, str]) -> Any:
    if isinstance(value, str):
        for old, new in replacements.items():
            value = value.replace(old, new)
        return value
    if isinstance(value, dict):
        return {key: substitute(item, replacements) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, replacements) for item in value]
    return value


def write_events(folder: Path) -> None:
    """A workspace and an Admin key on the current DynamoDB; the events for them in `folder`."""
    from tenantapi.auth.keys import KeyStore
    from tenantapi.workspaces import create_workspace

    head = create_workspace(f"cold-start-{uuid.uuid4().hex[:8]}")
    key, secret = KeyStore().create(head.id, role="Admin", name="bench", usage_key=head.usage_key)
    replacements = {EXAMPLE_WORKSPACE_ID: head.id, EXAMPLE_KEY_ID: key.id, EXAMPLE_USAGE_KEY: head.usage_key,
                    EXAMPLE_SECRET: secret, EXAMPLE_KEY_NAME: "bench"}

    def load(name: str) -> Any:
        return substitute(json.loads((EVENTS / name).read_text()), replacements)

    authorizer = load("authorizer_token.json")
    authorizer["methodArn"] = authorizer["methodArn"].replace("/rest/companies", "/rest/people")
    # GET /rest/companies?limit=2 made GET /rest/people (the default page).
    core = load("core_list_companies.json")
    core = substitute(core, {"/rest/companies": "/rest/people"})
    core["pathParameters"] = {"proxy": "people"}
    core["queryStringParameters"] = core["multiValueQueryStringParameters"] = None
    metadata = load("metadata_list_objects.json")
    for name, event in (("authorizer.json", authorizer), ("core.json", core), ("metadata.json", metadata)):
        (folder / name).write_text(json.dumps(event))


# -- the runs ----------------------------------------------------------------------------------

def run_once(target: Target, events: Path, importtime: bool = False) -> tuple[dict[str, Any], str]:
    folder = FUNCTIONS / target.function
    app = target.app if target.app == "-" else str(folder / target.app)
    command = [sys.executable, *(["-X", "importtime"] if importtime else []), "-c", CHILD,
               str(folder), app, str(events / target.event), str(LAYER), CORE_REST_ONLY_APP, json.dumps(GRAPHQL_ONLY)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=folder, timeout=120)
    line = next((l for l in done.stdout.splitlines() if l.startswith("RESULT ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"{target.label}: run failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return json.loads(line[len("RESULT "):]), done.stderr


class Figures:
    def __init__(self, target: Target, runs: list[dict[str, Any]]) -> None:
        self.target, self.runs = target, runs
        self.import_ms = statistics.median(r["import_ms"] for r in runs)
        self.first_ms = statistics.median(r["first_ms"] for r in runs)
        self.init_ms = statistics.median(r["import_ms"] + r["first_ms"] for r in runs)
        self.warm_ms = statistics.median(r["warm_ms"] for r in runs)
        self.spread = (min(r["import_ms"] + r["first_ms"] for r in runs), max(r["import_ms"] + r["first_ms"] for r in runs))
        self.outcomes = sorted({f"{r['first']}/{r['second']}" for r in runs})
        self.modules = runs[0]["modules"]
        self.loaded = runs[0]["loaded"]


IMPORTTIME = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


def parse_importtime(stderr: str) -> list[tuple[str, int, int, int]]:
    """(module, self µs, cumulative µs, depth) per line of -X importtime."""
    rows = []
    for line in stderr.splitlines():
        match = IMPORTTIME.match(line)
        if match:
            rows.append((match.group(4), int(match.group(1)), int(match.group(2)), (len(match.group(3)) - 1) // 2))
    return rows


class Breakdown:
    """Median over a few -X importtime runs of the core function."""

    def __init__(self, captures: list[list[tuple[str, int, int, int]]]) -> None:
        self.runs = len(captures)
        cumulative: dict[str, list[int]] = {}
        own: dict[str, list[int]] = {}
        self.depth: dict[str, int] = {}
        self.parent: dict[str, str] = {}
        for rows in captures:
            stack: list[tuple[int, str]] = []
            for name, self_us, cum_us, depth in reversed(rows):  # parents come after children
                while stack and stack[-1][0] >= depth:
                    stack.pop()
                if stack:
                    self.parent.setdefault(name, stack[-1][1])
                stack.append((depth, name))
                cumulative.setdefault(name, []).append(cum_us)
                own.setdefault(name, []).append(self_us)
                self.depth.setdefault(name, depth)
        self.cumulative_ms = {n: statistics.median(v) / 1000 for n, v in cumulative.items()}
        self.own_ms = {n: statistics.median(v) / 1000 for n, v in own.items()}
        self.total_ms = sum(ms for n, ms in self.cumulative_ms.items() if self.depth[n] == 0)

    def top(self, count: int) -> list[str]:
        return sorted(self.cumulative_ms, key=self.cumulative_ms.get, reverse=True)[:count]

    def by_package(self) -> list[tuple[str, float]]:
        totals: dict[str, float] = {}
        for name, ms in self.own_ms.items():
            root = name.split(".")[0]
            if name.startswith("tenantapi.graphql") or name.startswith("tenantapi.api.metadata_graphql"):
                root = ".".join(name.split(".")[:2 if name.startswith("tenantapi.graphql") else 3])
            totals[root] = totals.get(root, 0.0) + ms
        return sorted(totals.items(), key=lambda item: item[1], reverse=True)

    def own_of(self, prefixes: tuple[str, ...]) -> float:
        return sum(ms for n, ms in self.own_ms.items() if any(n == p or n.startswith(p + ".") for p in prefixes))


def run(args: argparse.Namespace, log: Callable[[str], None]) -> tuple[list[Figures], Breakdown, float]:
    from tenantapi_tools.local.dynamodb_local import DynamoDBLocal, free_port

    server = DynamoDBLocal(port=free_port()).start()
    log(f"DynamoDB Local started on {server.endpoint} (pid {server.pid})")
    try:
        fake_aws_environment(server.endpoint)
        from tenantapi.storage.dynamo import reset_client
        from tenantapi_tools.local.tables import create_tables

        reset_client()
        create_tables()
        with tempfile.TemporaryDirectory(prefix="cold-start-") as tmp:
            events = Path(tmp)
            write_events(events)
            for target in TARGETS:  # one unmeasured run each: bytecode caches written, files in the page cache
                run_once(target, events)
            results: dict[str, list[dict[str, Any]]] = {t.label: [] for t in TARGETS}
            for round_ in range(args.runs):  # interleaved, so that a burst of load hits every function alike
                for target in TARGETS:
                    results[target.label].append(run_once(target, events)[0])
                log(f"round {round_ + 1}/{args.runs} done")
            core = next(t for t in TARGETS if t.label == "core_api")
            captures = [parse_importtime(run_once(core, events, importtime=True)[1]) for _ in range(args.importtime_runs)]
            log(f"{args.importtime_runs} -X importtime runs of core_api done")
            client_ms = client_creation_ms(args.runs)
    finally:
        pid = server.pid
        server.stop()
        log(f"DynamoDB Local stopped (pid {pid})")
    return [Figures(t, results[t.label]) for t in TARGETS], Breakdown(captures), client_ms


# -- figures -----------------------------------------------------------------------------------

def render(figures: list[Figures], breakdown: Breakdown, client_ms: float, runs: int, top: int) -> str:
    by = {f.target.label: f for f in figures}
    core, rest_only = by["core_api"], by["core_api, REST routes only (variant)"]
    lines = [
        f"Generated by `bench/cold_start.py` on {time.strftime('%Y-%m-%d')}: {platform.machine()}, {os.cpu_count()} CPUs "
        f"(load average {LOAD_AT_START:.1f} at the start), Python {platform.python_version()}. Each run is a fresh "
        "process: path-import of functions/<name>/app.py (its folder and the layer on sys.path), then its first "
        "request, then a second one (warm). DynamoDB Local in memory; bytecode already compiled and files in the "
        f"page cache (one unmeasured run first). Medians of {runs} runs; interpreter start-up excluded.", "",
        "| function | first request | import ms | first request ms | init ms (import + first) | init range ms | warm request ms | modules loaded | result |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        lines.append(
            f"| {f.target.label} | {f.target.request} | {f.import_ms:.0f} | {f.first_ms:.0f} | **{f.init_ms:.0f}** "
            f"| {f.spread[0]:.0f} to {f.spread[1]:.0f} | {f.warm_ms:.1f} | {f.modules:,} | {', '.join(f.outcomes)} |"
        )
    lines += [
        "",
        f"Of each first request, about {client_ms:.0f} ms is the process's first boto3 DynamoDB client "
        f"(`boto3.client(\"dynamodb\")` in a fresh process with boto3 imported, median of {runs}): the service "
        "model and endpoint rules are loaded on the first client, not at import.",
    ]
    lines += [
        "",
        f"**Core function: top modules by cumulative import time** (`python -X importtime`, median of "
        f"{breakdown.runs} runs; importtime's own overhead inflates the figures, {breakdown.total_ms:.0f} ms in all). "
        "A module's cumulative time includes every module it imported first, REST's needs included "
        "(`tenantapi.graphql.limits` is where `tenantapi.records.service` happens to be imported first): the "
        "GraphQL-only share is below.", "",
        "| module | imported first by | cumulative ms | own ms |", "|---|---|---|---|",
    ]
    for name in breakdown.top(top):
        lines.append(f"| `{name}` | {('`' + breakdown.parent[name] + '`') if name in breakdown.parent else 'app.py'} "
                     f"| {breakdown.cumulative_ms[name]:.1f} | {breakdown.own_ms[name]:.1f} |")
    lines += ["", "Own import time by package (the sum of every module's own time, same runs):", "",
              "| package | own ms | % |", "|---|---|---|"]
    for package, ms in breakdown.by_package()[:12]:
        lines.append(f"| `{package}` | {ms:.1f} | {100 * ms / breakdown.total_ms:.0f} |")
    loaded = core.loaded
    graphql_own = breakdown.own_of(("graphql", "graphene", "tenantapi.graphql", "tenantapi.api.metadata_graphql",
                                    "tenantapi.api.core_graphql", "tenantapi.api.graphql_http", "tenantapi.api.graphql_limits"))
    saved = core.init_ms - rest_only.init_ms
    lines += [
        "",
        "**GraphQL modules on the REST path**: in the core process, after the app's import and one REST request:", "",
        "| module | in sys.modules |", "|---|---|",
        *[f"| `{name}` | {'yes' if loaded[name] else 'no'} |" for name in GRAPHQL_ONLY],
        "",
        f"- The GraphQL-only modules (graphql-core, graphene, `tenantapi.graphql`, `tenantapi.api.metadata_graphql`, "
        f"the core app's GraphQL route modules) account for {graphql_own:.0f} ms of own import time under importtime "
        f"({100 * graphql_own / breakdown.total_ms:.0f}% of it).",
        f"- The REST-routes-only variant (same app without `core_graphql_routes`) loads "
        f"{rest_only.modules:,} modules instead of {core.modules:,} "
        f"(graphql-core {'still' if rest_only.loaded['graphql'] else 'not'} imported, "
        f"`tenantapi.graphql` {'still' if rest_only.loaded['tenantapi.graphql'] else 'not'} imported) and inits in "
        f"{rest_only.init_ms:.0f} ms instead of {core.init_ms:.0f} ms: importing the /graphql route on its first "
        f"request would take {saved:.0f} ms ({100 * saved / core.init_ms:.0f}%) off a REST cold start of the core function.",
    ]
    return "\n".join(lines)



def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9, help="fresh processes per function (at least 7)")
    parser.add_argument("--importtime-runs", type=int, default=3)
    parser.add_argument("--top", type=int, default=15, help="modules in the importtime table")
    parser.add_argument("--write-docs", action="store_true", help="rewrite the Cold start section of docs/PERFORMANCE.md")
    args = parser.parse_args()
    if args.runs < 7:
        parser.error("--runs: at least 7")

    def log(message: str) -> None:
        print(f"[cold_start] {message}", file=sys.stderr, flush=True)

    figures, breakdown, client_ms = run(args, log)
    section = render(figures, breakdown, client_ms, args.runs, args.top)
    print(section)
    if args.write_docs:
        replace_section(DOC, START, END, section)
        log(f"{DOC.relative_to(ROOT)} updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())

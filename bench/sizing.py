"""Size each Lambda function: peak memory and CPU time of its heaviest requests, and what each
memory setting would make of them.

    python bench/sizing.py                # about two minutes: DynamoDB Local, fresh processes
    python bench/sizing.py --write-docs   # also rewrite the Sizing figures of docs/PERFORMANCE.md

Lambda gives a function CPU in proportion to its memory setting (one full vCPU at 1,769 MB), so a
setting is chosen from two measurements: the peak resident memory of the process (the hard floor,
with headroom), and the CPU time of its requests, which stretches as the CPU share shrinks. Each
function runs in a fresh Python process that imports functions/<name>/app.py from its path and
calls its handler with API Gateway events for the heaviest requests the contract allows (a batch
of 60, a full page with relations, a filter read up to the planner's budget of 5,000 records, a
field indexed with a backfill of as many), timing each one in wall-clock and in CPU time;
the difference is time spent waiting on DynamoDB Local. The workspace's rate limit is raised for
these processes only (`RATE_LIMIT_LONG`), so the limiter's UpdateItem still runs on each request.

The model applied to the figures, per memory setting M (MB): duration = CPU time x max(1, 1769 / M)
+ wait, where the CPU time was measured on one full core of this machine. It leaves out Lambda's
own start-up and the difference between this machine's cores and Graviton's.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("cold_start", ROOT / "bench" / "cold_start.py")
cold_start = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cold_start)  # type: ignore[union-attr]  # also puts the layer on sys.path

DOC = ROOT / "docs" / "PERFORMANCE.md"
START, END = "<!-- sizing:start -->", "<!-- sizing:end -->"
FULL_VCPU_MB = 1769
SETTINGS_MB = (256, 512, 1024, 1769)
# arm64 Lambda price per GB-second (us-east-1), for the relative cost of a setting only.
PRICE_PER_GB_SECOND = 0.0000133334
TICKETS = 4_980  # just under the planner's read budget and the backfill limit (5,000 each)
COMPANIES = 60
LOAD_AT_START = os.getloadavg()[0]

# The process of one run. argv: function folder, events file. Prints RESULT <json>.
CHILD = r'''
import time
import importlib.util, json, resource, sys, uuid
folder, events_file, layer = sys.argv[1:4]
sys.path[:0] = [folder, layer]
steps = json.load(open(events_file))

class Context:
    function_name = "tenantapi-sizing"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:tenantapi-sizing"
    memory_limit_in_mb = "1024"
    log_group_name = "/aws/lambda/tenantapi-sizing"
    log_stream_name = "2025/11/27/[$LATEST]0123456789abcdef0123456789abcdef"
    def __init__(self):
        self.aws_request_id = str(uuid.uuid4())
    def get_remaining_time_in_millis(self):
        return 29000

def clocks():
    return time.perf_counter(), time.process_time()

w0, c0 = clocks()
spec = importlib.util.spec_from_file_location("app", folder + "/app.py")
module = importlib.util.module_from_spec(spec)
sys.modules["app"] = module
spec.loader.exec_module(module)
w1, c1 = clocks()
results = [{"label": "import", "wall_ms": (w1 - w0) * 1000, "cpu_ms": (c1 - c0) * 1000, "outcome": "-"}]
for step in steps:
    w0, c0 = clocks()
    answer = module.handler(step["event"], Context())
    w1, c1 = clocks()
    if "statusCode" in answer:
        outcome = answer["statusCode"] if answer["statusCode"] < 300 else f"{answer['statusCode']} {answer['body'][:300]}"
    else:
        outcome = answer["policyDocument"]["Statement"][0]["Effect"]
    results.append({"label": step["label"], "wall_ms": (w1 - w0) * 1000, "cpu_ms": (c1 - c0) * 1000, "outcome": outcome})
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
print("RESULT " + json.dumps({"steps": results, "peak_rss_mb": peak}), flush=True)
'''


# -- events ------------------------------------------------------------------------------------

def request(base: dict[str, Any], method: str, path: str, resource: str, *, query: dict[str, str] | None = None,
            body: Any = None, proxy: str | None = None) -> dict[str, Any]:
    """A copy of a proxy event from events/ for another route of the same function."""
    event = json.loads(json.dumps(base))
    event.update(httpMethod=method, path=path, resource=resource, body=None if body is None else json.dumps(body),
                 queryStringParameters=query, multiValueQueryStringParameters={k: [v] for k, v in (query or {}).items()} or None,
                 pathParameters={"proxy": proxy} if proxy is not None else None, isBase64Encoded=False)
    context = event["requestContext"]
    context.update(httpMethod=method, resourcePath=resource, path=f"/{context['stage']}{path}", requestId=str(uuid.uuid4()))
    if body is not None:
        event["headers"]["Content-Type"] = "application/json"
        event["multiValueHeaders"]["Content-Type"] = ["application/json"]
    return event


def rest(base: dict[str, Any], method: str, route: str, **kwargs: Any) -> dict[str, Any]:
    return request(base, method, f"/rest/{route}", "/rest/{proxy+}", proxy=route, **kwargs)


def person(i: int, company_ids: list[str]) -> dict[str, Any]:
    return {
        "name": {"firstName": f"First{i}", "lastName": f"Last{i}"},
        "emails": {"primaryEmail": f"person{i}@example.com", "additionalEmails": [f"alt{i}@example.com"]},
        "phones": {"primaryPhoneNumber": f"555{i:07d}", "primaryPhoneCountryCode": "US", "primaryPhoneCallingCode": "+1"},
        "linkedinLink": {"primaryLinkUrl": f"https://linkedin.com/in/p{i}", "primaryLinkLabel": "", "secondaryLinks": []},
        "jobTitle": f"Engineer {i % 17}",
        "city": f"City {i % 31}",
        "avatarUrl": f"https://example.com/{i}.png",
        "companyId": company_ids[i % len(company_ids)],
    }


def ticket(i: int) -> dict[str, Any]:
    return {"name": f"Ticket {i}", "summary": f"Something to do, number {i}, " + "x" * 200,
            "status": ("OPEN", "CLOSED")[i % 2], "amount": i * 1.5, "dueAt": "2026-12-01T10:00:00.000Z"}


# A custom object holds the large collection: the standard person has no free index slot.
TICKET_FIELDS = [
    {"type": "TEXT", "name": "summary", "label": "Summary"},
    {"type": "SELECT", "name": "status", "label": "Status",
     "options": [{"value": "OPEN", "label": "Open", "position": 0, "color": "green"},
                 {"value": "CLOSED", "label": "Closed", "position": 1, "color": "gray"}]},
    {"type": "NUMBER", "name": "amount", "label": "Amount"},
    {"type": "DATE_TIME", "name": "dueAt", "label": "Due at"},
]


PEOPLE_QUERY = """{ people(first: 60) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
  id createdAt updatedAt deletedAt position jobTitle city avatarUrl companyId
  name { firstName lastName } emails { primaryEmail additionalEmails }
  phones { primaryPhoneNumber primaryPhoneCountryCode primaryPhoneCallingCode }
  linkedinLink { primaryLinkUrl primaryLinkLabel }
  company { id name domainName { primaryLinkUrl } } } } } }"""


def build_steps(core: dict[str, Any], metadata: dict[str, Any], authorizer: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Events of each run, by function; "seed" fills the workspace first (run once, not measured)."""
    company_ids = [str(uuid.uuid4()) for _ in range(COMPANIES)]
    seed = [{"label": "seed companies", "event": rest(core, "POST", "batch/companies",
                                                      body=[{"id": c, "name": f"Company {i}"} for i, c in enumerate(company_ids)])},
            {"label": "seed people", "event": rest(core, "POST", "batch/people", body=[person(i, company_ids) for i in range(60)])}]
    for start in range(0, TICKETS, 60):
        bodies = [ticket(i) for i in range(start, min(start + 60, TICKETS))]
        seed.append({"label": "seed tickets", "event": rest(core, "POST", "batch/tickets", body=bodies)})
    core_steps = [
        {"label": "first request: GET /rest/people", "event": rest(core, "GET", "people")},
        {"label": "GET /rest/people?limit=60&depth=1", "event": rest(core, "GET", "people", query={"limit": "60", "depth": "1"})},
        {"label": "POST /graphql: 60 people, every field, their company",
         "event": request(core, "POST", "/graphql", "/graphql", body={"query": PEOPLE_QUERY})},
        {"label": f"GET /rest/tickets?filter=summary[like]:... (unindexed: reads {TICKETS:,} records)",
         "event": rest(core, "GET", "tickets", query={"filter": "summary[like]:\"%number 7%\"", "limit": "60"})},
        {"label": "POST /rest/batch/people (60 records)",
         "event": rest(core, "POST", "batch/people", body=[person(60 + i, company_ids) for i in range(60)])},
    ]
    metadata_steps = [
        {"label": "first request: GET /rest/metadata/objects", "event": dict(metadata)},
        {"label": "GET /rest/open-api/core", "event": request(metadata, "GET", "/rest/open-api/core", "/rest/open-api/{proxy+}", proxy="core")},
        {"label": "POST /metadata: objects with their fields",
         "event": request(metadata, "POST", "/metadata", "/metadata",
                          body={"query": "{ objects(paging: {first: 100}) { edges { node { nameSingular fields(paging: {first: 100}) "
                                         "{ edges { node { name type } } } } } } }"})},
        {"label": f"POST /rest/metadata/fields isIndexed (backfill of {TICKETS:,} records)", "event": None},  # set per round
    ]
    authorizer_steps = [{"label": "first request: TOKEN event", "event": authorizer}] + [
        {"label": "TOKEN event (warm)", "event": authorizer} for _ in range(20)]
    return {"seed": seed, "core_api": core_steps, "metadata_api": metadata_steps, "authorizer": authorizer_steps}


def create_ticket_object(workspace_id: str) -> str:
    from tenantapi.metadata.service import MetadataService

    service = MetadataService()
    obj, _ = service.create_object(workspace_id, {"nameSingular": "ticket", "namePlural": "tickets",
                                                  "labelSingular": "Ticket", "labelPlural": "Tickets"})
    for field in TICKET_FIELDS:
        service.create_field(workspace_id, {**field, "objectMetadataId": obj.id})
    return obj.id


# -- runs --------------------------------------------------------------------------------------

def run_child(function: str, steps: list[dict[str, Any]], folder: Path) -> dict[str, Any]:
    events_file = folder / f"{function}-{uuid.uuid4().hex}.json"
    events_file.write_text(json.dumps(steps))
    command = [sys.executable, "-c", CHILD, str(ROOT / "functions" / function), str(events_file), str(ROOT / "layers")]
    env = {**os.environ, "RATE_LIMIT_LONG": "1000000", "RATE_LIMIT_SHORT": "1000000", "POWERTOOLS_LOG_LEVEL": "WARNING"}
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT / "functions" / function, timeout=600, env=env)
    line = next((l for l in done.stdout.splitlines() if l.startswith("RESULT ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"{function}: run failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    result = json.loads(line[len("RESULT "):])
    bad = [s for s in result["steps"][1:] if s["outcome"] not in (200, 201, "Allow")]
    if bad:
        raise RuntimeError(f"{function}: unexpected outcomes {bad}")
    return result


def run(args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, list[dict[str, Any]]]:
    from tenantapi_tools.local.dynamodb_local import DynamoDBLocal, free_port

    results: dict[str, list[dict[str, Any]]] = {"authorizer": [], "core_api": [], "metadata_api": []}
    for round_ in range(args.runs):  # a fresh server and workspace per round: every run sees the same data
        server = DynamoDBLocal(port=free_port()).start()
        try:
            cold_start.fake_aws_environment(server.endpoint)
            from tenantapi.storage.dynamo import reset_client
            from tenantapi_tools.local.tables import create_tables

            reset_client()
            create_tables()
            with tempfile.TemporaryDirectory(prefix="sizing-") as tmp:
                folder = Path(tmp)
                cold_start.write_events(folder)
                events = {name: json.loads((folder / f"{name}.json").read_text()) for name in ("authorizer", "core", "metadata")}
                workspace_id = events["core"]["requestContext"]["authorizer"]["workspaceId"]
                ticket_object_id = create_ticket_object(workspace_id)
                steps = build_steps(events["core"], events["metadata"], events["authorizer"])
                started = time.perf_counter()
                run_child("core_api", steps["seed"], folder)
                log(f"round {round_ + 1}: seeded {TICKETS:,} tickets in {time.perf_counter() - started:.0f} s")
                field = {"objectMetadataId": ticket_object_id, "type": "TEXT", "name": "reference",
                         "label": "Reference", "isIndexed": True}
                steps["metadata_api"][-1]["event"] = request(
                    events["metadata"], "POST", "/rest/metadata/fields", "/rest/metadata/{proxy+}", body=field, proxy="fields")
                for function in ("authorizer", "core_api", "metadata_api"):
                    results[function].append(run_child(function, steps[function], folder))
                log(f"round {round_ + 1}/{args.runs} done")
        finally:
            pid = server.pid
            server.stop()
            log(f"DynamoDB Local stopped (pid {pid})")
    return results


# -- figures -----------------------------------------------------------------------------------

class Step:
    def __init__(self, label: str, runs: list[dict[str, Any]]) -> None:
        self.label = label
        self.wall_ms = statistics.median(r["wall_ms"] for r in runs)
        self.cpu_ms = statistics.median(r["cpu_ms"] for r in runs)
        self.wait_ms = max(0.0, self.wall_ms - self.cpu_ms)

    def at(self, memory_mb: int) -> float:
        return self.cpu_ms * max(1.0, FULL_VCPU_MB / memory_mb) + self.wait_ms


def steps_of(runs: list[dict[str, Any]]) -> list[Step]:
    by_label: dict[str, list[dict[str, Any]]] = {}
    for run_ in runs:
        for step in run_["steps"]:
            by_label.setdefault(step["label"], []).append(step)
    return [Step(label, items) for label, items in by_label.items()]


def render(results: dict[str, list[dict[str, Any]]], runs: int) -> str:
    lines = [
        f"Generated by `bench/sizing.py` on {time.strftime('%Y-%m-%d')}: {platform.machine()}, {os.cpu_count()} CPUs "
        f"(load average {LOAD_AT_START:.1f} at the start), Python {platform.python_version()}. A workspace of "
        f"{TICKETS:,} tickets (a custom object of 5 fields), 60 people and {COMPANIES} companies on DynamoDB Local; each function in a fresh process per run; "
        f"medians of {runs} runs. CPU is the process's CPU time; wait is wall-clock minus CPU (DynamoDB Local's answers).",
    ]
    for function, function_runs in results.items():
        steps = steps_of(function_runs)
        peak = statistics.median(r["peak_rss_mb"] for r in function_runs)
        lines += ["", f"**{function}**: peak resident memory {peak:.0f} MB (median; range "
                      f"{min(r['peak_rss_mb'] for r in function_runs):.0f} to {max(r['peak_rss_mb'] for r in function_runs):.0f}).", "",
                  "| step | wall ms | CPU ms | wait ms | " + " | ".join(f"at {m} MB" for m in SETTINGS_MB) + " |",
                  "|---|---|---|---|" + "---|" * len(SETTINGS_MB)]
        seen = set()
        for step in steps:
            if step.label in seen:
                continue
            seen.add(step.label)
            lines.append(f"| {step.label} | {step.wall_ms:,.0f} | {step.cpu_ms:,.0f} | {step.wait_ms:,.0f} | "
                         + " | ".join(f"{step.at(m):,.0f}" for m in SETTINGS_MB) + " |")
        init = [s for s in steps if s.label == "import" or s.label.startswith("first request")]
        typical = [s for s in steps if s not in init]
        lines.append("| **cold start (import + first request)** | | | | "
                     + " | ".join(f"**{sum(s.at(m) for s in init):,.0f}**" for m in SETTINGS_MB) + " |")
        heaviest = max(typical, key=lambda s: s.at(SETTINGS_MB[0]))
        cost = [m / 1024 * statistics.median(s.at(m) for s in typical) / 1000 * PRICE_PER_GB_SECOND * 1e6 for m in SETTINGS_MB]
        lines.append("| compute cost of 1M warm requests like these (median step), USD | | | | "
                     + " | ".join(f"{c:.2f}" for c in cost) + " |")
        lines.append(f"| heaviest warm step: {heaviest.label} | | | | " + " | ".join(f"{heaviest.at(m):,.0f}" for m in SETTINGS_MB) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="rounds (a fresh DynamoDB Local and workspace each)")
    parser.add_argument("--tickets", type=int, default=None, help="tickets to seed (a quick check with fewer)")
    parser.add_argument("--write-docs", action="store_true", help="rewrite the Sizing figures of docs/PERFORMANCE.md")
    args = parser.parse_args()
    global TICKETS
    TICKETS = args.tickets or TICKETS

    def log(message: str) -> None:
        print(f"[sizing] {message}", file=sys.stderr, flush=True)

    section = render(run(args, log), args.runs)
    print(section)
    if args.write_docs:
        cold_start.replace_section(DOC, START, END, section)
        log(f"{DOC.relative_to(ROOT)} updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())

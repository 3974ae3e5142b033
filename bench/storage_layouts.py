"""Measure the candidate record layouts on DynamoDB Local and print the figures of docs/storage.md.

    python bench/storage_layouts.py                      # starts DynamoDB Local, 1,000 and 10,000 people
    python bench/storage_layouts.py --endpoint URL       # a DynamoDB Local already running
    python bench/storage_layouts.py --write-docs         # also rewrite the figures of docs/storage.md

Each candidate (bench/_layouts/candidates.py) gets its own temporary table, deleted at the end.
Per operation: DynamoDB requests, items read and written, consumed capacity as DynamoDB Local
reports it (ReturnConsumedCapacity=INDEXES), transaction actions, the consistency of the reads,
and the median wall time of several runs. Wall times are DynamoDB Local on this machine (a
SQLite-backed emulator on the loopback), not service latencies: compare them with each other only.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "layers"))

from _docs import replace_section  # noqa: E402
from _layouts import data  # noqa: E402
from _layouts import encoding as enc
from _layouts.candidates import LAYOUTS, RECORD_PREFIX, Layout, load, to_item  # noqa: E402
from _layouts.meter import Meter, Stats, item_size  # noqa: E402

DOC = HERE.parent / "docs" / "storage.md"
START, END = "<!-- figures:start -->", "<!-- figures:end -->"
PAGE = 60
WORKSPACE = "ws-" + "0" * 8
PERSON, COMPANY, SCRATCH = "obj-person", "obj-company", "obj-scratch"
# Operations whose reads go through a secondary index (their consistency is the layout's).
INDEX_OPS: set[str] = set()


# -- running one operation ------------------------------------------------------------------------

class Result:
    def __init__(self, stats: Stats, times_ms: list[float], note: str = "") -> None:
        self.stats, self.times_ms, self.note = stats, times_ms, note

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times_ms)


def measure(m: Meter, runs: int, operation: Callable[[int], str | None]) -> Result:
    """Run `operation(run)` `runs` times; the counts are those of the first run."""
    first: Stats | None = None
    times, note = [], ""
    for run in range(runs):
        m.reset()
        started = time.perf_counter()
        outcome = operation(run)
        times.append((time.perf_counter() - started) * 1000)
        stats = m.reset()
        if first is None:
            first, note = stats, outcome or ""
    assert first is not None
    return Result(first, times, note)


def bounded_filter(layout: Layout, m: Meter, pk: str, budget: int) -> str:
    """A predicate on an unindexed field: read the object's records up to `budget` items."""
    params: dict[str, Any] = {
        "TableName": layout.table, "ConsistentRead": True,
        "KeyConditionExpression": "pk = :pk AND begins_with(sk, :r)", "FilterExpression": "#c = :c",
        "ExpressionAttributeNames": {"#c": data.PERSON_FIELDS["city"]},
        "ExpressionAttributeValues": {":pk": {"S": pk}, ":r": {"S": RECORD_PREFIX}, ":c": {"S": data.RARE_CITY}},
    }
    scanned = matched = 0
    while True:
        r = m.call("query", Limit=budget - scanned, **params)
        scanned += r["ScannedCount"]
        matched += r["Count"]
        if "LastEvaluatedKey" not in r:
            return f"{matched} found, complete"
        if scanned >= budget:
            return f"budget of {budget} items spent: 400 naming the missing index"
        params["ExclusiveStartKey"] = r["LastEvaluatedKey"]


def fresh_people(count: int, run: int, tag: str) -> list[dict[str, Any]]:
    """New people (new ids) for the write operations."""
    out = []
    for person in data.people(count, [str(uuid.uuid4()) for _ in range(3)], start=10_000 + run * count):
        person["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{tag}/{run}/{person['id']}"))
        out.append(person)
    return out


def run_operations(layout: Layout, m: Meter, size: int, runs: int, budget: int, person_ids: list[str],
                   company_ids: list[str]) -> dict[str, Result]:
    ws = WORKSPACE
    people_pk, company_pk = f"{ws}#{PERSON}", f"{ws}#{COMPANY}"
    scratch_pk = f"{ws}#{SCRATCH}-{size}"
    slot = data.person_slots
    big = company_ids[0]
    out: dict[str, Result] = {}

    out["get by id"] = measure(m, runs, lambda r: None if layout.get(m, people_pk, person_ids[r * 97 % len(person_ids)]) else "missing")

    def list_page(r: int) -> str:
        items, _ = layout.list_page(m, people_pk, PAGE)
        return f"{len(items)} records, totalCount {layout.count(m, people_pk)}"
    out["list page of 60 (id order) + totalCount"] = measure(m, runs, list_page)

    def page_and_count(slot_no: int, prefix: str, count_from_counter: bool = False) -> str:
        items, more = layout.index_page(m, people_pk, slot_no, prefix, PAGE)
        if count_from_counter:
            total = layout.count(m, people_pk)
        else:
            total = layout.index_count(m, people_pk, slot_no, prefix) if more else len(items)
        return f"{len(items)} records, totalCount {total}"

    zelda = enc.value_prefix(enc.encode_text(data.PLANTED_FIRST_NAME))
    op = f"filter eq, indexed (name.firstName; {data.PLANTED_NAME_COUNT} match), page + totalCount"
    out[op] = measure(m, runs, lambda r: page_and_count(5, zelda))
    INDEX_OPS.add(op)
    op = "order by createdAt (indexed), page of 60 + totalCount"
    out[op] = measure(m, runs, lambda r: page_and_count(2, "L", count_from_counter=True))
    INDEX_OPS.add(op)
    op = "range filter createdAt >= 2024-07-01 (indexed; half match), page + totalCount"
    since = "L1" + enc.encode_date_time("2024-07-01T00:00:00Z")
    out[op] = measure(m, runs, lambda r: page_and_count(2, (since, "L2")))
    INDEX_OPS.add(op)
    op = f"one-to-many: people of one company ({data.BIG_COMPANY_PEOPLE}), page + totalCount"
    out[op] = measure(m, runs, lambda r: page_and_count(1, enc.value_prefix(big)))
    INDEX_OPS.add(op)

    plain = Meter(m.client)
    page_people, _ = layout.list_page(plain, people_pk, PAGE)
    join_key = data.PERSON_FIELDS["companyId"]
    parents = [item[join_key]["S"] for item in page_people if join_key in item]
    out["depth=1 MANY_TO_ONE: companies of a page of 60 people"] = measure(
        m, runs, lambda r: f"{len(layout.batch_get(m, company_pk, parents))} companies")

    page_companies = company_ids[:PAGE]

    def one_to_many(r: int) -> str:
        with ThreadPoolExecutor(16) as pool:
            pages = list(pool.map(lambda c: layout.index_page(m, people_pk, 1, enc.value_prefix(c), PAGE)[0],
                                  page_companies))
        return f"{sum(map(len, pages))} people"
    op = "depth=1 ONE_TO_MANY: people of a page of 60 companies"
    out[op] = measure(m, runs, one_to_many)
    INDEX_OPS.add(op)

    out[f"filter eq, unindexed (city; {data.RARE_CITY_COUNT} match), budget {budget} items"] = measure(
        m, runs, lambda r: bounded_filter(layout, m, people_pk, budget))

    batches: list[list[dict[str, Any]]] = []

    def create_batch(r: int) -> str:
        records = fresh_people(PAGE, r, f"{layout.key}/{size}/batch")
        batches.append(records)
        atomic = layout.create_batch(m, scratch_pk, [(p, slot(p)) for p in records])
        return "atomic (1 transaction)" if atomic else "NOT atomic (split into several transactions)"
    out["batch of 60 creates"] = measure(m, runs, create_batch)

    out["create 1 record, PutItem, no index slot"] = measure(
        m, runs, lambda r: layout.put_one(m, scratch_pk, fresh_people(1, r, f"{layout.key}/{size}/p0")[0], []))
    out["create 1 record, PutItem, 5 index slots"] = measure(
        m, runs, lambda r: layout.put_one(m, scratch_pk, (p := fresh_people(1, r, f"{layout.key}/{size}/p5")[0]), slot(p)))

    def update(r: int) -> None:
        person = batches[0][r]
        changed = dict(person, a5="Chief Revenue Officer", a11=f"2026-02-0{1 + r % 9}T10:00:00.000000Z")
        layout.update_one(m, scratch_pk, person, slot(person), slot(changed), {"a5": changed["a5"], "a11": changed["a11"]})
    out["update 1 record (jobTitle, updatedAt)"] = measure(m, runs, update)

    def soft_delete(r: int) -> None:
        person = batches[1][r]
        layout.soft_delete_one(m, scratch_pk, person, slot(person), "2026-02-01T10:00:00.000000Z")
    out["soft delete 1 record"] = measure(m, runs, soft_delete)
    return out


# -- one candidate --------------------------------------------------------------------------------

LARGEST: dict[str, int] = {}  # layout -> largest record item accepted, in bytes (DynamoDB's rules)
REFUSED: dict[str, str] = {}  # layout -> answer to a strongly consistent read of its index


def consistent_index_read(client: Any, layout: Layout) -> str:
    from botocore.exceptions import ClientError

    try:
        client.query(TableName=layout.table, IndexName="gsi1", ConsistentRead=True, Limit=1,
                     KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": f"{WORKSPACE}#{PERSON}"}})
    except ClientError as error:
        return f"{error.response['Error']['Code']}: {error.response['Error']['Message']}"
    return "accepted"


def largest_record(client: Any, layout: Layout) -> int:
    """Binary search of the largest person (5 slots filled, padded with one text field) that a
    PutItem accepts: projected copies in LSIs count against the 400 KB item limit."""
    from botocore.exceptions import ClientError

    person = next(data.people(1, [str(uuid.uuid4()) for _ in range(3)], start=50_000))
    pk = f"{WORKSPACE}#{SCRATCH}-size"

    def accepted(pad: int) -> int | None:
        item = layout.items_for(pk, person, data.person_slots(person))[0]
        item["a99"] = {"S": "x" * pad}
        try:
            client.put_item(TableName=layout.table, Item=item)
        except ClientError as error:
            if error.response["Error"]["Code"] == "ValidationException":
                return None
            raise
        return item_size(item)

    low, high, best = 0, 400 * 1024, 0
    while high - low > 256:
        middle = (low + high) // 2
        size = accepted(middle)
        if size is None:
            high = middle
        else:
            low, best = middle, size
    return best

def wait_active(client: Any, table: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        description = client.describe_table(TableName=table)["Table"]
        statuses = [description["TableStatus"]] + [i["IndexStatus"] for i in description.get("GlobalSecondaryIndexes", [])]
        if all(s == "ACTIVE" for s in statuses):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{table} not ACTIVE after {timeout}s")
        time.sleep(0.1)


def run_layout(client: Any, key: str, sizes: list[int], runs: int, budget: int, prefix: str,
               log: Callable[[str], None]) -> dict[int, dict[str, Result]]:
    layout = LAYOUTS[key](f"{prefix}-{key.lower()}")
    client.create_table(**layout.table_request())
    results: dict[int, dict[str, Result]] = {}
    try:
        wait_active(client, layout.table)
        m = Meter(client)
        company_count = max(PAGE, max(sizes) // data.PEOPLE_PER_COMPANY)
        companies = data.companies(company_count)
        company_ids = [c["id"] for c in companies]
        load(client, layout, f"{WORKSPACE}#{COMPANY}", [(c, data.company_slots(c)) for c in companies])
        loaded: list[str] = []
        for size in sizes:
            started = time.perf_counter()
            batch = list(data.people(size - len(loaded), company_ids, start=len(loaded)))
            load(client, layout, f"{WORKSPACE}#{PERSON}", [(p, data.person_slots(p)) for p in batch])
            loaded.extend(p["id"] for p in batch)
            log(f"  {key}: {size} people loaded in {time.perf_counter() - started:.1f}s, measuring")
            results[size] = run_operations(layout, m, size, runs, budget, loaded, company_ids)
        LARGEST[key] = largest_record(client, layout)
        if not getattr(layout, "read_consistent", True):
            REFUSED[key] = consistent_index_read(client, layout)
    finally:
        client.delete_table(TableName=layout.table)
    return results


# -- figures ----------------------------------------------------------------------------------------

def _num(x: float) -> str:
    return f"{x:g}" if x == int(x) else f"{x:.1f}"


def _pair(values: list[str]) -> str:
    return values[0] if len(set(values)) == 1 else " / ".join(values)


def _size(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def layout_table(key: str, results: dict[int, dict[str, Result]]) -> list[str]:
    sizes = sorted(results)
    cls = LAYOUTS[key]
    head = " / ".join(_size(s) for s in sizes)
    lines = [f"**{key}: {cls.title}** (figures at {head} people; one value when equal)", "",
             f"| operation | requests | items read | items written | capacity units | tx actions | reads | median ms ({head}) | outcome |",
             "|---|---|---|---|---|---|---|---|---|"]
    for op in results[sizes[0]]:
        per = [results[s][op] for s in sizes]
        st = per[0].stats
        cap = _pair([(_num(r.stats.rcu) + " RCU" if r.stats.rcu else "") + (" " if r.stats.rcu and r.stats.wcu else "")
                     + (_num(r.stats.wcu) + " WCU" + ("*" if r.stats.wcu_computed else "") if r.stats.wcu else "")
                     for r in per])
        tx = " + ".join(map(str, st.tx_actions)) if st.tx_actions else "-"
        consistency = "-" if not (st.rcu or st.items_read) else (cls.index_consistency if op in INDEX_OPS else "strong")
        lines.append(
            f"| {op} | {_pair([r.stats.calls_text() for r in per])} | {_pair([str(r.stats.items_read) for r in per])} "
            f"| {_pair([str(r.stats.items_written) for r in per])} | {cap} | {tx} | {consistency} "
            f"| {' / '.join(f'{r.median_ms:.1f}' for r in per)} | {_pair([r.note for r in per]) or '-'} |")
    return lines


def rules_check(all_results: dict[str, dict[int, dict[str, Result]]]) -> str:
    """Compare DynamoDB Local's WCU with the documented rules on the non-transactional writes."""
    pairs = [(r.stats.wcu, r.stats.rule_wcu) for res in all_results.values() for ops in res.values()
             for r in ops.values() if r.stats.rule_wcu and not r.stats.wcu_computed]
    agree = sum(1 for local, rule in pairs if local == rule)
    return (f"Check of the rules: on the {len(pairs)} non-transactional writes measured, DynamoDB Local's WCU "
            f"equals the documented rules' figure in {agree}. Transactions (WCU marked *) are computed "
            "with those rules (2 x), because DynamoDB Local's TransactWriteItems ConsumedCapacity "
            "counts one item per table and index whatever the number of actions.")


def sample_sizes() -> dict[str, float]:
    """Item sizes (bytes, DynamoDB's rules) of the people of the benchmark, as layout L stores them."""
    companies = data.companies(50)
    people = list(data.people(1000, [c["id"] for c in companies]))
    lsi = LAYOUTS["L"]("t")
    sizes = [item_size(lsi.items_for(f"{WORKSPACE}#{PERSON}", p, data.person_slots(p))[0]) for p in people]
    bare = [item_size(to_item(f"{WORKSPACE}#{PERSON}", p)) for p in people]
    slot_attrs = [s - b for s, b in zip(sizes, bare)]
    key_bytes = len(f"{WORKSPACE}#{PERSON}") + 2 + len(RECORD_PREFIX) + 36 + 2  # pk, sk with names
    return {"mean": statistics.mean(sizes), "max": max(sizes), "bare": statistics.mean(bare),
            "slots": statistics.mean(slot_attrs), "keys": key_bytes}


def summary_tables(all_results: dict[str, dict[int, dict[str, Result]]]) -> list[str]:
    lines: list[str] = []
    big = max(next(iter(all_results.values())))
    sz = sample_sizes()
    lines += ["**Record size** (people of the benchmark, layout L, DynamoDB's size rules): "
              f"mean {sz['mean']:.0f} B, max {sz['max']:.0f} B, of which the five slot attributes "
              f"{sz['slots']:.0f} B.", ""]

    if LARGEST:
        lines += ["**Largest record a PutItem accepts** (5 slots filled; projected LSI copies count against the "
                  "400 KB item limit): " + ", ".join(f"{k} {v / 1024:.0f} KB" for k, v in LARGEST.items()) + ".", ""]
    for key, answer in REFUSED.items():
        lines += [f"**{key}, a strongly consistent Query on a GSI**: {answer}.", ""]
    lines += ["**The price of the index slots** (WCU; transactions charge 2x: the batch figure is per record, "
              "soft delete is a transaction with the counter)", "",
              "| layout | PutItem, no slot | PutItem, 5 slots | batch of 60, per record | update jobTitle+updatedAt "
              "| soft delete | batch creates per second at 1,000 WCU/s |",
              "|---|---|---|---|---|---|---|"]
    for key, res in all_results.items():
        r = res[big]
        per_record = r["batch of 60 creates"].stats.wcu / PAGE
        lines.append(f"| {key} | {_num(r['create 1 record, PutItem, no index slot'].stats.wcu)} "
                     f"| {_num(r['create 1 record, PutItem, 5 index slots'].stats.wcu)} "
                     f"| {_num(per_record)} "
                     f"| {_num(r['update 1 record (jobTitle, updatedAt)'].stats.wcu)} "
                     f"| {_num(r['soft delete 1 record'].stats.wcu)} | {1000 / per_record:.0f} records |")

    lines += ["", "**A batch of 60 creates** (TransactWriteItems: at most 100 actions and 4 MB)", "",
              "| layout | actions | transactions | payload (est.) | fits one transaction | atomic |",
              "|---|---|---|---|---|---|"]
    for key, res in all_results.items():
        st = res[big]["batch of 60 creates"].stats
        actions, payload = sum(st.tx_actions), sum(st.tx_bytes)
        fits = actions <= 100 and payload <= 4 * 1024 * 1024
        lines.append(f"| {key} | {actions} | {len(st.tx_actions)} | {payload / 1024:.0f} KB | {'yes' if fits else 'no'} "
                     f"| {'yes' if fits else 'no: at most ' + str(99 // (actions // PAGE)) + ' records per transaction'} |")

    projections = [k for k in ("L", "L-1A", "L-KO") if k in all_results]
    if len(projections) > 1:
        names = {"L": "ALL", "L-1A": "lsi1 ALL, others KEYS_ONLY", "L-KO": "KEYS_ONLY"}
        lines += ["", f"**LSI projections** (capacity of the reads served by an index, at {_size(big)} people; "
                  "the writes are in the first table)", "",
                  "| operation | " + " | ".join(f"{k}: {names[k]}" for k in projections) + " |",
                  "|---|" + "---|" * len(projections)]
        for op in all_results[projections[0]][big]:
            units = [all_results[k][big][op].stats.rcu for k in projections]
            if op in INDEX_OPS and len(set(units)) > 1:
                lines.append(f"| {op} | " + " | ".join(f"{_num(u)} RCU" for u in units) + " |")
        entry_all = sz["mean"] + 100  # an index entry: the item + 100 B overhead
        entry_ko = sz["keys"] + 3 + 60 + 100  # keys + slot attribute + 100 B overhead
        stored = {"L": sz["mean"] + 100 + 5 * entry_all, "L-1A": sz["mean"] + 100 + entry_all + 4 * entry_ko,
                  "L-KO": sz["mean"] + 100 + 5 * entry_ko}
        lines += ["", "Stored per record, table + 5 LSI entries (100 B overhead each), and records of this size "
                  "that fit the 10 GB item collection: "
                  + "; ".join(f"{k} {stored[k] / 1024:.1f} KB, {10 * 1024**3 / stored[k] / 1e6:.1f} M records"
                              for k in projections) + "."]
    return lines


def render(all_results: dict[str, dict[int, dict[str, Result]]], runs: int, budget: int) -> str:
    lines = [f"Generated by `bench/storage_layouts.py` on {time.strftime('%Y-%m-%d')}: DynamoDB Local "
             f"(in memory) on {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
             f"median of {runs} runs. Capacity units are those DynamoDB Local reports "
             "(ReturnConsumedCapacity=INDEXES); times are the emulator's on the loopback, "
             f"not service latencies. Unindexed filter budget: {budget} items.", ""]
    lines += summary_tables(all_results)
    lines += ["", rules_check(all_results)]
    for key, res in all_results.items():
        lines += [""] + layout_table(key, res)
    return "\n".join(lines) + "\n"


# -- main ------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint", help="DynamoDB Local URL (default: start one)")
    parser.add_argument("--sizes", default="1000,10000", help="people per object, ascending (default 1000,10000)")
    parser.add_argument("--runs", type=int, default=7, help="runs per operation, at least 2 (median; default 7)")
    parser.add_argument("--layouts", default=",".join(LAYOUTS), help=f"of {','.join(LAYOUTS)}")
    parser.add_argument("--budget", type=int, default=2000, help="items an unindexed filter may read (default 2000)")
    parser.add_argument("--write-docs", nargs="?", const=str(DOC), metavar="PATH",
                        help=f"rewrite the figures section of PATH (default {DOC.relative_to(HERE.parent)})")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if args.runs < 2:
        parser.error("--runs must be at least 2")
    if sizes[0] <= data.BIG_COMPANY_PEOPLE + data.PLANTED_NAME_COUNT + 300:
        parser.error("the smallest size must exceed the planted records (600)")
    log = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731

    import boto3
    from botocore.config import Config

    server = None
    endpoint = args.endpoint
    if endpoint is None:
        try:
            from tenantapi_tools.local.dynamodb_local import DynamoDBLocal, free_port
        except ImportError as error:
            raise SystemExit(f"cannot start DynamoDB Local ({error}): pass --endpoint URL") from None
        server = DynamoDBLocal(port=free_port(), db_path=None).start()
        endpoint = server.endpoint
        log(f"DynamoDB Local started on {endpoint} (pid {server.pid})")
    try:
        client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1",
                              aws_access_key_id="local", aws_secret_access_key="local",
                              config=Config(retries={"mode": "standard", "max_attempts": 5},
                                            max_pool_connections=32))
        prefix = f"storage-bench-{uuid.uuid4().hex[:8]}"
        all_results = {}
        for key in args.layouts.split(","):
            log(f"layout {key}: {LAYOUTS[key].title}")
            all_results[key] = run_layout(client, key, sizes, args.runs, args.budget, prefix, log)
    finally:
        if server is not None:
            server.stop()
            log("DynamoDB Local stopped")
    figures = render(all_results, args.runs, args.budget)
    print(figures)
    if args.write_docs:
        replace_section(Path(args.write_docs), START, END, figures)
        log(f"figures written to {args.write_docs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Counting the engine's DynamoDB requests through botocore's event hooks on its own client.

The engine never asks for ConsumedCapacity, and DynamoDB Local reports it only when asked, so a
`before-parameter-build` hook adds `ReturnConsumedCapacity=TOTAL` to every operation that takes
it; an `after-call` hook counts the request and sums the units. DynamoDB Local's figure for a
TransactWriteItems counts one item per table and index whatever the number of actions
(docs/storage.md, section 7), so a transaction's WCU is computed with DynamoDB's documented rules
instead: 2 x (per action: the table's ceil(item size / 1 KB), plus each index holding an entry
for the item, ceil((entry size + 100 B) / 1 KB)).
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from _layouts.meter import item_size

__all__ = ["Meter", "Stats"]

_SHORT = {"GetItem": "Get", "Query": "Query", "BatchGetItem": "BatchGet", "PutItem": "Put", "UpdateItem": "Update",
          "DeleteItem": "Delete", "TransactWriteItems": "TxWrite", "BatchWriteItem": "BatchWrite", "Scan": "Scan"}
_READS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}
_MB = 1024 * 1024
_INDEX_ENTRY_OVERHEAD = 100  # bytes DynamoDB adds to each secondary index entry (documented)


@dataclass
class Stats:
    calls: Counter = field(default_factory=Counter)  # operation name -> requests, in first-call order
    rcu: float = 0.0
    wcu: float = 0.0
    wcu_computed: bool = False  # wcu holds the documented rules' figure for transactions
    items_read: int = 0  # Query: ScannedCount (items the key range yielded, filtered-out ones included)
    # Query requests the service would send: it ends a page at 1 MB read, DynamoDB Local does not.
    service_queries: int = 0

    @property
    def call_count(self) -> int:
        return sum(self.calls.values())

    def calls_text(self) -> str:
        text = " + ".join(f"{n} {_SHORT.get(op, op)}" for op, n in self.calls.items()) or "none"
        if self.service_queries > self.calls.get("Query", 0):
            text += f" (service: {self.service_queries} Query: DynamoDB ends a page at 1 MB)"
        return text

    def units_text(self) -> str:
        parts = []
        if self.rcu:
            parts.append(f"{_num(self.rcu)} RCU")
        if self.wcu:
            parts.append(f"{_num(self.wcu)} WCU" + ("*" if self.wcu_computed else ""))
        return " + ".join(parts) or "0"


def _num(x: float) -> str:
    return f"{x:g}" if x == int(x) else f"{x:.1f}"


class Meter:
    """Hooks on one botocore client; `reset()` returns the stats since the previous reset."""

    def __init__(self, client: Any, index_projections: dict[str, tuple[str, str]]) -> None:
        """`index_projections`: index name -> (its sort key attribute, "ALL" or "KEYS_ONLY")."""
        self.client = client
        self.indexes = index_projections
        self.stats = Stats()
        self._lock = threading.Lock()  # depth=1 reads run on several threads
        events = client.meta.events
        events.register("before-parameter-build.dynamodb.*", self._ask_capacity)
        events.register("after-call.dynamodb.*", self._count)

    def reset(self) -> Stats:
        with self._lock:
            stats, self.stats = self.stats, Stats()
        return stats

    def _ask_capacity(self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        if "ReturnConsumedCapacity" in model.input_shape.members:
            params.setdefault("ReturnConsumedCapacity", "TOTAL")
        if model.name == "TransactWriteItems":
            context["bench_wcu"] = 2 * sum(self._action_units(a) for a in params.get("TransactItems", []))
        if model.name == "Query":
            context["bench_consistent"] = bool(params.get("ConsistentRead"))
            context["bench_index"] = params.get("IndexName")

    def _action_units(self, action: dict[str, Any]) -> int:
        (kind, body), = action.items()
        if kind == "ConditionCheck":
            return 1  # a condition check is charged as a write of the item
        item = body.get("Item") or body["Key"]
        units = max(1, math.ceil(item_size(item) / 1024))
        if kind == "Put":
            for attribute, projection in self.indexes.values():
                if attribute in item:
                    entry = item if projection == "ALL" else {k: v for k, v in item.items() if k in ("pk", "sk", attribute)}
                    units += max(1, math.ceil((item_size(entry) + _INDEX_ENTRY_OVERHEAD) / 1024))
        # Updates and deletes are charged at least the key-sized figure; the benchmark's
        # transactions only update the counter (one small item in no index).
        return units

    def _count(self, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        name = model.name
        with self._lock:
            s = self.stats
            s.calls[name] += 1
            if name == "TransactWriteItems" and "bench_wcu" in context:
                s.wcu += context["bench_wcu"]
                s.wcu_computed = True
                return
            consumed = parsed.get("ConsumedCapacity")
            units = sum(float(c.get("CapacityUnits", 0.0)) for c in (consumed if isinstance(consumed, list) else [consumed] if consumed else []))
            if name in _READS:
                s.rcu += units
            else:
                s.wcu += units
            if name == "Query":
                s.items_read += int(parsed.get("ScannedCount", 0))
                if context.get("bench_index") is None:
                    read_bytes = units * (4096 if context.get("bench_consistent") else 8192)
                    # A page reads up to 1 MB plus the item crossing it; beyond, the service pages.
                    s.service_queries += 1 if read_bytes <= _MB + 64 * 1024 else math.ceil(read_bytes / _MB)
                else:
                    s.service_queries += 1
            elif name == "GetItem":
                s.items_read += 1 if parsed.get("Item") else 0
            elif name == "BatchGetItem":
                s.items_read += sum(len(v) for v in parsed.get("Responses", {}).values())

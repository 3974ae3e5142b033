"""Counting DynamoDB requests: calls, items read and written, capacity, transaction actions.

Capacity is what DynamoDB returns with ReturnConsumedCapacity="INDEXES" (DynamoDB Local returns
it too, per table and per index). `item_size` estimates an item's size with DynamoDB's documented
rules (attribute names count; numbers about 1 byte per 2 significant digits + 1; 3 bytes per map
or list plus 1 per element) for the field budget and the cross-checks of docs/storage.md.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

__all__ = ["Stats", "Meter", "item_size", "attr_size"]

_MB = 1024 * 1024
_READS = {"get_item", "query", "scan", "batch_get_item", "transact_get_items"}
_WRITES = {"put_item", "update_item", "delete_item", "batch_write_item", "transact_write_items"}


@dataclass
class Stats:
    calls: Counter = field(default_factory=Counter)
    # Query requests the service would need: DynamoDB ends a Query page at 1 MB read, DynamoDB
    # Local does not; estimated from the units read (4 KB each, 8 KB eventually consistent).
    service_queries: int = 0
    items_read: int = 0  # items DynamoDB read (Query: ScannedCount, filtered-out ones included)
    items_returned: int = 0
    items_written: int = 0
    rcu: float = 0.0
    wcu: float = 0.0
    by_part: Counter = field(default_factory=Counter)  # "table", "lsi1", "gsi2"... -> units
    tx_actions: list[int] = field(default_factory=list)  # actions of each TransactWriteItems
    tx_bytes: list[int] = field(default_factory=list)  # estimated payload of each transaction
    wcu_computed: bool = False  # True when wcu holds the documented rules' figure (transactions)
    rule_wcu: float = 0.0  # the documented rules' figure for the non-transactional writes

    @property
    def call_count(self) -> int:
        return sum(self.calls.values())

    def calls_text(self) -> str:
        text = self._calls_text()
        if self.service_queries > self.calls.get("query", 0):
            text += f" (service: {self.service_queries} Query)"
        return text

    def _calls_text(self) -> str:
        short = {"get_item": "Get", "query": "Query", "batch_get_item": "BatchGet", "put_item": "Put",
                 "update_item": "Update", "delete_item": "Delete", "transact_write_items": "TxWrite",
                 "batch_write_item": "BatchWrite", "scan": "Scan", "transact_get_items": "TxGet"}
        return " + ".join(f"{n} {short.get(k, k)}" for k, n in self.calls.items())


def attr_size(value: dict[str, Any]) -> int:
    (kind, inner), = value.items()
    if kind == "S":
        return len(inner.encode("utf-8"))
    if kind == "N":
        digits = Decimal(inner).normalize().as_tuple().digits
        return min(21, (len(digits) + 1) // 2 + 1)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + attr_size(v) + 1 for k, v in inner.items())
    if kind == "L":
        return 3 + sum(attr_size(v) + 1 for v in inner)
    if kind == "B":
        return len(inner)
    if kind in ("SS", "NS", "BS"):
        return sum(attr_size({kind[0]: v}) for v in inner)
    raise ValueError(kind)


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode("utf-8")) + attr_size(value) for name, value in item.items())


class Meter:
    """A DynamoDB client whose calls are counted into `stats` (reset with `reset()`)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.stats = Stats()
        self._lock = threading.Lock()  # one-to-many fan-out calls from several threads

    def reset(self) -> Stats:
        stats, self.stats = self.stats, Stats()
        return stats

    def call(self, operation: str, _computed_wcu: float | None = None, _rule_wcu: float = 0.0,
             **params: Any) -> dict[str, Any]:
        """`_computed_wcu` replaces the capacity DynamoDB Local returns (its TransactWriteItems
        figure counts one item per table and index, whatever the number of actions);
        `_rule_wcu` is kept beside Local's figure to cross-check the rules."""
        if operation in _READS | _WRITES:
            params.setdefault("ReturnConsumedCapacity", "INDEXES")
        response = getattr(self.client, operation)(**params)
        with self._lock:
            self._count(operation, params, response, _computed_wcu)
            self.stats.rule_wcu += _rule_wcu
        return response

    def _count(self, operation: str, params: dict[str, Any], response: dict[str, Any],
               computed_wcu: float | None) -> None:
        s = self.stats
        if computed_wcu is not None:
            s.wcu += computed_wcu
            s.wcu_computed = True
            response = {k: v for k, v in response.items() if k != "ConsumedCapacity"}
        s.calls[operation] += 1
        if operation == "get_item":
            found = 1 if response.get("Item") else 0
            s.items_read += found
            s.items_returned += found
        elif operation in ("query", "scan"):
            s.items_read += response.get("ScannedCount", 0)
            s.items_returned += response.get("Count", 0)
            part = response.get("ConsumedCapacity") or {}
            index = params.get("IndexName")
            if index:
                indexes = {**(part.get("LocalSecondaryIndexes") or {}), **(part.get("GlobalSecondaryIndexes") or {})}
                units = float(indexes.get(index, {}).get("CapacityUnits", 0.0))
            else:
                units = float((part.get("Table") or {}).get("CapacityUnits", 0.0))
            read_bytes = units * (4096 if params.get("ConsistentRead") else 8192)
            # A page read up to 1 MB plus the item that crosses it; beyond that the service pages.
            s.service_queries += 1 if read_bytes <= _MB + 64 * 1024 else math.ceil(read_bytes / _MB)
        elif operation == "batch_get_item":
            n = sum(len(items) for items in response.get("Responses", {}).values())
            s.items_read += n
            s.items_returned += n
        elif operation in ("put_item", "update_item", "delete_item"):
            s.items_written += 1
        elif operation == "batch_write_item":
            s.items_written += sum(len(v) for v in params["RequestItems"].values())
        elif operation == "transact_write_items":
            actions = params["TransactItems"]
            s.items_written += sum(1 for a in actions if "ConditionCheck" not in a)
            s.tx_actions.append(len(actions))
            s.tx_bytes.append(sum(item_size(next(iter(a.values())).get("Item") or next(iter(a.values()))["Key"])
                                  for a in actions))
        consumed = response.get("ConsumedCapacity")
        for part in consumed if isinstance(consumed, list) else [consumed] if consumed else []:
            units = float(part.get("CapacityUnits", 0.0))
            if operation in _READS:
                s.rcu += units
            else:
                s.wcu += units
            if "Table" in part:
                s.by_part["table"] += float(part["Table"].get("CapacityUnits", 0.0))
            for kind, prefix in (("LocalSecondaryIndexes", ""), ("GlobalSecondaryIndexes", "")):
                for name, value in (part.get(kind) or {}).items():
                    s.by_part[prefix + name] += float(value.get("CapacityUnits", 0.0))

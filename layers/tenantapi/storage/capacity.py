"""The DynamoDB capacity an invocation consumes, for its `ConsumedReadCapacityUnits` and
`ConsumedWriteCapacityUnits` metrics (observability.py).

Two botocore event hooks on the process's DynamoDB client: one asks every data-plane call for its
consumed capacity (`ReturnConsumedCapacity: TOTAL`, free of charge), the other adds what each
answer reports. The adapters stay unaware of it, and a call added later is counted as well. A
Lambda execution environment serves one request at a time, so one meter per process is one meter
per invocation once `take` is called at the start and the end of each.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CapacityMeter", "meter"]

_READS = frozenset({"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"})
_WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})


class CapacityMeter:
    def __init__(self) -> None:
        self.read = 0.0
        self.write = 0.0

    def attach(self, client: Any) -> Any:
        events = client.meta.events
        events.register("provide-client-params.dynamodb", self._ask)
        events.register("after-call.dynamodb", self._add)
        return client

    def take(self) -> tuple[float, float]:
        """The read and write units consumed since the last take; the meter starts again at zero."""
        taken = (self.read, self.write)
        self.read = self.write = 0.0
        return taken

    def _ask(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name in _READS or model.name in _WRITES:
            params.setdefault("ReturnConsumedCapacity", "TOTAL")

    def _add(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        consumed = parsed.get("ConsumedCapacity")
        if not consumed:
            return
        for table in consumed if isinstance(consumed, list) else [consumed]:
            read, write = table.get("ReadCapacityUnits"), table.get("WriteCapacityUnits")
            if read is None and write is None:  # only the total: the operation says which kind it is
                units = float(table.get("CapacityUnits") or 0)
                read, write = (0.0, units) if model.name in _WRITES else (units, 0.0)
            self.read += float(read or 0)
            self.write += float(write or 0)


meter = CapacityMeter()

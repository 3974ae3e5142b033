"""The record layouts compared, each as a table definition plus the requests of each operation.

- L    overloaded LSIs (template.yaml's RecordsTable): slot values in s1..s5, LSIs lsi1..lsi5,
       projection ALL.
- L-KO the same with projection KEYS_ONLY: an index query fetches the rest of each item from
       the table (Select=ALL_ATTRIBUTES).
- L-1A lsi1 (the slot of the first join column: traversals, depth=1) ALL, lsi2..lsi5 KEYS_ONLY.
- B    index items in the base table: per indexed value an item sk = "X#<slot>#<slot value>"
       written in the same transaction as the record; an index query reads index items, then a
       BatchGetItem of the records.
- C    overloaded GSI slots: GSIs gsi1..gsi5 on (pk, g1..g5), projection ALL; GSIs only serve
       eventually consistent reads.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any, Sequence

from . import encoding as enc
from .meter import Meter, item_size

__all__ = ["Layout", "LAYOUTS", "to_item", "record_key", "COUNT_SK", "RECORD_PREFIX"]

COUNT_SK = "#COUNT"
RECORD_PREFIX = "R#"
SLOTS = (1, 2, 3, 4, 5)
MAX_TX_ACTIONS = 100  # TransactWriteItems: 100 actions, 4 MB (DynamoDB limits)
MAX_TX_BYTES = 4 * 1024 * 1024
BATCH_GET_MAX = 100  # BatchGetItem: 100 keys


def _attr(value: Any) -> dict[str, Any]:
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, (int, float, Decimal)):
        return {"N": str(value)}
    if isinstance(value, dict):
        return {"M": {k: _attr(v) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        return {"L": [_attr(v) for v in value]}
    raise TypeError(type(value))


def to_item(pk: str, record: dict[str, Any]) -> dict[str, Any]:
    item = {"pk": {"S": pk}, "sk": {"S": RECORD_PREFIX + record["id"]}}
    item.update({k: _attr(v) for k, v in record.items() if k != "id"})
    return item


def record_key(pk: str, record_id: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": RECORD_PREFIX + record_id}}


def _counter_update(table: str, pk: str, delta: int) -> dict[str, Any]:
    return {"Update": {"TableName": table, "Key": {"pk": {"S": pk}, "sk": {"S": COUNT_SK}},
                       "UpdateExpression": "ADD n :d", "ExpressionAttributeValues": {":d": {"N": str(delta)}}}}


KeyRange = str | tuple[str, str]  # a prefix (begins_with) or inclusive bounds (BETWEEN)


def _key_condition(attr: str, where: KeyRange, prefix: str = "") -> tuple[str, dict[str, Any]]:
    if isinstance(where, str):
        return f"pk = :pk AND begins_with({attr}, :p)", {":p": {"S": prefix + where}}
    return f"pk = :pk AND {attr} BETWEEN :lo AND :hi", {":lo": {"S": prefix + where[0]}, ":hi": {"S": prefix + where[1]}}


def _lsi_table(name: str, projection: str | Sequence[str]) -> dict[str, Any]:
    """template.yaml's RecordsTable (read from the template when the package is importable)."""
    try:
        from tenantapi_tools.local.tables import create_table_request
        from tenantapi_tools.local.template import load_template, resources_of_type

        properties = resources_of_type(load_template(), "AWS::DynamoDB::Table")["RecordsTable"]["Properties"]
        request = create_table_request(name, properties)
        request.pop("StreamSpecification", None)
    except ImportError:
        request = {
            "TableName": name, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"}
                                     for a in ("pk", "sk", "s1", "s2", "s3", "s4", "s5")],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "LocalSecondaryIndexes": [
                {"IndexName": f"lsi{n}", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                        {"AttributeName": f"s{n}", "KeyType": "RANGE"}],
                 "Projection": {"ProjectionType": "ALL"}} for n in SLOTS],
        }
    projections = [projection] * len(SLOTS) if isinstance(projection, str) else list(projection)
    for index, kind in zip(request["LocalSecondaryIndexes"], projections):
        index["Projection"] = {"ProjectionType": kind}
    return request


INDEX_ENTRY_OVERHEAD = 100  # bytes DynamoDB adds to each secondary index entry (documented)


def _units(size: int) -> int:
    return max(1, math.ceil(size / 1024))  # 1 WCU per 1 KB written, rounded up


class Layout:
    key = "?"
    title = "?"
    index_consistency = "strong"
    # slot attribute -> projection of the secondary index keyed on it ("ALL" or "KEYS_ONLY")
    indexes: dict[str, str] = {}

    def __init__(self, table: str) -> None:
        self.table = table

    def write_units(self, new: dict[str, Any] | None, old: dict[str, Any] | None = None) -> int:
        """WCU of one item write by DynamoDB's documented rules: the table is charged for the larger
        of the old and new item; each secondary index 1 write when an entry appears, disappears
        or (ALL) changes its projected attributes, 2 when its key changes, each of
        ceil(entry size / 1 KB) with 100 bytes of overhead per entry. Used for transactions,
        whose ConsumedCapacity DynamoDB Local misreports; TransactWriteItems doubles it."""
        sizes = [item_size(i) for i in (new, old) if i is not None]
        units = _units(max(sizes))
        base = {"pk", "sk"}
        for attr, projection in self.indexes.items():
            before, after = (old or {}).get(attr), (new or {}).get(attr)

            def entry(item: dict[str, Any]) -> int:
                if projection == "ALL":
                    return _units(item_size(item) + INDEX_ENTRY_OVERHEAD)
                keys = {k: v for k, v in item.items() if k in base | {attr}}
                return _units(item_size(keys) + INDEX_ENTRY_OVERHEAD)

            if before is None and after is None:
                continue
            if before is None:
                units += entry(new)
            elif after is None:
                units += entry(old)
            elif before != after:
                units += entry(old) + entry(new)
            elif projection == "ALL" and new != old:
                units += entry(new)
        return units

    def _transact(self, m: Meter, actions: list[dict[str, Any]], units: int) -> None:
        """One TransactWriteItems; its capacity is computed (2 x the writes), not Local's figure."""
        m.call("transact_write_items", TransactItems=actions, _computed_wcu=2 * units)

    # -- definition ---------------------------------------------------------------------------
    def table_request(self) -> dict[str, Any]:
        raise NotImplementedError

    def items_for(self, pk: str, record: dict[str, Any], slots: Sequence[str | None],
                  live: bool = True) -> list[dict[str, Any]]:
        """The items one record is stored as; the record item first."""
        raise NotImplementedError

    # -- reads --------------------------------------------------------------------------------
    def get(self, m: Meter, pk: str, record_id: str) -> dict[str, Any] | None:
        return m.call("get_item", TableName=self.table, Key=record_key(pk, record_id), ConsistentRead=True).get("Item")

    def count(self, m: Meter, pk: str) -> int:
        item = m.call("get_item", TableName=self.table, Key={"pk": {"S": pk}, "sk": {"S": COUNT_SK}},
                      ConsistentRead=True).get("Item")
        return int(item["n"]["N"]) if item else 0

    def list_page(self, m: Meter, pk: str, limit: int = 60) -> tuple[list[dict[str, Any]], bool]:
        r = m.call("query", TableName=self.table, ConsistentRead=True, Limit=limit,
                   KeyConditionExpression="pk = :pk AND begins_with(sk, :r)",
                   ExpressionAttributeValues={":pk": {"S": pk}, ":r": {"S": RECORD_PREFIX}})
        return r["Items"], "LastEvaluatedKey" in r

    def index_page(self, m: Meter, pk: str, slot: int, prefix: KeyRange, limit: int = 60,
                   forward: bool = True) -> tuple[list[dict[str, Any]], bool]:
        """Records whose slot value is in the range, in slot order: the page and whether more follow."""
        raise NotImplementedError

    def index_count(self, m: Meter, pk: str, slot: int, prefix: KeyRange) -> int:
        raise NotImplementedError

    def batch_get(self, m: Meter, pk: str, ids: Sequence[str]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), BATCH_GET_MAX):
            request = {self.table: {"Keys": [record_key(pk, i) for i in unique[start:start + BATCH_GET_MAX]],
                                    "ConsistentRead": True}}
            while request:
                r = m.call("batch_get_item", RequestItems=request)
                out.extend(r["Responses"].get(self.table, []))
                request = r.get("UnprocessedKeys") or {}
        return out

    # -- writes -------------------------------------------------------------------------------
    def put_one(self, m: Meter, pk: str, record: dict[str, Any], slots: Sequence[str | None]) -> None:
        """A plain PutItem of the record's items (the price of the index slots, without transaction)."""
        for item in self.items_for(pk, record, slots):
            m.call("put_item", TableName=self.table, Item=item, _rule_wcu=self.write_units(item))

    def create_batch(self, m: Meter, pk: str, records: Sequence[tuple[dict[str, Any], Sequence[str | None]]]) -> bool:
        """Create the records with a counter ADD; True when it took one transaction (atomic)."""
        actions: list[dict[str, Any]] = []
        units: list[int] = []
        for record, slots in records:
            for item in self.items_for(pk, record, slots):
                actions.append({"Put": {"TableName": self.table, "Item": item,
                                        "ConditionExpression": "attribute_not_exists(sk)"}})
                units.append(self.write_units(item))
        actions.append(_counter_update(self.table, pk, len(records)))
        units.append(1)
        # Past 100 actions the batch cannot be one transaction: it is split, hence not atomic.
        for start in range(0, len(actions), MAX_TX_ACTIONS):
            self._transact(m, actions[start:start + MAX_TX_ACTIONS], sum(units[start:start + MAX_TX_ACTIONS]))
        return len(actions) <= MAX_TX_ACTIONS

    def update_one(self, m: Meter, pk: str, record: dict[str, Any], old_slots: Sequence[str | None],
                   new_slots: Sequence[str | None], values: dict[str, Any]) -> None:
        """SET the given storage keys; the slot values of changed indexed fields move."""
        names, attr_values, sets = {}, {}, []
        for i, (k, v) in enumerate(values.items()):
            names[f"#a{i}"], attr_values[f":v{i}"] = k, _attr(v)
            sets.append(f"#a{i} = :v{i}")
        self._update_with_slots(m, pk, record, names, attr_values, sets, old_slots, new_slots, changes=values)

    def soft_delete_one(self, m: Meter, pk: str, record: dict[str, Any], slots: Sequence[str | None],
                        deleted_at: str) -> None:
        """SET deletedAt, move every slot value to the "D" state, count - 1: one transaction."""
        names, values = {"#d": "a21"}, {":d": {"S": deleted_at}}
        self._update_with_slots(m, pk, record, names, values, ["#d = :d"], slots, slots,
                                live_after=False, count_delta=-1, changes={"a21": deleted_at})

    def _update_with_slots(self, m: Meter, pk: str, record: dict[str, Any], names: dict[str, str],
                           values: dict[str, Any], sets: list[str], old_slots: Sequence[str | None],
                           new_slots: Sequence[str | None], live_after: bool = True, count_delta: int = 0,
                           changes: dict[str, Any] | None = None) -> None:
        raise NotImplementedError


class AttributeSlots(Layout):
    """Slot values are attributes of the record item (L, L-KO: s1..s5; C: g1..g5)."""

    slot_attr = "s{}"
    index_name = "lsi{}"
    read_consistent = True
    fetch = False  # KEYS_ONLY: ask DynamoDB to fetch the non-projected attributes

    def items_for(self, pk: str, record: dict[str, Any], slots: Sequence[str | None],
                  live: bool = True) -> list[dict[str, Any]]:
        item = to_item(pk, record)
        for n, value in zip(SLOTS, slots):
            item[self.slot_attr.format(n)] = {"S": enc.slot_value(value, record["id"], live)}
        return [item]

    def _query(self, pk: str, slot: int, prefix: KeyRange) -> dict[str, Any]:
        attr = self.slot_attr.format(slot)
        condition, values = _key_condition("#s", prefix)
        params = {"TableName": self.table, "IndexName": self.index_name.format(slot),
                  "KeyConditionExpression": condition, "ExpressionAttributeNames": {"#s": attr},
                  "ExpressionAttributeValues": {":pk": {"S": pk}, **values}}
        if self.read_consistent:
            params["ConsistentRead"] = True
        return params

    def index_page(self, m: Meter, pk: str, slot: int, prefix: KeyRange, limit: int = 60,
                   forward: bool = True) -> tuple[list[dict[str, Any]], bool]:
        params = self._query(pk, slot, prefix)
        if self.fetch:
            params["Select"] = "ALL_ATTRIBUTES"
        r = m.call("query", Limit=limit, ScanIndexForward=forward, **params)
        return r["Items"], "LastEvaluatedKey" in r

    def index_count(self, m: Meter, pk: str, slot: int, prefix: KeyRange) -> int:
        params, total = self._query(pk, slot, prefix), 0
        while True:
            r = m.call("query", Select="COUNT", **params)
            total += r["Count"]
            if "LastEvaluatedKey" not in r:
                return total
            params["ExclusiveStartKey"] = r["LastEvaluatedKey"]

    def _update_with_slots(self, m, pk, record, names, values, sets, old_slots, new_slots,
                           live_after=True, count_delta=0, changes=None):
        record_id = record["id"]
        for n, (old, new) in enumerate(zip(old_slots, new_slots), start=1):
            if old != new or not live_after:
                names[f"#s{n}"] = self.slot_attr.format(n)
                values[f":s{n}"] = {"S": enc.slot_value(new, record_id, live_after)}
                sets.append(f"#s{n} = :s{n}")
        update = {"TableName": self.table, "Key": record_key(pk, record_id),
                  "UpdateExpression": "SET " + ", ".join(sets), "ConditionExpression": "attribute_exists(sk)",
                  "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}
        units = self.write_units(self.items_for(pk, {**record, **(changes or {})}, new_slots, live_after)[0],
                                 self.items_for(pk, record, old_slots)[0])
        if count_delta:
            self._transact(m, [{"Update": update}, _counter_update(self.table, pk, count_delta)], units + 1)
        else:
            m.call("update_item", _rule_wcu=units, **update)


class OverloadedLsi(AttributeSlots):
    key, title = "L", "overloaded LSIs, projection ALL"
    indexes = {f"s{n}": "ALL" for n in SLOTS}

    def table_request(self) -> dict[str, Any]:
        return _lsi_table(self.table, "ALL")


class OverloadedLsiKeysOnly(OverloadedLsi):
    key, title = "L-KO", "overloaded LSIs, projection KEYS_ONLY"
    fetch = True
    indexes = {f"s{n}": "KEYS_ONLY" for n in SLOTS}

    def table_request(self) -> dict[str, Any]:
        return _lsi_table(self.table, "KEYS_ONLY")


class OverloadedLsiFirstAll(OverloadedLsi):
    key, title = "L-1A", "overloaded LSIs, lsi1 (join column) ALL, lsi2..lsi5 KEYS_ONLY"
    fetch = True  # Select=ALL_ATTRIBUTES: no fetch on lsi1 (ALL), a fetch per item on the others
    indexes = {"s1": "ALL", **{f"s{n}": "KEYS_ONLY" for n in SLOTS[1:]}}

    def table_request(self) -> dict[str, Any]:
        return _lsi_table(self.table, ["ALL"] + ["KEYS_ONLY"] * 4)


class OverloadedGsi(AttributeSlots):
    key, title = "C", "overloaded GSI slots, projection ALL"
    slot_attr, index_name = "g{}", "gsi{}"
    read_consistent = False
    index_consistency = "eventual"
    indexes = {f"g{n}": "ALL" for n in SLOTS}

    def table_request(self) -> dict[str, Any]:
        return {
            "TableName": self.table, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"}
                                     for a in ("pk", "sk", *(f"g{n}" for n in SLOTS))],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "GlobalSecondaryIndexes": [
                {"IndexName": f"gsi{n}", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                        {"AttributeName": f"g{n}", "KeyType": "RANGE"}],
                 "Projection": {"ProjectionType": "ALL"}} for n in SLOTS],
        }


class IndexItems(Layout):
    key, title = "B", "index items in the base table"

    @staticmethod
    def _index_sk(slot: int, slot_value: str) -> str:
        return f"X#{slot}#{slot_value}"

    def table_request(self) -> dict[str, Any]:
        return {
            "TableName": self.table, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk")],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        }

    def items_for(self, pk, record, slots, live=True):
        items = [to_item(pk, record)]
        for n, value in zip(SLOTS, slots):
            sk = self._index_sk(n, enc.slot_value(value, record["id"], live))
            items.append({"pk": {"S": pk}, "sk": {"S": sk}})
        return items

    def _query(self, pk: str, slot: int, prefix: KeyRange) -> dict[str, Any]:
        condition, values = _key_condition("sk", prefix, self._index_sk(slot, ""))
        return {"TableName": self.table, "ConsistentRead": True, "KeyConditionExpression": condition,
                "ExpressionAttributeValues": {":pk": {"S": pk}, **values}}

    def index_page(self, m, pk, slot, prefix, limit=60, forward=True):
        r = m.call("query", Limit=limit, ScanIndexForward=forward, **self._query(pk, slot, prefix))
        ids = [item["sk"]["S"].rsplit(enc.SEPARATOR, 1)[1] for item in r["Items"]]
        by_id = {item["sk"]["S"][len(RECORD_PREFIX):]: item for item in self.batch_get(m, pk, ids)} if ids else {}
        return [by_id[i] for i in ids if i in by_id], "LastEvaluatedKey" in r

    def index_count(self, m, pk, slot, prefix):
        params, total = self._query(pk, slot, prefix), 0
        while True:
            r = m.call("query", Select="COUNT", **params)
            total += r["Count"]
            if "LastEvaluatedKey" not in r:
                return total
            params["ExclusiveStartKey"] = r["LastEvaluatedKey"]

    def _update_with_slots(self, m, pk, record, names, values, sets, old_slots, new_slots,
                           live_after=True, count_delta=0, changes=None):
        record_id = record["id"]
        units = self.write_units(to_item(pk, {**record, **(changes or {})}), to_item(pk, record))
        actions: list[dict[str, Any]] = [{"Update": {
            "TableName": self.table, "Key": record_key(pk, record_id), "UpdateExpression": "SET " + ", ".join(sets),
            "ConditionExpression": "attribute_exists(sk)", "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values}}]
        for n, (old, new) in enumerate(zip(old_slots, new_slots), start=1):
            if old != new or not live_after:
                old_sk = self._index_sk(n, enc.slot_value(old, record_id, True))
                new_sk = self._index_sk(n, enc.slot_value(new, record_id, live_after))
                actions.append({"Delete": {"TableName": self.table, "Key": {"pk": {"S": pk}, "sk": {"S": old_sk}}}})
                actions.append({"Put": {"TableName": self.table, "Item": {"pk": {"S": pk}, "sk": {"S": new_sk}}}})
                units += 2  # two index items of well under 1 KB
        if count_delta:
            actions.append(_counter_update(self.table, pk, count_delta))
            units += 1
        self._transact(m, actions, units)


LAYOUTS: dict[str, type[Layout]] = {
    cls.key: cls for cls in (OverloadedLsi, OverloadedLsiKeysOnly, OverloadedLsiFirstAll, IndexItems, OverloadedGsi)
}


def load(client: Any, layout: Layout, pk: str, records: Sequence[tuple[dict[str, Any], Sequence[str | None]]],
         threads: int = 4) -> None:
    """Bulk load (BatchWriteItem, 25 a request, not measured)."""
    items = [item for record, slots in records for item in layout.items_for(pk, record, slots)]
    chunks = [items[i:i + 25] for i in range(0, len(items), 25)]

    def write(chunk: list[dict[str, Any]]) -> None:
        request = {layout.table: [{"PutRequest": {"Item": item}} for item in chunk]}
        while request:
            request = client.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(write, chunks))
    client.update_item(TableName=layout.table, Key={"pk": {"S": pk}, "sk": {"S": COUNT_SK}},
                       UpdateExpression="ADD n :d", ExpressionAttributeValues={":d": {"N": str(len(records))}})

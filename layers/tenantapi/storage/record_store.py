"""The records table: one item collection per (workspace, object) — docs/storage.md.

    pk = "<workspaceId>#<objectId>", sk = "R#<recordId>"   a record: one attribute per field
                                                           (named by the field's storage key),
                                                           s1..s5 = its LSI sort keys,
                                                           v = its version (absent: 0),
                                                           c = writes that named it as a relation target
    pk = "<workspaceId>#<objectId>", sk = "#COUNT"         live records of the object (n)
    pk = "<workspaceId>#<objectId>", sk = "U#<guard>"      a unique value and its owner record (id)
Every key starts with the workspace id, so no request can reach another workspace's items.

Every record write is conditioned on the version it was planned on (`v = :read`, or
`attribute_not_exists(v)` for a record written before versions existed) and sets the next one,
so a write whose read went stale is cancelled instead of overwriting what it did not see.
A write that names a record through a join column counts the link on that record (`c`), in the
same transaction and only while it is live; a destroy is conditioned on the count it read, so a
child written after the destroy looked for children cancels it (the destroy then looks again).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from botocore.exceptions import ClientError

from .dynamo import TableAdapter, from_item, to_attr, to_item

__all__ = [
    "RecordStore", "RecordWrite", "Page", "DuplicateRecord", "RecordMissing", "RecordChanged", "StorageLimit", "partition_key",
    "transaction_size", "MAX_TRANSACTION_ACTIONS", "VERSION", "LINKS", "version_of", "links_of", "storage_limit_of",
]

COUNT_SK = "#COUNT"
RECORD_PREFIX = "R#"
GUARD_PREFIX = "U#"
# TransactWriteItems holds at most 100 actions (DynamoDB limit).
MAX_TRANSACTION_ACTIONS = 100
# TransactWriteItems carries at most 4 MB of items (DynamoDB limit); an item holds at most 400 KB.
MAX_TRANSACTION_BYTES = 4 * 1024 * 1024
# The record's version: 1 when created, +1 on every write; absent on records written before.
VERSION = "v"
# How many writes named the record as a relation target: what a destroy's plan of children read.
LINKS = "c"
_CONFLICT_ATTEMPTS = 4


def links_of(stored: dict[str, Any] | None) -> int:
    """How many writes had named the record as a relation target when it was read."""
    return int((stored or {}).get(LINKS) or 0)


def version_of(stored: dict[str, Any] | None) -> int:
    """The version of a record as read (0: written before versions existed, or not yet written)."""
    return int((stored or {}).get(VERSION) or 0)


@dataclass(frozen=True)
class RecordWrite:
    """One action of a record transaction: put (new id), update (existing), delete, or link (a
    relation target this write names: it must exist and not be soft-deleted, and counts the link)."""

    kind: str  # "put" | "update" | "delete" | "link"
    pk: str
    record_id: str
    attributes: dict[str, Any] = field(default_factory=dict)  # put: the item; update: attributes to SET
    count_delta: int = 0
    # Update and delete: attribute -> the value it must still hold (the state the write was planned on).
    expected: dict[str, Any] = field(default_factory=dict)
    # Update and delete: the version read; the write holds only if the record still has it, and an
    # update sets the next one. None: a write that is no change of the record (a backfilled slot).
    version: int | None = None
    # Delete: the link count read when its children were looked for (None: not conditioned on it).
    links: int | None = None
    # Link: the storage key of the record's deletedAt, which must be absent or null.
    live_key: str | None = None


def _update_expression(attributes: dict[str, Any]) -> dict[str, Any]:
    names = {f"#a{i}": name for i, name in enumerate(attributes)}
    values = {f":v{i}": to_attr(value) for i, value in enumerate(attributes.values())}
    return {
        "UpdateExpression": "SET " + ", ".join(f"#a{i} = :v{i}" for i in range(len(attributes))),
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }


def partition_key(workspace_id: str, object_id: str) -> str:
    return f"{workspace_id}#{object_id}"


class DuplicateRecord(Exception):
    def __init__(self, record_id: str) -> None:
        super().__init__(record_id)
        self.record_id = record_id


class RecordMissing(Exception):
    pass


class RecordChanged(Exception):
    """A write's `expected` values no longer hold: the record changed (or went) since it was read."""

    def __init__(self, record_id: str) -> None:
        super().__init__(record_id)
        self.record_id = record_id


def _count_deltas(actions: Sequence["RecordWrite"]) -> dict[str, int]:
    deltas: dict[str, int] = {}
    for action in actions:
        if action.count_delta:
            deltas[action.pk] = deltas.get(action.pk, 0) + action.count_delta
    return {pk: delta for pk, delta in deltas.items() if delta}


def transaction_size(actions: Sequence["RecordWrite"]) -> int:
    """Actions of the one transaction `RecordStore.write` makes of these writes: one per record,
    one per object counter that moves."""
    return len(actions) + len(_count_deltas(actions))


def _condition(action: "RecordWrite") -> dict[str, Any]:
    """The precondition of an update, delete or link: the record exists, still holds the version
    (and the values, and for a destroy the link count) the write was planned on, or for a link is
    not soft-deleted."""
    names = {f"#c{i}": name for i, name in enumerate(action.expected)}
    values = {f":c{i}": to_attr(value) for i, value in enumerate(action.expected.values())}
    checks = ["attribute_exists(sk)"] + [f"#c{i} = :c{i}" for i in range(len(names))]
    # The version and the link count are absent until first written, and read as 0 meanwhile.
    for placeholder, attribute, expected in (("ver", VERSION, action.version), ("links", LINKS, action.links)):
        if expected is None:
            continue
        names[f"#{placeholder}"] = attribute
        if expected == 0:
            checks.append(f"attribute_not_exists(#{placeholder})")
        else:
            checks.append(f"#{placeholder} = :{placeholder}")
            values[f":{placeholder}"] = {"N": str(expected)}
    if action.live_key is not None:
        names["#live"] = action.live_key
        checks.append("(attribute_not_exists(#live) OR attribute_type(#live, :null))")
        values[":null"] = {"S": "NULL"}
    return {"ConditionExpression": " AND ".join(checks), "names": names, "values": values}


def _item_bytes(value: dict[str, Any]) -> int:
    """The size of a DynamoDB attribute value by DynamoDB's rules (generous for numbers)."""
    (kind, inner), = value.items()
    if kind in ("S", "B"):
        return len(inner.encode("utf-8")) if isinstance(inner, str) else len(inner)
    if kind == "N":
        return len(inner) + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(1 + len(k.encode("utf-8")) + _item_bytes(v) for k, v in inner.items())
    if kind == "L":
        return 3 + sum(1 + _item_bytes(v) for v in inner)
    return 3 + sum(1 + len(str(v).encode("utf-8")) for v in inner)  # SS, NS, BS


def _payload_bytes(items: list[dict[str, Any]]) -> int:
    """The items a transaction carries (attribute names and values), as its 4 MB limit counts them."""
    total = 0
    for item in items:
        (body,) = item.values()
        for part in ("Item", "ExpressionAttributeValues"):
            total += sum(len(k.encode("utf-8")) + _item_bytes(v) for k, v in body.get(part, {}).items())
    return total


_COLLECTION_LIMIT = "the object holds 10 GB of records, the most one item collection may"
_ITEM_LIMIT = "a record would exceed DynamoDB's 400 KB item size"
_TRANSACTION_LIMIT = "the records of this request exceed the 4 MB one DynamoDB transaction carries: send fewer or smaller records"


def storage_limit_of(error: ClientError) -> "StorageLimit | None":
    """The size limit a DynamoDB error reports, by its error code and cancellation reason codes
    (never by its message), or None when it is not about size."""
    code = error.response.get("Error", {}).get("Code")
    if code == "ItemCollectionSizeLimitExceededException":
        return StorageLimit(_COLLECTION_LIMIT)
    if code == "TransactionCanceledException":
        reasons = {r.get("Code") for r in error.response.get("CancellationReasons") or []}
        if "ItemCollectionSizeLimitExceeded" in reasons:
            return StorageLimit(_COLLECTION_LIMIT)
        if "ValidationError" in reasons:  # AWS: an item past 400 KB cancels the transaction
            return StorageLimit(_ITEM_LIMIT)
        return None
    if code == "ValidationException":
        # The payload was measured below 4 MB before sending, and the requests are well formed,
        # so what is left is an item past 400 KB (DynamoDB Local's form of the same refusal).
        return StorageLimit(_ITEM_LIMIT)
    return None


class StorageLimit(Exception):
    """A write DynamoDB refuses for size: the item (400 KB), the transaction (4 MB) or the item
    collection (10 GB)."""


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]  # plain values; "id" added from the sort key
    last_key: dict[str, Any] | None  # DynamoDB's LastEvaluatedKey, when more may follow


def _record_from_item(item: dict[str, Any]) -> dict[str, Any]:
    values = from_item(item)
    values["id"] = values.pop("sk")[len(RECORD_PREFIX):]
    values.pop("pk", None)
    return values


class RecordStore(TableAdapter):
    setting = "records_table"

    def _key(self, pk: str, record_id: str) -> dict[str, Any]:
        return {"pk": {"S": pk}, "sk": {"S": RECORD_PREFIX + record_id}}

    def _count_update(self, pk: str, delta: int) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self.table,
                "Key": {"pk": {"S": pk}, "sk": {"S": COUNT_SK}},
                "UpdateExpression": "ADD n :delta",
                "ExpressionAttributeValues": {":delta": {"N": str(delta)}},
            }
        }

    def purge(self, pk: str) -> int:
        """Delete every item of an object's collection (object deletion). Returns items deleted."""
        deleted = 0
        paginator = self.client.get_paginator("query")
        for page in paginator.paginate(
            TableName=self.table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": pk}},
            ProjectionExpression="pk, sk",
        ):
            keys = page.get("Items", [])
            for start in range(0, len(keys), 25):  # BatchWriteItem: 25 requests (DynamoDB limit)
                pending = {self.table: [{"DeleteRequest": {"Key": key}} for key in keys[start : start + 25]]}
                for _ in range(8):
                    pending = self.client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
                    if not pending:
                        break
                deleted += len(keys[start : start + 25])
        return deleted

    def write(self, actions: list["RecordWrite"]) -> None:
        """Several record writes as one TransactWriteItems (DynamoDB: at most 100 actions).
        Raises DuplicateRecord or RecordMissing naming the record whose condition failed."""
        items: list[dict[str, Any]] = []
        for action in actions:
            key = self._key(action.pk, action.record_id)
            if action.kind == "put":
                item = {**key, **to_item(action.attributes), VERSION: {"N": "1"}}
                items.append({"Put": {"TableName": self.table, "Item": item, "ConditionExpression": "attribute_not_exists(sk)"}})
                continue
            condition = _condition(action)
            body: dict[str, Any] = {"TableName": self.table, "Key": key, "ConditionExpression": condition["ConditionExpression"]}
            if action.kind == "update":
                attributes = dict(action.attributes)
                if action.version is not None:
                    attributes[VERSION] = action.version + 1
                body.update(_update_expression(attributes))
            if action.kind == "link":
                body.update({"UpdateExpression": "ADD #linked :one", "ExpressionAttributeNames": {"#linked": LINKS},
                             "ExpressionAttributeValues": {":one": {"N": "1"}}})
            if condition["names"]:
                body["ExpressionAttributeNames"] = {**body.get("ExpressionAttributeNames", {}), **condition["names"]}
            if condition["values"]:
                body["ExpressionAttributeValues"] = {**body.get("ExpressionAttributeValues", {}), **condition["values"]}
            items.append({"Delete" if action.kind == "delete" else "Update": body})
        # Counters after the records: a cancellation reason's index is its action's index.
        items += [self._count_update(pk, delta) for pk, delta in _count_deltas(actions).items()]
        if len(items) > MAX_TRANSACTION_ACTIONS:
            raise ValueError(f"{len(items)} actions exceed one transaction")
        if _payload_bytes(items) > MAX_TRANSACTION_BYTES:
            raise StorageLimit(_TRANSACTION_LIMIT)
        for attempt in range(_CONFLICT_ATTEMPTS):
            try:
                self.client.transact_write_items(TransactItems=items)
                return
            except ClientError as error:
                limit = storage_limit_of(error)
                if limit is not None:
                    raise limit from error
                if error.response["Error"]["Code"] != "TransactionCanceledException":
                    raise
                reasons = error.response.get("CancellationReasons") or []
                for reason, action in zip(reasons, actions):
                    if reason.get("Code") == "ConditionalCheckFailed":
                        if action.kind == "put":
                            raise DuplicateRecord(action.record_id) from error
                        if action.version is None and not action.expected and action.kind != "link":
                            raise RecordMissing(action.record_id) from error
                        # What the write was planned on changed (or went): the caller reads again.
                        raise RecordChanged(action.record_id) from error
                # Cancelled by a concurrent transaction on the same items (the counter is shared by
                # every write of an object): standard retry mode does not retry these; we do.
                retryable = {r.get("Code") for r in reasons} <= {"None", None, "TransactionConflict", "ThrottlingError"}
                if not retryable or attempt == _CONFLICT_ATTEMPTS - 1:
                    raise
                time.sleep(0.02 * (2**attempt) * (1 + random.random()))

    # -- unique guards ------------------------------------------------------------------------

    def reserve_guard(self, pk: str, guard: str, record_id: str, *, stale_owner: str | None = None) -> tuple[str, float] | None:
        """Claim a unique value for a record. Returns None when claimed, else (owner, claimed at,
        epoch seconds). `stale_owner` takes over a guard whose owner no longer holds the value."""
        condition = "attribute_not_exists(sk) OR id = :self" if stale_owner is None else "id = :stale"
        values = {":self": {"S": record_id}} if stale_owner is None else {":stale": {"S": stale_owner}}
        try:
            self.client.put_item(
                TableName=self.table,
                Item={"pk": {"S": pk}, "sk": {"S": GUARD_PREFIX + guard}, "id": {"S": record_id}, "at": {"N": f"{time.time():.3f}"}},
                ConditionExpression=condition,
                ExpressionAttributeValues=values,
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
            return None
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            old = error.response.get("Item")
            if old is None:  # some emulators do not return the old item: read it
                old = self.client.get_item(
                    TableName=self.table, Key={"pk": {"S": pk}, "sk": {"S": GUARD_PREFIX + guard}}, ConsistentRead=True
                ).get("Item") or {}
            return old.get("id", {}).get("S", ""), float(old.get("at", {}).get("N", "0"))

    def reserve_guards(self, pk: str, claims: Sequence[tuple[str, str]]) -> bool:
        """Claim (guard, record id) pairs in one transaction (at most 100 actions): all of them,
        or none and False when any is held by another record or the transaction is cancelled."""
        at = {"N": f"{time.time():.3f}"}
        items = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": {"pk": {"S": pk}, "sk": {"S": GUARD_PREFIX + guard}, "id": {"S": record_id}, "at": at},
                    "ConditionExpression": "attribute_not_exists(sk) OR id = :self",
                    "ExpressionAttributeValues": {":self": {"S": record_id}},
                }
            }
            for guard, record_id in claims
        ]
        if not items:
            return True
        try:
            self.client.transact_write_items(TransactItems=items)
            return True
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            return False

    def guard_owner(self, pk: str, guard: str) -> str | None:
        item = self.client.get_item(
            TableName=self.table, Key={"pk": {"S": pk}, "sk": {"S": GUARD_PREFIX + guard}}, ConsistentRead=True
        ).get("Item")
        return item["id"]["S"] if item else None

    def release_guard(self, pk: str, guard: str, record_id: str) -> None:
        """Give a value back, only if this record still holds it."""
        try:
            self.client.delete_item(
                TableName=self.table,
                Key={"pk": {"S": pk}, "sk": {"S": GUARD_PREFIX + guard}},
                ConditionExpression="id = :self",
                ExpressionAttributeValues={":self": {"S": record_id}},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

    # -- reads --------------------------------------------------------------------------------

    def batch_get(self, pk: str, record_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Records by id (strongly consistent), in BatchGetItem requests of 100 keys (DynamoDB limit)."""
        ids = list(dict.fromkeys(record_ids))
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 100):
            pending: dict[str, Any] = {
                self.table: {"Keys": [self._key(pk, i) for i in ids[start : start + 100]], "ConsistentRead": True}
            }
            for _ in range(8):
                response = self.client.batch_get_item(RequestItems=pending)
                for item in response.get("Responses", {}).get(self.table, []):
                    record = _record_from_item(item)
                    found[record["id"]] = record
                pending = response.get("UnprocessedKeys") or {}
                if not pending:
                    break
        return found

    def get(self, pk: str, record_id: str) -> dict[str, Any] | None:
        item = self.client.get_item(TableName=self.table, Key=self._key(pk, record_id), ConsistentRead=True).get("Item")
        return _record_from_item(item) if item else None

    def count(self, pk: str) -> int:
        item = self.client.get_item(
            TableName=self.table, Key={"pk": {"S": pk}, "sk": {"S": COUNT_SK}}, ConsistentRead=True
        ).get("Item")
        return int(item["n"]["N"]) if item else 0

    def query_range(
        self,
        pk: str,
        *,
        index: str | None,
        attribute: str,
        begins_with: str | None = None,
        between: tuple[str, str] | None = None,
        limit: int | None = None,
        forward: bool = True,
        exclusive_start_key: dict[str, Any] | None = None,
        count_only: bool = False,
        filter_expression: str | None = None,
        names: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
    ) -> tuple[list[dict[str, Any]], int, dict[str, Any] | None]:
        """One Query page over a key range of the table (`attribute` = "sk") or of an LSI
        (`attribute` = "s<n>"): (records, items counted, LastEvaluatedKey). Strongly consistent;
        on a keys-only LSI DynamoDB fetches each record from the table."""
        values = {**(values or {}), ":pk": {"S": pk}}
        names = {**(names or {}), "#k": attribute}
        if between is not None:
            condition = "pk = :pk AND #k BETWEEN :low AND :high"
            values[":low"], values[":high"] = {"S": between[0]}, {"S": between[1]}
        else:
            condition = "pk = :pk AND begins_with(#k, :prefix)"
            values[":prefix"] = {"S": begins_with or ""}
        params: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "ConsistentRead": True,
            "ScanIndexForward": forward,
        }
        if index:
            params["IndexName"] = index
            params["Select"] = "COUNT" if count_only else "ALL_ATTRIBUTES"
        elif count_only:
            params["Select"] = "COUNT"
        if limit is not None:
            params["Limit"] = limit
        if exclusive_start_key:
            params["ExclusiveStartKey"] = exclusive_start_key
        if filter_expression:
            params["FilterExpression"] = filter_expression
        response = self.client.query(**params)
        records = [_record_from_item(item) for item in response.get("Items", []) if item["sk"]["S"].startswith(RECORD_PREFIX)]
        counted = response.get("Count", 0) if count_only else response.get("ScannedCount", 0)
        return records, int(counted), response.get("LastEvaluatedKey")

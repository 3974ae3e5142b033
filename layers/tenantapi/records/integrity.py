"""Integrity of record writes: unique values, relation targets, and onDelete of relations.

Unique values are guarded by items of the object's collection (`U#<field>#<hash of value>`,
holding the owner id), claimed with a conditional PutItem before the record transaction and not
inside it, so a batch of 60 stays one transaction of 61 actions (docs/storage.md, "Unique
guards"). A guard whose owner is gone, soft-deleted or no longer holds the value is taken over.

A field that becomes unique (isUnique turned on, a unique field created or re-activated) has no
guards yet: `claim_existing` claims one for every live record's value before the schema change
is committed, so a value two records share refuses the change (as Postgres refuses a unique index
over duplicates), and a write on the new schema finds every existing value guarded.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any, Iterable

from ..errors import BadRequest
from ..metadata.field_types import FieldType, OnDelete
from ..metadata.model import FieldMetadata, ObjectMetadata, WorkspaceSchema
from ..storage.record_store import MAX_TRANSACTION_ACTIONS, RecordStore, partition_key
from ..storage.sort_keys import encode_value
from .shape import ObjectShape, shape_of, stored_value

__all__ = ["Guard", "UniqueGuards", "guard_of", "unique_guards", "check_relation_targets", "children_of"]

CLAIM_LEASE_SECONDS = 60.0

# The sub-field that makes a composite unique (Twenty's unique constraints on these types).
_UNIQUE_PART = {
    FieldType.EMAILS: ("primaryEmail",),
    FieldType.LINKS: ("primaryLinkUrl",),
    FieldType.PHONES: ("primaryPhoneCallingCode", "primaryPhoneNumber"),
}


@dataclass(frozen=True)
class Guard:
    field: FieldMetadata
    key: str  # "<storage key>#<sha256 of the normalised value>"
    shown: str  # the value as the error message names it


def _normalised(field: FieldMetadata, value: Any) -> str | None:
    if value is None:
        return None
    if field.type in _UNIQUE_PART:
        parts = [str(value.get(p) or "").strip() for p in _UNIQUE_PART[field.type]] if isinstance(value, dict) else []
        if not parts or not parts[-1]:
            return None  # an empty primary value is not a value (many records may lack one)
        text = "".join(parts)
        # Emails and URLs compare case-insensitively.
        return text.lower() if field.type is not FieldType.PHONES else text
    if value == "":
        return None
    return encode_value(field.type, value)


def guard_of(field: FieldMetadata, value: Any) -> Guard | None:
    """The guard of one value of a unique field (None: an empty value, which needs none)."""
    normalised = _normalised(field, value)
    if normalised is None:
        return None
    digest = hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:40]
    return Guard(field, f"{field.storage_key}#{digest}", normalised)


def unique_guards(shape: ObjectShape, values: dict[str, Any]) -> list[Guard]:
    """The guards a record with these {field id: value} needs."""
    guards = []
    for f in shape.unique_fields:
        guard = guard_of(f, values[f.id]) if f.id in values else None
        if guard is not None:
            guards.append(guard)
    return guards


class UniqueGuards:
    def __init__(self, store: RecordStore) -> None:
        self.store = store

    def claim(self, pk: str, shape: ObjectShape, record_id: str, guards: Iterable[Guard], taken: list[tuple[str, str]]) -> None:
        """Claim every guard for the record, appending (guard, record id) to `taken`; a value held
        by another record (of this write, or live in the table) is a 400 naming the field."""
        for guard in guards:
            if any(key == guard.key and owner != record_id for key, owner in taken):
                raise self._duplicate(shape, guard)
            held = self.store.reserve_guard(pk, guard.key, record_id)
            if held is not None and held[0] != record_id and not self._holds(pk, shape, guard, *held):
                held = self.store.reserve_guard(pk, guard.key, record_id, stale_owner=held[0])
            if held is not None and held[0] != record_id:
                raise self._duplicate(shape, guard)
            taken.append((guard.key, record_id))

    @staticmethod
    def _duplicate(shape: ObjectShape, guard: Guard) -> BadRequest:
        return BadRequest(
            f"A duplicate entry was detected: another {shape.object.name_singular} already has this {guard.field.name} ({guard.shown})"
        )

    def _holds(self, pk: str, shape: ObjectShape, guard: Guard, owner: str, claimed_at: float) -> bool:
        record = self.store.get(pk, owner)
        if record is None:
            # A claim whose record is not written yet may belong to a request still running:
            # only a claim older than any request can live (API Gateway stops at 29 s) is stale.
            return time.time() - claimed_at < CLAIM_LEASE_SECONDS
        if record.get(shape.storage_key("deletedAt")) is not None:
            return False
        # By the guard's own field: the schema of `shape` may not hold the field as unique yet.
        current = guard_of(guard.field, stored_value(guard.field, record))
        return current is not None and current.key == guard.key

    def claim_existing(self, pk: str, shape: ObjectShape, field: FieldMetadata, records: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
        """Claim the guard of `field`'s value for every live record of `records` (stored form),
        for a field about to become unique. Returns the claims, to give back if the change is not
        committed. A value two live records share is a 400 naming it, and nothing stays claimed."""
        deleted_key = shape.storage_key("deletedAt")
        owners: dict[str, str] = {}
        wanted: list[tuple[Guard, str]] = []
        for record in records:
            if record.get(deleted_key) is not None:
                continue
            guard = guard_of(field, stored_value(field, record))
            if guard is None:
                continue
            if guard.key in owners:
                raise self._not_unique(shape, guard)
            owners[guard.key] = record["id"]
            wanted.append((guard, record["id"]))
        taken: list[tuple[str, str]] = []
        try:
            for start in range(0, len(wanted), MAX_TRANSACTION_ACTIONS):
                chunk = wanted[start : start + MAX_TRANSACTION_ACTIONS]
                if self.store.reserve_guards(pk, [(guard.key, owner) for guard, owner in chunk]):
                    taken += [(guard.key, owner) for guard, owner in chunk]
                    continue
                # A guard of the chunk is held by another record: one at a time, which takes over
                # stale guards and tells a record written meanwhile holding the same value.
                for guard, owner in chunk:
                    try:
                        self.claim(pk, shape, owner, [guard], taken)
                    except BadRequest:
                        raise self._not_unique(shape, guard) from None
        except BaseException:
            self.release(pk, taken)
            raise
        return taken

    @staticmethod
    def _not_unique(shape: ObjectShape, guard: Guard) -> BadRequest:
        return BadRequest(
            f"Field '{guard.field.name}' cannot be unique: more than one {shape.object.name_singular} has the value"
            f" {guard.shown}"
        )

    def release(self, pk: str, taken: Iterable[tuple[str, str]]) -> None:
        for guard, record_id in taken:
            self.store.release_guard(pk, guard, record_id)


def check_relation_targets(
    store: RecordStore, workspace_id: str, schema: WorkspaceSchema, shape: ObjectShape, rows: list[dict[str, Any]]
) -> list[tuple[ObjectShape, str]]:
    """Every join column set in these rows ({field id: value}) names a live record of its target
    (else a 400 naming the field). Returns the targets read, (target shape, id), for the write to
    check again in its own transaction: a target destroyed between this read and the write must
    cancel it (docs/storage.md, "relation targets")."""
    checked: list[tuple[ObjectShape, str]] = []
    wanted: dict[str, set[str]] = {}
    fields: dict[str, FieldMetadata] = {}
    for f in shape.join_fields:
        for row in rows:
            value = row.get(f.id)
            if value is not None:
                wanted.setdefault(f.relation.target_object_id, set()).add(value)  # type: ignore[union-attr]
                fields.setdefault(f.relation.target_object_id, f)  # type: ignore[union-attr]
    for target_id, ids in wanted.items():
        target = schema.object(target_id)
        found = store.batch_get(partition_key(workspace_id, target_id), ids) if target is not None else {}
        deleted_key = shape_of(schema, target).storage_key("deletedAt") if target is not None else ""
        for record_id in sorted(ids):
            record = found.get(record_id)
            if record is None or record.get(deleted_key) is not None:
                f = fields[target_id]
                name = target.name_singular if target is not None else "record"
                raise BadRequest(f"Invalid value for field '{f.join_column}': no {name} with id {record_id}")
            checked.append((shape_of(schema, target), record_id))  # type: ignore[arg-type]
    return checked


def children_of(schema: WorkspaceSchema, obj: ObjectMetadata) -> list[tuple[ObjectMetadata, FieldMetadata, OnDelete]]:
    """The MANY_TO_ONE fields of active objects that point at `obj`, with their onDelete."""
    out = []
    for f in schema.fields:
        if f.is_many_to_one and f.relation.target_object_id == obj.id and f.is_active:  # type: ignore[union-attr]
            child = schema.object(f.object_id)
            if child is not None:
                out.append((child, f, f.relation.on_delete or OnDelete.SET_NULL))  # type: ignore[union-attr]
    return out

"""One record's change within a write (put, update, delete) and what it writes to storage.

Every update and delete is conditioned on the version of the record it was planned on (`stored`),
so a change planned on a read that went stale is cancelled, never written over what it did not
see; the service reads again and plans again (records/service.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import BadRequest
from ..storage.record_store import VERSION, RecordWrite, links_of, version_of
from ..storage.sort_keys import with_state
from .shape import ObjectShape

__all__ = ["Change", "by_field_id", "check_required"]


@dataclass
class Change:
    """One record's change within a write: put (new), update or delete."""

    kind: str
    record_id: str
    values: dict[str, Any]  # {field id: value}: all of a new record, the changed ones of an update
    stored: dict[str, Any] | None  # the record as read, for updates and deletes
    live: bool = True  # False: the update soft-deletes
    restoring: bool = False  # the update restores a soft-deleted record
    # Storage key -> the value the stored record must still hold when written (see RecordWrite).
    expected: dict[str, Any] = field(default_factory=dict)

    def after(self, shape: ObjectShape) -> dict[str, Any]:
        """The stored form once written, with the version the write sets."""
        by_id = shape.stored_by_id
        written = {by_id[k].storage_key: v for k, v in self.values.items() if k in by_id}
        return {**(self.stored or {}), "id": self.record_id, **written, VERSION: version_of(self.stored) + 1}

    def write(self, pk: str, shape: ObjectShape) -> RecordWrite:
        if self.kind == "delete":
            live = (self.stored or {}).get(shape.storage_key("deletedAt")) is None
            # Conditioned on the links read too: a child written after the destroy looked for
            # children cancels it, so no child is left naming a record that is gone.
            return RecordWrite(
                "delete", pk, self.record_id, count_delta=-1 if live else 0, expected=self.expected,
                version=version_of(self.stored), links=links_of(self.stored),
            )
        by_id = shape.stored_by_id
        # Nulls are stored (DynamoDB NULL): an absent attribute means "written before the field
        # existed", which reads as the field's default.
        attributes = {by_id[k].storage_key: v for k, v in self.values.items() if k in by_id}
        attributes.update(shape.slot_values(self.record_id, self.values, live=self.live))
        if self.kind == "put":
            return RecordWrite("put", pk, self.record_id, attributes, count_delta=1)
        if not self.live or self.restoring:
            # Entering or leaving the deleted state moves every slot, changed or not.
            attributes.update({k: with_state(v, self.live) for k, v in (self.stored or {}).items() if _is_slot(k) and k not in attributes})
        # The counter moves with the state read, in the same transaction, and the version condition
        # makes that read still true when it commits: two soft deletes of one record cannot both count.
        delta = -1 if not self.live else (1 if self.restoring else 0)
        return RecordWrite(
            "update", pk, self.record_id, attributes, count_delta=delta, expected=self.expected, version=version_of(self.stored)
        )


def by_field_id(shape: ObjectShape, stored: dict[str, Any]) -> dict[str, Any]:
    return {f.id: stored.get(f.storage_key) for f in shape.stored_fields}


def check_required(shape: ObjectShape, values: dict[str, Any]) -> None:
    for f in shape.stored_fields:
        if not f.is_nullable and values.get(f.id) is None and not f.is_system:
            raise BadRequest(f"Field '{f.join_column or f.name}' of object '{shape.object.name_singular}' is required")


def _is_slot(attribute: str) -> bool:
    return len(attribute) == 2 and attribute[0] == "s" and attribute[1].isdigit()

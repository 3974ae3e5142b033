"""What destroying records does through the onDelete of the relations that point at them.

A destroy is planned in full before anything is written: the children of each relation pointing
at a destroyed record are read, RESTRICT refuses (400) if there is one, CASCADE destroys them and
follows their own relations (ON_DELETE_DEPTH levels at most), SET_NULL clears their join column,
NO_ACTION leaves them. The service then writes the destroyed records, the cascaded ones and the
cleared ones in one transaction, each child conditioned on still pointing at its parent, so a
concurrent change fails the destroy as a whole (docs/storage.md, "destroy one / many").

A record reached twice (two relations, or a record that is also a destroyed one) is written once:
destroyed if any path destroys it, else cleared of every join column that points at a destroyed
record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import BadRequest
from ..metadata.field_types import OnDelete
from ..metadata.model import FieldMetadata, WorkspaceSchema
from ..query.filters import compile_filter
from ..query.order import compile_order, term_value
from ..query.planner import plan_query
from ..storage.record_store import partition_key
from .integrity import children_of
from .reader import PageRequest
from .shape import ObjectShape, shape_of

if TYPE_CHECKING:
    from .reader import RecordReader

__all__ = ["ON_DELETE_DEPTH", "Affected", "DestroyPlan", "plan_destroy"]

# How far CASCADE follows relations from a destroyed record.
ON_DELETE_DEPTH = 3
_PAGE = 200


@dataclass
class Affected:
    """One record the destroy writes besides those asked for: destroyed, or cleared."""

    shape: ObjectShape
    stored: dict[str, Any]
    destroy: bool
    cleared: list[FieldMetadata] = field(default_factory=list)  # join columns set to null
    # Storage key of each join column followed to reach it -> the parent id it must still hold.
    expected: dict[str, str] = field(default_factory=dict)


@dataclass
class DestroyPlan:
    affected: dict[tuple[str, str], Affected] = field(default_factory=dict)  # (object id, record id)

    @property
    def destroyed(self) -> list[Affected]:
        return [a for a in self.affected.values() if a.destroy]

    @property
    def cleared(self) -> list[Affected]:
        return [a for a in self.affected.values() if not a.destroy]


def plan_destroy(
    reader: "RecordReader", workspace_id: str, schema: WorkspaceSchema, shape: ObjectShape, records: list[dict[str, Any]]
) -> DestroyPlan:
    """Every record destroying `records` destroys or clears, or a 400 (RESTRICT, too deep)."""
    plan = DestroyPlan()
    roots = {(shape.object.id, r["id"]) for r in records}
    level = [(shape, [r["id"] for r in records])]
    for depth in range(ON_DELETE_DEPTH + 1):
        next_level: list[tuple[ObjectShape, list[str]]] = []
        for parent_shape, parent_ids in level:
            for child_obj, relation, on_delete in children_of(schema, parent_shape.object):
                if on_delete is OnDelete.NO_ACTION:
                    continue
                child_shape = shape_of(schema, child_obj)
                children = [
                    c for c in _children(reader, workspace_id, child_shape, relation, parent_ids) if (child_obj.id, c["id"]) not in roots
                ]
                if not children:
                    continue
                if on_delete is OnDelete.RESTRICT:
                    raise BadRequest(
                        f"{len(children)} {child_obj.name_plural} still point at this {parent_shape.object.name_singular} through"
                        f" '{relation.join_column}': delete or move them first"
                    )
                if on_delete is OnDelete.CASCADE and depth >= ON_DELETE_DEPTH:
                    raise BadRequest(f"Deleting would cascade more than {ON_DELETE_DEPTH} relations deep")
                destroyed_now: list[str] = []
                for child in children:
                    key = (child_obj.id, child["id"])
                    affected = plan.affected.setdefault(key, Affected(child_shape, child, destroy=False))
                    affected.expected[relation.storage_key] = child.get(relation.storage_key)
                    if on_delete is OnDelete.CASCADE:
                        if not affected.destroy:
                            destroyed_now.append(child["id"])
                        affected.destroy = True
                    else:
                        affected.cleared.append(relation)
                if destroyed_now:
                    next_level.append((child_shape, destroyed_now))
        if not next_level:
            break
        level = next_level
    return plan


def _children(
    reader: "RecordReader", workspace_id: str, child_shape: ObjectShape, relation: FieldMetadata, parent_ids: list[str]
) -> list[dict[str, Any]]:
    """The live records whose join column names one of `parent_ids` (a filter that does not
    mention deletedAt leaves soft-deleted ones out, as before)."""
    if relation.index_slot is not None and len(parent_ids) > 1:
        # One key-condition read per parent: each is an indexed equality.
        return [child for parent_id in parent_ids for child in _children(reader, workspace_id, child_shape, relation, [parent_id])]
    condition: dict[str, Any] = {"eq": parent_ids[0]} if len(parent_ids) == 1 else {"in": list(parent_ids)}
    node = compile_filter(child_shape, {relation.join_column: condition}, strings=False)
    order = compile_order(child_shape, None)
    plan = plan_query(child_shape, node, order)
    pk = partition_key(workspace_id, child_shape.object.id)
    children: list[dict[str, Any]] = []
    after: list[Any] | None = None
    while True:
        page = reader.read(pk, child_shape, node, order, plan, PageRequest(limit=_PAGE, after=after))
        children += page.records
        if not page.has_next_page or not page.records:
            return children
        after = [term_value(t, page.records[-1]) for t in order]

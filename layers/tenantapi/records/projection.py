"""What a REST response shows of each record: `depth` (0 or 1) and `fields` (docs/api.md §3.8).

At depth 1 a MANY_TO_ONE relation embeds its record (`company: {...}`), loaded for the whole page
with one BatchGetItem per target object, and a ONE_TO_MANY relation embeds its first 60 records
(`people: [...]`), one indexed read per parent, issued concurrently (DynamoDB has no multi-range
query). `fields` keeps `id` and the listed fields; a listed relation shows its join column at
depth 0 and is the only relation expanded at depth 1.

A relation whose target object the caller's role may not read is never embedded: the record is
answered without it, key and all, as Twenty answers REST depth=1 (a 200, the relation left out;
its select-fields builder skips a relation whose target the role cannot read). The join column
(`companyId`) is a value of the record being read, and stays, as in Twenty.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from ..errors import BadRequest
from ..metadata.model import FieldMetadata, ObjectMetadata, WorkspaceSchema
from ..storage.record_store import partition_key
from .shape import shape_of

if TYPE_CHECKING:
    from .service import RecordService, WorkspaceView

__all__ = ["Projection", "CHILDREN_PER_PARENT", "projectable_names"]

CHILDREN_PER_PARENT = 60
_PARALLEL_READS = 8


@dataclass(frozen=True)
class Projection:
    obj: ObjectMetadata
    depth: int
    keep: frozenset[str] | None  # output names to keep (None: all)
    many_to_one: tuple[FieldMetadata, ...]  # relations embedded at depth 1
    one_to_many: tuple[FieldMetadata, ...]

    @classmethod
    def build(
        cls, schema: WorkspaceSchema, obj: ObjectMetadata, *, depth: int, fields: list[str] | None, can_read: Callable[[str], bool]
    ) -> "Projection":
        """`can_read(object_id)`: whether the caller's role reads records of that object; a
        relation to an object it does not read is not embedded."""
        relations = _relations(schema, obj)
        keep: set[str] | None = None
        if fields is not None:
            known = set(projectable_names(schema, obj))
            for name in fields:
                if name not in known:
                    raise BadRequest(f"'fields' parameter invalid: object '{obj.name_singular}' has no field '{name}'. eg: fields=id,name")
            keep = {"id"}
            for name in fields:
                relation = relations.get(name)
                keep.add(relation.join_column if relation is not None and relation.join_column else name)
                if relation is not None:
                    keep.add(name)
        chosen = [f for f in relations.values() if (fields is None or f.name in fields) and can_read(_target(f) or "")]
        return cls(
            obj=obj,
            depth=depth,
            keep=frozenset(keep) if keep is not None else None,
            many_to_one=tuple(f for f in chosen if f.is_many_to_one) if depth else (),
            one_to_many=tuple(f for f in chosen if f.is_one_to_many) if depth else (),
        )

    def apply(self, service: "RecordService", ws: "WorkspaceView", records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if self.depth and records:
            self._embed_many_to_one(service, ws, records)
            self._embed_one_to_many(service, ws, records)
        if self.keep is None:
            return records
        return [{k: v for k, v in r.items() if k in self.keep} for r in records]

    def _embed_many_to_one(self, service: "RecordService", ws: "WorkspaceView", records: list[dict[str, Any]]) -> None:
        for field in self.many_to_one:
            target = ws.schema.object(_target(field) or "")
            ids = {r[field.join_column] for r in records if r.get(field.join_column)}  # type: ignore[index]
            found = service.store.batch_get(partition_key(ws.id, target.id), ids) if target is not None and ids else {}
            target_shape = shape_of(ws.schema, target) if target is not None else None
            deleted_key = target_shape.storage_key("deletedAt") if target_shape is not None else ""
            for record in records:
                stored = found.get(record.get(field.join_column))  # type: ignore[arg-type]
                live = stored is not None and stored.get(deleted_key) is None
                record[field.name] = service.present(target_shape, stored) if live and target_shape else None  # type: ignore[arg-type]

    def _embed_one_to_many(self, service: "RecordService", ws: "WorkspaceView", records: list[dict[str, Any]]) -> None:
        for field in self.one_to_many:
            child_obj = ws.schema.object(_target(field) or "")
            inverse = ws.schema.field(field.relation.target_field_id) if field.relation else None  # type: ignore[union-attr]
            if child_obj is None or inverse is None or not inverse.join_column:
                continue

            if service.store.count(partition_key(ws.id, child_obj.id)) == 0:
                # No child record at all (the common case for most relations): no read per parent.
                for record in records:
                    record[field.name] = []
                continue

            def children(record: dict[str, Any]) -> list[dict[str, Any]]:
                result = service.find_many(
                    ws, child_obj, filter_input={inverse.join_column: {"eq": record["id"]}}, filter_strings=False,
                    limit=CHILDREN_PER_PARENT, count=False,
                )
                return result.records

            with ThreadPoolExecutor(max_workers=min(_PARALLEL_READS, len(records))) as pool:
                for record, kids in zip(records, pool.map(children, records)):
                    record[field.name] = kids


def _relations(schema: WorkspaceSchema, obj: ObjectMetadata) -> dict[str, FieldMetadata]:
    """The relations a response can show: those whose target object is active."""
    return {f.name: f for f in schema.fields_of(obj.id, active_only=True) if f.relation is not None and _target_active(schema, f)}


def projectable_names(schema: WorkspaceSchema, obj: ObjectMetadata) -> list[str]:
    """The names `fields` accepts for an object: `id`, every value field and join column, and
    the relations (in field order, without repeats)."""
    active = schema.fields_of(obj.id, active_only=True)
    names = ["id", *(f.join_column or f.name for f in active if not f.is_one_to_many), *_relations(schema, obj)]
    return list(dict.fromkeys(names))


def _target(field: FieldMetadata) -> str | None:
    return field.relation.target_object_id if field.relation is not None else None


def _target_active(schema: WorkspaceSchema, field: FieldMetadata) -> bool:
    target = schema.object(_target(field) or "")
    return target is not None and target.is_active

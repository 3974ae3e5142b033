"""Choosing how to read a page: which index, which key condition, what is left to filter.

The records table gives each object five LSI slots (docs/storage.md). A query is served, in order
of preference, by:
- a key condition on a slotted field (eq, range, prefix) taken from the filter's top-level AND;
- an index scan in the order asked for, when the first order term is a slotted field that is
  never null (LSIs are sparse: a record with no value is not in the index);
- the base table in id order.
It reads one page when the chosen source already yields the requested order and the count needs no
reading (no filter, or a filter fully expressed by the key condition); otherwise it reads every
candidate, up to a budget, and filters, sorts and counts in memory. Past the budget the answer is a
400 that names the fields to index, never a slow scan.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..metadata.field_types import FieldType
from ..metadata.model import FieldMetadata
from ..records.shape import ObjectShape
from ..storage.sort_keys import SEPARATOR, encode_value
from .filters import And, FilterNode, Predicate, mentions_field
from .order import OrderTerm

__all__ = ["KeyCondition", "Plan", "plan_query", "READ_BUDGET"]

# Items one request may read to filter, sort or count in memory (about 5,000 x 1 KB = 1,250 RCU).
READ_BUDGET = 5000

_KEY_OPS = ("eq", "startsWith", "gte", "gt", "lte", "lt")
# Past every encoded value with the same prefix: the separator is \x01, so \x02 bounds it.
_AFTER = "\x02"


@dataclass(frozen=True)
class KeyCondition:
    """A range of one LSI slot: `low <= s < high` style bounds on the encoded sort key."""

    slot: int
    predicate: Predicate
    begins_with: str | None = None
    low: str | None = None  # inclusive
    high: str | None = None  # exclusive


@dataclass(frozen=True)
class Plan:
    slot: int | None  # LSI slot read, or None for the base table
    key: KeyCondition | None
    residual: FilterNode | None  # what the source does not guarantee
    streaming: bool  # the source yields the requested order and the count needs no reading
    descending: bool  # scan the source backwards
    include_deleted: bool  # the filter mentions deletedAt: soft-deleted records are candidates

    @property
    def index_name(self) -> str | None:
        return f"lsi{self.slot}" if self.slot else None


def _slot_of(shape: ObjectShape, field: FieldMetadata, subfield: str | None) -> int | None:
    """The slot serving a field (for a composite, only its first sub-field is indexed)."""
    if field.index_slot is None:
        return None
    if field.type.is_composite and not field.join_column:
        first = next(iter(shape_first_subfield(field)), None)
        return field.index_slot if subfield == first else None
    return field.index_slot if subfield is None else None


def shape_first_subfield(field: FieldMetadata) -> tuple[str, ...]:
    from ..metadata.field_types import COMPOSITE_SUBFIELDS

    return tuple(COMPOSITE_SUBFIELDS[field.type])[:1]


def _key_condition(shape: ObjectShape, predicate: Predicate) -> KeyCondition | None:
    if predicate.op not in _KEY_OPS or predicate.value_type in (FieldType.RAW_JSON, FieldType.MULTI_SELECT, FieldType.ARRAY):
        return None
    if predicate.op == "startsWith" and predicate.value_type is not FieldType.TEXT:
        return None
    slot = _slot_of(shape, predicate.field, predicate.subfield)
    if slot is None:
        return None
    encoded = encode_value(predicate.value_type, predicate.value)
    op = predicate.op
    if op == "eq":
        return KeyCondition(slot, predicate, begins_with=encoded + SEPARATOR)
    if op == "startsWith":
        return KeyCondition(slot, predicate, begins_with=encoded)
    if op == "gte":
        return KeyCondition(slot, predicate, low=encoded)
    if op == "gt":
        return KeyCondition(slot, predicate, low=encoded + _AFTER)
    if op == "lte":
        return KeyCondition(slot, predicate, high=encoded + _AFTER)
    return KeyCondition(slot, predicate, high=encoded)


def _conjuncts(node: FilterNode | None) -> list[FilterNode]:
    if node is None:
        return []
    if isinstance(node, And):
        out: list[FilterNode] = []
        for child in node.children:
            out.extend(_conjuncts(child))
        return out
    return [node]


def _never_null(field: FieldMetadata) -> bool:
    return field.name in ("createdAt", "updatedAt", "position", "id") or not field.is_nullable


def plan_query(shape: ObjectShape, filter_node: FilterNode | None, order: tuple[OrderTerm, ...]) -> Plan:
    include_deleted = mentions_field(filter_node, "deletedAt")
    conjuncts = _conjuncts(filter_node)
    client_terms = order[:-1] if order and order[-1].field.name == "id" and len(order) > 1 else order
    first = client_terms[0] if client_terms else None
    by_id_only = first is None or first.field.name == "id"

    if not include_deleted:
        # Prefer equality (one value: id order within it), then the field we also order by.
        candidates = [(c, _key_condition(shape, c)) for c in conjuncts if isinstance(c, Predicate)]
        usable = [(c, k) for c, k in candidates if k is not None]
        usable.sort(key=lambda ck: (ck[0].op != "eq", not (first and ck[0].field.id == first.field.id)))
        if usable:
            chosen, key = usable[0]
            residual_parts = [c for c in conjuncts if c is not chosen]
            residual = None if not residual_parts else (residual_parts[0] if len(residual_parts) == 1 else And(tuple(residual_parts)))
            same_field = first is not None and first.field.id == chosen.field.id and first.subfield == chosen.subfield
            in_order = (chosen.op == "eq" and (by_id_only or same_field) and (first is None or first.ascending or same_field)) or (
                same_field and len(client_terms) == 1
            )
            streaming = in_order and residual is None
            descending = bool(first is not None and not first.ascending and same_field)
            if chosen.op == "eq" and by_id_only and first is not None:
                descending = not first.ascending
            return Plan(key.slot, key, residual, streaming, descending, False)

        if first is not None and len(client_terms) == 1 and first.field.name != "id":
            slot = _slot_of(shape, first.field, first.subfield)
            if slot is not None and _never_null(first.field) and first.subfield is None:
                return Plan(slot, None, filter_node, filter_node is None, not first.ascending, False)

    streaming = by_id_only and filter_node is None
    descending = first is not None and not first.ascending
    return Plan(None, None, filter_node, streaming, descending, include_deleted)

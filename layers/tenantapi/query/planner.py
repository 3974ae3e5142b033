"""Choosing how to read a page: which index, which key condition, what is left to filter.

The records table gives each object five LSI slots (docs/storage.md). A query is served, in order
of preference, by:
- the records named by an `id` equality or `in` list (read by key);
- a key condition on a slotted field (eq, range, prefix) taken from the filter's top-level AND;
- an index scan in the order asked for, when the page is ordered by one slotted field: an index
  lists nulls first, so a forward scan serves AscNullsFirst and a backward one DescNullsLast;
- the base table in id order.
It reads one page when the chosen source already yields the requested order and the count needs no
reading (no filter, or a filter fully expressed by the key condition); otherwise it reads every
candidate, up to a budget, and filters, sorts and counts in memory. Past the budget the answer is a
400 that names the fields to index, never a slow scan.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..metadata.field_types import COMPOSITE_SUBFIELDS, FieldType
from ..metadata.model import FieldMetadata
from ..records.shape import ObjectShape
from ..storage.sort_keys import MAX_VALUE_BYTES, SEPARATOR, encode_value
from .filters import And, FilterNode, Predicate, mentions_field
from .order import OrderTerm

__all__ = ["KeyCondition", "Plan", "plan_query", "READ_BUDGET"]

# Items one request may read to filter, sort or count in memory (about 5,000 x 1 KB = 1,250 RCU).
READ_BUDGET = 5000

_KEY_OPS = ("eq", "startsWith", "gte", "gt", "lte", "lt")
# Past every key of one value: keys are <value>\x01<id>, so <value>\x02 bounds them.
_AFTER = "\x02"
_LIVE_VALUES = "L1"  # live records with a value (nulls are "L0", soft-deleted records "D")
_PAST_LIVE_VALUES = "L2"
_UNINDEXABLE = (FieldType.RAW_JSON, FieldType.MULTI_SELECT, FieldType.ARRAY)


@dataclass(frozen=True)
class KeyCondition:
    """A range of one LSI slot: `begins_with(prefix)` or `BETWEEN low AND high` (inclusive)."""

    slot: int
    predicate: Predicate
    begins_with: str | None = None
    low: str | None = None
    high: str | None = None


@dataclass(frozen=True)
class Plan:
    slot: int | None  # LSI slot read, or None for the base table
    key: KeyCondition | None  # None with a slot: the whole live range of the index, in order
    residual: FilterNode | None  # what the source does not guarantee, checked on every candidate
    streaming: bool  # the source yields the requested order and the count needs no reading
    descending: bool  # scan the source backwards
    include_deleted: bool  # the filter mentions deletedAt: soft-deleted records are candidates
    ids: tuple[str, ...] | None = None  # the filter names the ids: the candidates are those records

    @property
    def index_name(self) -> str | None:
        return f"lsi{self.slot}" if self.slot else None


def _slot_of(field: FieldMetadata, subfield: str | None) -> int | None:
    """The slot serving a field (for a composite, only its first sub-field is indexed)."""
    if field.index_slot is None:
        return None
    if field.type.is_composite and not field.join_column:
        return field.index_slot if subfield == next(iter(COMPOSITE_SUBFIELDS[field.type])) else None
    return field.index_slot if subfield is None else None


def _key_condition(predicate: Predicate) -> KeyCondition | None:
    if predicate.op not in _KEY_OPS or predicate.value_type in _UNINDEXABLE:
        return None
    if predicate.op == "startsWith" and predicate.value_type is not FieldType.TEXT:
        return None
    slot = _slot_of(predicate.field, predicate.subfield)
    if slot is None:
        return None
    encoded = encode_value(predicate.value_type, predicate.value)
    value = _LIVE_VALUES + encoded  # "L1<value>"
    op = predicate.op
    if op == "eq":
        return KeyCondition(slot, predicate, begins_with=value + SEPARATOR)
    if op == "startsWith":
        return KeyCondition(slot, predicate, begins_with=value)
    if op == "gte":
        return KeyCondition(slot, predicate, low=value, high=_PAST_LIVE_VALUES)
    if op == "gt":
        return KeyCondition(slot, predicate, low=value + _AFTER, high=_PAST_LIVE_VALUES)
    if op == "lte":
        return KeyCondition(slot, predicate, low=_LIVE_VALUES, high=value + _AFTER)
    return KeyCondition(slot, predicate, low=_LIVE_VALUES, high=value)  # lt: keys are value + \x01 + id


def _conjuncts(node: FilterNode | None) -> list[FilterNode]:
    if node is None:
        return []
    if isinstance(node, And):
        out: list[FilterNode] = []
        for child in node.children:
            out.extend(_conjuncts(child))
        return out
    return [node]


def _and(parts: list[FilterNode]) -> FilterNode | None:
    return None if not parts else parts[0] if len(parts) == 1 else And(tuple(parts))


def _exact(predicate: Predicate) -> bool:
    """A key condition decides the predicate alone unless a text value may have been cut."""
    return not (predicate.value_type is FieldType.TEXT and len(str(predicate.value).encode()) >= MAX_VALUE_BYTES)


def plan_query(shape: ObjectShape, filter_node: FilterNode | None, order: tuple[OrderTerm, ...]) -> Plan:
    include_deleted = mentions_field(filter_node, "deletedAt")
    terms = order[:-1] if len(order) > 1 and order[-1].field.name == "id" else order
    first = terms[0] if terms and terms[0].field.name != "id" else None
    descending = bool(terms) and not terms[0].ascending

    # `id[eq]` / `id[in]`: read those records by key (GetItem-priced), whatever else is asked.
    conjuncts = _conjuncts(filter_node)
    for c in conjuncts:
        if isinstance(c, Predicate) and c.field.name == "id" and c.op in ("eq", "in"):
            ids = (c.value,) if c.op == "eq" else tuple(sorted(c.value))
            rest = [other for other in conjuncts if other is not c]
            return Plan(None, None, _and(rest), False, descending, include_deleted, ids=tuple(dict.fromkeys(ids)))

    if not include_deleted:
        usable = [(c, k) for c in conjuncts if isinstance(c, Predicate) for k in [_key_condition(c)] if k is not None]
        # Equality first (its matches come in id order), then the field the page is ordered by.
        usable.sort(key=lambda ck: (ck[0].op != "eq", not (first is not None and ck[0].field.id == first.field.id)))
        if usable:
            chosen, key = usable[0]
            rest = [c for c in conjuncts if c is not chosen] + ([] if _exact(chosen) else [chosen])
            same_field = first is not None and first.field.id == chosen.field.id and first.subfield == chosen.subfield
            # One value (eq) is in id order; a range is in the field's order.
            in_order = (chosen.op == "eq" and (first is None or same_field)) or (same_field and len(terms) == 1)
            in_order = in_order and (first is None or _index_direction_ok(first))
            return Plan(key.slot, key, _and(rest), in_order and not rest, descending, False)

        if first is not None and len(terms) == 1 and _index_direction_ok(first):
            slot = _slot_of(first.field, first.subfield)
            if slot is not None:
                return Plan(slot, None, filter_node, filter_node is None, descending, False)

    by_id = first is None
    return Plan(None, None, filter_node, by_id and filter_node is None, descending, include_deleted)


def _index_direction_ok(term: OrderTerm) -> bool:
    """An index lists nulls first: a forward scan is AscNullsFirst, a backward one DescNullsLast."""
    return term.ascending == term.nulls_first

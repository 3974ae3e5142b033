"""Caps an operation must respect, checked at validation, before any read.

Twenty's GRAPHQL_MAX_FIELDS (2000) and GRAPHQL_MAX_ROOT_RESOLVERS (20): the metadata types point
at each other (an object's fields, a field's object, a relation's ends), so without a cap one
small document could ask for an unbounded tree. Fields are counted with fragments expanded.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)

__all__ = ["MAX_FIELDS", "MAX_ROOT_RESOLVERS", "OperationLimitsRule"]

MAX_FIELDS = 2000
MAX_ROOT_RESOLVERS = 20

_TOO_MANY_FIELDS = "The operation selects more than {limit} fields"
_TOO_MANY_ROOTS = "The operation has {count} root fields; at most {limit} are allowed"


class _Exceeded(Exception):
    pass


class OperationLimitsRule(ValidationRule):
    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        roots = self._count(node.selection_set, limit=MAX_ROOT_RESOLVERS, deep=False)
        if roots > MAX_ROOT_RESOLVERS:
            self.report_error(GraphQLError(_TOO_MANY_ROOTS.format(count=roots, limit=MAX_ROOT_RESOLVERS), node))
            return
        if self._count(node.selection_set, limit=MAX_FIELDS, deep=True) > MAX_FIELDS:
            self.report_error(GraphQLError(_TOO_MANY_FIELDS.format(limit=MAX_FIELDS), node))

    def _count(self, selection_set: SelectionSetNode, *, limit: int, deep: bool) -> int:
        """Fields under `selection_set`, stopping as soon as `limit` is passed (fragments can
        repeat each other, so a full count could take time exponential in the document)."""
        total = 0

        def visit(selections: SelectionSetNode, fragments: frozenset[str]) -> None:
            nonlocal total
            for selection in selections.selections:
                if isinstance(selection, FieldNode):
                    total += 1
                    if total > limit:
                        raise _Exceeded()
                    if deep and selection.selection_set is not None:
                        visit(selection.selection_set, fragments)
                elif isinstance(selection, InlineFragmentNode):
                    visit(selection.selection_set, fragments)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.context.get_fragment(name)
                    # A cycle is reported by NoFragmentCyclesRule; here it only must not loop.
                    if fragment is not None and name not in fragments:
                        visit(fragment.selection_set, fragments | {name})

        try:
            visit(selection_set, frozenset())
        except _Exceeded:
            pass
        return total

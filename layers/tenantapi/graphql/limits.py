"""Caps a core GraphQL operation must respect, checked before any read or write.

At validation (with the document, once per cached document):
- Twenty's 2000 fields and 20 root fields: the metadata endpoint's `OperationLimitsRule`;
- depth: at most MAX_DEPTH fields on any path, the leaf included. A connection costs three
  levels (`people { edges { node`), so 10 lets a query go two relations deep and still select a
  composite's sub-field (`companies > people > company > name > firstName` is 10). Each level
  may cost a storage read per relation field (loaders.py), so depth bounds the reads of a query
  together with the field cap. Introspection (`__schema`, `__type`) is not counted: its depth
  follows the type system, not the data;
- `createXs` with a literal list of more than BATCH_LIMIT records: BAD_USER_INPUT.

Before execution (with the variables): `createXs(data: $records)` with more than BATCH_LIMIT
records is BAD_USER_INPUT too, so no mutation of the document has written anything.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationRule,
)
from graphql.execution.collect_fields import collect_fields
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.language import FragmentDefinitionNode
from graphql.utilities import get_operation_ast

from ..api.graphql_limits import MAX_FIELDS, MAX_ROOT_RESOLVERS, OperationLimitsRule
from ..errors import BadRequest
from ..records.service import BATCH_LIMIT
from .operations import CREATE_MANY, EXTENSION

__all__ = [
    "MAX_DEPTH",
    "MAX_FIELDS",
    "MAX_ROOT_RESOLVERS",
    "DepthLimitRule",
    "BatchLiteralRule",
    "OperationLimitsRule",
    "check_batch_sizes",
    "batch_message",
    "RULES",
]

MAX_DEPTH = 10

_TOO_DEEP = "The operation is {depth} fields deep; at most {limit} are allowed"


def batch_message(field_name: str, count: int) -> str:
    return f"{field_name}: a batch holds at most {BATCH_LIMIT} records, got {count}"


class DepthLimitRule(ValidationRule):
    """Reports an operation whose deepest path has more than MAX_DEPTH fields."""

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self._fragment_depths: dict[str, int] = {}

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        depth = self._depth(node.selection_set, frozenset())
        if depth > MAX_DEPTH:
            self.report_error(GraphQLError(_TOO_DEEP.format(depth=depth, limit=MAX_DEPTH), node))

    def _depth(self, selection_set: SelectionSetNode, visiting: frozenset[str]) -> int:
        """Fields on the deepest path below `selection_set`. A fragment's depth is computed once
        (a document may spread one fragment many times); a cycle, which NoFragmentCyclesRule
        reports, counts as nothing here."""
        deepest = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.name.value.startswith("__"):
                    continue
                below = self._depth(selection.selection_set, visiting) if selection.selection_set else 0
                deepest = max(deepest, 1 + below)
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self._depth(selection.selection_set, visiting))
            elif isinstance(selection, FragmentSpreadNode):
                deepest = max(deepest, self._fragment_depth(selection.name.value, visiting))
            if deepest > MAX_DEPTH:
                break  # over the cap: the exact depth does not matter
        return deepest

    def _fragment_depth(self, name: str, visiting: frozenset[str]) -> int:
        if name in self._fragment_depths:
            return self._fragment_depths[name]
        fragment: FragmentDefinitionNode | None = self.context.get_fragment(name)
        if fragment is None or name in visiting:
            return 0
        depth = self._depth(fragment.selection_set, visiting | {name})
        self._fragment_depths[name] = depth
        return depth


class BatchLiteralRule(ValidationRule):
    """Reports `createXs(data: [...])` whose literal list holds more than BATCH_LIMIT records."""

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        definition = self.context.get_field_def()
        if definition is None or (definition.extensions or {}).get(EXTENSION, ("",))[0] != CREATE_MANY:
            return
        for argument in node.arguments:
            if argument.name.value == "data" and isinstance(argument.value, ListValueNode):
                count = len(argument.value.values)
                if count > BATCH_LIMIT:
                    self.report_error(
                        GraphQLError(batch_message(node.name.value, count), argument, extensions={"code": "BAD_USER_INPUT"})
                    )


# Run after graphql-core's specified rules (cache.py), on documents that are otherwise valid.
RULES = (DepthLimitRule, BatchLiteralRule, OperationLimitsRule)


def check_batch_sizes(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: dict[str, Any] | None
) -> None:
    """BadRequest when a `createXs` of the operation to run gets more than BATCH_LIMIT records
    through a variable. Variables that do not coerce are left to the execution, which reports
    them with their own message."""
    operation = get_operation_ast(document, operation_name)
    mutation_type = schema.mutation_type
    if operation is None or operation.operation is not OperationType.MUTATION or mutation_type is None:
        return
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if isinstance(coerced, list):
        return
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    try:
        fields = collect_fields(schema, fragments, coerced, mutation_type, operation.selection_set)
    except GraphQLError:
        return  # a directive argument that does not coerce: the execution reports it
    for nodes in fields.values():
        node = nodes[0]
        definition = mutation_type.fields.get(node.name.value)
        if definition is None or (definition.extensions or {}).get(EXTENSION, ("",))[0] != CREATE_MANY:
            continue
        try:
            data = get_argument_values(definition, node, coerced).get("data")
        except GraphQLError:
            continue
        if isinstance(data, list) and len(data) > BATCH_LIMIT:
            raise BadRequest(batch_message(node.name.value, len(data)))

"""A faster execution of the plain fields of a selection: `FastExecutionContext`.

graphql-core's executor completes every field of every record on its own: a resolve info, the
argument values, the default resolver, then `complete_value`'s walk over the type's wrappers.
For a list of 60 records that is most of the request, about 20 times `json.dumps` of the
response. Most fields of a record are plain, though: read from the record's dict with the default
resolver, without arguments, and either a leaf (scalar or enum, or a list of them) or a
composite object (`FullName`, `Emails`, `Actor`, ...) whose own selection is again plain. Such a
field is read from a spec compiled once per selection (`source.get(name)` and the type's
`serialize`, or the composite's specs), and the plain fields of an object are read together by
one loop (`read_plain`, graphql/plain_fields.py), without a call per field.

The fields that lead to records are entered directly, their own selections then planned in
turn: an object or a list of objects read with the default resolver (a connection's `edges`, an
edge's `node`), and a field whose resolver is a `ContextResolver` (a MANY_TO_ONE relation), called
with the request's context and no resolve info. Errors of these fields are handled where and as
graphql-core handles them.

Everything else (connections' root fields, ONE_TO_MANY relations, introspection, a source that
is not a dict) goes through the default `execute_field`, unchanged. Reading gives up on any value
the default executor would treat as an error (a null in a NonNull position, a serialization that
fails or gives null, a composite value that is not a dict, a list value that is not a list): the
object's fields are then executed one by one, in order, and a field that cannot be read is
executed again by `execute_field`, whose error, path and null propagation are the default ones.
Reading is free of side effects, and so is a `ContextResolver` called again, so executing a field
again changes nothing but the time. Records are JSON values (dicts, lists, strings, numbers,
booleans, None), so the default resolver's call of a callable value never applies to them.
"""

from __future__ import annotations

from asyncio import gather
from collections import OrderedDict
from threading import Lock
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionSetNode,
    default_field_resolver,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
    located_error,
)
from graphql.execution import ExecutionContext
from graphql.execution.execute import get_field_def
from graphql.pyutils import Path, Undefined

from .plain_fields import Spec, leaf_list_reader, leaf_spec, placeholder, read_plain, reader_spec

__all__ = ["FastExecutionContext", "ContextResolver"]

Fields = Dict[str, List[FieldNode]]


class ContextResolver:
    """The resolver of a field without arguments whose value depends on its source and the
    request's context only, and which gives the same value when called again (a batched load
    finds its group's result): the fast path calls `resolve(source, context)` without a resolve
    info, and falls back to the default execution, which calls it again, on a value it does not
    complete itself."""

    __slots__ = ("resolve",)

    def __init__(self, resolve: Callable[[Any, Any], Any]) -> None:
        self.resolve = resolve

    def __call__(self, source: Any, info: GraphQLResolveInfo, **_args: Any) -> Any:
        return self.resolve(source, info.context)


# -- fields that lead to records -----------------------------------------------------------------

# What the steps below return when the value is not one they complete: the field then goes
# through the default execution.
_BY_DEFAULT = object()


class _Enter:
    """An object read with the default resolver whose selection is not all plain (an edge's
    `node`): entered directly."""

    __slots__ = ("name", "return_type", "object_type")

    def __init__(self, name: str, return_type: GraphQLOutputType, object_type: GraphQLObjectType) -> None:
        self.name, self.return_type, self.object_type = name, return_type, object_type

    def execute(self, context: "FastExecutionContext", source: Dict[str, Any], field_nodes: List[FieldNode], path: Path) -> Any:
        value = source.get(self.name)
        if not isinstance(value, dict):
            return _BY_DEFAULT
        return context._enter(self.object_type, self.return_type, value, field_nodes, path)


class _EnterList:
    """A list of objects read with the default resolver (a connection's `edges`): each item
    entered directly, as `complete_list_value` completes them."""

    __slots__ = ("name", "return_type", "item_type", "object_type")

    def __init__(self, name: str, return_type: GraphQLOutputType, item_type: GraphQLOutputType, object_type: GraphQLObjectType) -> None:
        self.name, self.return_type, self.item_type, self.object_type = name, return_type, item_type, object_type

    def execute(self, context: "FastExecutionContext", source: Dict[str, Any], field_nodes: List[FieldNode], path: Path) -> Any:
        value = source.get(self.name)
        if type(value) is not list or not all(isinstance(item, dict) for item in value):
            return _BY_DEFAULT
        return context._enter_list(self, value, field_nodes, path)


class _Resolve:
    """An object given by a `ContextResolver` (a MANY_TO_ONE relation): resolved without a
    resolve info and entered directly; a null where the type allows one."""

    __slots__ = ("resolve", "return_type", "object_type", "nullable")

    def __init__(self, resolve: Callable[[Any, Any], Any], return_type: GraphQLOutputType, object_type: GraphQLObjectType) -> None:
        self.resolve, self.return_type, self.object_type = resolve, return_type, object_type
        self.nullable = not is_non_null_type(return_type)

    def execute(self, context: "FastExecutionContext", source: Dict[str, Any], field_nodes: List[FieldNode], path: Path) -> Any:
        try:
            value = self.resolve(source, context.context_value)
        except Exception as raw_error:  # as execute_field handles a resolver's error
            context.handle_field_error(located_error(raw_error, field_nodes, path.as_list()), self.return_type, path)
            return None
        if value is None and self.nullable:
            return None
        if not isinstance(value, dict):
            return _BY_DEFAULT
        return context._enter(self.object_type, self.return_type, value, field_nodes, path)


Step = Union[_Enter, _EnterList, _Resolve]


class _Plan:
    """How to execute one selection on a dict: the specs of every response key in order (a
    placeholder for the keys executed otherwise), then the other keys in order with their step,
    or None for the default execution."""

    __slots__ = ("specs", "others")

    def __init__(self, specs: Tuple[Spec, ...], others: Dict[str, Optional[Step]]) -> None:
        self.specs, self.others = specs, others


# Plans by (parent type, response keys and the ids of their nodes). A cached document keeps its
# nodes from one request to the next, so its plans are compiled once per process. Each entry
# holds the nodes its key names: while it is cached, no other node can take one of those ids.
# Parent types are keys as objects (a type name means other fields in another workspace).
_PLAN_CACHE_SIZE = 256
_plans: "OrderedDict[Tuple[Any, ...], Tuple[Fields, _Plan]]" = OrderedDict()
_plans_lock = Lock()


def _plan_key(parent_type: GraphQLObjectType, fields: Fields) -> Tuple[Any, ...]:
    return (parent_type, *((name, *map(id, nodes)) for name, nodes in fields.items()))


def _cached_plan(key: Tuple[Any, ...]) -> Optional[_Plan]:
    with _plans_lock:
        entry = _plans.get(key)
        if entry is None:
            return None
        _plans.move_to_end(key)
        return entry[1]


def _cache_plan(key: Tuple[Any, ...], fields: Fields, plan: _Plan) -> None:
    with _plans_lock:
        _plans[key] = (fields, plan)
        if len(_plans) > _PLAN_CACHE_SIZE:
            _plans.popitem(last=False)


def _has_directives(selection_set: Optional[SelectionSetNode], fragments: Dict[str, Any], seen: set[str]) -> bool:
    """Whether a selection (its fragments included) has a directive anywhere, which would make
    the fields it collects depend on the request's variables."""
    if selection_set is None:
        return False
    for selection in selection_set.selections:
        if selection.directives:
            return True
        if isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in seen:
                continue
            seen.add(name)
            fragment = fragments.get(name)
            if fragment is not None and (fragment.directives or _has_directives(fragment.selection_set, fragments, seen)):
                return True
        elif isinstance(selection, (FieldNode, InlineFragmentNode)):
            if _has_directives(selection.selection_set, fragments, seen):
                return True
    return False


def _plain_object(graphql_type: Any) -> bool:
    """An object type whose values the executor completes without a type check."""
    return is_object_type(graphql_type) and graphql_type.is_type_of is None


class FastExecutionContext(ExecutionContext):
    """graphql-core's ExecutionContext, with compiled plans for plain fields and for the fields
    that lead to records (module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Plans of this request by the id of the collected fields: graphql-core hands the same
        # dict for every item of a list (its sub-fields cache keeps it for the request).
        self._plans: Dict[int, Tuple[Fields, _Plan]] = {}
        self._fast = self.middleware_manager is None and self.field_resolver is default_field_resolver

    # -- compiling -----------------------------------------------------------------------------

    def _plan_of(self, parent_type: GraphQLObjectType, fields: Fields) -> _Plan:
        entry = self._plans.get(id(fields))
        if entry is not None:
            return entry[1]
        key = _plan_key(parent_type, fields)
        plan = _cached_plan(key)
        if plan is None:
            specs: List[Spec] = []
            others: Dict[str, Optional[Step]] = {}
            shared = True  # false when a composite's selection depends on the variables
            for response_key, nodes in fields.items():
                spec, variable = self._spec(parent_type, response_key, nodes)
                if spec is None:
                    specs.append(reader_spec(response_key, placeholder))
                    others[response_key] = self._step(parent_type, nodes)
                else:
                    specs.append(spec)
                shared = shared and not variable
            plan = _Plan(tuple(specs), others)
            if shared:
                _cache_plan(key, fields, plan)
        self._plans[id(fields)] = (fields, plan)
        return plan

    def _spec(self, parent_type: GraphQLObjectType, key: str, nodes: List[FieldNode]) -> Tuple[Optional[Spec], bool]:
        """The spec of one response key, or None when it is not plain; and whether the spec
        depends on the request's variables."""
        node = nodes[0]
        name = node.name.value
        if name == "__typename":
            type_name = parent_type.name
            return reader_spec(key, lambda _source: type_name), False
        if name.startswith("__"):
            return None, False
        field = get_field_def(self.schema, parent_type, node)
        if field is None or field.resolve is not None or field.args:
            return None, False
        return_type = field.type
        named = return_type.of_type if is_non_null_type(return_type) else return_type  # type: ignore[union-attr]
        if is_leaf_type(named):
            return leaf_spec(key, name, return_type), False
        if is_list_type(named):
            reader = leaf_list_reader(name, return_type)
            return (None if reader is None else reader_spec(key, reader)), False
        if not _plain_object(named):
            return None, False
        object_type: GraphQLObjectType = named  # type: ignore[assignment]
        sub_specs = []
        variable = any(_has_directives(n.selection_set, self.fragments, set()) for n in nodes)
        for sub_key, sub_nodes in self.collect_subfields(object_type, nodes).items():
            spec, sub_variable = self._spec(object_type, sub_key, sub_nodes)
            if spec is None:
                return None, False
            sub_specs.append(spec)
            variable = variable or sub_variable
        return (key, name, None, None, not is_non_null_type(return_type), tuple(sub_specs), None), variable

    def _step(self, parent_type: GraphQLObjectType, nodes: List[FieldNode]) -> Optional[Step]:
        name = nodes[0].name.value
        if name.startswith("__"):
            return None
        field = get_field_def(self.schema, parent_type, nodes[0])
        if field is None or field.args:
            return None
        return_type = field.type
        named = return_type.of_type if is_non_null_type(return_type) else return_type  # type: ignore[union-attr]
        if isinstance(field.resolve, ContextResolver):
            return _Resolve(field.resolve.resolve, return_type, named) if _plain_object(named) else None
        if field.resolve is not None:
            return None
        if _plain_object(named):
            return _Enter(name, return_type, named)
        if is_list_type(named):
            item_type = named.of_type  # type: ignore[union-attr]
            item = item_type.of_type if is_non_null_type(item_type) else item_type
            return _EnterList(name, return_type, item_type, item) if _plain_object(item) else None
        return None

    # -- executing -----------------------------------------------------------------------------

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Optional[Path],
        fields: Fields,
    ) -> Any:
        if not self._fast or not isinstance(source_value, dict):
            return super().execute_fields(parent_type, source_value, path, fields)
        plan = self._plan_of(parent_type, fields)
        try:
            # Every plain field at once; the others then take their places in the result.
            results = read_plain(source_value, plan.specs)
        except Exception:
            # A value the default executor would report: every field in turn, each plain one
            # that cannot be read executed by default (reading has no side effects).
            return self._field_by_field(parent_type, source_value, path, fields, plan)
        awaitable = False
        for response_name, step in plan.others.items():
            result = self._execute_other(parent_type, source_value, path, response_name, fields[response_name], step)
            if result is Undefined:
                del results[response_name]
                continue
            results[response_name] = result
            awaitable = awaitable or self.is_awaitable(result)
        return self._awaited(results) if awaitable else results

    def _field_by_field(self, parent_type: GraphQLObjectType, source_value: Dict[str, Any], path: Optional[Path],
                        fields: Fields, plan: _Plan) -> Any:
        results: Dict[str, Any] = {}
        awaitable = False
        for spec, (response_name, field_nodes) in zip(plan.specs, fields.items()):
            if response_name in plan.others:
                result = self._execute_other(parent_type, source_value, path, response_name, field_nodes, plan.others[response_name])
            else:
                try:
                    results[response_name] = read_plain(source_value, (spec,))[response_name]
                    continue
                except Exception:
                    result = self.execute_field(parent_type, source_value, field_nodes, Path(path, response_name, parent_type.name))
            if result is not Undefined:
                results[response_name] = result
                awaitable = awaitable or self.is_awaitable(result)
        return self._awaited(results) if awaitable else results

    def _execute_other(self, parent_type: GraphQLObjectType, source_value: Dict[str, Any], path: Optional[Path],
                       response_name: str, field_nodes: List[FieldNode], step: Optional[Step]) -> Any:
        field_path = Path(path, response_name, parent_type.name)
        if step is not None:
            result = step.execute(self, source_value, field_nodes, field_path)
            if result is not _BY_DEFAULT:
                return result
        return self.execute_field(parent_type, source_value, field_nodes, field_path)

    def _enter(self, object_type: GraphQLObjectType, return_type: GraphQLOutputType, value: Dict[str, Any],
               field_nodes: List[FieldNode], path: Path) -> Any:
        # What execute_field does for an object, minus the resolve info and the type's wrappers:
        # the sub-fields, and an error handled as the field's.
        try:
            completed = self.execute_fields(object_type, value, path, self.collect_subfields(object_type, field_nodes))
        except Exception as raw_error:
            self.handle_field_error(located_error(raw_error, field_nodes, path.as_list()), return_type, path)
            return None
        if self.is_awaitable(completed):
            return self._completed_later(completed, return_type, field_nodes, path)
        return completed

    def _enter_list(self, step: _EnterList, items: List[Dict[str, Any]], field_nodes: List[FieldNode], path: Path) -> Any:
        # What complete_list_value does for a list of objects: an item's error nulls the item,
        # or, in a NonNull item, goes on to the list field, handled as execute_field does.
        object_type, item_type = step.object_type, step.item_type
        sub_fields = self.collect_subfields(object_type, field_nodes)
        is_awaitable = self.is_awaitable
        awaitable = False
        completed = []
        try:
            for index, item in enumerate(items):
                item_path = Path(path, index, None)
                try:
                    value = self.execute_fields(object_type, item, item_path, sub_fields)
                except Exception as raw_error:
                    self.handle_field_error(located_error(raw_error, field_nodes, item_path.as_list()), item_type, item_path)
                    value = None
                completed.append(value)
                awaitable = awaitable or is_awaitable(value)
        except Exception as raw_error:
            self.handle_field_error(located_error(raw_error, field_nodes, path.as_list()), step.return_type, path)
            return None
        if awaitable:
            return self._list_later(completed, step, field_nodes, path)
        return completed

    async def _completed_later(self, completed: Any, return_type: GraphQLOutputType, field_nodes: List[FieldNode], path: Path) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(located_error(raw_error, field_nodes, path.as_list()), return_type, path)
            return None

    async def _list_later(self, completed: List[Any], step: _EnterList, field_nodes: List[FieldNode], path: Path) -> Any:
        # As complete_list_value and execute_field: the awaitable items awaited together.
        indices = [index for index, value in enumerate(completed) if self.is_awaitable(value)]
        items = (self._completed_later(completed[i], step.item_type, field_nodes, Path(path, i, None)) for i in indices)
        try:
            for index, value in zip(indices, await gather(*items)):
                completed[index] = value
        except Exception as raw_error:
            self.handle_field_error(located_error(raw_error, field_nodes, path.as_list()), step.return_type, path)
            return None
        return completed

    async def _awaited(self, results: Dict[str, Any]) -> Dict[str, Any]:
        # As graphql-core's execute_fields: the awaitable results awaited together.
        names = [name for name, value in results.items() if self.is_awaitable(value)]
        results.update(zip(names, await gather(*(results[name] for name in names))))
        return results

"""A faster execution of the plain fields of a selection: `FastExecutionContext`.

graphql-core's executor completes every field of every record on its own: a resolve info, the
argument values, the default resolver, then `complete_value`'s walk over the type's wrappers.
For a list of 60 records that is most of the request, about 20 times `json.dumps` of the
response. Most fields of a record are plain, though: read from the record's dict with the default
resolver, without arguments, and either a leaf (scalar or enum, or a list of them) or a
composite object (`FullName`, `Emails`, `Actor`, ...) whose own selection is again plain. Such a
field is read by a reader compiled once per selection: `source.get(name)` and the type's
`serialize`, or a dict of the composite's readers.

Everything else (relations, connections, root fields, introspection, a source that is not a
dict) goes through the default `execute_field`, unchanged. A reader gives up on any value the
default executor would treat as an error (a null in a NonNull position, a serialization that
fails or gives null, a composite value that is not a dict, a list value that is not a list):
that field is then executed again by `execute_field`, whose error, path and null propagation are
the default ones. Reading is free of side effects, so executing a field again changes nothing
but the time. Records are JSON values (dicts, lists, strings, numbers, booleans, None), so the
default resolver's call of a callable value never applies to them.
"""

from __future__ import annotations

from asyncio import gather
from collections import OrderedDict
from threading import Lock
from typing import Any, Callable, Dict, List, Optional, Tuple

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLBoolean,
    GraphQLID,
    GraphQLList,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
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

from .scalars import _identity as _PASS_THROUGH  # the output of UUID, DateTime, JSON, Position, ...

__all__ = ["FastExecutionContext"]

Reader = Callable[[Dict[str, Any]], Any]


class _Enter:
    """A field read with the default resolver whose object's selection is not all plain (an
    edge's `node`): entered directly, its own fields then planned in turn."""

    __slots__ = ("name", "return_type", "object_type")

    def __init__(self, name: str, return_type: GraphQLOutputType, object_type: GraphQLObjectType) -> None:
        self.name, self.return_type, self.object_type = name, return_type, object_type


# Per response key of a selection, in its order: its reader, or how to enter it, or neither
# (the default execution).
Plan = Tuple[Tuple[Optional[Reader], Optional[_Enter]], ...]
Fields = Dict[str, List[FieldNode]]

_PLAN_CACHE_SIZE = 256
# The value type each built-in scalar serializes to itself.
_SAME_FOR: Dict[Any, type] = {GraphQLString.serialize: str, GraphQLID.serialize: str, GraphQLBoolean.serialize: bool}


class _Miss(Exception):
    """A value the default executor would not complete silently: execute the field by default."""


# Plans by (parent type, response keys and the ids of their nodes). A cached document keeps its
# nodes from one request to the next, so its plans are compiled once per process. Each entry
# holds the nodes its key names: while it is cached, no other node can take one of those ids.
# Parent types are keys as objects (a type name means other fields in another workspace).
_plans: "OrderedDict[Tuple[Any, ...], Tuple[Fields, Plan]]" = OrderedDict()
_plans_lock = Lock()


def _plan_key(parent_type: GraphQLObjectType, fields: Fields) -> Tuple[Any, ...]:
    return (parent_type, *((name, *map(id, nodes)) for name, nodes in fields.items()))


def _cached_plan(key: Tuple[Any, ...]) -> Optional[Plan]:
    with _plans_lock:
        entry = _plans.get(key)
        if entry is None:
            return None
        _plans.move_to_end(key)
        return entry[1]


def _cache_plan(key: Tuple[Any, ...], fields: Fields, plan: Plan) -> None:
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


def _leaf_reader(name: str, return_type: GraphQLOutputType) -> Optional[Reader]:
    non_null = is_non_null_type(return_type)
    leaf = return_type.of_type if non_null else return_type  # type: ignore[union-attr]
    serialize = leaf.serialize
    if not non_null and serialize is _PASS_THROUGH:
        # The scalars that give back what they are given (UUID, DateTime, JSON, Position, ...):
        # never null for a value, so the stored value is the result.
        return lambda source: source.get(name)
    same = _SAME_FOR.get(serialize)

    def read(source: Dict[str, Any]) -> Any:
        value = source.get(name)
        if value is None:
            if non_null:
                raise _Miss
            return None
        if type(value) is same:  # String of a str, Boolean of a bool: serialize returns it
            return value
        value = serialize(value)
        if value is None or value is Undefined:
            raise _Miss
        return value

    return read


def _leaf_list_reader(name: str, return_type: GraphQLOutputType) -> Optional[Reader]:
    non_null = is_non_null_type(return_type)
    list_type: GraphQLList[Any] = return_type.of_type if non_null else return_type  # type: ignore[union-attr,assignment]
    item_type = list_type.of_type
    item_non_null = is_non_null_type(item_type)
    if item_non_null:
        item_type = item_type.of_type
    if not is_leaf_type(item_type):
        return None
    serialize = item_type.serialize

    def read(source: Dict[str, Any]) -> Any:
        value = source.get(name)
        if value is None:
            if non_null:
                raise _Miss
            return None
        if type(value) is not list:
            raise _Miss
        items = []
        for item in value:
            if item is None:
                if item_non_null:
                    raise _Miss
                items.append(None)
                continue
            item = serialize(item)
            if item is None or item is Undefined:
                raise _Miss
            items.append(item)
        return items

    return read


def _object_reader(name: str, return_type: GraphQLOutputType, plan: Tuple[Tuple[str, Reader], ...]) -> Reader:
    non_null = is_non_null_type(return_type)

    def read(source: Dict[str, Any]) -> Any:
        value = source.get(name)
        if value is None:
            if non_null:
                raise _Miss
            return None
        if not isinstance(value, dict):
            raise _Miss
        return {key: reader(value) for key, reader in plan}

    return read


def _typename_reader(type_name: str) -> Reader:
    return lambda _source: type_name


class FastExecutionContext(ExecutionContext):
    """graphql-core's ExecutionContext, with compiled readers for plain fields (module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Plans of this request by the id of the collected fields: graphql-core hands the same
        # dict for every item of a list (its sub-fields cache keeps it for the request).
        self._plans: Dict[int, Tuple[Fields, Plan]] = {}
        self._fast = self.middleware_manager is None and self.field_resolver is default_field_resolver

    # -- compiling -----------------------------------------------------------------------------

    def _plan_of(self, parent_type: GraphQLObjectType, fields: Fields) -> Plan:
        entry = self._plans.get(id(fields))
        if entry is not None:
            return entry[1]
        key = _plan_key(parent_type, fields)
        plan = _cached_plan(key)
        if plan is None:
            entries = []
            shared = True  # false when a composite's selection depends on the variables
            for nodes in fields.values():
                reader, variable = self._reader(parent_type, nodes)
                entries.append((reader, None if reader is not None else self._entered(parent_type, nodes)))
                shared = shared and not variable
            plan = tuple(entries)
            if shared:
                _cache_plan(key, fields, plan)
        self._plans[id(fields)] = (fields, plan)
        return plan

    def _reader(self, parent_type: GraphQLObjectType, nodes: List[FieldNode]) -> Tuple[Optional[Reader], bool]:
        """The reader of one response key, or None when it is not plain; and whether the reader
        depends on the request's variables."""
        node = nodes[0]
        name = node.name.value
        if name == "__typename":
            return _typename_reader(parent_type.name), False
        if name.startswith("__"):
            return None, False
        field = get_field_def(self.schema, parent_type, node)
        if field is None or field.resolve is not None or field.args:
            return None, False
        return_type = field.type
        named = return_type.of_type if is_non_null_type(return_type) else return_type  # type: ignore[union-attr]
        if is_leaf_type(named):
            return _leaf_reader(name, return_type), False
        if is_list_type(named):
            return _leaf_list_reader(name, return_type), False
        if not is_object_type(named) or named.is_type_of is not None:  # type: ignore[union-attr]
            return None, False
        object_type: GraphQLObjectType = named  # type: ignore[assignment]
        sub_fields = self.collect_subfields(object_type, nodes)
        sub_plan = []
        variable = any(_has_directives(n.selection_set, self.fragments, set()) for n in nodes)
        for key, sub_nodes in sub_fields.items():
            reader, sub_variable = self._reader(object_type, sub_nodes)
            if reader is None:
                return None, False
            sub_plan.append((key, reader))
            variable = variable or sub_variable
        return _object_reader(name, return_type, tuple(sub_plan)), variable

    def _entered(self, parent_type: GraphQLObjectType, nodes: List[FieldNode]) -> Optional[_Enter]:
        name = nodes[0].name.value
        if name.startswith("__"):
            return None
        field = get_field_def(self.schema, parent_type, nodes[0])
        if field is None or field.resolve is not None or field.args:
            return None
        named = field.type.of_type if is_non_null_type(field.type) else field.type  # type: ignore[union-attr]
        if not is_object_type(named) or named.is_type_of is not None:  # type: ignore[union-attr]
            return None
        return _Enter(name, field.type, named)  # type: ignore[arg-type]

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
        results: Dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable = False
        for (response_name, field_nodes), (reader, enter) in zip(fields.items(), plan):
            if reader is not None:
                try:
                    results[response_name] = reader(source_value)
                    continue
                except Exception:
                    pass  # executed by default below, which reports what went wrong
            elif enter is not None:
                value = source_value.get(enter.name)
                if isinstance(value, dict):
                    result = results[response_name] = self._enter(enter, value, field_nodes, Path(path, response_name, parent_type.name))
                    awaitable = awaitable or is_awaitable(result)
                    continue
            result = self.execute_field(parent_type, source_value, field_nodes, Path(path, response_name, parent_type.name))
            if result is not Undefined:
                results[response_name] = result
                awaitable = awaitable or is_awaitable(result)
        if not awaitable:
            return results
        return self._awaited(results)

    def _enter(self, enter: _Enter, value: Dict[str, Any], field_nodes: List[FieldNode], path: Path) -> Any:
        # What execute_field does for an object read by the default resolver, minus the resolve
        # info and the type's wrappers: the sub-fields, and an error handled as the field's.
        try:
            completed = self.execute_fields(enter.object_type, value, path, self.collect_subfields(enter.object_type, field_nodes))
        except Exception as raw_error:
            self.handle_field_error(located_error(raw_error, field_nodes, path.as_list()), enter.return_type, path)
            return None
        if self.is_awaitable(completed):
            return self._completed_later(completed, enter, field_nodes, path)
        return completed

    async def _completed_later(self, completed: Any, enter: _Enter, field_nodes: List[FieldNode], path: Path) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(located_error(raw_error, field_nodes, path.as_list()), enter.return_type, path)
            return None

    async def _awaited(self, results: Dict[str, Any]) -> Dict[str, Any]:
        # As graphql-core's execute_fields: the awaitable results awaited together.
        names = [name for name, value in results.items() if self.is_awaitable(value)]
        results.update(zip(names, await gather(*(results[name] for name in names))))
        return results

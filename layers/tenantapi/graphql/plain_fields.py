"""The plain fields of a selection, read from specs compiled once per selection
(graphql/fast_execution.py plans them).

A plain field is read from the record's dict with the default resolver, without arguments, and
is either a leaf (scalar or enum, or a list of them) or a composite object (`FullName`, `Emails`,
`Actor`, ...) whose own selection is again plain. `read_plain` reads every plain field of an
object by one loop over their specs, without a call per field, and raises (`Miss`, or a scalar's
own error) on any value the default executor would not complete silently, so that the object is
then executed field by field.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Tuple

from graphql import GraphQLBoolean, GraphQLID, GraphQLList, GraphQLOutputType, GraphQLString, is_leaf_type, is_non_null_type
from graphql.pyutils import Undefined

from .scalars import _identity as _PASS_THROUGH  # the output of UUID, DateTime, JSON, Position, ...

__all__ = ["Miss", "Reader", "Spec", "read_plain", "leaf_spec", "leaf_list_reader", "reader_spec", "placeholder"]

Reader = Callable[[Dict[str, Any]], Any]


class Miss(Exception):
    """A value the default executor would not complete silently: execute the object's fields one
    by one, this one by default."""


# A plain field is read from a spec, interpreted by `read_plain` without a call per field:
#   (response key, field name, same, serialize, nullable, sub-specs, reader)
# - a leaf: `same` is the type whose values `serialize` returns unchanged (String of a str,
#   Boolean of a bool), `_ANY` when it returns every value unchanged (the pass-through scalars:
#   UUID, DateTime, JSON, Position, ...), None when every value goes through `serialize`;
# - a composite object: its fields' specs;
# - anything else (a list of leaves, `__typename`; a placeholder for a field executed otherwise,
#   which keeps its key's place in the result): `reader(source)`.
Spec = Tuple[str, str, Any, Any, bool, Optional[Tuple[Any, ...]], Optional[Reader]]

_ANY = object()
# The value type each built-in scalar serializes to itself.
_SAME_FOR: Dict[Any, type] = {GraphQLString.serialize: str, GraphQLID.serialize: str, GraphQLBoolean.serialize: bool}


def read_plain(source: Dict[str, Any], specs: Tuple[Spec, ...]) -> Dict[str, Any]:
    results: Dict[str, Any] = {}
    for key, name, same, serialize, nullable, sub, reader in specs:
        if reader is not None:
            results[key] = reader(source)
            continue
        value = source.get(name)
        if value is None:
            if not nullable:
                raise Miss
        elif sub is not None:
            if not isinstance(value, dict):
                raise Miss
            value = read_plain(value, sub)
        elif same is not _ANY and type(value) is not same:
            value = serialize(value)
            if value is None or value is Undefined:
                raise Miss
        results[key] = value
    return results


def leaf_spec(key: str, name: str, return_type: GraphQLOutputType) -> Spec:
    nullable = not is_non_null_type(return_type)
    serialize = (return_type if nullable else return_type.of_type).serialize  # type: ignore[union-attr]
    same = _ANY if serialize is _PASS_THROUGH else _SAME_FOR.get(serialize)
    return (key, name, same, serialize, nullable, None, None)


def leaf_list_reader(name: str, return_type: GraphQLOutputType) -> Optional[Reader]:
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
                raise Miss
            return None
        if type(value) is not list:
            raise Miss
        items = []
        for item in value:
            if item is None:
                if item_non_null:
                    raise Miss
                items.append(None)
                continue
            item = serialize(item)
            if item is None or item is Undefined:
                raise Miss
            items.append(item)
        return items

    return read


def reader_spec(key: str, reader: Reader) -> Spec:
    return (key, key, None, None, True, None, reader)


def placeholder(_source: Dict[str, Any]) -> None:
    return None

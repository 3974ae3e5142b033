"""A measurement aid, not engine code: the core schema of a workspace built as graphene classes,
to compare its build time with `build_core_schema`'s (graphql-core types made directly).

The field lists come from a core schema built once by the engine: every object type, input type
and enum of the workspace's objects, with their fields, arguments and descriptions, and the root
fields. Each run then makes them again as graphene `ObjectType`, `InputObjectType` and `Enum`
subclasses (`type(...)` from those lists, types referred to by name and resolved lazily, as
graphene allows) and builds a `graphene.Schema`, which turns the classes into graphql-core types.
The schema it makes is checked to print as the engine's does.

The types every workspace shares (scalars, `PageInfo`, the composite types and the primitive
filters) are made once, as the engine makes its own once per process: they are not timed. Which
types are shared is read from two builds of the engine: the types that are the same objects in
both are the process's, the others the workspace's. The graphene side is given its field lists
for free, where `build_core_schema` derives them from the metadata: the comparison, if anything,
favours graphene.
"""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass
from typing import Any, Callable

__all__ = ["GrapheneBuild", "measure_graphene_build"]


@dataclass
class GrapheneBuild:
    median_ms: float
    runs: int
    spread: tuple[float, float]  # fastest, slowest run
    classes: int  # graphene classes made per run (the workspace's types, Query and Mutation)
    ratio: float  # median graphene build / median build_core_schema, measured in turns


@dataclass(frozen=True)
class _TypeSpec:
    kind: str  # "object", "input" or "enum"
    name: str
    description: str | None
    fields: tuple[tuple[str, Any, tuple[tuple[str, Any], ...], str | None, bool], ...]  # name, type, args, description, resolved
    values: tuple[str, ...] = ()  # enums


def _spec(graphql_type: Any) -> _TypeSpec:
    from graphql import GraphQLEnumType, GraphQLInputObjectType

    if isinstance(graphql_type, GraphQLEnumType):
        return _TypeSpec("enum", graphql_type.name, graphql_type.description, (), tuple(graphql_type.values))
    if isinstance(graphql_type, GraphQLInputObjectType):
        fields = tuple((n, f.type, (), f.description, False) for n, f in graphql_type.fields.items())
        return _TypeSpec("input", graphql_type.name, graphql_type.description, fields)
    fields = tuple(
        (n, f.type, tuple((a, arg.type) for a, arg in f.args.items()), f.description, f.resolve is not None)
        for n, f in graphql_type.fields.items()
    )
    return _TypeSpec("object", graphql_type.name, graphql_type.description, fields)


def _workspace_types(first: Any, second: Any) -> tuple[list[_TypeSpec], list[Any]]:
    """The specs of the types two builds of one workspace do not share (Query and Mutation
    included), and the shared named types."""
    own, shared = [], []
    for name, graphql_type in first.type_map.items():
        if name.startswith("__"):
            continue
        if second.type_map.get(name) is graphql_type:
            shared.append(graphql_type)
        else:
            own.append(_spec(graphql_type))
    return own, shared


def _resolve(*_args: Any, **_kwargs: Any) -> None:  # the root and relation fields' resolvers
    return None


class _Classes:
    """Graphene classes by type name: the shared ones made once, the workspace's per build."""

    def __init__(self, shared: dict[str, Any]) -> None:
        self.by_name = dict(shared)

    def ref(self, graphql_type: Any) -> Any:
        import graphene
        from graphql import GraphQLList, GraphQLNonNull

        if isinstance(graphql_type, GraphQLNonNull):
            return graphene.NonNull(self.ref(graphql_type.of_type))
        if isinstance(graphql_type, GraphQLList):
            return graphene.List(self.ref(graphql_type.of_type))
        name = graphql_type.name
        return lambda: self.by_name[name]  # resolved when the schema is built

    def make(self, spec: _TypeSpec) -> Any:
        import graphene

        meta = type("Meta", (), {"name": spec.name, "description": spec.description})
        if spec.kind == "enum":
            cls = type(spec.name, (graphene.Enum,), {"Meta": meta, **{v: v for v in spec.values}})
        elif spec.kind == "input":
            attrs = {n: graphene.InputField(self.ref(t), description=d) for n, t, _, d, _ in spec.fields}
            cls = type(spec.name, (graphene.InputObjectType,), {"Meta": meta, **attrs})
        else:
            attrs = {
                n: graphene.Field(self.ref(t), args={a: graphene.Argument(self.ref(at)) for a, at in args} or None,
                                  resolver=_resolve if resolved else None, description=d)
                for n, t, args, d, resolved in spec.fields
            }
            cls = type(spec.name, (graphene.ObjectType,), {"Meta": meta, **attrs})
        self.by_name[spec.name] = cls
        return cls


def _shared_classes(shared: list[Any]) -> dict[str, Any]:
    """Graphene classes for the shared types: the built-in scalars, the engine's scalars wrapped
    as graphene scalars, and the shared object, input and enum types made from their specs."""
    import graphene
    from graphql import GraphQLScalarType

    builtin = {"String": graphene.String, "Int": graphene.Int, "Float": graphene.Float,
               "Boolean": graphene.Boolean, "ID": graphene.ID}
    classes = _Classes(builtin)
    for graphql_type in shared:
        if graphql_type.name in builtin:
            continue
        if isinstance(graphql_type, GraphQLScalarType):
            meta = type("Meta", (), {"name": graphql_type.name, "description": graphql_type.description})
            classes.by_name[graphql_type.name] = type(graphql_type.name, (graphene.Scalar,), {
                "Meta": meta, "serialize": staticmethod(graphql_type.serialize),
                "parse_value": staticmethod(graphql_type.parse_value),
                "parse_literal": staticmethod(graphql_type.parse_literal),
            })
        else:
            classes.make(_spec(graphql_type))
    return classes.by_name


def _build(specs: list[_TypeSpec], shared: dict[str, Any]) -> Any:
    import graphene

    classes = _Classes(shared)
    made = [classes.make(spec) for spec in specs]
    roots = {name: classes.by_name.get(name) for name in ("Query", "Mutation")}
    extra = [c for c in made if c not in roots.values()] + [c for c in shared.values() if issubclass(c, graphene.Scalar)]
    return graphene.Schema(query=roots["Query"], mutation=roots["Mutation"], types=extra, auto_camelcase=False)


def _same_schema(core: Any, built: Any) -> None:
    """The graphene schema prints as the core schema does: same types, fields, arguments, values
    and descriptions (in name order: graphene lists types in another order)."""
    from graphql import lexicographic_sort_schema, print_schema

    if print_schema(lexicographic_sort_schema(core)) != print_schema(lexicographic_sort_schema(built.graphql_schema)):
        raise AssertionError("the graphene classes do not make the core schema")


def measure_graphene_build(schema: Any, *, runs: int, log: Callable[[str], None]) -> GrapheneBuild:
    """Median build of `schema`'s core schema as graphene classes, timed in turns with
    `build_core_schema` on fresh copies of the same workspace (so both see the same machine)."""
    from tenantapi.graphql import build_core_schema

    from .workspace import fresh_copy

    first, second = build_core_schema(fresh_copy(schema)), build_core_schema(fresh_copy(schema))
    specs, shared_types = _workspace_types(first, second)
    shared = _shared_classes(shared_types)
    _same_schema(first, _build(specs, shared))  # and warm: graphene's imports and caches
    copies = [fresh_copy(schema) for _ in range(runs)]
    gc.collect()
    graphene_ns, core_ns = [], []
    for copy in copies:
        started = time.perf_counter_ns()
        _build(specs, shared)
        graphene_ns.append(time.perf_counter_ns() - started)
        started = time.perf_counter_ns()
        build_core_schema(copy)
        core_ns.append(time.perf_counter_ns() - started)
    median = statistics.median(graphene_ns)
    ratio = statistics.median(g / c for g, c in zip(graphene_ns, core_ns))
    log(f"    graphene classes: median {median / 1e6:.1f} ms over {runs} runs, {ratio:.1f}x build_core_schema")
    return GrapheneBuild(
        median_ms=median / 1e6, runs=runs, spread=(min(graphene_ns) / 1e6, max(graphene_ns) / 1e6),
        classes=len(specs), ratio=ratio,
    )

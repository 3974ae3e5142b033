"""`build_core_schema`: a workspace's core GraphQL schema (docs/api.md §6) from its metadata.

Built directly with graphql-core types (graphene's own engine): graphene's class machinery costs
several times more per type (docs/PERFORMANCE.md), and a workspace schema is rebuilt on every new
schemaVersion. Shared types (scalars, primitive filters, composites, PageInfo) come from
shared.py, built once per process; each object brings its own types (types.py), relation fields
(relations.py) and root fields (operations.py).

Every active object appears, standard or custom, unless one of its type or root field names is
already taken (an object named `pageInfo` would bring a second `PageInfo`; graphql-core refuses a
schema with two types of one name). Such an object is left out of this schema and logged, so the
rest of the workspace stays reachable; the first object to take a name keeps it.
"""

from __future__ import annotations

import logging

from graphql import GraphQLBoolean, GraphQLField, GraphQLObjectType, GraphQLSchema

from ..metadata.model import ObjectMetadata, WorkspaceSchema
from .operations import mutation_fields, query_fields, root_field_names
from .relations import relation_fields
from .scalars import SCALARS
from .shared import ALWAYS_INCLUDED, SHARED_TYPE_NAMES
from .types import ObjectTypes, type_names

__all__ = ["build_core_schema", "included_objects"]

logger = logging.getLogger("tenantapi")


def included_objects(schema: WorkspaceSchema) -> list[ObjectMetadata]:
    """The active objects whose names clash with nothing taken before them, in schema order."""
    taken_types = set(SHARED_TYPE_NAMES)
    taken_roots: set[str] = set()
    included: list[ObjectMetadata] = []
    for obj in schema.active_objects():
        types, roots = type_names(schema, obj), set(root_field_names(obj))
        clashes = sorted((types & taken_types) | (roots & taken_roots))
        if clashes:
            logger.warning(
                "object %s left out of the GraphQL schema of workspace %s: %s already taken",
                obj.name_singular, schema.workspace_id, ", ".join(clashes),
            )
            continue
        taken_types |= types
        taken_roots |= roots
        included.append(obj)
    return included


def build_core_schema(schema: WorkspaceSchema) -> GraphQLSchema:
    """The executable core schema of one workspace at one schemaVersion. Resolvers expect a
    `CoreContext` (context.py) as the execution's context value."""
    registry: dict[str, ObjectTypes] = {}
    for obj in included_objects(schema):
        registry[obj.id] = ObjectTypes(schema, obj, lambda types: relation_fields(schema, types, registry))
    queries: dict[str, GraphQLField] = {}
    mutations: dict[str, GraphQLField] = {}
    for types in registry.values():
        queries.update(query_fields(types))
        mutations.update(mutation_fields(types))
    if not queries:
        # A schema needs a query type with a field; a workspace without active objects has none.
        queries["_empty"] = GraphQLField(GraphQLBoolean, description="No object is active in this workspace")
    return GraphQLSchema(
        query=GraphQLObjectType("Query", queries),
        mutation=GraphQLObjectType("Mutation", mutations) if mutations else None,
        types=[*SCALARS, *ALWAYS_INCLUDED],
    )

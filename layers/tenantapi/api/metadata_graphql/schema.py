"""The metadata schema's root fields and the executable schema, built once per process.

The metadata schema is the same for every workspace; what a request sees comes from its
`MetadataContext` (the caller and the workspace's schema at the version the request read).
Mutations check the DATA_MODEL permission, hand the inputs to `MetadataService` as plain dicts
with Twenty's camelCase keys, and remember the schema they produced, exactly as the Metadata
REST API does.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import graphene
from graphql import GraphQLSchema

from ...errors import NotFound
from ...metadata.rules_fields import FIELD_NOT_FOUND, OBJECT_NOT_FOUND
from ..metadata_rest import require_data_model
from .access import AccessMutation, AccessQuery
from .application import ApplicationQuery
from .connection import connection
from .context import MetadataContext, plain
from .inputs import (
    CreateOneFieldMetadataInput,
    CreateOneObjectInput,
    DeleteOneFieldInput,
    DeleteOneObjectInput,
    FieldFilter,
    ObjectFilter,
    UpdateOneFieldMetadataInput,
    UpdateOneObjectInput,
    connection_args,
)
from .outputs import FieldConnection, FieldNode, ObjectConnection, ObjectNode, Presented, field_node, object_node
from .scalars import UUID

__all__ = ["metadata_schema"]


def _context(info: Any) -> MetadataContext:
    return info.context  # type: ignore[no-any-return]


def _writer(info: Any) -> MetadataContext:
    context = _context(info)
    require_data_model(context.caller)
    return context


def _id_arg() -> graphene.Argument:
    return graphene.Argument(graphene.NonNull(UUID), description="The id of the record to find.")


class Query(AccessQuery, ApplicationQuery, graphene.ObjectType):
    object = graphene.Field(graphene.NonNull(ObjectNode), id=_id_arg())
    objects = graphene.Field(graphene.NonNull(ObjectConnection), **connection_args(ObjectFilter))
    field = graphene.Field(graphene.NonNull(FieldNode), id=_id_arg())
    fields = graphene.Field(graphene.NonNull(FieldConnection), **connection_args(FieldFilter))

    @staticmethod
    def resolve_object(root: None, info: Any, id: str) -> Presented:
        schema = _context(info).schema
        obj = schema.object(id)
        if obj is None:
            raise NotFound(OBJECT_NOT_FOUND.format(id=id))
        return object_node(schema, obj)

    @staticmethod
    def resolve_objects(root: None, info: Any, paging: Any, filter: Any) -> dict[str, Any]:
        schema = _context(info).schema
        return connection([object_node(schema, o) for o in schema.objects], paging, filter)

    @staticmethod
    def resolve_field(root: None, info: Any, id: str) -> Presented:
        schema = _context(info).schema
        f = schema.field(id)
        if f is None:
            raise NotFound(FIELD_NOT_FOUND.format(id=id))
        return field_node(schema, f)

    @staticmethod
    def resolve_fields(root: None, info: Any, paging: Any, filter: Any) -> dict[str, Any]:
        schema = _context(info).schema
        return connection([field_node(schema, f) for f in schema.fields], paging, filter)


def _input_arg(input_type: Any) -> graphene.Argument:
    return graphene.Argument(graphene.NonNull(input_type))


def _change(info: Any, operation: str, *args: Any, node: Callable[[Any, Any], Presented], deleted: bool = False) -> Presented:
    """Run one MetadataService change for the caller and move the request's schema forward. A
    deleted definition is shown as it was, with the schema that still has it."""
    context = _writer(info)
    schema = context.schema
    definition, updated = getattr(context.service, operation)(schema.workspace_id, *args, schema)
    context.changed(updated)
    return node(schema if deleted else updated, definition)


class Mutation(AccessMutation, graphene.ObjectType):
    createOneObject = graphene.Field(graphene.NonNull(ObjectNode), input=_input_arg(CreateOneObjectInput))
    deleteOneObject = graphene.Field(graphene.NonNull(ObjectNode), input=_input_arg(DeleteOneObjectInput))
    updateOneObject = graphene.Field(graphene.NonNull(ObjectNode), input=_input_arg(UpdateOneObjectInput))
    createOneField = graphene.Field(graphene.NonNull(FieldNode), input=_input_arg(CreateOneFieldMetadataInput))
    updateOneField = graphene.Field(graphene.NonNull(FieldNode), input=_input_arg(UpdateOneFieldMetadataInput))
    deleteOneField = graphene.Field(graphene.NonNull(FieldNode), input=_input_arg(DeleteOneFieldInput))

    @staticmethod
    def resolve_createOneObject(root: None, info: Any, input: Any) -> Presented:
        return _change(info, "create_object", plain(input["object"]), node=object_node)

    @staticmethod
    def resolve_updateOneObject(root: None, info: Any, input: Any) -> Presented:
        return _change(info, "update_object", input["id"], plain(input["update"]), node=object_node)

    @staticmethod
    def resolve_deleteOneObject(root: None, info: Any, input: Any) -> Presented:
        return _change(info, "delete_object", input["id"], node=object_node, deleted=True)

    @staticmethod
    def resolve_createOneField(root: None, info: Any, input: Any) -> Presented:
        return _change(info, "create_field", plain(input["field"]), node=field_node)

    @staticmethod
    def resolve_updateOneField(root: None, info: Any, input: Any) -> Presented:
        return _change(info, "update_field", input["id"], plain(input["update"]), node=field_node)

    @staticmethod
    def resolve_deleteOneField(root: None, info: Any, input: Any) -> Presented:
        return _change(info, "delete_field", input["id"], node=field_node, deleted=True)


@lru_cache(maxsize=1)
def metadata_schema() -> GraphQLSchema:
    """The executable metadata schema (graphql-core), built on first use and kept."""
    return graphene.Schema(query=Query, mutation=Mutation).graphql_schema

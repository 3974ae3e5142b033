"""The output types of Twenty's metadata schema (its SDK's `metadata/generated/schema.graphql`).

They resolve from the presenters' dicts (`tenantapi.metadata.presenters`) with graphene's default
dict resolvers; only what a presenter cannot know on its own (an object's fields, a relation's two
ends, the ids Twenty has and this server derives) has a resolver here. Attribute names are the
GraphQL names (graphene's camel-casing leaves them as they are), so they are the presenters' keys.
"""

from __future__ import annotations

from typing import Any, Iterable

import graphene

from ...metadata.model import FieldMetadata, ObjectMetadata, WorkspaceSchema
from ...metadata.presenters import present_field, present_object
from .connection import connection
from .inputs import FieldFilter, connection_args
from .scalars import JSON, UUID, ConnectionCursor, DateTime, FieldMetadataType, RelationTypeEnum

__all__ = [
    "Presented",
    "object_node",
    "field_node",
    "ObjectNode",
    "FieldNode",
    "RelationNode",
    "PageInfo",
    "ObjectConnection",
    "ObjectFieldsConnection",
    "FieldConnection",
]


class Presented(dict):  # type: ignore[type-arg]
    """A presenter's output together with the schema version it was presented from.

    Nested resolvers (an object's fields, a relation's ends) read that version: the result of
    `deleteOneObject` still shows the fields the object had, and a mutation's result shows the
    schema it produced rather than the one the request started with.
    """

    __slots__ = ("schema",)

    def __init__(self, schema: WorkspaceSchema, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.schema = schema


def _with_derived(schema: WorkspaceSchema, data: dict[str, Any]) -> dict[str, Any]:
    # Twenty's universalIdentifier names a definition across workspaces; here every definition
    # is its workspace's own, so its id serves. A workspace is one application (docs/api.md §6.8).
    data.setdefault("universalIdentifier", data["id"])
    data.setdefault("applicationId", schema.workspace_id)
    return data


def object_node(schema: WorkspaceSchema, obj: ObjectMetadata) -> Presented:
    data = _with_derived(schema, present_object(schema, obj, with_fields=False))
    data.setdefault("isUIReadOnly", False)  # objects here are never read-only in the UI sense
    return Presented(schema, data)


def field_node(schema: WorkspaceSchema, field: FieldMetadata) -> Presented:
    return Presented(schema, _with_derived(schema, present_field(schema, field)))


def _field_nodes(schema: WorkspaceSchema, fields: Iterable[FieldMetadata]) -> list[Presented]:
    return [field_node(schema, f) for f in fields]


class PageInfo(graphene.ObjectType):
    hasNextPage = graphene.Boolean(description="true if paging forward and there are more records.")
    hasPreviousPage = graphene.Boolean(description="true if paging backwards and there are more records.")
    startCursor = ConnectionCursor(description="The cursor of the first returned record.")
    endCursor = ConnectionCursor(description="The cursor of the last returned record.")


# -- definitions ------------------------------------------------------------------------------


class StandardOverrides(graphene.ObjectType):
    label = graphene.String()
    description = graphene.String()
    icon = graphene.String()
    translations = JSON()


class ObjectStandardOverrides(graphene.ObjectType):
    labelSingular = graphene.String()
    labelPlural = graphene.String()
    description = graphene.String()
    icon = graphene.String()
    color = graphene.String()
    translations = JSON()


def _node_of(schema: WorkspaceSchema, ref: dict[str, Any] | None, kind: str) -> Presented | None:
    """The full definition a relation end (`{id, ...}`) refers to."""
    if ref is None:
        return None
    if kind == "object":
        obj = schema.object(ref["id"])
        return object_node(schema, obj) if obj is not None else None
    field = schema.field(ref["id"])
    return field_node(schema, field) if field is not None else None


class RelationNode(graphene.ObjectType):
    class Meta:
        name = "Relation"

    type = graphene.NonNull(RelationTypeEnum)
    sourceObjectMetadata = graphene.NonNull(lambda: ObjectNode)
    targetObjectMetadata = graphene.NonNull(lambda: ObjectNode)
    sourceFieldMetadata = graphene.NonNull(lambda: FieldNode)
    targetFieldMetadata = graphene.NonNull(lambda: FieldNode)

    @staticmethod
    def resolve_sourceObjectMetadata(root: Presented, info: Any) -> Presented | None:
        return _node_of(root.schema, root.get("sourceObjectMetadata"), "object")

    @staticmethod
    def resolve_targetObjectMetadata(root: Presented, info: Any) -> Presented | None:
        return _node_of(root.schema, root.get("targetObjectMetadata"), "object")

    @staticmethod
    def resolve_sourceFieldMetadata(root: Presented, info: Any) -> Presented | None:
        return _node_of(root.schema, root.get("sourceFieldMetadata"), "field")

    @staticmethod
    def resolve_targetFieldMetadata(root: Presented, info: Any) -> Presented | None:
        return _node_of(root.schema, root.get("targetFieldMetadata"), "field")


class FieldNode(graphene.ObjectType):
    class Meta:
        name = "Field"

    id = graphene.NonNull(UUID)
    universalIdentifier = graphene.String(required=True)
    type = graphene.NonNull(FieldMetadataType)
    name = graphene.String(required=True)
    label = graphene.String(required=True)
    description = graphene.String()
    icon = graphene.String()
    standardOverrides = graphene.Field(StandardOverrides)
    isCustom = graphene.Boolean()
    isActive = graphene.Boolean()
    isSystem = graphene.Boolean()
    isUIReadOnly = graphene.Boolean()
    isNullable = graphene.Boolean()
    isUnique = graphene.Boolean()
    defaultValue = JSON()
    options = JSON()
    settings = JSON()
    objectMetadataId = graphene.NonNull(UUID)
    isLabelSyncedWithName = graphene.Boolean()
    morphId = UUID()
    createdAt = graphene.NonNull(DateTime)
    updatedAt = graphene.NonNull(DateTime)
    applicationId = graphene.NonNull(UUID)
    relation = graphene.Field(RelationNode)
    morphRelations = graphene.List(graphene.NonNull(RelationNode))
    object = graphene.Field(lambda: ObjectNode)

    @staticmethod
    def resolve_relation(root: Presented, info: Any) -> Presented | None:
        relation = root.get("relation")
        return Presented(root.schema, relation) if relation is not None else None

    @staticmethod
    def resolve_object(root: Presented, info: Any) -> Presented | None:
        return _node_of(root.schema, {"id": root["objectMetadataId"]}, "object")


class FieldEdge(graphene.ObjectType):
    node = graphene.NonNull(FieldNode, description="The node containing the Field")
    cursor = graphene.NonNull(ConnectionCursor, description="Cursor for this node.")


def _connection_type(name: str, edge: type[graphene.ObjectType]) -> Any:
    return type(
        name,
        (graphene.ObjectType,),
        {
            "pageInfo": graphene.NonNull(PageInfo, description="Paging information"),
            "edges": graphene.NonNull(graphene.List(graphene.NonNull(edge)), description="Array of edges."),
            # Twenty's older metadata schema had it; nestjs-query computes it on request.
            "totalCount": graphene.Int(required=True, description="Fetch total count of records"),
        },
    )


ObjectFieldsConnection = _connection_type("ObjectFieldsConnection", FieldEdge)
FieldConnection = _connection_type("FieldConnection", FieldEdge)


class ObjectNode(graphene.ObjectType):
    class Meta:
        name = "Object"

    id = graphene.NonNull(UUID)
    universalIdentifier = graphene.String(required=True)
    nameSingular = graphene.String(required=True)
    namePlural = graphene.String(required=True)
    labelSingular = graphene.String(required=True)
    labelPlural = graphene.String(required=True)
    description = graphene.String()
    icon = graphene.String()
    standardOverrides = graphene.Field(ObjectStandardOverrides)
    shortcut = graphene.String()
    color = graphene.String()
    isCustom = graphene.Boolean(required=True)
    isRemote = graphene.Boolean(required=True)
    isActive = graphene.Boolean(required=True)
    isSystem = graphene.Boolean(required=True)
    isUIReadOnly = graphene.Boolean(required=True)
    isSearchable = graphene.Boolean(required=True)
    applicationId = graphene.NonNull(UUID)
    createdAt = graphene.NonNull(DateTime)
    updatedAt = graphene.NonNull(DateTime)
    labelIdentifierFieldMetadataId = UUID()
    imageIdentifierFieldMetadataId = UUID()
    isLabelSyncedWithName = graphene.Boolean(required=True)
    duplicateCriteria = graphene.List(graphene.NonNull(graphene.List(graphene.NonNull(graphene.String))))
    fieldsList = graphene.NonNull(graphene.List(graphene.NonNull(FieldNode)))
    fields = graphene.Field(graphene.NonNull(ObjectFieldsConnection), **connection_args(FieldFilter))

    @staticmethod
    def resolve_fieldsList(root: Presented, info: Any) -> list[Presented]:
        return _field_nodes(root.schema, root.schema.fields_of(root["id"]))

    @staticmethod
    def resolve_fields(root: Presented, info: Any, paging: Any, filter: Any) -> dict[str, Any]:
        return connection(_field_nodes(root.schema, root.schema.fields_of(root["id"])), paging, filter)


class ObjectEdge(graphene.ObjectType):
    node = graphene.NonNull(ObjectNode, description="The node containing the Object")
    cursor = graphene.NonNull(ConnectionCursor, description="Cursor for this node.")


ObjectConnection = _connection_type("ObjectConnection", ObjectEdge)

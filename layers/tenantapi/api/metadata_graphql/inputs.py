"""The input types of Twenty's metadata schema: nestjs-query paging and filters, and the inputs
of the object and field mutations (its SDK's `metadata/generated/schema.graphql`).

Attribute names are the GraphQL names, so graphene's camel-casing leaves them as they are and an
input arrives as a dict with Twenty's camelCase keys, the payload the metadata rules read; keys
the client left out are absent. Types whose GraphQL field names are Python keywords (`in`, `is`,
`and`, `or`) are built with `type()`.
"""

from __future__ import annotations

from typing import Any

import graphene

from .scalars import JSON, UUID, ConnectionCursor, FieldMetadataType

__all__ = [
    "CursorPaging",
    "ObjectFilter",
    "FieldFilter",
    "connection_args",
    "CreateOneObjectInput",
    "UpdateOneObjectInput",
    "DeleteOneObjectInput",
    "CreateOneFieldMetadataInput",
    "UpdateOneFieldMetadataInput",
    "DeleteOneFieldInput",
]


# -- paging and filters -----------------------------------------------------------------------


class CursorPaging(graphene.InputObjectType):
    before = ConnectionCursor(description="Paginate before opaque cursor")
    after = ConnectionCursor(description="Paginate after opaque cursor")
    first = graphene.Int(description="Paginate first")
    last = graphene.Int(description="Paginate last")


_UUID_OPERATORS = ("eq", "neq", "gt", "gte", "lt", "lte", "like", "notLike", "iLike", "notILike")

UUIDFilterComparison = type(
    "UUIDFilterComparison",
    (graphene.InputObjectType,),
    {
        "is": graphene.Boolean(),
        "isNot": graphene.Boolean(),
        **{op: UUID() for op in _UUID_OPERATORS},
        "in": graphene.List(graphene.NonNull(UUID)),
        "notIn": graphene.List(graphene.NonNull(UUID)),
    },
)

BooleanFieldComparison = type(
    "BooleanFieldComparison",
    (graphene.InputObjectType,),
    {"is": graphene.Boolean(), "isNot": graphene.Boolean()},
)


def _filter_type(name: str, uuid_keys: tuple[str, ...], boolean_keys: tuple[str, ...]) -> Any:
    def itself() -> Any:
        # `and`/`or` hold filters of the type being built: resolved lazily, by its module name.
        return globals()[name]

    return type(
        name,
        (graphene.InputObjectType,),
        {
            "and": graphene.List(graphene.NonNull(itself)),
            "or": graphene.List(graphene.NonNull(itself)),
            **{key: UUIDFilterComparison() for key in uuid_keys},
            **{key: BooleanFieldComparison() for key in boolean_keys},
        },
    )


ObjectFilter = _filter_type(
    "ObjectFilter", ("id",), ("isCustom", "isRemote", "isActive", "isSystem", "isUIReadOnly", "isSearchable")
)
FieldFilter = _filter_type(
    "FieldFilter", ("id", "objectMetadataId"), ("isCustom", "isActive", "isSystem", "isUIReadOnly")
)


def connection_args(filter_type: Any) -> dict[str, graphene.Argument]:
    """`paging: CursorPaging! = {first: 10}, filter: <Filter>! = {}`, as Twenty declares them."""
    return {
        "paging": graphene.Argument(
            graphene.NonNull(CursorPaging), default_value={"first": 10}, description="Limit or page results."
        ),
        "filter": graphene.Argument(
            graphene.NonNull(filter_type), default_value={}, description="Specify to filter the records returned."
        ),
    }


# -- objects ----------------------------------------------------------------------------------


class CreateObjectInput(graphene.InputObjectType):
    nameSingular = graphene.String(required=True)
    namePlural = graphene.String(required=True)
    labelSingular = graphene.String(required=True)
    labelPlural = graphene.String(required=True)
    description = graphene.String()
    icon = graphene.String()
    shortcut = graphene.String()
    color = graphene.String()
    skipNameField = graphene.Boolean()
    isRemote = graphene.Boolean()
    primaryKeyColumnType = graphene.String()
    primaryKeyFieldMetadataSettings = JSON()
    isLabelSyncedWithName = graphene.Boolean()


class CreateOneObjectInput(graphene.InputObjectType):
    object = graphene.NonNull(CreateObjectInput, description="The object to create")


class UpdateObjectPayload(graphene.InputObjectType):
    labelSingular = graphene.String()
    labelPlural = graphene.String()
    nameSingular = graphene.String()
    namePlural = graphene.String()
    description = graphene.String()
    icon = graphene.String()
    shortcut = graphene.String()
    color = graphene.String()
    isActive = graphene.Boolean()
    labelIdentifierFieldMetadataId = UUID()
    imageIdentifierFieldMetadataId = UUID()
    isLabelSyncedWithName = graphene.Boolean()
    isSearchable = graphene.Boolean()


class UpdateOneObjectInput(graphene.InputObjectType):
    update = graphene.NonNull(UpdateObjectPayload)
    id = graphene.NonNull(UUID, description="The id of the object to update")


class DeleteOneObjectInput(graphene.InputObjectType):
    id = graphene.NonNull(UUID, description="The id of the record to delete.")


# -- fields -----------------------------------------------------------------------------------


class CreateFieldInput(graphene.InputObjectType):
    type = graphene.NonNull(FieldMetadataType)
    name = graphene.String(required=True)
    label = graphene.String(required=True)
    description = graphene.String()
    icon = graphene.String()
    isCustom = graphene.Boolean()
    isActive = graphene.Boolean()
    isSystem = graphene.Boolean()
    isUIReadOnly = graphene.Boolean()
    # isUIEditable, isSearchable, isAuditLogged: in some Twenty versions; the rules accept them.
    isUIEditable = graphene.Boolean()
    isNullable = graphene.Boolean()
    isUnique = graphene.Boolean()
    isSearchable = graphene.Boolean()
    isAuditLogged = graphene.Boolean()
    defaultValue = JSON()
    options = JSON()
    settings = JSON()
    objectMetadataId = graphene.NonNull(UUID)
    isLabelSyncedWithName = graphene.Boolean()
    isRemoteCreation = graphene.Boolean()
    relationCreationPayload = JSON()
    morphRelationsCreationPayload = graphene.List(graphene.NonNull(JSON))


class CreateOneFieldMetadataInput(graphene.InputObjectType):
    field = graphene.NonNull(CreateFieldInput, description="The record to create")


class UpdateFieldInput(graphene.InputObjectType):
    universalIdentifier = graphene.String()
    name = graphene.String()
    label = graphene.String()
    description = graphene.String()
    icon = graphene.String()
    isActive = graphene.Boolean()
    isSystem = graphene.Boolean()
    isUIReadOnly = graphene.Boolean()
    isUIEditable = graphene.Boolean()
    isNullable = graphene.Boolean()
    isUnique = graphene.Boolean()
    isSearchable = graphene.Boolean()
    isAuditLogged = graphene.Boolean()
    defaultValue = JSON()
    options = JSON()
    settings = JSON()
    objectMetadataId = UUID()
    isLabelSyncedWithName = graphene.Boolean()
    morphRelationsUpdatePayload = graphene.List(graphene.NonNull(JSON))
    translations = JSON()


class UpdateOneFieldMetadataInput(graphene.InputObjectType):
    id = graphene.NonNull(UUID, description="The id of the record to update")
    update = graphene.NonNull(UpdateFieldInput, description="The record to update")


class DeleteOneFieldInput(graphene.InputObjectType):
    id = graphene.NonNull(UUID, description="The id of the field to delete.")

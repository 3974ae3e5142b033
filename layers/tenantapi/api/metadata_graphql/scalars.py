"""The leaf types of Twenty's metadata schema: the scalars `UUID`, `DateTime`, `JSON`,
`ConnectionCursor` and the enums `FieldMetadataType`, `RelationType`.

Definitions hold ids and timestamps as strings already, so output is a pass-through; input is
checked and normalised (a UUID in its canonical lower-case form, the form stored ids have).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import graphene
from graphene.types.scalars import Scalar
from graphql import GraphQLError, StringValueNode, Undefined, ValueNode
from graphql.utilities import value_from_ast_untyped

from ...metadata.field_types import FieldType, RelationType

__all__ = ["UUID", "DateTime", "JSON", "ConnectionCursor", "FieldMetadataType", "RelationTypeEnum"]


class UUID(Scalar):
    """A UUID scalar type"""

    @staticmethod
    def serialize(value: Any) -> str:
        return str(value)

    @staticmethod
    def parse_value(value: Any) -> str:
        if not isinstance(value, str):
            raise GraphQLError(f"Invalid UUID: {value!r}")
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise GraphQLError(f'Invalid UUID: "{value}"') from None

    @staticmethod
    def parse_literal(node: ValueNode, _variables: Any = None) -> Any:
        if not isinstance(node, StringValueNode):
            return Undefined  # graphql-core then reports the expected type
        return UUID.parse_value(node.value)


class DateTime(Scalar):
    """A date-time string at UTC, such as 2019-12-03T09:54:33Z, compliant with the date-time format."""

    @staticmethod
    def serialize(value: Any) -> str:
        if isinstance(value, (datetime, date)):
            return value.isoformat()
        return str(value)

    @staticmethod
    def parse_value(value: Any) -> str:
        if not isinstance(value, str):
            raise GraphQLError(f"Invalid DateTime: {value!r}")
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise GraphQLError(f'Invalid DateTime: "{value}"') from None
        return value

    @staticmethod
    def parse_literal(node: ValueNode, _variables: Any = None) -> Any:
        if not isinstance(node, StringValueNode):
            return Undefined
        return DateTime.parse_value(node.value)


class JSON(Scalar):
    __doc__ = (  # Twenty's description, verbatim
        "The `JSON` scalar type represents JSON values as specified by "
        "[ECMA-404](http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf)."
    )

    @staticmethod
    def serialize(value: Any) -> Any:
        return value

    @staticmethod
    def parse_value(value: Any) -> Any:
        return value

    @staticmethod
    def parse_literal(node: ValueNode, variables: Any = None) -> Any:
        # An inline literal may nest variables (`options: [{label: $label, ...}]`).
        return value_from_ast_untyped(node, variables)


class ConnectionCursor(Scalar):
    """Cursor for paging through collections"""

    @staticmethod
    def serialize(value: Any) -> str:
        return str(value)

    @staticmethod
    def parse_value(value: Any) -> str:
        if not isinstance(value, str):
            raise GraphQLError(f"Invalid cursor: {value!r}")
        return value

    @staticmethod
    def parse_literal(node: ValueNode, _variables: Any = None) -> Any:
        if not isinstance(node, StringValueNode):
            return Undefined
        return node.value


# Enums: the field types this server supports (a subset of Twenty's), and the relation sides.
FieldMetadataType = graphene.Enum.from_enum(FieldType, name="FieldMetadataType", description="Type of the field")
RelationTypeEnum = graphene.Enum.from_enum(RelationType, name="RelationType", description="Relation type")

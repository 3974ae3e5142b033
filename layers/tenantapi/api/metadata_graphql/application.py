"""`applicationCoreGraphqlSchema(applicationUniversalIdentifier: String!): String`: the SDL of the
workspace's core `/graphql` schema, which `twenty-client-sdk` turns into its typed core client.

A workspace is one application here, so every identifier (Twenty's standard application id
included) gets the SDL of every active object, standard and custom: the schema `/graphql` serves
at the version this request read.
"""

from __future__ import annotations

from typing import Any

import graphene

__all__ = ["ApplicationQuery"]


class ApplicationQuery(graphene.ObjectType):
    applicationCoreGraphqlSchema = graphene.Field(
        graphene.String,
        applicationUniversalIdentifier=graphene.Argument(graphene.NonNull(graphene.String)),
        description="The SDL of the core GraphQL schema of the application.",
    )

    @staticmethod
    def resolve_applicationCoreGraphqlSchema(root: None, info: Any, applicationUniversalIdentifier: str) -> str:
        # Imported here: building the core schema is only ever needed by this field, and the
        # metadata function starts without the core GraphQL package.
        from graphql import print_schema

        from ...graphql import core_schema_for

        return print_schema(core_schema_for(info.context.schema))

"""`applicationCoreGraphqlSchema` on POST /metadata: the SDL of the workspace's core schema, as
`twenty-client-sdk` reads it (graphql `buildSchema`, then schema validation)."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLObjectType, GraphQLSchema, assert_valid_schema, build_schema

from .test_metadata_graphql import Gql, gql, ok, workspace_id  # noqa: F401 (fixtures)

QUERY = """query ApplicationCoreGraphqlSchema($applicationUniversalIdentifier: String!) {
  applicationCoreGraphqlSchema(applicationUniversalIdentifier: $applicationUniversalIdentifier)
}"""

# Twenty's standard application.
STANDARD_APPLICATION = "20202020-64aa-4b6f-b003-9c74b97cee20"


def _sdl(gql: Gql, application: str = STANDARD_APPLICATION, role: str = "Admin") -> str:
    sdl = ok(gql(QUERY, {"applicationUniversalIdentifier": application}, role=role))["applicationCoreGraphqlSchema"]
    assert isinstance(sdl, str) and sdl
    return sdl


def _built(sdl: str) -> GraphQLSchema:
    schema = build_schema(sdl)
    assert_valid_schema(schema)
    return schema


def _root_fields(schema: GraphQLSchema) -> tuple[set[str], set[str]]:
    query, mutation = schema.query_type, schema.mutation_type
    assert isinstance(query, GraphQLObjectType) and isinstance(mutation, GraphQLObjectType)
    return set(query.fields), set(mutation.fields)


def test_the_sdl_builds_a_valid_schema_with_the_core_roots(gql: Gql) -> None:
    queries, mutations = _root_fields(_built(_sdl(gql)))
    assert {"people", "person", "companies"} <= queries
    assert {"createPerson", "createPeople", "updatePerson", "deletePerson"} <= mutations


def test_any_application_identifier_gets_the_workspace_schema(gql: Gql) -> None:
    assert _sdl(gql, "any-application") == _sdl(gql)


def test_a_custom_object_appears_after_it_is_created(gql: Gql) -> None:
    created: dict[str, Any] = ok(
        gql(
            """mutation($input: CreateOneObjectInput!) { createOneObject(input: $input) { id } }""",
            {"input": {"object": {"nameSingular": "rocket", "namePlural": "rockets", "labelSingular": "Rocket", "labelPlural": "Rockets"}}},
        )
    )
    assert created["createOneObject"]["id"]
    queries, mutations = _root_fields(_built(_sdl(gql)))
    assert {"rockets", "rocket"} <= queries
    assert "createRocket" in mutations


def test_a_read_only_key_gets_the_sdl_too(gql: Gql) -> None:
    queries, _ = _root_fields(_built(_sdl(gql, role="Member")))
    assert "people" in queries

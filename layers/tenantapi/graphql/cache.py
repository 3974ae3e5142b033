"""What the warm function keeps between requests (docs/PERFORMANCE.md, Core GraphQL):

- the executable schema per (workspaceId, schemaVersion), in a bounded LRU: a request reads the
  workspace head anyway, and a change through the Metadata API bumps the version, so the very
  next request builds the new schema and the old one ages out;
- parsed and validated documents per (workspaceId, schemaVersion, query text): validation
  depends on the schema, and two workspaces at the same version number have different schemas,
  so the workspace is part of the key. A document that fails is not kept. Very long texts are
  not kept either: the LRU is bounded by count, and a few huge keys would hold the memory.
"""

from __future__ import annotations

import os

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, specified_rules, validate

from ..metadata.cache import LRUCache
from ..metadata.model import WorkspaceSchema
from .errors import parse_failure, validation_failure
from .limits import RULES
from .schema import build_core_schema

__all__ = ["core_schema_for", "document_for", "parse_and_validate", "schemas", "documents", "MAX_TOKENS", "MAX_CACHED_QUERY"]

# Tokens a document may hold: above what 2000 fields or a literal batch of 60 records take, and
# below what would make parsing itself the cost (graphql-core lexes about 30 us a token here, and
# stops at the limit with a syntax error).
MAX_TOKENS = 15_000
MAX_CACHED_QUERY = 64 * 1024

schemas: LRUCache[tuple[str, int], GraphQLSchema] = LRUCache(int(os.environ.get("CORE_GRAPHQL_SCHEMA_CACHE_SIZE", "32")))
documents: LRUCache[tuple[str, int, str], DocumentNode] = LRUCache(int(os.environ.get("CORE_GRAPHQL_DOCUMENT_CACHE_SIZE", "256")))

_RULES = (*specified_rules, *RULES)


def core_schema_for(schema: WorkspaceSchema) -> GraphQLSchema:
    return schemas.get_or_build((schema.workspace_id, schema.version), lambda: build_core_schema(schema))


def parse_and_validate(graphql_schema: GraphQLSchema, query: str) -> DocumentNode:
    """The document of `query`, or RequestFailure (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED
    or a limit's own code)."""
    try:
        # graphql-core (>=3.2.14, pinned) refuses a document nested past 200 levels as a syntax error.
        document = parse(query, max_tokens=MAX_TOKENS)
    except GraphQLError as error:
        raise parse_failure(error) from None
    errors = validate(graphql_schema, document, _RULES)
    if errors:
        raise validation_failure(errors)
    return document


def document_for(schema: WorkspaceSchema, graphql_schema: GraphQLSchema, query: str) -> DocumentNode:
    if len(query) > MAX_CACHED_QUERY:
        return parse_and_validate(graphql_schema, query)
    return documents.get_or_build((schema.workspace_id, schema.version, query), lambda: parse_and_validate(graphql_schema, query))

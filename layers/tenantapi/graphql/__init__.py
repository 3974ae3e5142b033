"""Core GraphQL (`POST /graphql`, docs/api.md §6): each workspace's schema, generated from
its metadata at each schemaVersion.

- `scalars`, `shared`: types every workspace shares, built once per process;
- `types`: an object's types (object, edge, connection, filter, orderBy, create, update, enums);
- `relations`, `loaders`: relation fields and their batched loading;
- `fast_execution`, `plain_fields`: the executor's fast path for fields read straight from records;
- `connections`: connection results, paging arguments and cursors;
- `operations`: root queries and mutations over the record service;
- `schema`: `build_core_schema`, the one entry point of the builder;
- `limits`, `cache`, `errors`, `context`, `endpoint`: the request side.
"""

from __future__ import annotations

from .cache import core_schema_for
from .endpoint import PATH, CoreGraphQL
from .schema import build_core_schema

__all__ = ["build_core_schema", "core_schema_for", "CoreGraphQL", "PATH"]

"""Metadata GraphQL (`POST /metadata`, docs/api.md §7.2): Twenty's metadata schema for
objects and fields, over the same rules and service as the Metadata REST API.

- `schema`: the root fields and the executable schema (built once, the same for every workspace);
- `outputs`, `inputs` and `scalars`: Twenty's metadata types in graphene;
- `connection`: nestjs-query filters and cursor paging (cursors are item ids);
- the caps checked at validation live in api/graphql_limits.py, shared with /graphql;
- `endpoint`: the HTTP side (statuses, error codes) and the route.
"""

from __future__ import annotations

from .context import MetadataContext
from .endpoint import PATH, MetadataGraphQL
from .schema import metadata_schema

__all__ = ["PATH", "MetadataGraphQL", "MetadataContext", "metadata_schema"]

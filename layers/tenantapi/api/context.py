"""Who is calling and which workspace they reach, from the authorizer's context.

API Gateway runs the authorizer before the function and passes its context in
`requestContext.authorizer` (Mangum exposes the event as `scope["aws.event"]`). Each request reads
the workspace head (one consistent GetItem) and takes the schema of that version from the cache.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from ..auth.access import Actor
from ..auth.role_store import resolve_role
from ..auth.roles import Role
from ..errors import Forbidden, MissingToken, Unauthenticated
from ..metadata.cache import LRUCache
from ..observability import count
from ..metadata.model import WorkspaceSchema
from ..records.service import WorkspaceView
from ..storage.metadata_store import MetadataStore, WorkspaceHead

__all__ = ["Caller", "caller_of", "workspace_of", "schema_cache"]

schema_cache: LRUCache[tuple[str, int], WorkspaceSchema] = LRUCache(int(os.environ.get("SCHEMA_CACHE_SIZE", "64")))


@dataclass(frozen=True)
class Caller:
    workspace_id: str
    key_id: str
    key_name: str
    role: Role
    # The head read to resolve a custom role, handed on to workspace_of: one read, not two.
    head: WorkspaceHead | None = field(default=None, compare=False, repr=False)

    @property
    def actor(self) -> Actor:
        """The caller as key and role writes see it (AccessService checks the key again)."""
        return Actor(self.workspace_id, self.key_id, self.role)


def caller_of(request: Request) -> Caller:
    event: dict[str, Any] = request.scope.get("aws.event") or {}
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    workspace_id = authorizer.get("workspaceId")
    if not workspace_id:
        # Only reachable when the function is invoked without the API's authorizer.
        raise MissingToken()
    # A built-in role by name costs no read; a custom role id is looked up in the workspace's
    # roles at its current version, so a changed or deleted role applies from the next request.
    head, role = resolve_role(str(workspace_id), str(authorizer.get("role")))
    if role is None:
        if head is None:
            raise Unauthenticated()
        raise Forbidden(f"Role '{authorizer.get('role')}' does not exist")
    return Caller(
        workspace_id=str(workspace_id),
        key_id=str(authorizer.get("keyId", "")),
        key_name=str(authorizer.get("keyName", "")),
        role=role,
        head=head,
    )


def workspace_of(caller: Caller, store: MetadataStore | None = None) -> WorkspaceView:
    store = store or MetadataStore()
    head = caller.head or store.head(caller.workspace_id)
    if head is None:
        raise Unauthenticated()
    misses = schema_cache.misses
    schema = schema_cache.get_or_build((head.id, head.schema_version), lambda: _load(store, head.id))
    count("SchemaCacheMiss" if schema_cache.misses > misses else "SchemaCacheHit")
    return WorkspaceView(head=head, schema=schema, actor_name=caller.key_name)


def _load(store: MetadataStore, workspace_id: str) -> WorkspaceSchema:
    schema = store.load_schema(workspace_id)
    if schema is None:
        raise Unauthenticated()
    return schema


def remember_schema(schema: WorkspaceSchema) -> None:
    """Cache a schema a change just produced: the next request reads its version from the head,
    and finds it here instead of loading it again."""
    schema_cache.get_or_build((schema.workspace_id, schema.version), lambda: schema)

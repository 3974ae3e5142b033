"""Workspaces: creation (with the standard objects) and lookup by id or name."""

from __future__ import annotations

import re
import secrets
import uuid

from .clock import new_id, now_iso
from .errors import BadRequest
from .storage.metadata_store import MetadataStore, WorkspaceHead

__all__ = ["create_workspace", "find_workspace"]

_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$")


def create_workspace(name: str, store: MetadataStore | None = None) -> WorkspaceHead:
    if not _NAME.match(name or ""):
        raise BadRequest(
            f"Workspace name '{name}' is invalid: 1-63 letters, digits, '-', '_' or '.', starting with a letter or digit"
        )
    # Imported here: only creation (the CLI) needs them, while key sync finds workspaces on its
    # cold start path, which they would lengthen by about 20 ms (bench/cold_start.py).
    from .metadata.standard_objects import build_standard_schema
    from .usage_plans import on_workspace_created

    store = store or MetadataStore()
    workspace_id = str(uuid.uuid4())
    now = now_iso()
    schema = build_standard_schema(workspace_id, now=now, new_id=new_id)
    head = WorkspaceHead(
        id=workspace_id,
        name=name,
        schema_version=schema.version,
        created_at=now,
        secret=secrets.token_urlsafe(32),
        # API Gateway key values are 20-128 characters (API Gateway limit).
        usage_key=secrets.token_urlsafe(30),
    )
    store.create_workspace(head, schema)
    # The usage key's index entry and, on AWS, its API key in the default usage plan.
    on_workspace_created(head, table=store.table, dynamodb=store.client)
    return head


def find_workspace(id_or_name: str, store: MetadataStore | None = None) -> WorkspaceHead | None:
    """A workspace by id, or else by name."""
    store = store or MetadataStore()
    try:
        head = store.head(str(uuid.UUID(id_or_name)))
    except ValueError:
        head = None
    if head is not None:
        return head
    workspace_id = store.workspace_id_by_name(id_or_name)
    return store.head(workspace_id) if workspace_id else None

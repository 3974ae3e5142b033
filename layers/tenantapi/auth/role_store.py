"""Custom roles in the metadata table, and the role that a request's key carries.

Items, in the workspace's own partition next to its schema:
    pk = "W#<workspaceId>", sk = "R#<roleId>"   doc: the RoleDefinition as JSON
                                                keyStamp: id of the last key given this role
A role change is one TransactWriteItems that also bumps the workspace's `schemaVersion` under
the same optimistic condition as a schema change (MetadataStore.commit): the head every request
reads names the version, so the very next request sees the change, as it sees a schema change.
Changes are written through the pynamodb model of storage/items/role.py (imported on first use);
reads are raw, as on a request path.

Roles are cached per (workspace, schemaVersion) in the warm function, like schemas. A request
whose key has a built-in role reads nothing for it; one with a custom role reads the head it
reads anyway (handed on to `workspace_of`), plus one small Query of the `R#` items the first time
a version is seen.

`keyStamp` closes the race between deleting a role and creating a key with it: key creation
writes the stamp in its own transaction (and fails if the role item is gone), and a deletion only
succeeds if the stamp is still the one it saw when it checked that no active key uses the role.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..metadata.cache import LRUCache
from ..storage.dynamo import TableAdapter
from ..storage.metadata_store import MetadataStore, SchemaConflict, WorkspaceHead
from .role_model import RoleDefinition, builtin_roles
from .roles import ROLES, Role

__all__ = ["WorkspaceRoles", "RoleStore", "role_cache", "role_item_key", "resolve_role", "ROLE_PREFIX"]

ROLE_PREFIX = "R#"

role_cache: LRUCache[tuple[str, int], "WorkspaceRoles"] = LRUCache(int(os.environ.get("ROLE_CACHE_SIZE", "256")))


def role_item_key(workspace_id: str, role_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"W#{workspace_id}"}, "sk": {"S": f"{ROLE_PREFIX}{role_id}"}}


@dataclass(frozen=True)
class WorkspaceRoles:
    """Every role of a workspace at one schemaVersion: the built-ins first, then the custom
    roles in creation order."""

    workspace_id: str
    version: int
    roles: tuple[RoleDefinition, ...]
    _checks: dict[str, Role] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def _by_ref(self) -> dict[str, RoleDefinition]:
        refs = {role.id: role for role in self.roles}
        refs.update({role.builtin: role for role in self.roles if role.builtin})
        return refs

    @property
    def custom(self) -> tuple[RoleDefinition, ...]:
        return tuple(role for role in self.roles if role.builtin is None)

    def find(self, ref: str) -> RoleDefinition | None:
        """A role by id, or a built-in by name (what keys store)."""
        return self._by_ref.get(ref)

    def role(self, ref: str) -> Role | None:
        """The permission-checking Role of `ref`, built once per cached version."""
        checked = self._checks.get(ref)
        if checked is None:
            definition = self.find(ref)
            if definition is None:
                return None
            checked = self._checks[ref] = definition.to_role()
        return checked

    def with_role(self, role: RoleDefinition | None, removed: str | None, version: int) -> "WorkspaceRoles":
        kept = [r for r in self.roles if r.id != removed and (role is None or r.id != role.id)]
        if role is not None:
            kept.append(role)
        builtins = [r for r in kept if r.builtin]
        custom = sorted((r for r in kept if not r.builtin), key=lambda r: (r.created_at, r.id))
        return WorkspaceRoles(self.workspace_id, version, tuple(builtins + custom))


class RoleStore(TableAdapter):
    def load(self, workspace_id: str, version: int) -> WorkspaceRoles:
        """The roles now, labelled with `version`: one strongly consistent Query of the `R#`
        items (read after the head that gave the version, so never older than it)."""
        custom: list[RoleDefinition] = []
        paginator = self.client.get_paginator("query")
        for page in paginator.paginate(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": {"S": f"W#{workspace_id}"}, ":prefix": {"S": ROLE_PREFIX}},
            ConsistentRead=True,
        ):
            custom.extend(RoleDefinition.from_doc(json.loads(item["doc"]["S"])) for item in page.get("Items", []))
        custom.sort(key=lambda r: (r.created_at, r.id))
        return WorkspaceRoles(workspace_id, version, builtin_roles(workspace_id) + tuple(custom))

    def roles_at(self, workspace_id: str, version: int) -> WorkspaceRoles:
        """The roles at a schemaVersion, from the cache when this version was seen before."""
        return role_cache.get_or_build((workspace_id, version), lambda: self.load(workspace_id, version))

    def roles(self, head: WorkspaceHead) -> WorkspaceRoles:
        return self.roles_at(head.id, head.schema_version)

    def key_stamp(self, workspace_id: str, role_id: str) -> str | None:
        item = self.client.get_item(TableName=self.table, Key=role_item_key(workspace_id, role_id), ConsistentRead=True).get("Item")
        return item.get("keyStamp", {}).get("S") if item else None

    def commit(
        self,
        workspace_id: str,
        expected_version: int,
        *,
        put: RoleDefinition | None = None,
        is_new: bool = False,
        delete: RoleDefinition | None = None,
        seen_key_stamp: str | None = None,
    ) -> int:
        """Create, change or delete one custom role and bump schemaVersion, atomically; the new
        version, or SchemaConflict when the workspace moved on (or a key took the role meanwhile)."""
        from ..storage.items.base import TransactWriteError, reraise, transaction
        from ..storage.items.role import RoleItem
        from ..storage.items.workspace import bump_schema_version

        try:
            with transaction() as change:
                bump_schema_version(change, workspace_id, expected_version)
                if put is not None:
                    doc = json.dumps(put.to_doc(), separators=(",", ":"))
                    if is_new:
                        change.save(RoleItem.of(workspace_id, put.id, doc=doc), condition=RoleItem.pk.does_not_exist())
                    else:
                        # An update, not a Put: the item's keyStamp must survive the change.
                        change.update(RoleItem.of(workspace_id, put.id), actions=[RoleItem.doc.set(doc)],
                                      condition=RoleItem.pk.exists())
                if delete is not None:
                    # The stamp the caller saw when it found no active key with this role: a key
                    # created since then has moved it, and cancels the deletion.
                    stamp = RoleItem.key_stamp.does_not_exist() if seen_key_stamp is None else RoleItem.key_stamp == seen_key_stamp
                    change.delete(RoleItem.of(workspace_id, delete.id), condition=RoleItem.pk.exists() & stamp)
        except TransactWriteError as error:
            if error.cause_response_code in ("TransactionCanceledException", "TransactionConflictException"):
                raise SchemaConflict() from error
            reraise(error)
        return expected_version + 1


def resolve_role(
    workspace_id: str, ref: str, *, metadata: MetadataStore | None = None, store: RoleStore | None = None
) -> tuple[WorkspaceHead | None, Role | None]:
    """The head of the workspace and the Role a key's `role` names: a built-in by name (no read),
    else a role id of the workspace at the head's version. (None, None) when the workspace is
    gone; (head, None) when the role is (deleted, or never of this workspace)."""
    if ref in ROLES:
        return None, ROLES[ref]
    head = (metadata or MetadataStore()).head(workspace_id)
    if head is None:
        return None, None
    return head, (store or RoleStore()).roles(head).role(ref)

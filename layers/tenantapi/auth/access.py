"""Keys and roles of a workspace as the Metadata API manages them (REST and GraphQL alike).

Who may do what (docs/api.md §2.3, docs/access.md):
- keys (list, read, create, change, revoke): the API_KEYS_AND_WEBHOOKS permission, as in
  Twenty; a key with a role that has canUpdateAllSettings can only be made by a caller whose
  role has it too, so key management never hands out more than settings access;
- roles (list, read, create, change, delete, object permissions, flags): canUpdateAllSettings
  (Admin). Twenty gates them with its ROLES flag; a role that may edit roles may grant itself
  anything, so here it is the settings-wide permission itself, and the ROLES flag gates nothing.

Every key and role write goes through `AccessService._writer` first:
- the calling key is read again (one consistent GetItem of its listing item) and a revoked or
  expired caller is refused with the authorizer's own 401 (docs/api.md §2.2), since the
  authorizer's context is cached for its TTL and a key revoked a moment ago must not write;
- a key write (create, update, rotate, revoke) is allowed only on a key whose role the caller
  could assign (`assignable_role`), so key management never reaches a key above the caller.
A revocation is final: a null revokedAt on a revoked key is refused (KeyStore.update).

Role changes are planned against the roles and schema of one schemaVersion and committed with
that version as their condition (role_store); a concurrent change makes the commit fail and the
change is planned again, as metadata changes are (MetadataService).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..clock import new_id, now_iso
from ..errors import BadRequest, Forbidden, NotFound, Unauthenticated
from ..metadata.model import WorkspaceSchema
from ..storage.metadata_store import MetadataStore, SchemaConflict, WorkspaceHead
from .keys import ApiKey, KeyStore
from .role_model import (
    RoleDefinition,
    builtin_role_id,
    plan_create_role,
    plan_object_permissions,
    plan_permission_flags,
    plan_update_role,
    present_role,
)
from .role_store import RoleStore, WorkspaceRoles, role_cache
from .roles import ROLES, Role

__all__ = [
    "AccessService",
    "Actor",
    "RoleChange",
    "require_key_management",
    "require_role_management",
    "present_key",
    "role_id_of_key",
]

_ATTEMPTS = 3
_KEY_CREATE_FIELDS = {"name", "expiresAt", "revokedAt", "roleId"}
_KEY_UPDATE_FIELDS = {"id", "name", "expiresAt", "revokedAt"}


def require_key_management(role: Role) -> None:
    if not role.api_keys_and_webhooks:
        raise Forbidden(f"Role {role.name} lacks the API_KEYS_AND_WEBHOOKS permission needed to manage API keys")


def require_role_management(role: Role) -> None:
    if not role.can_update_all_settings:
        raise Forbidden(f"Role {role.name} lacks the permission to manage roles (canUpdateAllSettings)")


def role_id_of_key(key: ApiKey) -> str:
    """The role id a key shows: a built-in's fixed id, else the custom role's id."""
    return builtin_role_id(key.workspace_id, key.role) if key.role in ROLES else key.role


def present_key(key: ApiKey) -> dict[str, Any]:
    """Twenty's ApiKey (REST: its entity; GraphQL resolves `role` from `roleId`). Never a secret."""
    return {
        "id": key.id,
        "name": key.name,
        "expiresAt": key.expires_at,
        "revokedAt": key.revoked_at,
        "createdAt": key.created_at,
        "updatedAt": key.updated_at or key.revoked_at or key.created_at,
        "workspaceId": key.workspace_id,
        "roleId": role_id_of_key(key),
    }


@dataclass(frozen=True)
class Actor:
    """Who writes: the calling key, as the authorizer named it, and the role it resolved to."""

    workspace_id: str
    key_id: str
    role: Role


@dataclass(frozen=True)
class RoleChange:
    """One planned role change: what the caller gets back, and what the commit writes."""

    result: RoleDefinition
    put: RoleDefinition | None = None
    is_new: bool = False
    delete: RoleDefinition | None = None
    seen_key_stamp: str | None = None


def _only(payload: Any, allowed: set[str], what: str) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise BadRequest(f"The {what} must be a JSON object")
    unknown = sorted(set(payload) - allowed)
    if unknown:
        raise BadRequest(f"Unknown propert{'y' if len(unknown) == 1 else 'ies'} for an API key: {', '.join(unknown)}")
    return payload


class AccessService:
    def __init__(self, keys: KeyStore | None = None, roles: RoleStore | None = None, metadata: MetadataStore | None = None) -> None:
        self.keys = keys or KeyStore()
        self.role_store = roles or RoleStore()
        self.metadata = metadata or MetadataStore()

    # -- keys ---------------------------------------------------------------------------------

    def list_keys(self, workspace_id: str) -> list[ApiKey]:
        """The workspace's keys that are not revoked (Twenty's findActiveByWorkspaceId)."""
        return [key for key in self.keys.list(workspace_id) if not key.revoked_at]

    def get_key(self, workspace_id: str, key_id: str) -> ApiKey:
        found = self.keys.find(key_id, workspace_id)
        if found is None:
            raise NotFound(f"API key {key_id} not found")
        return found[0]

    def assignable_role(self, roles: WorkspaceRoles, role_id: Any, caller: Role) -> RoleDefinition:
        """The role a key gets or has, if the caller may hand it out."""
        role = roles.find(str(role_id)) if isinstance(role_id, str) else None
        if role is None:
            raise BadRequest(f"Role {role_id} not found")
        if not role.can_be_assigned_to_api_keys:
            raise BadRequest(f"Role {role.label} cannot be assigned to API keys")
        if role.can_update_all_settings and not caller.can_update_all_settings:
            raise Forbidden(f"Role {caller.name} cannot manage a key with role {role.label}, which may update all settings")
        return role

    def _writer(self, by: Actor | None) -> None:
        """Refuse a caller whose key is revoked or expired now, whatever the authorizer's cache
        says. None is the operator (CLI, set-up code), who has no key to check."""
        if by is not None:
            self.keys.live(by.workspace_id, by.key_id)

    def _managed_key(self, head: WorkspaceHead, by: Actor | None, key_id: str) -> ApiKey:
        """A key the caller may write: live caller, and a key whose role it could assign."""
        self._writer(by)
        key = self.get_key(head.id, key_id)
        if by is not None and not key.console_key_id:
            self.assignable_role(self.role_store.roles(head), role_id_of_key(key), by.role)
        return key

    def create_key(self, head: WorkspaceHead, by: Actor | None, payload: Any) -> tuple[ApiKey, str]:
        """CreateApiKeyInput {name, expiresAt?, roleId, revokedAt?}: the key and its secret."""
        self._writer(by)
        body = _only(payload, _KEY_CREATE_FIELDS, "API key")
        if body.get("roleId") is None:
            raise BadRequest("Invalid value for 'roleId': a role id is expected")
        role = self.assignable_role(self.role_store.roles(head), body["roleId"], by.role if by else ROLES["Admin"])
        key, secret = self.keys.create(
            head.id, role=role.key_ref, name=body.get("name"), usage_key=head.usage_key, expires_at=body.get("expiresAt")
        )
        if body.get("revokedAt") is not None:
            key = self.keys.update(key.id, head.id, revoked_at=body["revokedAt"])
        return key, secret

    def update_key(self, head: WorkspaceHead, by: Actor | None, key_id: str, payload: Any) -> ApiKey:
        """UpdateApiKeyInput {name?, expiresAt?, revokedAt?}: keys left out keep their value."""
        body = _only(payload, _KEY_UPDATE_FIELDS, "API key update")
        self._managed_key(head, by, key_id)
        changes = {attr: body[field] for field, attr in (("name", "name"), ("expiresAt", "expires_at"), ("revokedAt", "revoked_at")) if field in body}
        return self.keys.update(key_id, head.id, **changes)

    def revoke_key(self, head: WorkspaceHead, by: Actor | None, key_id: str) -> ApiKey:
        self._managed_key(head, by, key_id)
        return self.keys.revoke(key_id, head.id)

    def rotate_key(self, head: WorkspaceHead, by: Actor | None, key_id: str, expires_at: str | None) -> tuple[ApiKey, str]:
        self._managed_key(head, by, key_id)
        return self.keys.rotate(key_id, head.id, expires_at=expires_at)

    # -- roles --------------------------------------------------------------------------------

    def roles(self, schema: WorkspaceSchema) -> WorkspaceRoles:
        """The roles at the schema's version (a role change bumps it as a schema change does)."""
        return self.role_store.roles_at(schema.workspace_id, schema.version)

    def role(self, schema: WorkspaceSchema, role_id: str) -> RoleDefinition:
        return _role(self.roles(schema), role_id)

    def _change(
        self, schema: WorkspaceSchema, by: Actor | None, plan: Callable[[WorkspaceRoles, WorkspaceSchema], RoleChange]
    ) -> tuple[RoleChange, WorkspaceSchema]:
        """Plan and commit a role change; the change and the schema at the new version."""
        self._writer(by)
        workspace_id = schema.workspace_id
        for attempt in range(_ATTEMPTS):
            if attempt:
                # Schema first, roles after: any change in between moves the version the commit checks.
                loaded = self.metadata.load_schema(workspace_id)
                if loaded is None:
                    raise Unauthenticated()
                schema = loaded
                roles = self.role_store.load(workspace_id, schema.version)
            else:
                roles = self.roles(schema)
            change = plan(roles, schema)
            try:
                version = self.role_store.commit(
                    workspace_id, schema.version, put=change.put, is_new=change.is_new,
                    delete=change.delete, seen_key_stamp=change.seen_key_stamp,
                )
            except SchemaConflict:
                if attempt == _ATTEMPTS - 1:
                    raise
                continue
            updated = roles.with_role(change.put, change.delete.id if change.delete else None, version)
            # The next request reads this version from the head: cached now, it costs no Query.
            role_cache.get_or_build((workspace_id, version), lambda: updated)
            return change, schema.with_changes(version=version)
        raise SchemaConflict()  # pragma: no cover - the loop returns or raises

    def create_role(self, schema: WorkspaceSchema, by: Actor | None, payload: Any) -> tuple[RoleDefinition, WorkspaceSchema]:
        def plan(roles: WorkspaceRoles, current: WorkspaceSchema) -> RoleChange:
            role = plan_create_role(payload, roles.roles, _object_ids(current), now=now_iso(), new_id=new_id)
            return RoleChange(role, put=role, is_new=True)

        change, updated = self._change(schema, by, plan)
        return change.result, updated

    def update_role(self, schema: WorkspaceSchema, by: Actor | None, role_id: str, payload: Any) -> tuple[RoleDefinition, WorkspaceSchema]:
        def plan(roles: WorkspaceRoles, current: WorkspaceSchema) -> RoleChange:
            role = plan_update_role(_role(roles, role_id), payload, roles.roles, _object_ids(current), now=now_iso())
            return RoleChange(role, put=role)

        change, updated = self._change(schema, by, plan)
        return change.result, updated

    def upsert_object_permissions(self, schema: WorkspaceSchema, by: Actor | None, role_id: Any, entries: Any) -> tuple[RoleDefinition, WorkspaceSchema]:
        def plan(roles: WorkspaceRoles, current: WorkspaceSchema) -> RoleChange:
            role = plan_object_permissions(_role(roles, role_id), entries, _object_ids(current), now=now_iso())
            return RoleChange(role, put=role)

        change, updated = self._change(schema, by, plan)
        return change.result, updated

    def upsert_permission_flags(self, schema: WorkspaceSchema, by: Actor | None, role_id: Any, flags: Any) -> tuple[RoleDefinition, WorkspaceSchema]:
        def plan(roles: WorkspaceRoles, current: WorkspaceSchema) -> RoleChange:
            role = plan_permission_flags(_role(roles, role_id), flags, now=now_iso())
            return RoleChange(role, put=role)

        change, updated = self._change(schema, by, plan)
        return change.result, updated

    def delete_role(self, schema: WorkspaceSchema, by: Actor | None, role_id: str) -> tuple[RoleDefinition, WorkspaceSchema]:
        """Delete a custom role no key uses. Keys that are revoked do not count; keys that only
        expired do, since a new expiry brings them back."""

        def plan(roles: WorkspaceRoles, current: WorkspaceSchema) -> RoleChange:
            role = _role(roles, role_id)
            if not role.is_editable:
                raise BadRequest(f"Role {role.label} is a built-in role and cannot be edited or deleted")
            # The stamp is read before the keys: a key made after this read changes it (role_store).
            stamp = self.role_store.key_stamp(current.workspace_id, role.id)
            users = [key for key in self.keys.list(current.workspace_id) if key.role == role.id and not key.revoked_at]
            if users:
                names = ", ".join(f"'{key.name}' ({key.id})" for key in users)
                raise BadRequest(f"Role {role.label} is used by API keys {names}: revoke them or give them another role first")
            return RoleChange(role, delete=role, seen_key_stamp=stamp)

        change, updated = self._change(schema, by, plan)
        return change.result, updated

    @staticmethod
    def present(role: RoleDefinition) -> dict[str, Any]:
        return present_role(role)


def _object_ids(schema: WorkspaceSchema) -> frozenset[str]:
    return frozenset(obj.id for obj in schema.objects)


def _role(roles: WorkspaceRoles, role_id: Any) -> RoleDefinition:
    """A role by id (built-in names are not ids); 404 when the workspace has none such."""
    role = roles.find(str(role_id)) if isinstance(role_id, str) else None
    if role is None or role.id != role_id:
        raise NotFound(f"Role {role_id} not found")
    return role

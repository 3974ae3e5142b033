"""Roles as the Metadata API shows and changes them (Twenty's `Role`), and their mapping to the
`Role` every permission check reads (`tenantapi.auth.roles`).

Pure: definitions in, definitions out. Every workspace has the built-in roles Admin and Member
with fixed ids (a UUIDv5 of the workspace id and the name), which cannot be edited or deleted;
custom roles carry role-wide record permissions, per-object overrides and permission flags.

A key names its role by the built-in's name or by the custom role's id (`RoleDefinition.key_ref`),
so the keys made before custom roles existed, and the CLI's `--role Admin|Member`, stay valid.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from ..errors import BadRequest
from .roles import ROLES, ObjectPermission, Role

__all__ = [
    "PERMISSION_FLAGS",
    "RoleDefinition",
    "ObjectPermissionDefinition",
    "builtin_role_id",
    "builtin_roles",
    "plan_create_role",
    "plan_update_role",
    "plan_object_permissions",
    "plan_permission_flags",
    "present_role",
    "present_object_permission",
    "present_permission_flag",
]

# Twenty's PermissionFlagType (its SDK's metadata schema). Only DATA_MODEL and
# API_KEYS_AND_WEBHOOKS gate something here; the others are kept for clients that set them.
PERMISSION_FLAGS = (
    "API_KEYS_AND_WEBHOOKS", "WORKSPACE", "WORKSPACE_MEMBERS", "ROLES", "DATA_MODEL", "SECURITY",
    "WORKFLOWS", "IMPERSONATE", "SSO_BYPASS", "APPLICATIONS", "MARKETPLACE_APPS", "LAYOUTS", "BILLING",
    "AI_SETTINGS", "AI", "VIEWS", "UPLOAD_FILE", "DOWNLOAD_FILE", "SEND_EMAIL_TOOL",
    "CREATE_CALENDAR_EVENT_TOOL", "HTTP_REQUEST_TOOL", "CODE_INTERPRETER_TOOL", "IMPORT_CSV", "EXPORT_CSV",
    "CONNECTED_ACCOUNTS", "PROFILE_INFORMATION",
)

# Names the built-in role ids: uuid5(namespace, "<workspaceId>:<name>") never collides with the
# random (v4) or time-ordered (v7) ids of custom roles.
_BUILTIN_NAMESPACE = uuid.UUID("6f1d3c2a-7b4e-5a90-8c1d-2e3f4a5b6c7d")

# Twenty's role entity: a label of at most this many characters is what its UI accepts.
MAX_LABEL = 100

_BOOLEANS = {
    "canUpdateAllSettings": "can_update_all_settings",
    "canAccessAllTools": "can_access_all_tools",
    "canReadAllObjectRecords": "can_read_all",
    "canUpdateAllObjectRecords": "can_update_all",
    "canSoftDeleteAllObjectRecords": "can_soft_delete_all",
    "canDestroyAllObjectRecords": "can_destroy_all",
    "canBeAssignedToUsers": "can_be_assigned_to_users",
    "canBeAssignedToAgents": "can_be_assigned_to_agents",
    "canBeAssignedToApiKeys": "can_be_assigned_to_api_keys",
}
_TEXTS = {"label": "label", "description": "description", "icon": "icon"}
_OBJECT_BOOLEANS = {
    "canReadObjectRecords": "can_read",
    "canUpdateObjectRecords": "can_update",
    "canSoftDeleteObjectRecords": "can_soft_delete",
    "canDestroyObjectRecords": "can_destroy",
}
# Beyond Twenty's CreateRoleInput / UpdateRolePayload, the REST API takes a role's flags and
# object permissions in the same body (GraphQL sets them with their own mutations).
_REST_EXTRAS = ("permissionFlags", "objectPermissions")


def builtin_role_id(workspace_id: str, name: str) -> str:
    return str(uuid.uuid5(_BUILTIN_NAMESPACE, f"{workspace_id}:{name}"))


@dataclass(frozen=True)
class ObjectPermissionDefinition:
    """Overrides of a role's record permissions on one object; None inherits the role-wide value."""

    object_id: str
    can_read: bool | None = None
    can_update: bool | None = None
    can_soft_delete: bool | None = None
    can_destroy: bool | None = None

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, name) is None for name in _OBJECT_BOOLEANS.values())


@dataclass(frozen=True)
class RoleDefinition:
    id: str
    label: str
    created_at: str
    updated_at: str
    description: str | None = None
    icon: str | None = None
    is_editable: bool = True
    can_update_all_settings: bool = False
    can_access_all_tools: bool = False
    can_read_all: bool = False
    can_update_all: bool = False
    can_soft_delete_all: bool = False
    can_destroy_all: bool = False
    can_be_assigned_to_users: bool = True
    can_be_assigned_to_agents: bool = True
    can_be_assigned_to_api_keys: bool = True
    permission_flags: tuple[str, ...] = ()
    object_permissions: tuple[ObjectPermissionDefinition, ...] = ()
    builtin: str | None = None  # "Admin" / "Member" for the built-ins

    @property
    def key_ref(self) -> str:
        """What a key stores to name this role: the built-in's name, else the id."""
        return self.builtin or self.id

    def has_flag(self, flag: str) -> bool:
        # Twenty: canUpdateAllSettings grants every settings permission flag.
        return self.can_update_all_settings or flag in self.permission_flags

    def to_role(self) -> Role:
        """The role every permission check reads."""
        if self.builtin is not None:
            return ROLES[self.builtin]
        return Role(
            name=self.label,
            can_read=self.can_read_all,
            can_update=self.can_update_all,
            can_soft_delete=self.can_soft_delete_all,
            can_destroy=self.can_destroy_all,
            data_model=self.has_flag("DATA_MODEL"),
            api_keys_and_webhooks=self.has_flag("API_KEYS_AND_WEBHOOKS"),
            objects={
                p.object_id: ObjectPermission(p.can_read, p.can_update, p.can_soft_delete, p.can_destroy)
                for p in self.object_permissions
            },
            can_update_all_settings=self.can_update_all_settings,
            id=self.id,
        )

    def to_doc(self) -> dict[str, Any]:
        doc = dataclasses.asdict(self)
        doc["permission_flags"] = list(self.permission_flags)
        doc["object_permissions"] = [dataclasses.asdict(p) for p in self.object_permissions]
        return doc

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> "RoleDefinition":
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in doc.items() if k in known}
        values["permission_flags"] = tuple(doc.get("permission_flags") or ())
        values["object_permissions"] = tuple(ObjectPermissionDefinition(**p) for p in doc.get("object_permissions") or ())
        return cls(**values)


def builtin_roles(workspace_id: str) -> tuple[RoleDefinition, ...]:
    """Admin (everything) and Member (every record, no settings) as Twenty shows them. They are
    not stored and have no timestamps of their own (Twenty's Role shows none)."""
    common = {"created_at": "", "updated_at": "", "is_editable": False}
    records = {"can_read_all": True, "can_update_all": True, "can_soft_delete_all": True, "can_destroy_all": True}
    return (
        RoleDefinition(
            id=builtin_role_id(workspace_id, "Admin"), label="Admin", icon="IconUserCog",
            description="Admin role", can_update_all_settings=True, can_access_all_tools=True,
            builtin="Admin", **records, **common,  # type: ignore[arg-type]
        ),
        RoleDefinition(
            id=builtin_role_id(workspace_id, "Member"), label="Member", icon="IconUser",
            description="Member role", builtin="Member", **records, **common,  # type: ignore[arg-type]
        ),
    )


# -- planning changes (the inputs are Twenty's camelCase payloads) --------------------------------


def _payload(payload: Any, allowed: Iterable[str], what: str) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise BadRequest(f"The {what} must be a JSON object")
    unknown = sorted(set(payload) - set(allowed))
    if unknown:
        raise BadRequest(f"Unknown propert{'y' if len(unknown) == 1 else 'ies'} for a role: {', '.join(unknown)}")
    return payload


def _boolean(value: Any, name: str, *, nullable: bool = False) -> bool | None:
    if value is None and nullable:
        return None
    if not isinstance(value, bool):
        raise BadRequest(f"Invalid value for '{name}': a boolean is expected")
    return value


def _text(value: Any, name: str, *, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise BadRequest(f"Invalid value for '{name}': a non-empty string is expected" if required else f"Invalid value for '{name}': a string is expected")
    return value.strip() if name == "label" else value


def _check_label(label: str, role_id: str, existing: Iterable[RoleDefinition]) -> None:
    if len(label) > MAX_LABEL:
        raise BadRequest(f"Role label must be at most {MAX_LABEL} characters")
    for other in existing:
        if other.id != role_id and other.label.lower() == label.lower():
            raise BadRequest(f"A role with the label '{label}' already exists")


def _changes(payload: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for key, attr in _BOOLEANS.items():
        # A null boolean leaves the value as it is (GraphQL clients send every input field).
        if payload.get(key) is not None:
            changes[attr] = _boolean(payload[key], key)
    for key, attr in _TEXTS.items():
        if key in payload:
            changes[attr] = _text(payload[key], key, required=key == "label")
    return changes


def _uuid(value: Any, name: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        raise BadRequest(f"Invalid value for '{name}': a UUID is expected") from None


def _editable(role: RoleDefinition) -> None:
    if not role.is_editable:
        raise BadRequest(f"Role {role.label} is a built-in role and cannot be edited or deleted")


def plan_create_role(
    payload: Any,
    existing: Iterable[RoleDefinition],
    object_ids: frozenset[str],
    *,
    now: str,
    new_id: Callable[[], str],
) -> RoleDefinition:
    """A new custom role from CreateRoleInput (plus, from REST, `permissionFlags` and
    `objectPermissions`)."""
    body = _payload(payload, ["id", *_BOOLEANS, *_TEXTS, *_REST_EXTRAS], "role")
    if "label" not in body:
        raise BadRequest("Invalid value for 'label': a non-empty string is expected")
    existing = list(existing)
    role_id = _uuid(body["id"], "id") if body.get("id") is not None else new_id()
    if any(r.id == role_id for r in existing):
        raise BadRequest(f"A role with the id '{role_id}' already exists")
    role = RoleDefinition(id=role_id, created_at=now, updated_at=now, **_changes(body))
    _check_label(role.label, role.id, existing)
    if body.get("permissionFlags") is not None:
        role = plan_permission_flags(role, body["permissionFlags"], now=now)
    if body.get("objectPermissions") is not None:
        role = plan_object_permissions(role, body["objectPermissions"], object_ids, now=now)
    return role


def plan_update_role(
    role: RoleDefinition, payload: Any, existing: Iterable[RoleDefinition], object_ids: frozenset[str], *, now: str
) -> RoleDefinition:
    """The role after UpdateRolePayload (REST: `permissionFlags` replaces the flags,
    `objectPermissions` is upserted as by upsertObjectPermissions)."""
    _editable(role)
    body = _payload(payload, [*_BOOLEANS, *_TEXTS, *_REST_EXTRAS], "update")
    updated = dataclasses.replace(role, updated_at=now, **_changes(body))
    _check_label(updated.label, updated.id, existing)
    if body.get("permissionFlags") is not None:
        updated = plan_permission_flags(updated, body["permissionFlags"], now=now)
    if body.get("objectPermissions") is not None:
        updated = plan_object_permissions(updated, body["objectPermissions"], object_ids, now=now)
    return updated


def plan_object_permissions(
    role: RoleDefinition, entries: Any, object_ids: frozenset[str], *, now: str
) -> RoleDefinition:
    """upsertObjectPermissions: each entry replaces the role's overrides on its object; an entry
    whose four values are all null removes them. As in Twenty, a write, soft delete or destroy
    permission needs the read permission on the same object."""
    _editable(role)
    if not isinstance(entries, list):
        raise BadRequest("'objectPermissions' must be a list of {objectMetadataId, canReadObjectRecords, ...}")
    overrides = {p.object_id: p for p in role.object_permissions}
    for index, entry in enumerate(entries):
        where = f"objectPermissions[{index}]"
        if not isinstance(entry, dict):
            raise BadRequest(f"{where} must be a JSON object")
        unknown = sorted(set(entry) - {"objectMetadataId", *_OBJECT_BOOLEANS})
        if unknown:
            raise BadRequest(f"{where}: unknown propert{'y' if len(unknown) == 1 else 'ies'} {', '.join(unknown)}")
        object_id = _uuid(entry.get("objectMetadataId"), f"{where}.objectMetadataId")
        if object_id not in object_ids:
            raise BadRequest(f"{where}: object {object_id} not found")
        values = {attr: _boolean(entry.get(key), f"{where}.{key}", nullable=True) for key, attr in _OBJECT_BOOLEANS.items()}
        permission = ObjectPermissionDefinition(object_id, **values)
        read = role.can_read_all if permission.can_read is None else permission.can_read
        writes = [permission.can_update, permission.can_soft_delete, permission.can_destroy]
        if not read and any(writes):
            raise BadRequest(f"{where}: cannot grant update, soft delete or destroy on an object without read permission")
        if permission.is_empty:
            overrides.pop(object_id, None)
        else:
            overrides[object_id] = permission
    return dataclasses.replace(role, object_permissions=tuple(overrides.values()), updated_at=now)


def plan_permission_flags(role: RoleDefinition, keys: Any, *, now: str) -> RoleDefinition:
    """upsertPermissionFlags: the role's flags become exactly `keys` (strings, or Twenty's
    `{flag}` objects as the REST API shows them)."""
    _editable(role)
    if not isinstance(keys, list):
        raise BadRequest("'permissionFlags' must be a list of permission flags")
    flags: list[str] = []
    for key in keys:
        flag = key.get("flag") if isinstance(key, dict) else key
        if flag not in PERMISSION_FLAGS:
            raise BadRequest(f"Invalid permission flag '{flag}' (flags: {', '.join(PERMISSION_FLAGS)})")
        if flag not in flags:
            flags.append(flag)
    return dataclasses.replace(role, permission_flags=tuple(flags), updated_at=now)


# -- Twenty's output shapes --------------------------------------------------------------------


def present_object_permission(permission: ObjectPermissionDefinition) -> dict[str, Any]:
    out: dict[str, Any] = {"objectMetadataId": permission.object_id}
    out.update({key: getattr(permission, attr) for key, attr in _OBJECT_BOOLEANS.items()})
    out["restrictedFields"] = None
    return out


def present_permission_flag(role: RoleDefinition, flag: str) -> dict[str, Any]:
    # Twenty gives each (role, flag) pair a row id; a stable derived id serves the same purpose.
    return {"id": str(uuid.uuid5(uuid.UUID(role.id), flag)), "roleId": role.id, "flag": flag}


def present_role(role: RoleDefinition) -> dict[str, Any]:
    """Twenty's `Role` (without the member, agent and key lists, which resolve separately)."""
    out: dict[str, Any] = {
        "id": role.id,
        "universalIdentifier": role.id,
        "label": role.label,
        "description": role.description,
        "icon": role.icon,
        "isEditable": role.is_editable,
    }
    out.update({key: getattr(role, attr) for key, attr in _BOOLEANS.items()})
    out["permissionFlags"] = [present_permission_flag(role, flag) for flag in role.permission_flags]
    out["objectPermissions"] = [present_object_permission(p) for p in role.object_permissions]
    out["fieldPermissions"] = []
    return out

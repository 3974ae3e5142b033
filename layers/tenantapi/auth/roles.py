"""Roles a key can carry. Admin may do everything; Member works with records but changes no
settings (docs/api.md §2.3). Custom roles (role-wide and per-object permissions) extend this
model; every check goes through `Role.can` and the permission flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Role", "ROLES", "role_named", "RecordAction", "ObjectPermission"]

RecordAction = Literal["read", "update", "soft_delete", "destroy"]


@dataclass(frozen=True)
class ObjectPermission:
    """Per-object overrides of a role's record permissions (None: the role-wide value)."""

    can_read: bool | None = None
    can_update: bool | None = None
    can_soft_delete: bool | None = None
    can_destroy: bool | None = None


@dataclass(frozen=True)
class Role:
    name: str
    can_read: bool = True
    can_update: bool = True
    can_soft_delete: bool = True
    can_destroy: bool = True
    data_model: bool = False  # permission flag DATA_MODEL: metadata writes
    api_keys_and_webhooks: bool = False  # permission flag API_KEYS_AND_WEBHOOKS
    objects: dict[str, ObjectPermission] = field(default_factory=dict)  # object id -> overrides
    # canUpdateAllSettings: every settings permission, role management included (Admin).
    can_update_all_settings: bool = False
    id: str | None = None  # a custom role's id; None for the built-ins, known by name

    def can(self, action: RecordAction, object_id: str) -> bool:
        """May this role do `action` on records of the object?"""
        override = self.objects.get(object_id)
        value = getattr(override, f"can_{action}") if override is not None else None
        return getattr(self, f"can_{action}") if value is None else value


ROLES: dict[str, Role] = {
    "Admin": Role("Admin", data_model=True, api_keys_and_webhooks=True, can_update_all_settings=True),
    "Member": Role("Member"),
}


def role_named(name: str) -> Role | None:
    return ROLES.get(name)

"""Roles a key can carry. Admin may do everything; Member works with records but changes no
settings (CONTRACT.md section 7). Custom roles extend this table."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Role", "ROLES", "role_named"]


@dataclass(frozen=True)
class Role:
    name: str
    can_read: bool = True
    can_update: bool = True
    can_soft_delete: bool = True
    can_destroy: bool = True
    data_model: bool = False  # permission flag DATA_MODEL: metadata writes
    api_keys_and_webhooks: bool = False  # permission flag API_KEYS_AND_WEBHOOKS


ROLES: dict[str, Role] = {
    "Admin": Role("Admin", data_model=True, api_keys_and_webhooks=True),
    "Member": Role("Member"),
}


def role_named(name: str) -> Role | None:
    return ROLES.get(name)

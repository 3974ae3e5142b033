"""A custom role's item, in its workspace's partition next to the schema (auth/role_store.py):

    pk = "W#<workspaceId>", sk = "R#<roleId>"   doc: the RoleDefinition as JSON
                                                keyStamp: id of the last key given this role
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import UnicodeAttribute

from .base import MetadataItem

__all__ = ["RoleItem"]


class RoleItem(MetadataItem):
    doc = UnicodeAttribute(null=True)
    key_stamp = UnicodeAttribute(attr_name="keyStamp", null=True)

    @classmethod
    def of(cls, workspace_id: str, role_id: str, **attributes: Any) -> RoleItem:
        return cls(f"W#{workspace_id}", f"R#{role_id}", **attributes)

"""An API key's items (auth/keys.py): the key's attributes, never its secret, on each of them.

    pk = "H#<sha256 of secret>", sk = "#KEY"   by hash: the authorizer's one read (raw, KeyStore.check)
    pk = "WK#<workspaceId>",     sk = "K#<id>" the workspace's listing, with `hash`
    pk = "CK#<apiGatewayKeyId>", sk = "#KEY"   a console-managed key, with `hash`
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from .base import MetadataItem

__all__ = ["KeyItem"]


class KeyItem(MetadataItem):
    id = UnicodeAttribute()
    workspace_id = UnicodeAttribute(attr_name="workspaceId")
    name = UnicodeAttribute()
    role = UnicodeAttribute()  # a built-in role's name or a custom role's id
    created_at = UnicodeAttribute(attr_name="createdAt")
    usage_key = UnicodeAttribute(attr_name="usageKey")  # "" for a console key: its value is its own
    expires_at = UnicodeAttribute(attr_name="expiresAt", null=True)
    revoked_at = UnicodeAttribute(attr_name="revokedAt", null=True)
    updated_at = UnicodeAttribute(attr_name="updatedAt", null=True)
    console_key_id = UnicodeAttribute(attr_name="consoleKeyId", null=True)
    digest = UnicodeAttribute(attr_name="hash", null=True)  # on the listing and console items

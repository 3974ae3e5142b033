"""API keys: opaque secrets of which only the SHA-256 is stored.

Metadata table items:
    pk = "H#<sha256 of secret>", sk = "#KEY"   lookup for the authorizer: workspace, key id, role, expiry
    pk = "WK#<workspaceId>",     sk = "K#<id>" the workspace's list of keys (never the secret)
Both are written and revoked in one transaction.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from ..clock import now_iso
from ..config import settings
from ..errors import BadRequest, NotFound
from ..records.values import parse_datetime
from ..storage.dynamo import client
from .roles import ROLES

__all__ = ["ApiKey", "KeyStore", "SECRET_PREFIX", "hash_secret", "new_secret", "KeyCheck"]

# Recognisable in logs, secret scanners and support tickets; the rest is 256 random bits.
SECRET_PREFIX = "tak_"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ApiKey:
    id: str
    workspace_id: str
    name: str
    role: str
    created_at: str
    expires_at: str | None = None
    revoked_at: str | None = None
    usage_key: str = ""  # the workspace's usage key, copied so the authorizer needs one read

    def public(self) -> dict[str, Any]:
        """Twenty's ApiKey shape (no secret, ever)."""
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "expiresAt": self.expires_at,
            "revokedAt": self.revoked_at,
            "createdAt": self.created_at,
            "updatedAt": self.revoked_at or self.created_at,
        }


@dataclass(frozen=True)
class KeyCheck:
    """The authorizer's verdict on a secret: a key, or the reason it is refused."""

    key: ApiKey | None
    reason: str | None = None


def _attrs(key: ApiKey) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": {"S": key.id},
        "workspaceId": {"S": key.workspace_id},
        "name": {"S": key.name},
        "role": {"S": key.role},
        "createdAt": {"S": key.created_at},
        "usageKey": {"S": key.usage_key},
    }
    if key.expires_at:
        item["expiresAt"] = {"S": key.expires_at}
    if key.revoked_at:
        item["revokedAt"] = {"S": key.revoked_at}
    return item


def _key_from(item: dict[str, Any]) -> ApiKey:
    return ApiKey(
        id=item["id"]["S"],
        workspace_id=item["workspaceId"]["S"],
        name=item["name"]["S"],
        role=item["role"]["S"],
        created_at=item["createdAt"]["S"],
        expires_at=item.get("expiresAt", {}).get("S"),
        revoked_at=item.get("revokedAt", {}).get("S"),
        usage_key=item.get("usageKey", {}).get("S", ""),
    )


class KeyStore:
    def __init__(self, table: str | None = None, dynamodb: Any = None) -> None:
        self.table = table or settings().metadata_table
        self._client = dynamodb

    @property
    def client(self) -> Any:
        return self._client or client()

    def create(
        self, workspace_id: str, *, role: str, name: str, usage_key: str, expires_at: str | None = None
    ) -> tuple[ApiKey, str]:
        """A new key and its secret (returned once, never stored)."""
        if role not in ROLES:
            raise BadRequest(f"Role '{role}' does not exist (roles: {', '.join(ROLES)})")
        if not isinstance(name, str) or not name.strip() or len(name) > 100:
            raise BadRequest("Key name must be a non-empty string of at most 100 characters")
        if expires_at is not None:
            expires_at = parse_datetime(expires_at, "expiresAt")
        key = ApiKey(
            id=str(uuid.uuid4()), workspace_id=workspace_id, name=name.strip(), role=role,
            created_at=now_iso(), expires_at=expires_at, usage_key=usage_key,
        )
        secret = new_secret()
        digest = hash_secret(secret)
        self.client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": self.table, "Item": {"pk": {"S": f"H#{digest}"}, "sk": {"S": "#KEY"}, **_attrs(key)},
                         "ConditionExpression": "attribute_not_exists(pk)"}},
                {"Put": {"TableName": self.table, "Item": {"pk": {"S": f"WK#{workspace_id}"}, "sk": {"S": f"K#{key.id}"},
                                                           "hash": {"S": digest}, **_attrs(key)}}},
            ]
        )
        return key, secret

    def list(self, workspace_id: str) -> list[ApiKey]:
        keys: list[ApiKey] = []
        paginator = self.client.get_paginator("query")
        for page in paginator.paginate(
            TableName=self.table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"WK#{workspace_id}"}},
            ConsistentRead=True,
        ):
            keys.extend(_key_from(item) for item in page.get("Items", []))
        return sorted(keys, key=lambda k: k.created_at)

    def find(self, key_id: str, workspace_id: str | None = None) -> tuple[ApiKey, str] | None:
        """A key and its hash, by id (scoped to a workspace when given)."""
        if workspace_id is not None:
            item = self.client.get_item(
                TableName=self.table, Key={"pk": {"S": f"WK#{workspace_id}"}, "sk": {"S": f"K#{key_id}"}}, ConsistentRead=True
            ).get("Item")
            return (_key_from(item), item["hash"]["S"]) if item else None
        # Without a workspace (operator CLI): a Scan, never on a request path.
        paginator = self.client.get_paginator("scan")
        for page in paginator.paginate(
            TableName=self.table,
            FilterExpression="sk = :sk",
            ExpressionAttributeValues={":sk": {"S": f"K#{key_id}"}},
        ):
            for item in page.get("Items", []):
                return _key_from(item), item["hash"]["S"]
        return None

    def revoke(self, key_id: str, workspace_id: str | None = None) -> ApiKey:
        found = self.find(key_id, workspace_id)
        if found is None:
            raise NotFound(f"API key {key_id} not found")
        key, digest = found
        if key.revoked_at:
            return key
        revoked_at = now_iso()
        update = {
            "UpdateExpression": "SET revokedAt = :now",
            "ExpressionAttributeValues": {":now": {"S": revoked_at}},
            "ConditionExpression": "attribute_exists(pk)",
        }
        self.client.transact_write_items(
            TransactItems=[
                {"Update": {"TableName": self.table, "Key": {"pk": {"S": f"H#{digest}"}, "sk": {"S": "#KEY"}}, **update}},
                {"Update": {"TableName": self.table, "Key": {"pk": {"S": f"WK#{key.workspace_id}"}, "sk": {"S": f"K#{key.id}"}}, **update}},
            ]
        )
        return ApiKey(**{**key.__dict__, "revoked_at": revoked_at})

    def check(self, secret: str) -> KeyCheck:
        """What the authorizer decides for a presented secret."""
        if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
            return KeyCheck(None, "Token invalid.")
        item = self.client.get_item(
            TableName=self.table, Key={"pk": {"S": f"H#{hash_secret(secret)}"}, "sk": {"S": "#KEY"}}, ConsistentRead=True
        ).get("Item")
        if item is None:
            return KeyCheck(None, "Token invalid.")
        key = _key_from(item)
        if key.revoked_at:
            return KeyCheck(None, "Token invalid.")
        if key.expires_at and key.expires_at <= now_iso():
            return KeyCheck(None, "Token has expired.")
        return KeyCheck(key)

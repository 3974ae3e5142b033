"""API keys: opaque secrets of which only the SHA-256 is stored.

Metadata table items:
    pk = "H#<sha256 of secret>", sk = "#KEY"   lookup for the authorizer: workspace, key id, role, expiry
    pk = "WK#<workspaceId>",     sk = "K#<id>" the workspace's list of keys (never the secret)
    pk = "CK#<apiGatewayKeyId>", sk = "#KEY"   a key managed in the API Gateway console (see
                                               console_keys): its hash, so a deletion finds it
Items of one key are written and revoked in one transaction.

A key's `role` is a built-in role's name ("Admin", "Member") or a custom role's id. A key made
with a custom role also stamps the role's item in the same transaction, which fails if the role
is gone and lets a role deletion notice a key made while it was checking (role_store).

Two kinds of secrets reach the authorizer: `tak_…` secrets made here, and the values of API keys
an administrator created in the API Gateway console (20 to 128 characters, API Gateway limit),
whose usage-plan identity is the value itself. Anything else is refused without a read.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass, replace
from typing import Any

from botocore.exceptions import ClientError

from ..clock import now_iso
from ..errors import BadRequest, NotFound
from ..records.values import parse_datetime
from ..storage.dynamo import TableAdapter
from .role_store import role_item_key
from .roles import ROLES

__all__ = ["ApiKey", "KeyStore", "SECRET_PREFIX", "hash_secret", "new_secret", "KeyCheck", "looks_like_secret"]

# Recognisable in logs, secret scanners and support tickets; the rest is 256 random bits.
SECRET_PREFIX = "tak_"
# API Gateway API key values are 20 to 128 characters; printable ASCII without spaces here.
_CONSOLE_VALUE = re.compile(r"[\x21-\x7e]{20,128}")

_UNSET: Any = object()


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def looks_like_secret(secret: str) -> bool:
    """Could this be a key at all? The cheap refusal before any read."""
    if secret.startswith(SECRET_PREFIX):
        return len(secret) <= 200
    return _CONSOLE_VALUE.fullmatch(secret) is not None


@dataclass(frozen=True)
class ApiKey:
    id: str
    workspace_id: str
    name: str
    role: str  # a built-in role's name or a custom role's id
    created_at: str
    expires_at: str | None = None
    revoked_at: str | None = None
    usage_key: str = ""  # the workspace's usage key, copied so the authorizer needs one read
    updated_at: str | None = None
    console_key_id: str | None = None  # the API Gateway key id of a console-managed key

    def usage_identifier(self, secret: str) -> str:
        """The usage-plan key of a request made with this key: a console key is its own."""
        return secret if self.console_key_id else self.usage_key

    def public(self) -> dict[str, Any]:
        """Twenty's ApiKey shape (no secret, ever)."""
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "expiresAt": self.expires_at,
            "revokedAt": self.revoked_at,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at or self.revoked_at or self.created_at,
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
    for name, value in (
        ("expiresAt", key.expires_at),
        ("revokedAt", key.revoked_at),
        ("updatedAt", key.updated_at),
        ("consoleKeyId", key.console_key_id),
    ):
        if value:
            item[name] = {"S": value}
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
        updated_at=item.get("updatedAt", {}).get("S"),
        console_key_id=item.get("consoleKeyId", {}).get("S"),
    )


def _hash_key(digest: str) -> dict[str, Any]:
    return {"pk": {"S": f"H#{digest}"}, "sk": {"S": "#KEY"}}


def _listing_key(workspace_id: str, key_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"WK#{workspace_id}"}, "sk": {"S": f"K#{key_id}"}}


def _console_key(console_key_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"CK#{console_key_id}"}, "sk": {"S": "#KEY"}}


def _check_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise BadRequest("Key name must be a non-empty string of at most 100 characters")
    return name.strip()


def _check_role(role: str) -> None:
    if role in ROLES:
        return
    try:
        uuid.UUID(role)
    except (ValueError, TypeError, AttributeError):
        raise BadRequest(f"Role '{role}' does not exist (roles: {', '.join(ROLES)} or a custom role id)") from None


class KeyStore(TableAdapter):
    # -- writes -------------------------------------------------------------------------------

    def _role_stamp(self, key: ApiKey) -> list[dict[str, Any]]:
        """For a custom role: stamp its item, failing the transaction if it no longer exists."""
        if key.role in ROLES:
            return []
        return [{"Update": {
            "TableName": self.table, "Key": role_item_key(key.workspace_id, key.role),
            "UpdateExpression": "SET keyStamp = :key", "ConditionExpression": "attribute_exists(pk)",
            "ExpressionAttributeValues": {":key": {"S": key.id}},
        }}]

    def _transact(self, actions: list[dict[str, Any]], role: str | None = None) -> None:
        try:
            self.client.transact_write_items(TransactItems=actions)
        except ClientError as error:
            reasons = error.response.get("CancellationReasons") or []
            stamp_failed = role is not None and role not in ROLES and reasons and reasons[-1].get("Code") == "ConditionalCheckFailed"
            if error.response["Error"]["Code"] == "TransactionCanceledException" and stamp_failed:
                raise BadRequest(f"Role '{role}' does not exist") from error
            raise

    def create(
        self, workspace_id: str, *, role: str, name: str, usage_key: str, expires_at: str | None = None
    ) -> tuple[ApiKey, str]:
        """A new key and its secret (returned once, never stored)."""
        _check_role(role)
        name = _check_name(name)
        if expires_at is not None:
            expires_at = parse_datetime(expires_at, "expiresAt")
        now = now_iso()
        key = ApiKey(
            id=str(uuid.uuid4()), workspace_id=workspace_id, name=name, role=role,
            created_at=now, expires_at=expires_at, usage_key=usage_key, updated_at=now,
        )
        secret = new_secret()
        digest = hash_secret(secret)
        self._transact(
            [
                {"Put": {"TableName": self.table, "Item": {**_hash_key(digest), **_attrs(key)},
                         "ConditionExpression": "attribute_not_exists(pk)"}},
                {"Put": {"TableName": self.table, "Item": {**_listing_key(workspace_id, key.id), "hash": {"S": digest}, **_attrs(key)}}},
                # Last, so that its cancellation reason is the last one (see _transact).
                *self._role_stamp(key),
            ],
            role,
        )
        return key, secret

    def update(
        self,
        key_id: str,
        workspace_id: str,
        *,
        name: Any = _UNSET,
        expires_at: Any = _UNSET,
        revoked_at: Any = _UNSET,
    ) -> ApiKey:
        """Change a key's name, expiry or revocation (a null revokedAt restores it, as in Twenty)."""
        found = self.find(key_id, workspace_id)
        if found is None:
            raise NotFound(f"API key {key_id} not found")
        key, digest = found
        _not_console(key)
        changes: dict[str, Any] = {}
        if name is not _UNSET:
            changes["name"] = _check_name(name)
        if expires_at is not _UNSET:
            changes["expires_at"] = None if expires_at is None else parse_datetime(expires_at, "expiresAt")
        if revoked_at is not _UNSET:
            changes["revoked_at"] = None if revoked_at is None else parse_datetime(revoked_at, "revokedAt")
        if not changes:
            return key
        updated = replace(key, updated_at=now_iso(), **changes)
        self._rewrite(updated, digest)
        return updated

    def _rewrite(self, key: ApiKey, digest: str) -> None:
        """Put both items of an existing key (they exist: a concurrent delete is not a thing)."""
        self.client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": self.table, "Item": {**_hash_key(digest), **_attrs(key)},
                         "ConditionExpression": "attribute_exists(pk)"}},
                {"Put": {"TableName": self.table, "Item": {**_listing_key(key.workspace_id, key.id), "hash": {"S": digest}, **_attrs(key)},
                         "ConditionExpression": "attribute_exists(pk)"}},
            ]
        )

    def rotate(self, key_id: str, workspace_id: str, *, expires_at: str | None = None) -> tuple[ApiKey, str]:
        """A new secret for an active key (Twenty's generateApiKeyToken); the previous secret
        stops working at once (within the authorizer's cache TTL)."""
        found = self.find(key_id, workspace_id)
        if found is None:
            raise NotFound(f"API key {key_id} not found")
        key, old_digest = found
        _not_console(key)
        if key.revoked_at:
            raise BadRequest("This API Key is revoked")
        key = replace(key, updated_at=now_iso(), expires_at=parse_datetime(expires_at, "expiresAt") if expires_at else key.expires_at)
        secret = new_secret()
        digest = hash_secret(secret)
        self.client.transact_write_items(
            TransactItems=[
                {"Delete": {"TableName": self.table, "Key": _hash_key(old_digest)}},
                {"Put": {"TableName": self.table, "Item": {**_hash_key(digest), **_attrs(key)},
                         "ConditionExpression": "attribute_not_exists(pk)"}},
                {"Put": {"TableName": self.table, "Item": {**_listing_key(workspace_id, key.id), "hash": {"S": digest}, **_attrs(key)},
                         "ConditionExpression": "attribute_exists(pk)"}},
            ]
        )
        return key, secret

    def revoke(self, key_id: str, workspace_id: str | None = None) -> ApiKey:
        found = self.find(key_id, workspace_id)
        if found is None:
            raise NotFound(f"API key {key_id} not found")
        key, digest = found
        _not_console(key)
        if key.revoked_at:
            return key
        return self._revoke(key, digest)

    def _revoke(self, key: ApiKey, digest: str) -> ApiKey:
        revoked_at = now_iso()
        update = {
            "UpdateExpression": "SET revokedAt = :now, updatedAt = :now",
            "ExpressionAttributeValues": {":now": {"S": revoked_at}},
            "ConditionExpression": "attribute_exists(pk)",
        }
        self.client.transact_write_items(
            TransactItems=[
                {"Update": {"TableName": self.table, "Key": _hash_key(digest), **update}},
                {"Update": {"TableName": self.table, "Key": _listing_key(key.workspace_id, key.id), **update}},
            ]
        )
        return replace(key, revoked_at=revoked_at, updated_at=revoked_at)

    # -- console-managed keys (written by console_keys only) -----------------------------------

    def console_key(self, console_key_id: str) -> tuple[ApiKey, str] | None:
        item = self.client.get_item(TableName=self.table, Key=_console_key(console_key_id), ConsistentRead=True).get("Item")
        return (_key_from(item), item["hash"]["S"]) if item else None

    def console_keys(self) -> list[ApiKey]:
        """Every console-managed key (a Scan: for a full resynchronisation, never on a request path)."""
        keys: list[ApiKey] = []
        for page in self.client.get_paginator("scan").paginate(
            TableName=self.table, FilterExpression="begins_with(pk, :ck)", ExpressionAttributeValues={":ck": {"S": "CK#"}}
        ):
            keys.extend(_key_from(item) for item in page.get("Items", []))
        return keys

    def put_console_key(self, key: ApiKey, value: str, previous: ApiKey | None = None) -> None:
        """Write a console key as it now is. When it moved to another workspace, the previous
        workspace's listing shows it revoked."""
        assert key.console_key_id, "a console key has its API Gateway id"
        # The value itself is never stored: the authorizer has it in hand when it needs it.
        digest = hash_secret(value)
        actions: list[dict[str, Any]] = [
            {"Put": {"TableName": self.table, "Item": {**_hash_key(digest), **_attrs(key)}}},
            {"Put": {"TableName": self.table, "Item": {**_listing_key(key.workspace_id, key.id), "hash": {"S": digest}, **_attrs(key)}}},
            {"Put": {"TableName": self.table, "Item": {**_console_key(key.console_key_id), "hash": {"S": digest}, **_attrs(key)}}},
        ]
        if previous is not None and previous.workspace_id != key.workspace_id:
            now = now_iso()
            actions.append({"Update": {
                "TableName": self.table, "Key": _listing_key(previous.workspace_id, previous.id),
                "UpdateExpression": "SET revokedAt = if_not_exists(revokedAt, :now), updatedAt = :now",
                "ExpressionAttributeValues": {":now": {"S": now}},
            }})
        actions += self._role_stamp(key)
        self._transact(actions, key.role)

    def forget_console_key(self, console_key_id: str) -> ApiKey | None:
        """A console key was deleted: revoke it and drop its console item."""
        found = self.console_key(console_key_id)
        if found is None:
            return None
        key, digest = found
        revoked = key if key.revoked_at else self._revoke(key, digest)
        self.client.delete_item(TableName=self.table, Key=_console_key(console_key_id))
        return revoked

    # -- reads --------------------------------------------------------------------------------

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
        return sorted(keys, key=lambda k: (k.created_at, k.id))

    def find(self, key_id: str, workspace_id: str | None = None) -> tuple[ApiKey, str] | None:
        """A key and its hash, by id (scoped to a workspace when given)."""
        if workspace_id is not None:
            item = self.client.get_item(TableName=self.table, Key=_listing_key(workspace_id, key_id), ConsistentRead=True).get("Item")
            return (_key_from(item), item["hash"]["S"]) if item else None
        # Without a workspace (operator CLI): a Scan, never on a request path.
        # A console key moved between workspaces is listed in both (revoked in the old one): the
        # active listing wins.
        found: tuple[ApiKey, str] | None = None
        paginator = self.client.get_paginator("scan")
        for page in paginator.paginate(
            TableName=self.table,
            FilterExpression="sk = :sk",
            ExpressionAttributeValues={":sk": {"S": f"K#{key_id}"}},
        ):
            for item in page.get("Items", []):
                found = _key_from(item), item["hash"]["S"]
                if not found[0].revoked_at:
                    return found
        return found

    def check(self, secret: str) -> KeyCheck:
        """What the authorizer decides for a presented secret."""
        if not looks_like_secret(secret):
            return KeyCheck(None, "Token invalid.")
        item = self.client.get_item(TableName=self.table, Key=_hash_key(hash_secret(secret)), ConsistentRead=True).get("Item")
        if item is None:
            return KeyCheck(None, "Token invalid.")
        key = _key_from(item)
        if key.revoked_at:
            return KeyCheck(None, "Token invalid.")
        if key.expires_at and key.expires_at <= now_iso():
            return KeyCheck(None, "Token has expired.")
        return KeyCheck(key)


def _not_console(key: ApiKey) -> None:
    if key.console_key_id:
        raise BadRequest(
            f"API key {key.id} is managed in the API Gateway console (key {key.console_key_id}): "
            "change, disable or delete it there"
        )

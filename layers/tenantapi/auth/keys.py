"""API keys: opaque secrets of which only the SHA-256 is stored.

Metadata table items:
    pk = "H#<sha256 of secret>", sk = "#KEY"   lookup for the authorizer: workspace, key id, role, expiry
    pk = "WK#<workspaceId>",     sk = "K#<id>" the workspace's list of keys (never the secret)
    pk = "CK#<apiGatewayKeyId>", sk = "#KEY"   a key managed in the API Gateway console (see
                                               console_keys): its hash, so a deletion finds it
Items of one key are written and revoked in one transaction, through the pynamodb model of
storage/items/key.py (imported on first use: the authorizer's read stays raw, and pynamodb out of
its cold start).

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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..clock import now_iso
from ..errors import BadRequest, NotFound, Unauthenticated
from ..records.values import parse_datetime
from ..storage.dynamo import TableAdapter
from .roles import ROLES

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

    from ..storage.items.key import KeyItem

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


def _item(pk: str, sk: str, key: ApiKey, digest: str | None = None) -> KeyItem:
    """One of the key's items; optional attributes are absent when unset."""
    from ..storage.items.key import KeyItem

    return KeyItem(
        pk, sk, id=key.id, workspace_id=key.workspace_id, name=key.name, role=key.role, created_at=key.created_at,
        usage_key=key.usage_key, expires_at=key.expires_at or None, revoked_at=key.revoked_at or None,
        updated_at=key.updated_at or None, console_key_id=key.console_key_id or None, digest=digest,
    )


def _hash_item(digest: str, key: ApiKey) -> KeyItem:
    return _item(f"H#{digest}", "#KEY", key)


def _listing_item(key: ApiKey, digest: str) -> KeyItem:
    return _item(f"WK#{key.workspace_id}", f"K#{key.id}", key, digest)


def _console_item(key: ApiKey, digest: str) -> KeyItem:
    assert key.console_key_id, "a console key has its API Gateway id"
    return _item(f"CK#{key.console_key_id}", "#KEY", key, digest)


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

    @contextmanager
    def _transaction(self, role: str | None = None) -> Iterator[TransactWrite]:
        """One TransactWriteItems. When it stamps a custom role (_stamp_role: an update, added
        last, so its cancellation reason is the last one) and that role's item is gone, the
        answer is that the role does not exist."""
        from ..storage.items.base import TransactWriteError, cancelled_by_condition, reraise, transaction

        try:
            with transaction() as write:
                yield write
        except TransactWriteError as error:
            if role is not None and role not in ROLES and cancelled_by_condition(error, -1):
                raise BadRequest(f"Role '{role}' does not exist") from error
            reraise(error)

    @staticmethod
    def _stamp_role(write: TransactWrite, key: ApiKey) -> None:
        """For a custom role: stamp its item, failing the transaction if it no longer exists."""
        if key.role in ROLES:
            return
        from ..storage.items.role import RoleItem

        write.update(RoleItem.of(key.workspace_id, key.role), actions=[RoleItem.key_stamp.set(key.id)],
                     condition=RoleItem.pk.exists())

    def create(
        self, workspace_id: str, *, role: str, name: str, usage_key: str, expires_at: str | None = None
    ) -> tuple[ApiKey, str]:
        """A new key and its secret (returned once, never stored)."""
        from ..storage.items.key import KeyItem

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
        with self._transaction(role) as write:
            write.save(_hash_item(digest, key), condition=KeyItem.pk.does_not_exist())
            write.save(_listing_item(key, digest))
            self._stamp_role(write, key)
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
        """Change a key's name, expiry or revocation (a null revokedAt on a key not revoked changes nothing)."""
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
            if revoked_at is None and key.revoked_at:
                # Revocation is final (Twenty revokes, never restores): a revoked key's secret
                # may have leaked, and whoever holds it must not be able to bring it back.
                raise BadRequest(f"API key {key.id} is revoked, and a revocation cannot be undone: create a new key instead")
            changes["revoked_at"] = None if revoked_at is None else parse_datetime(revoked_at, "revokedAt")
        if not changes:
            return key
        updated = replace(key, updated_at=now_iso(), **changes)
        self._rewrite(updated, digest)
        return updated

    def _rewrite(self, key: ApiKey, digest: str) -> None:
        """Put both items of an existing key (they exist: a concurrent delete is not a thing)."""
        from ..storage.items.key import KeyItem

        with self._transaction() as write:
            for item in (_hash_item(digest, key), _listing_item(key, digest)):
                write.save(item, condition=KeyItem.pk.exists())

    def rotate(self, key_id: str, workspace_id: str, *, expires_at: str | None = None) -> tuple[ApiKey, str]:
        """A new secret for an active key (Twenty's generateApiKeyToken); the previous secret
        stops working at once (within the authorizer's cache TTL)."""
        from ..storage.items.key import KeyItem

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
        with self._transaction() as write:
            write.delete(_hash_item(old_digest, key))
            write.save(_hash_item(digest, key), condition=KeyItem.pk.does_not_exist())
            write.save(_listing_item(key, digest), condition=KeyItem.pk.exists())
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
        from ..storage.items.key import KeyItem

        revoked_at = now_iso()
        with self._transaction() as write:
            for item in (_hash_item(digest, key), _listing_item(key, digest)):
                write.update(item, actions=[KeyItem.revoked_at.set(revoked_at), KeyItem.updated_at.set(revoked_at)],
                             condition=KeyItem.pk.exists())
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
        from ..storage.items.key import KeyItem

        # The value itself is never stored: the authorizer has it in hand when it needs it.
        digest = hash_secret(value)
        with self._transaction(key.role) as write:
            for item in (_hash_item(digest, key), _listing_item(key, digest), _console_item(key, digest)):
                write.save(item)
            if previous is not None and previous.workspace_id != key.workspace_id:
                now = now_iso()
                write.update(KeyItem(f"WK#{previous.workspace_id}", f"K#{previous.id}"),
                             actions=[KeyItem.revoked_at.set(KeyItem.revoked_at | now), KeyItem.updated_at.set(now)])
            self._stamp_role(write, key)

    def forget_console_key(self, console_key_id: str) -> ApiKey | None:
        """A console key was deleted: revoke it and drop its console item."""
        from ..storage.items.base import DeleteError, reraise

        found = self.console_key(console_key_id)
        if found is None:
            return None
        key, digest = found
        revoked = key if key.revoked_at else self._revoke(key, digest)
        try:
            _console_item(key, digest).delete()
        except DeleteError as error:
            reraise(error)
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
        return KeyCheck(None, refusal) if (refusal := refusal_of(key)) else KeyCheck(key)

    def live(self, workspace_id: str, key_id: str) -> ApiKey:
        """The calling key as stored now (one consistent GetItem of its listing item), refused as
        the authorizer would refuse it: a key/role write must not ride on the authorizer's cache."""
        found = self.find(key_id, workspace_id) if key_id else None
        if found is None:
            raise Unauthenticated()
        refusal = refusal_of(found[0])
        if refusal:
            raise Unauthenticated(refusal)
        return found[0]


def refusal_of(key: ApiKey) -> str | None:
    """Why a key may not call (the authorizer's reason, docs/api.md §2.2), or None."""
    if key.revoked_at:
        return "Token invalid."
    if key.expires_at and key.expires_at <= now_iso():
        return "Token has expired."
    return None


def _not_console(key: ApiKey) -> None:
    if key.console_key_id:
        raise BadRequest(
            f"API key {key.id} is managed in the API Gateway console (key {key.console_key_id}): "
            "change, disable or delete it there"
        )

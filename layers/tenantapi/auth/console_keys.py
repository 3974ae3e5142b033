"""API keys managed in the API Gateway console.

An administrator creates an API key in the console, tags it `tenantapi:workspace=<workspace id
or name>` and `tenantapi:role=<Admin | Member | custom role id or label>`, and attaches it to a
usage plan; its value then works as a Bearer key of that workspace and role, and its usage-plan
identity is the value itself. Disabling the key, deleting it, or removing a tag revokes it within
the authorizer's cache TTL (API Gateway also refuses a disabled key at the usage-plan check).

The key table follows the console through EventBridge: CloudTrail's "AWS API Call via CloudTrail"
events for CreateApiKey, UpdateApiKey, DeleteApiKey, TagResource and UntagResource name the key;
the sync reads the key as it now is (GetApiKey with its value and tags) and writes it, so events
that arrive late, twice or out of order still leave the table as the console is. A full
resynchronisation (`tenantapi keys sync`) walks every key (GetApiKeys) the same way.

The value is hashed and never stored or logged; only API Gateway key ids are.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from typing import Any, Literal, Mapping

import boto3
from botocore.exceptions import ClientError

from ..clock import now_iso
from ..config import settings
from ..errors import BadRequest
from ..storage.metadata_store import MetadataStore, WorkspaceHead
from ..workspaces import find_workspace
from .keys import ApiKey, KeyStore, looks_like_secret
from .role_store import RoleStore
from .roles import ROLES

__all__ = [
    "ConsoleKeySync",
    "SyncOutcome",
    "WORKSPACE_TAG",
    "ROLE_TAG",
    "EVENT_NAMES",
    "console_key_id_of",
    "key_id_for",
]

logger = logging.getLogger("tenantapi")

WORKSPACE_TAG = "tenantapi:workspace"
ROLE_TAG = "tenantapi:role"
EVENT_NAMES = ("CreateApiKey", "UpdateApiKey", "DeleteApiKey", "TagResource", "UntagResource")

# API Gateway names a key by a short id; Twenty clients expect UUIDs, so the key's id here is
# derived from it (stable across resynchronisations).
_KEY_NAMESPACE = uuid.UUID("0b9f6d4e-2c1a-5e7b-9d3f-4a6c8e0b2d1f")
_KEY_PATH = re.compile(r"/apikeys/([A-Za-z0-9]+)")

Action = Literal["active", "disabled", "revoked", "forgotten", "ignored"]


def key_id_for(console_key_id: str) -> str:
    return str(uuid.uuid5(_KEY_NAMESPACE, f"apigateway:{console_key_id}"))


@dataclass(frozen=True)
class SyncOutcome:
    """What the sync did with one console key (ids only: never its value)."""

    console_key_id: str
    action: Action
    key_id: str | None = None
    workspace_id: str | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def console_key_id_of(event: Mapping[str, Any]) -> str | None:
    """The API Gateway key id an EventBridge CloudTrail event is about, or None (a failed call,
    another resource, another API)."""
    detail = event.get("detail") or {}
    if detail.get("eventSource") != "apigateway.amazonaws.com" or detail.get("eventName") not in EVENT_NAMES:
        return None
    if detail.get("errorCode"):
        return None  # the call failed: nothing changed
    request = detail.get("requestParameters") or {}
    response = detail.get("responseElements") or {}
    if detail["eventName"] == "CreateApiKey" and isinstance(response.get("id"), str):
        return str(response["id"])
    for name in ("apiKey", "api_Key", "apiKeyId"):
        if isinstance(request.get(name), str):
            return str(request[name])
    # TagResource / UntagResource name the key by ARN (arn:aws:apigateway:<region>::/apikeys/<id>).
    for part in (request, response):
        found = _KEY_PATH.search(json.dumps(part))
        if found:
            return found.group(1)
    return None


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return None


class ConsoleKeySync:
    def __init__(
        self,
        keys: KeyStore | None = None,
        roles: RoleStore | None = None,
        metadata: MetadataStore | None = None,
        apigateway: Any = None,
    ) -> None:
        self.keys = keys or KeyStore()
        self.roles = roles or RoleStore()
        self.metadata = metadata or MetadataStore()
        self._apigateway = apigateway

    @property
    def apigateway(self) -> Any:
        if self._apigateway is None:
            self._apigateway = boto3.client("apigateway", region_name=settings().region)
        return self._apigateway

    # -- entry points -------------------------------------------------------------------------

    def handle_event(self, event: Mapping[str, Any]) -> SyncOutcome | None:
        console_key_id = console_key_id_of(event)
        if console_key_id is None:
            return None
        return self.sync_key(console_key_id)

    def sync_key(self, console_key_id: str) -> SyncOutcome:
        """Make the key table agree with the console about one key."""
        try:
            api_key = self.apigateway.get_api_key(apiKey=console_key_id, includeValue=True)
        except ClientError as error:
            if error.response["Error"]["Code"] != "NotFoundException":
                raise
            return self._forget(console_key_id)
        return self.apply(api_key)

    def resync_all(self) -> list[SyncOutcome]:
        """Every console key, and the keys of the table whose console key is gone."""
        outcomes: list[SyncOutcome] = []
        seen: set[str] = set()
        for page in self.apigateway.get_paginator("get_api_keys").paginate(includeValues=True):
            for api_key in page.get("items", []):
                seen.add(api_key["id"])
                outcomes.append(self.apply(api_key))
        for key in self.keys.console_keys():
            if key.console_key_id and key.console_key_id not in seen:
                outcomes.append(self._forget(key.console_key_id))
        return outcomes

    # -- one key ------------------------------------------------------------------------------

    def apply(self, api_key: Mapping[str, Any]) -> SyncOutcome:
        """Write one key as GetApiKey(s) shows it (with its value and tags)."""
        console_key_id = str(api_key["id"])
        found = self.keys.console_key(console_key_id)
        previous = found[0] if found else None
        value = api_key.get("value")
        target = self._target(api_key.get("tags") or {})
        if isinstance(target, str) or not isinstance(value, str) or not looks_like_secret(value):
            reason = target if isinstance(target, str) else "the key's value is not one a Bearer token can carry"
            return self._revoke(console_key_id, previous, value, reason)
        head, role = target
        now = now_iso()
        enabled = bool(api_key.get("enabled"))
        revoked_at = None if enabled else ((previous.revoked_at if previous else None) or now)
        key = ApiKey(
            id=key_id_for(console_key_id),
            workspace_id=head.id,
            name=str(api_key.get("name") or console_key_id)[:100],
            role=role,
            created_at=_iso(api_key.get("createdDate")) or (previous.created_at if previous else now),
            revoked_at=revoked_at,
            updated_at=now,
            console_key_id=console_key_id,
        )
        self.keys.put_console_key(key, value, previous)
        action: Action = "active" if enabled else "disabled"
        logger.info("console key %s %s: key %s of workspace %s", console_key_id, action, key.id, head.id)
        return SyncOutcome(console_key_id, action, key.id, head.id)

    def _target(self, tags: Mapping[str, str]) -> tuple[WorkspaceHead, str] | str:
        """The workspace and the key's role reference the tags name, or why they name none."""
        workspace_ref, role_ref = tags.get(WORKSPACE_TAG), tags.get(ROLE_TAG)
        if not workspace_ref or not role_ref:
            return f"not tagged {WORKSPACE_TAG} and {ROLE_TAG}"
        head = find_workspace(workspace_ref, self.metadata)
        if head is None:
            return f"workspace '{workspace_ref}' not found"
        builtin = next((name for name in ROLES if name.lower() == role_ref.strip().lower()), None)
        if builtin is not None:
            return head, builtin
        roles = self.roles.roles(head)
        role = roles.find(role_ref.strip()) or next((r for r in roles.custom if r.label.lower() == role_ref.strip().lower()), None)
        if role is None:
            return f"role '{role_ref}' not found in workspace {head.id}"
        if not role.can_be_assigned_to_api_keys:
            return f"role {role.label} cannot be assigned to API keys"
        return head, role.key_ref

    def _revoke(self, console_key_id: str, previous: ApiKey | None, value: Any, reason: str) -> SyncOutcome:
        """A key that is no longer (or never was) a key of a workspace."""
        if previous is None:
            logger.info("console key %s ignored: %s", console_key_id, reason)
            return SyncOutcome(console_key_id, "ignored", reason=reason)
        if not previous.revoked_at:
            if isinstance(value, str) and looks_like_secret(value):
                now = now_iso()
                try:
                    self.keys.put_console_key(replace(previous, revoked_at=now, updated_at=now), value)
                except BadRequest:  # its role is gone meanwhile: the key goes with the console item
                    self.keys.forget_console_key(console_key_id)
            else:
                self.keys.forget_console_key(console_key_id)
        logger.info("console key %s revoked: %s", console_key_id, reason)
        return SyncOutcome(console_key_id, "revoked", previous.id, previous.workspace_id, reason)

    def _forget(self, console_key_id: str) -> SyncOutcome:
        forgotten = self.keys.forget_console_key(console_key_id)
        logger.info("console key %s deleted", console_key_id)
        if forgotten is None:
            return SyncOutcome(console_key_id, "ignored", reason="not a key of any workspace")
        return SyncOutcome(console_key_id, "forgotten", forgotten.id, forgotten.workspace_id)

"""What the resolvers of one request share: the caller, the workspace view and the record service."""

from __future__ import annotations

from dataclasses import dataclass

from ..api.context import Caller
from ..auth.roles import RecordAction
from ..errors import Forbidden
from ..metadata.model import ObjectMetadata
from ..records.service import RecordService, WorkspaceView

__all__ = ["CoreContext"]

_VERBS: dict[str, str] = {"read": "read", "update": "create or update", "soft_delete": "delete", "destroy": "destroy"}


@dataclass(frozen=True)
class CoreContext:
    caller: Caller
    ws: WorkspaceView
    records: RecordService

    def require(self, action: RecordAction, obj: ObjectMetadata) -> None:
        """FORBIDDEN unless the caller's role may do `action` on records of `obj` (the same
        check and message as the REST API)."""
        if not self.caller.role.can(action, obj.id):
            raise Forbidden(f"Role {self.caller.role.name} cannot {_VERBS[action]} {obj.name_plural}")

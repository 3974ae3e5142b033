"""What the resolvers of one metadata request share, and how they read their inputs.

Its own module because both the data-model resolvers (schema.py) and the keys-and-roles
resolvers (access.py) need it, and schema.py builds on access.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable

from ...metadata.model import WorkspaceSchema
from ...metadata.service import MetadataService
from ..context import Caller

__all__ = ["MetadataContext", "plain"]


@dataclass
class MetadataContext:
    """What resolvers of one request share. `schema` moves forward with each mutation, so the
    mutations of one document (run in order) each see the changes of the ones before."""

    caller: Caller
    schema: WorkspaceSchema
    service: MetadataService
    remember: Callable[[WorkspaceSchema], None]

    def changed(self, schema: WorkspaceSchema) -> None:
        self.schema = schema
        self.remember(schema)


def plain(value: Any) -> Any:
    """An input as the rules read it: dicts, lists and scalars, enums as their values. Keys the
    client left out stay out (an explicit null stays a null)."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    return value

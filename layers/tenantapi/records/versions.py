"""Record versions as HTTP entity tags: `ETag`, `If-Match` and `If-None-Match` (docs/api.md §3.9).

Every record carries a version that each write sets in the same conditional write that changes
the record (storage/record_store.py), so the version names one state of the record. The ETag is
strong (RFC 9110 §8.8.3) and opaque: a hash of the record id, its version and its `updatedAt`
(the last tells apart a record destroyed and created again with the same id), nothing a client
could read a workspace or a value from.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ..storage.record_store import version_of
from .shape import ObjectShape

__all__ = ["etag_of", "etag_matches"]


def etag_of(shape: ObjectShape, stored: dict[str, Any]) -> str:
    """The strong ETag of a record as stored, quoted as the header carries it."""
    updated_at = stored.get(shape.storage_key("updatedAt"))
    digest = hashlib.sha256(f"{stored['id']}:{version_of(stored)}:{updated_at}".encode("utf-8")).hexdigest()
    return f'"{digest[:32]}"'


def etag_matches(header: str, etag: str, *, weak: bool = False) -> bool:
    """Whether an `If-Match` or `If-None-Match` value names this ETag: `*`, or a comma-separated
    list of entity tags. If-Match compares strongly, so a weak `W/"…"` tag never matches; If-None-Match
    compares weakly (`weak=True`), ignoring the `W/` (RFC 9110 §13.1.1, §13.1.2)."""
    tags = [tag.strip() for tag in header.split(",")]
    if weak:
        tags = [tag[2:] if tag.startswith("W/") else tag for tag in tags]
    return "*" in tags or etag in tags

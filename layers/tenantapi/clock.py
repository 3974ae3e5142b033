"""Time and identifiers, in one place so tests can reason about them."""

from __future__ import annotations

import os
import time
import uuid
from datetime import datetime, timezone

__all__ = ["now_iso", "new_id"]


def now_iso() -> str:
    """UTC now as Twenty writes timestamps: ISO 8601 with milliseconds and a Z."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id() -> str:
    """A UUIDv7 (RFC 9562): time-ordered, so records created by the server list in creation order
    under the default id ordering, while staying a valid UUID for Twenty clients."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version 7
    value |= ((rand >> 62) & 0xFFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # variant
    value |= rand & ((1 << 62) - 1)  # rand_b, 62 bits
    return str(uuid.UUID(int=value))

"""Opaque, tamper-evident cursors (CONTRACT.md 3.3).

A cursor carries the sort values of a record and an HMAC over them and over the query it came
from (filter and order), with the workspace's secret: a cursor edited by hand, taken from another
query or from another workspace is refused with 400 "Invalid cursor".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from ..errors import BadRequest

__all__ = ["encode_cursor", "decode_cursor"]

_SIGNATURE_BYTES = 12


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret: str, binding: str, payload: bytes) -> bytes:
    return hmac.new(secret.encode(), binding.encode() + b"\x00" + payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]


def encode_cursor(secret: str, binding: str, values: list[Any]) -> str:
    payload = json.dumps(values, separators=(",", ":")).encode()
    return f"{_b64(payload)}.{_b64(_sign(secret, binding, payload))}"


def decode_cursor(secret: str, binding: str, cursor: str) -> list[Any]:
    try:
        encoded, signature = cursor.split(".", 1)
        payload = _unb64(encoded)
        valid = hmac.compare_digest(_unb64(signature), _sign(secret, binding, payload))
        values = json.loads(payload) if valid else None
    except (ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list):
        raise BadRequest(f"Invalid cursor: '{cursor[:80]}' was not issued for this query")
    return values

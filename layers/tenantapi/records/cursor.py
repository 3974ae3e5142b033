"""Opaque, tamper-evident cursors (docs/api.md §3.4).

A cursor carries the sort values of a record and an HMAC over them and over the query it came
from (filter and order), with the workspace's secret: a cursor edited by hand, taken from another
query or from another workspace is refused with 400 "Invalid cursor".

Wire format: `base64url(payload) "." base64url(signature)`, unpadded, where the payload is the
JSON array of the sort values (compact separators) and the signature the first 12 bytes of
HMAC-SHA256(secret, binding NUL payload). `CursorSigner` signs the cursors of one query (a page
signs one per record) with the key and the binding encoded once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
from typing import Any

from ..errors import BadRequest

__all__ = ["CursorSigner", "encode_cursor", "decode_cursor"]

_SIGNATURE_BYTES = 12
_JSON = json.JSONEncoder(separators=(",", ":"))
_to_json_string = json.encoder.encode_basestring_ascii  # what _JSON writes for a str
_URLSAFE = bytes.maketrans(b"+/", b"-_")


def _payload(values: list[Any]) -> bytes:
    """`_JSON.encode(values)`, written directly for the scalars sort values are: encoding a short
    list with json costs more than signing it (the encoder is set up again on every call)."""
    parts = []
    for value in values:
        kind = type(value)
        if kind is str:
            parts.append(_to_json_string(value))
        elif value is None:
            parts.append("null")
        elif kind is bool:
            parts.append("true" if value else "false")
        elif kind is int:
            parts.append(int.__repr__(value))
        elif kind is float and math.isfinite(value):
            parts.append(float.__repr__(value))
        else:
            return _JSON.encode(values).encode()
    return f"[{','.join(parts)}]".encode()


def _b64(data: bytes) -> bytes:
    return binascii.b2a_base64(data, newline=False).rstrip(b"=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CursorSigner:
    """Encodes and reads the cursors of one query: `binding` names the object, filter and order
    they are valid for, `secret` is the workspace's."""

    __slots__ = ("_keyed",)

    def __init__(self, secret: str, binding: str) -> None:
        # The HMAC state after the key and the binding, copied for each payload: setting up the
        # key costs more than signing a short payload.
        self._keyed = hmac.new(secret.encode(), binding.encode() + b"\x00", hashlib.sha256)

    def _sign(self, payload: bytes) -> bytes:
        mac = self._keyed.copy()
        mac.update(payload)
        return mac.digest()[:_SIGNATURE_BYTES]

    def encode(self, values: list[Any]) -> str:
        payload = _payload(values)
        return (_b64(payload) + b"." + _b64(self._sign(payload))).translate(_URLSAFE).decode("ascii")

    def decode(self, cursor: str) -> list[Any]:
        try:
            encoded, signature = cursor.split(".", 1)
            payload = _unb64(encoded)
            valid = hmac.compare_digest(_unb64(signature), self._sign(payload))
            values = json.loads(payload) if valid else None
        except (ValueError, UnicodeDecodeError):
            values = None
        if not isinstance(values, list):
            raise BadRequest(f"Invalid cursor: '{cursor[:80]}' was not issued for this query")
        return values


def encode_cursor(secret: str, binding: str, values: list[Any]) -> str:
    return CursorSigner(secret, binding).encode(values)


def decode_cursor(secret: str, binding: str, cursor: str) -> list[Any]:
    return CursorSigner(secret, binding).decode(cursor)

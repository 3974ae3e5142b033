"""Order-preserving string encodings for the LSI sort keys s1..s5 (docs/storage.md).

A slot value is `<encoded value>\x01<record id>`: the separator sorts below every character a
value can hold, so "a" < "a b" holds for the encoded keys as for the values, and the id makes
every key unique and gives the `id` tie-breaker of CONTRACT.md 3.2 for free. A null value writes
no slot attribute (the index is sparse).
"""

from __future__ import annotations

import struct
from typing import Any

from ..metadata.field_types import FieldType

__all__ = ["encode_value", "slot_key", "SEPARATOR", "MAX_VALUE_BYTES"]

SEPARATOR = "\x01"
# A sort key holds at most 1024 bytes (DynamoDB limit); the id and separator take 37.
MAX_VALUE_BYTES = 900

_NUMERIC = (FieldType.NUMBER, FieldType.NUMERIC, FieldType.POSITION, FieldType.RATING)


def _encode_float(number: float) -> str:
    # IEEE 754 bits, big-endian: flipping the sign bit of positives and every bit of negatives
    # makes unsigned byte order equal numeric order.
    (bits,) = struct.unpack(">Q", struct.pack(">d", float(number)))
    bits = bits ^ 0xFFFFFFFFFFFFFFFF if bits >> 63 else bits | (1 << 63)
    return f"{bits:016x}"


def _truncate(text: str) -> str:
    encoded = text.replace("\x00", "").replace(SEPARATOR, "").encode("utf-8")[:MAX_VALUE_BYTES]
    return encoded.decode("utf-8", errors="ignore")


def encode_value(field_type: FieldType, value: Any) -> str:
    if field_type is FieldType.RATING:
        return str(value)  # RATING_1 .. RATING_5 already sort in order
    if field_type in _NUMERIC:
        return _encode_float(value)
    if field_type is FieldType.BOOLEAN:
        return "1" if value else "0"
    return _truncate(str(value))


def slot_key(field_type: FieldType, value: Any, record_id: str) -> str:
    return f"{encode_value(field_type, value)}{SEPARATOR}{record_id}"

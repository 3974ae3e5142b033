"""Fails in the ways a proxy integration can: raises, answers malformed output, runs out of time."""

from __future__ import annotations

import time
from typing import Any


def handler(event: dict[str, Any], context: Any) -> Any:
    what = event["pathParameters"]["proxy"]
    if what == "raise":
        raise ValueError("handler crashed")
    if what == "malformed":
        return {"statusCode": 200, "body": {"not": "a string"}}
    if what == "slow":
        time.sleep(3)  # past the function's Timeout of 1 s
    return {"statusCode": 200, "body": "fine"}

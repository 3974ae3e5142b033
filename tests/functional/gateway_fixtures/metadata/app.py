"""A second function whose module is also called app: answers which resource it served."""

from __future__ import annotations

import json
from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    body = {"servedBy": "metadata", "resource": event["resource"], "pathParameters": event["pathParameters"]}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}

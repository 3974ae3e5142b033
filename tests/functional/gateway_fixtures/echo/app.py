"""Answers with the proxy event it received; under .../raw with the request body itself."""

from __future__ import annotations

import json
from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if event["path"].endswith("/raw"):
        return {
            "statusCode": 200,
            "headers": {"Content-Type": "application/octet-stream"},
            "body": event["body"],
            "isBase64Encoded": event["isBase64Encoded"],
        }
    lambda_context = {
        "function_name": context.function_name,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "invoked_function_arn": context.invoked_function_arn,
        "aws_request_id": context.aws_request_id,
        "remaining_ms": context.get_remaining_time_in_millis(),
    }
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json", "X-Served-By": "echo"},
        "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
        "body": json.dumps({"event": event, "context": lambda_context}),
    }

"""DynamoDB's answers to reads, decoded as the JSON they are.

DynamoDB speaks JSON, and its attribute values are already in the form the adapters convert
(`{"S": "..."}`, `{"N": "12"}`, `{"M": {...}}`). botocore's parser walks every attribute value of
an answer against the service model to build the very same dicts, and that walk was most of the
CPU time of a read: about three quarters of a page read's client time (docs/PERFORMANCE.md,
Sizing). For the read operations, a `before-parse` hook (botocore's documented way to customise
a parsed response) decodes the body with `json.loads` and hands botocore's parser an empty
document in its place; botocore still builds `ResponseMetadata` from the headers, and an error
(status 300 or more) takes botocore's path unchanged. The one attribute form that would differ,
binary (`B`: base64 text here, bytes from botocore), is never written by the engine.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["attach"]

_READS = ("GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems")


def attach(client: Any) -> Any:
    for operation in _READS:
        client.meta.events.register(f"before-parse.dynamodb.{operation}", _decode)
    return client


def _decode(response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any) -> None:
    body = response_dict.get("body")
    if response_dict.get("status_code", 500) >= 300 or not body:
        return
    customized_response_dict.update(json.loads(body))
    response_dict["body"] = b"{}"

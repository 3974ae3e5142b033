"""The pieces of a rate-limited answer: Twenty's newest 429 body and headers (docs/api.md §8.2).

REST gets `{"statusCode":429,"error":"RATE_LIMITED","messages":[...],"limit":…,"remaining":0,
"retryAfterSeconds":n}`; GraphQL (/graphql, /metadata) gets the same facts as one GraphQL error
with `extensions.code = "RATE_LIMITED"`, also with HTTP 429. Both carry `Retry-After` and
`X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (unix seconds = now + the wait,
as Twenty's build-rate-limit-response-headers computes it).
"""

from __future__ import annotations

import math
from typing import Any

from .buckets import Verdict

__all__ = ["RATE_LIMITED", "rate_limited_body", "graphql_rate_limited_body", "rate_limit_headers", "usage_headers"]

RATE_LIMITED = "RATE_LIMITED"


def rate_limited_body(verdict: Verdict) -> dict[str, Any]:
    return {
        "statusCode": 429,
        "error": RATE_LIMITED,
        "messages": [verdict.bucket.message],
        "limit": verdict.bucket.limit,
        "remaining": 0,
        "retryAfterSeconds": verdict.retry_after_seconds,
    }


def graphql_rate_limited_body(verdict: Verdict) -> dict[str, Any]:
    extensions = {
        "code": RATE_LIMITED,
        "limit": verdict.bucket.limit,
        "remaining": 0,
        "retryAfterSeconds": verdict.retry_after_seconds,
    }
    return {"errors": [{"message": verdict.bucket.message, "extensions": extensions}]}


def rate_limit_headers(verdict: Verdict, now_ms: int) -> dict[str, str]:
    """Headers of a 429."""
    seconds = verdict.retry_after_seconds
    return {
        "Retry-After": str(seconds),
        "X-RateLimit-Limit": str(verdict.bucket.limit),
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(math.ceil(now_ms / 1000) + seconds),
    }


def usage_headers(verdict: Verdict, now_ms: int) -> dict[str, str]:
    """Headers of a granted request (not sent by Twenty, which sets them on 429 only): the tokens
    left in the tightest bucket, and when that bucket is full again."""
    return {
        "X-RateLimit-Limit": str(verdict.bucket.limit),
        "X-RateLimit-Remaining": str(verdict.remaining),
        "X-RateLimit-Reset": str(math.ceil((now_ms + verdict.reset_after_ms) / 1000)),
    }

"""Per-workspace rate limits: Twenty's token buckets (buckets), their 429 answer (responses),
the DynamoDB-backed check (limiter) and the ASGI middleware that applies it (middleware)."""

from .buckets import DEFAULT_LIMITS, BucketLimit, Limits, Verdict

__all__ = ["DEFAULT_LIMITS", "BucketLimit", "Limits", "Verdict"]

from tenantapi.limits.buckets import BucketLimit, Verdict
from tenantapi.limits.responses import graphql_rate_limited_body, rate_limit_headers, rate_limited_body, usage_headers

LONG = BucketLimit(100, 60_000)
NOW = 1_750_000_000_400  # ms


def test_the_429_body_is_the_contracts():
    verdict = Verdict(False, LONG, 0, 600, 60_000)
    assert rate_limited_body(verdict) == {
        "statusCode": 429,
        "error": "RATE_LIMITED",
        "messages": ["Limit reached (100 tokens per 60000 ms)"],
        "limit": 100,
        "remaining": 0,
        "retryAfterSeconds": 1,
    }


def test_the_429_headers_give_the_wait_and_its_end_in_unix_seconds():
    verdict = Verdict(False, LONG, 0, 2_500, 60_000)
    assert rate_limit_headers(verdict, NOW) == {
        "Retry-After": "3",
        "X-RateLimit-Limit": "100",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(1_750_000_001 + 3),
    }


def test_graphql_gets_one_error_with_code_rate_limited_and_the_same_facts():
    verdict = Verdict(False, BucketLimit(100, 1_000), 0, 10, 1_000)
    assert graphql_rate_limited_body(verdict) == {
        "errors": [
            {
                "message": "Limit reached (100 tokens per 1000 ms)",
                "extensions": {"code": "RATE_LIMITED", "limit": 100, "remaining": 0, "retryAfterSeconds": 1},
            }
        ]
    }


def test_usage_headers_of_a_grant_say_tokens_left_and_when_the_bucket_is_full():
    verdict = Verdict(True, LONG, 42, 0, 34_800)
    assert usage_headers(verdict, NOW) == {
        "X-RateLimit-Limit": "100",
        "X-RateLimit-Remaining": "42",
        "X-RateLimit-Reset": str(-(-(NOW + 34_800) // 1000)),
    }

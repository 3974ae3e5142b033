"""A Lambda TOKEN authorizer as API Gateway runs it: identity check, call, cache, policy.

API Gateway caches the authorizer's whole answer (policy, context, usage key) per token for
ReauthorizeEvery seconds and evaluates the cached policy against each request's own methodArn,
so one decision serves every route that its policy covers.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any

from tenantapi_tools.local.api_model import AuthorizerSpec

__all__ = [
    "AuthorizerDecision",
    "AuthorizerResult",
    "Verdict",
    "TokenAuthorizer",
    "evaluate_policy",
    "parse_authorizer_output",
]

# The exact error message with which an authorizer asks API Gateway for a 401.
_UNAUTHORIZED_MESSAGE = "Unauthorized"
# The action a REST API policy statement must grant.
_INVOKE_ACTION = "execute-api:Invoke"
_MAX_CACHE_ENTRIES = 10_000


class Verdict(Enum):
    ALLOW = "ALLOW"
    EXPLICIT_DENY = "EXPLICIT_DENY"
    IMPLICIT_DENY = "IMPLICIT_DENY"  # no statement allows this methodArn
    UNAUTHORIZED = "UNAUTHORIZED"  # no usable token, or the authorizer raised "Unauthorized"
    CONFIGURATION_ERROR = "CONFIGURATION_ERROR"  # the authorizer failed or answered malformed output


class MalformedAuthorizerOutput(ValueError):
    pass


@dataclass(frozen=True)
class AuthorizerDecision:
    """What the authorizer answered, in the form API Gateway keeps (and caches) it."""

    principal_id: str
    statements: tuple[Mapping[str, Any], ...]
    context: Mapping[str, str | None]  # values stringified, as the integration receives them
    usage_identifier_key: str | None


@dataclass(frozen=True)
class AuthorizerResult:
    verdict: Verdict
    decision: AuthorizerDecision | None = None
    latency_ms: int = 0

    def request_context(self) -> dict[str, Any] | None:
        """`requestContext.authorizer` of the proxy event."""
        if self.decision is None:
            return None
        return {
            **self.decision.context,
            "principalId": self.decision.principal_id,
            "integrationLatency": self.latency_ms,
        }


class TokenAuthorizer:
    def __init__(
        self,
        spec: AuthorizerSpec,
        invoke: Callable[[dict[str, Any]], Any],
        *,
        ttl_seconds: float,
        clock: Callable[[], float],
        is_unauthorized: Callable[[BaseException], bool] | None = None,
    ) -> None:
        """`invoke` calls the authorizer function with an event and returns its result or raises."""
        self.spec = spec
        self._invoke = invoke
        self._ttl = ttl_seconds
        self._clock = clock
        self._is_unauthorized = is_unauthorized or (lambda error: str(error) == _UNAUTHORIZED_MESSAGE)
        self._cache: dict[str, tuple[float, AuthorizerDecision]] = {}
        self._lock = threading.Lock()

    def authorize(self, headers: Mapping[str, str], method_arn: str) -> AuthorizerResult:
        """`headers` keyed by lower-case name."""
        token = headers.get(self.spec.header.lower())
        # API Gateway answers UNAUTHORIZED itself, without calling the authorizer, when the identity
        # header is missing or empty or does not match ValidationExpression.
        if not token:
            return AuthorizerResult(Verdict.UNAUTHORIZED)
        if self.spec.validation_expression is not None and not self.spec.validation_expression.fullmatch(token):
            return AuthorizerResult(Verdict.UNAUTHORIZED)

        decision = self._cached(token)
        latency_ms = 0
        if decision is None:
            started = time.perf_counter()
            try:
                output = self._invoke({"type": "TOKEN", "authorizationToken": token, "methodArn": method_arn})
                decision = parse_authorizer_output(output)
            except MalformedAuthorizerOutput:
                return AuthorizerResult(Verdict.CONFIGURATION_ERROR)
            except Exception as error:  # noqa: BLE001 - every failure of the function is an answer here
                verdict = Verdict.UNAUTHORIZED if self._is_unauthorized(error) else Verdict.CONFIGURATION_ERROR
                return AuthorizerResult(verdict)
            latency_ms = round((time.perf_counter() - started) * 1000)
            self._store(token, decision)

        verdict = {
            "Allow": Verdict.ALLOW,
            "Deny": Verdict.EXPLICIT_DENY,
            None: Verdict.IMPLICIT_DENY,
        }[evaluate_policy(decision.statements, method_arn)]
        return AuthorizerResult(verdict, decision, latency_ms)

    def _cached(self, token: str) -> AuthorizerDecision | None:
        if self._ttl <= 0:
            return None
        with self._lock:
            entry = self._cache.get(token)
            if entry is None:
                return None
            if self._clock() >= entry[0]:
                del self._cache[token]
                return None
            return entry[1]

    def _store(self, token: str, decision: AuthorizerDecision) -> None:
        # Only answers are cached: failures and "Unauthorized" are asked again next time.
        if self._ttl <= 0:
            return
        with self._lock:
            now = self._clock()
            if len(self._cache) >= _MAX_CACHE_ENTRIES:
                self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
            self._cache[token] = (now + self._ttl, decision)


def parse_authorizer_output(output: Any) -> AuthorizerDecision:
    if not isinstance(output, Mapping):
        raise MalformedAuthorizerOutput("the authorizer output is not an object")
    principal_id = output.get("principalId")
    policy = output.get("policyDocument")
    if not isinstance(principal_id, str) or not isinstance(policy, Mapping):
        raise MalformedAuthorizerOutput("principalId and policyDocument are required")
    statements = policy.get("Statement")
    if isinstance(statements, Mapping):
        statements = [statements]
    if not isinstance(statements, list) or not all(isinstance(s, Mapping) for s in statements):
        raise MalformedAuthorizerOutput("policyDocument.Statement must be a list of statements")
    for statement in statements:
        if statement.get("Effect") not in ("Allow", "Deny"):
            raise MalformedAuthorizerOutput("a statement's Effect must be Allow or Deny")
    context = output.get("context") or {}
    if not isinstance(context, Mapping):
        raise MalformedAuthorizerOutput("context must be an object")
    key = output.get("usageIdentifierKey")
    if key is not None and not isinstance(key, str):
        raise MalformedAuthorizerOutput("usageIdentifierKey must be a string")
    return AuthorizerDecision(
        principal_id=principal_id,
        statements=tuple(statements),
        context={name: _context_value(value) for name, value in context.items()},
        usage_identifier_key=key,
    )


def _context_value(value: Any) -> str | None:
    # API Gateway accepts only string, number and boolean context values (an object or array is a
    # configuration error) and hands them to the integration stringified: 123 -> "123", True -> "true".
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise MalformedAuthorizerOutput("context values must be strings, numbers or booleans")


def evaluate_policy(statements: tuple[Mapping[str, Any], ...], method_arn: str) -> str | None:
    """"Deny", "Allow" or None (no statement applies): an explicit Deny wins over any Allow."""
    effects = {
        statement["Effect"]
        for statement in statements
        if _any_matches(statement.get("Action"), _INVOKE_ACTION, case_sensitive=False)
        and _any_matches(statement.get("Resource"), method_arn, case_sensitive=True)
    }
    if "Deny" in effects:
        return "Deny"
    return "Allow" if "Allow" in effects else None


def _any_matches(patterns: Any, value: str, *, case_sensitive: bool) -> bool:
    if isinstance(patterns, str):
        patterns = [patterns]
    if not isinstance(patterns, list):
        return False
    return any(isinstance(p, str) and _wildcard(p, case_sensitive).fullmatch(value) for p in patterns)


@lru_cache(maxsize=1024)
def _wildcard(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    # IAM wildcards: "*" any run of characters (including "/"), "?" exactly one character.
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(regex, 0 if case_sensitive else re.IGNORECASE)

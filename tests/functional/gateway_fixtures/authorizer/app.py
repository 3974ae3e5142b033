"""TOKEN authorizer for the gateway tests: the token after "Bearer " names the answer."""

from __future__ import annotations

from typing import Any

# Counts this module's invocations; each gateway loads its own copy of the module.
_invocations = 0

_KEYS = {"good": "key-good", "tight": "key-tight", "quota": "key-quota", "orphan": "key-orphan"}


def _policy(effect: str, resource: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
    }


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    global _invocations
    _invocations += 1
    token = event["authorizationToken"].removeprefix("Bearer ")
    # Every route of the API and stage, as the real authorizer allows: arn:...:api/stage/*/*
    every_route = "/".join(event["methodArn"].split("/")[:2]) + "/*/*"
    if token == "boom":
        raise RuntimeError("the key store is unreachable")
    if token == "nope":
        raise Exception("Unauthorized")
    if token == "malformed":
        return {"allowed": True}
    if token == "nested":
        return {"principalId": "p", "policyDocument": _policy("Allow", every_route), "context": {"a": {"b": 1}}}
    if token == "bad":
        return {
            "principalId": "unknown",
            "policyDocument": _policy("Deny", every_route),
            "context": {"reason": "API key revoked"},
        }
    if token == "narrow":
        return {
            "principalId": "narrow",
            "policyDocument": _policy("Allow", event["methodArn"]),
            "usageIdentifierKey": "key-good",
        }
    answer: dict[str, Any] = {
        "principalId": f"principal-{token}",
        "policyDocument": _policy("Allow", every_route),
        "context": {
            "workspaceId": "ws-1",
            "invocation": _invocations,
            "admin": True,
            "ratio": 0.5,
            "eventType": event["type"],
            "methodArn": event["methodArn"],
        },
    }
    if token in _KEYS:
        answer["usageIdentifierKey"] = _KEYS[token]
    return answer

"""The TOKEN authorizer's decision (docs/api.md §2.1-2.2).

A valid key gets an Allow for every route of the API (API Gateway caches one policy per token and
reuses it across routes, so a per-route policy would refuse other routes at random), the
workspace's usage key as `usageIdentifierKey`, and a context the functions read. Any other token
gets a Deny whose context carries the reason; the ACCESS_DENIED gateway response renders it as the
contract's 401 body. Never raise "Unauthorized": that is API Gateway's missing-token path.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerResponse,
    APIGatewayAuthorizerTokenEvent,
)

from .keys import KeyStore

__all__ = ["authorize_token_event", "bearer_secret"]


def bearer_secret(header: str | None) -> str | None:
    """The secret of an `Authorization: Bearer <secret>` header, or None."""
    if not header:
        return None
    scheme, _, secret = header.strip().partition(" ")
    secret = secret.strip()
    return secret if scheme.lower() == "bearer" and secret else None


def authorize_token_event(event: dict[str, Any], keys: KeyStore | None = None) -> dict[str, Any]:
    token_event = APIGatewayAuthorizerTokenEvent(event)
    secret = bearer_secret(token_event.authorization_token)
    check = (keys or KeyStore()).check(secret) if secret else None
    if check is None or check.key is None:
        reason = check.reason if check else "Token invalid."
        response = APIGatewayAuthorizerResponse.from_route_arn(
            token_event.method_arn, principal_id="anonymous", context={"reason": reason}
        )
        response.deny_all_routes()
        return response.asdict()
    key = check.key
    response = APIGatewayAuthorizerResponse.from_route_arn(
        token_event.method_arn,
        principal_id=key.id,
        context={"workspaceId": key.workspace_id, "keyId": key.id, "keyName": key.name, "role": key.role},
        # A console key's usage-plan identity is its own value (the administrator attached it).
        usage_identifier_key=key.usage_identifier(secret),
    )
    response.allow_all_routes()
    return response.asdict()

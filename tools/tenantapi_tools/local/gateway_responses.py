"""The responses API Gateway answers itself (gateway responses), default or customised.

A customised type uses its own status, templates and headers; a type without one falls back to a
customised DEFAULT_4XX / DEFAULT_5XX, and then to API Gateway's default. Templates are not VTL:
API Gateway does plain `$context.*` substitution in gateway response templates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import NamedTuple

from tenantapi_tools.local.api_model import GatewayResponseSpec

__all__ = ["GatewayResponseType", "DEFAULT_TEMPLATE", "render_gateway_response"]

# API Gateway's default body for every gateway response type.
DEFAULT_TEMPLATE = '{"message":$context.error.messageString}'


class GatewayResponseType(NamedTuple):
    name: str
    status: int
    message: str | None  # $context.error.message
    error_type: str | None  # the x-amzn-ErrorType header API Gateway adds, where it is known


MISSING_AUTHENTICATION_TOKEN = GatewayResponseType(
    "MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token", "MissingAuthenticationTokenException"
)
UNAUTHORIZED = GatewayResponseType("UNAUTHORIZED", 401, "Unauthorized", "UnauthorizedException")
ACCESS_DENIED_EXPLICIT = GatewayResponseType(
    "ACCESS_DENIED", 403, "User is not authorized to access this resource with an explicit deny", "AccessDeniedException"
)
ACCESS_DENIED_IMPLICIT = GatewayResponseType(
    "ACCESS_DENIED", 403, "User is not authorized to access this resource", "AccessDeniedException"
)
# An authorizer that raises (other than "Unauthorized"), times out or answers malformed output:
# API Gateway answers 500 {"message": null} with x-amzn-ErrorType AuthorizerConfigurationException.
AUTHORIZER_CONFIGURATION_ERROR = GatewayResponseType(
    "AUTHORIZER_CONFIGURATION_ERROR", 500, None, "AuthorizerConfigurationException"
)
INVALID_API_KEY = GatewayResponseType("INVALID_API_KEY", 403, "Forbidden", "ForbiddenException")
THROTTLED = GatewayResponseType("THROTTLED", 429, "Too Many Requests", "TooManyRequestsException")
QUOTA_EXCEEDED = GatewayResponseType("QUOTA_EXCEEDED", 429, "Limit Exceeded", "LimitExceededException")
REQUEST_TOO_LARGE = GatewayResponseType("REQUEST_TOO_LARGE", 413, "Request Too Long", None)
INTEGRATION_TIMEOUT = GatewayResponseType("INTEGRATION_TIMEOUT", 504, "Endpoint request timed out", None)
# A Lambda proxy integration that fails or answers malformed output: 502 "Internal server error",
# customisable only through DEFAULT_5XX.
INTEGRATION_ERROR = GatewayResponseType("DEFAULT_5XX", 502, "Internal server error", "InternalServerErrorException")

_VARIABLE = re.compile(r"\$!?(\{)?context\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)(?(1)\})")


def render_gateway_response(
    response_type: GatewayResponseType,
    customised: Mapping[str, GatewayResponseSpec],
    variables: Mapping[str, str | None],
    request_value: Callable[[str], str | None],
) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body of a gateway response.

    `variables` holds `$context.*` values without the prefix (`requestId`, `authorizer.reason`);
    `error.message`, `error.messageString` and `error.responseType` are filled in here.
    `request_value` resolves `method.request.header.X` style header mappings.
    """
    own = customised.get(response_type.name)
    family = customised.get("DEFAULT_4XX" if response_type.status < 500 else "DEFAULT_5XX")

    # A DEFAULT_4XX/5XX status code replaces the default status of every type of its family
    # that has no status of its own.
    status = (own and own.status_code) or (family and family.status_code) or response_type.status
    templates = (own and own.templates) or (family and family.templates) or {"application/json": DEFAULT_TEMPLATE}
    header_mappings = (own.headers if own else None) or (family.headers if family else None) or {}

    media_type = "application/json" if "application/json" in templates else next(iter(templates))
    context = {
        **variables,
        "error.message": response_type.message,
        # The quoted form of the message, "null" when there is none (API Gateway's {"message": null}).
        "error.messageString": json.dumps(response_type.message),
        "error.responseType": response_type.name,
    }
    body = _substitute(templates[media_type], context)

    headers: list[tuple[str, str]] = [("Content-Type", media_type)]
    if response_type.error_type:
        headers.append(("x-amzn-ErrorType", response_type.error_type))
    for name, mapping in header_mappings.items():
        value = _header_value(mapping, context, request_value)
        if value is not None:
            headers.append((name, value))
    return int(status), headers, body.encode("utf-8")


def _substitute(template: str, context: Mapping[str, str | None]) -> str:
    # An unknown or empty variable renders as the empty string.
    return _VARIABLE.sub(lambda m: context.get(m.group(2)) or "", template)


def _header_value(
    mapping: str, context: Mapping[str, str | None], request_value: Callable[[str], str | None]
) -> str | None:
    # Header mappings are either a static value in single quotes or a request/context reference.
    if len(mapping) >= 2 and mapping.startswith("'") and mapping.endswith("'"):
        return mapping[1:-1]
    if mapping.startswith("context."):
        return context.get(mapping.removeprefix("context."))
    if mapping.startswith("method.request."):
        return request_value(mapping.removeprefix("method.request."))
    return None

"""The REST API Lambda proxy integration (payload 1.0): request to event, result to response."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import time
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

from tenantapi_tools.local.routes import RouteMatch

__all__ = ["HttpRequest", "MalformedProxyResponse", "build_proxy_event", "proxy_response"]

_ACCOUNT = "123456789012"
# Hop-by-hop and framing headers of a Lambda result that the HTTP layer owns.
_FRAMING_HEADERS = {"content-length", "transfer-encoding", "connection", "keep-alive"}


class HttpRequest(NamedTuple):
    method: str
    path: str  # as sent, percent-encoded, without the query string
    query: str
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str


class MalformedProxyResponse(ValueError):
    pass


def build_proxy_event(
    request: HttpRequest,
    match: RouteMatch,
    *,
    stage: str,
    api_id: str,
    request_id: str,
    extended_request_id: str,
    authorizer: Mapping[str, Any] | None,
    api_key: str | None,
    api_key_id: str | None,
    binary_media_types: Sequence[str],
) -> dict[str, Any]:
    headers, multi_headers = _single_and_multi(request.headers)
    # API Gateway decodes query strings for REST APIs; a key without "=" has the value "".
    query, multi_query = _single_and_multi(parse_qsl(request.query, keep_blank_values=True))
    lower = {name.lower(): value for name, value in headers.items()}
    body, is_base64 = _event_body(request.body, lower.get("content-type", ""), binary_media_types)
    now = time.time()
    resource = match.route.path
    request_context: dict[str, Any] = {
        "resourceId": _resource_id(resource),
        "resourcePath": resource,
        "httpMethod": request.method,
        "extendedRequestId": extended_request_id,
        "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
        "path": f"/{stage}{request.path}",
        "accountId": _ACCOUNT,
        "protocol": "HTTP/1.1",
        "stage": stage,
        "requestTimeEpoch": int(now * 1000),
        "requestId": request_id,
        "identity": {
            "cognitoIdentityPoolId": None,
            "accountId": None,
            "cognitoIdentityId": None,
            "caller": None,
            "sourceIp": request.source_ip,
            "principalOrgId": None,
            "accessKey": None,
            "cognitoAuthenticationType": None,
            "cognitoAuthenticationProvider": None,
            "userArn": None,
            "userAgent": lower.get("user-agent"),
            "user": None,
            "apiKey": api_key,
            "apiKeyId": api_key_id,
        },
        "domainName": lower.get("host", "localhost"),
        "apiId": api_id,
    }
    if authorizer is not None:
        request_context["authorizer"] = dict(authorizer)
    # API Gateway sends null, not {}, for absent headers, query strings and path parameters.
    return {
        "resource": resource,
        "path": request.path,
        "httpMethod": request.method,
        "headers": headers or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": match.path_parameters or None,
        "stageVariables": None,
        "requestContext": request_context,
        "body": body,
        "isBase64Encoded": is_base64,
    }


def proxy_response(result: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body from a proxy result; MalformedProxyResponse where API Gateway
    answers 502 "Malformed Lambda proxy response"."""
    if not isinstance(result, Mapping):
        raise MalformedProxyResponse("the result is not an object")
    status = result.get("statusCode")
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise MalformedProxyResponse("statusCode must be an HTTP status code")
    body = result.get("body")
    if body is not None and not isinstance(body, str):
        raise MalformedProxyResponse("body must be a string")
    if result.get("isBase64Encoded"):
        try:
            payload = base64.b64decode(body or "", validate=True)
        except binascii.Error as error:
            raise MalformedProxyResponse("body is not valid base64") from error
    else:
        payload = (body or "").encode("utf-8")

    multi = result.get("multiValueHeaders") or {}
    single = result.get("headers") or {}
    if not isinstance(multi, Mapping) or not isinstance(single, Mapping):
        raise MalformedProxyResponse("headers and multiValueHeaders must be objects")
    headers: list[tuple[str, str]] = []
    for name, values in multi.items():
        if not isinstance(values, list):
            raise MalformedProxyResponse("multiValueHeaders values must be lists")
        headers.extend((str(name), _header_text(value)) for value in values)
    # API Gateway merges headers into multiValueHeaders; a pair present in both appears once.
    present = {(name.lower(), value) for name, value in headers}
    for name, value in single.items():
        if (str(name).lower(), _header_text(value)) not in present:
            headers.append((str(name), _header_text(value)))
    headers = [(name, value) for name, value in headers if name.lower() not in _FRAMING_HEADERS]
    # REST APIs answer application/json when the integration sets no Content-Type.
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))
    return status, headers, payload


def _single_and_multi(pairs: Sequence[tuple[str, str]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    # The single-value map keeps the last value of a repeated name; the multi-value map keeps all.
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        single[name] = value
        multi.setdefault(name, []).append(value)
    return single, multi


def _event_body(body: bytes, content_type: str, binary_media_types: Sequence[str]) -> tuple[str | None, bool]:
    if not body:
        return None, False
    # API Gateway base64-encodes a body whose Content-Type is one of the API's binary media types.
    if _is_binary(content_type, binary_media_types):
        return base64.b64encode(body).decode("ascii"), True
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:
        # API Gateway would pass such bytes as (mangled) text; base64 keeps them intact here.
        return base64.b64encode(body).decode("ascii"), True


def _is_binary(content_type: str, binary_media_types: Sequence[str]) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    for pattern in binary_media_types:
        pattern = pattern.lower()
        if pattern == "*/*" or pattern == media or (pattern.endswith("/*") and media.startswith(pattern[:-1])):
            return True
    return False


def _header_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return json.dumps(value)
    raise MalformedProxyResponse("header values must be strings, numbers or booleans")


def _resource_id(resource_path: str) -> str:
    # Resource ids are 6 lowercase alphanumerics; derived from the path so they stay stable.
    digest = hashlib.sha256(resource_path.encode()).hexdigest()
    return digest[:6]

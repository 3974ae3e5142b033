"""API Gateway (REST API) in front of the template's functions: `sam local start-api` without Docker.

A request goes through the same steps as on AWS, from the same template.yaml: route to a method,
TOKEN authorizer (identity check, call, cache, policy), API key and usage plan (throttle, quota),
Lambda proxy event, the function's own handler, and back to HTTP. Every refusal along the way is
the API's gateway response of that type. `LocalGateway.handle` is the whole of it without a
socket; `serve` puts it behind a threaded HTTP server.
"""

from __future__ import annotations

import hashlib
import secrets
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

from tenantapi_tools.local import gateway_responses as responses
from tenantapi_tools.local.api_model import RestApiSpec, TemplateError, load_api_model
from tenantapi_tools.local.function_environment import ProcessEnvironment, process_environment
from tenantapi_tools.local.gateway_responses import GatewayResponseType, render_gateway_response
from tenantapi_tools.local.http_server import GatewayHTTPServer, Response, serve
from tenantapi_tools.local.lambda_runtime import FunctionError, FunctionTimeout, LocalFunction, WorkerPool
from tenantapi_tools.local.proxy_events import HttpRequest, MalformedProxyResponse, build_proxy_event, proxy_response
from tenantapi_tools.local.routes import RouteTable
from tenantapi_tools.local.token_authorizer import AuthorizerResult, TokenAuthorizer, Verdict
from tenantapi_tools.local.usage_plans import Admission, UsagePlanMeter

__all__ = ["LocalGateway", "serve", "serving", "DEFAULT_USAGE_PLAN"]

DEFAULT_USAGE_PLAN = "DefaultUsagePlan"
_REGION = "us-east-1"
_ACCOUNT = "123456789012"
# API Gateway's maximum request payload for REST APIs (10 MB).
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024
# API Gateway's default integration timeout for REST APIs (29 s).
INTEGRATION_TIMEOUT_SECONDS = 29.0


_VERDICT_RESPONSES: dict[Verdict, GatewayResponseType] = {
    Verdict.UNAUTHORIZED: responses.UNAUTHORIZED,
    Verdict.EXPLICIT_DENY: responses.ACCESS_DENIED_EXPLICIT,
    Verdict.IMPLICIT_DENY: responses.ACCESS_DENIED_IMPLICIT,
    Verdict.CONFIGURATION_ERROR: responses.AUTHORIZER_CONFIGURATION_ERROR,
}
_ADMISSION_RESPONSES: dict[Admission, GatewayResponseType] = {
    Admission.THROTTLED: responses.THROTTLED,
    Admission.QUOTA_EXCEEDED: responses.QUOTA_EXCEEDED,
}


def _every_key_in_default_plan(api_key: str) -> str | None:
    return DEFAULT_USAGE_PLAN


class _Refusal(Exception):
    """A gateway response ends the request."""

    def __init__(self, response_type: GatewayResponseType) -> None:
        super().__init__(response_type.name)
        self.response_type = response_type


class LocalGateway:
    def __init__(
        self,
        template_path: str | Path,
        *,
        parameter_overrides: Mapping[str, str] | None = None,
        key_plans: Callable[[str], str | None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`parameter_overrides` (parameter name -> value) replace the template's defaults, as
        `sam deploy --parameter-overrides` does, for the gateway and the functions alike: e.g.
        {"AuthorizerTtlSeconds": "0"} turns the authorizer cache off, {"StageName": "dev"} serves
        the stage "dev".

        `key_plans` says which usage plan (logical id) an API key value is attached to, which the
        template cannot say since keys are created at run time; by default every key is in
        `DefaultUsagePlan`. `clock` drives the authorizer cache and the usage plan meters.

        The functions' environment (function_environment.py) is applied to this process here,
        before any invocation, and taken back by `close`.
        """
        self.model = load_api_model(template_path, parameter_overrides=parameter_overrides)
        self.environment = ProcessEnvironment(process_environment(self.model.functions))
        self._routes = RouteTable(self.model.routes)
        self._pool = WorkerPool()
        self._functions = {fid: LocalFunction(spec, self._pool) for fid, spec in self.model.functions.items()}
        self._authorizers: dict[tuple[str, str], TokenAuthorizer] = {}
        for api in self.model.apis.values():
            for name, spec in api.authorizers.items():
                if spec.function_id not in self._functions:
                    raise TemplateError(f"{api.logical_id}.{name}: FunctionArn names no function of this template")
                self._authorizers[(api.logical_id, name)] = TokenAuthorizer(
                    spec,
                    self._functions[spec.function_id].invoke,
                    ttl_seconds=spec.ttl_seconds,
                    clock=clock,
                )
        self._meters = {api.logical_id: UsagePlanMeter(api.usage_plans, clock) for api in self.model.apis.values()}
        self._key_plans = key_plans or _every_key_in_default_plan
        # A request that reaches no API still needs gateway responses: those of the only API.
        apis = list(self.model.apis.values())
        self._fallback_api = apis[0] if len(apis) == 1 else None
        self._log_lock = threading.Lock()
        self.environment.apply()

    def __enter__(self) -> LocalGateway:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Stop the function worker threads and take the functions' environment back."""
        self._pool.close()
        self.environment.restore()

    def handle(
        self,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str] | list[tuple[str, str]],
        body: bytes,
        *,
        source_ip: str = "127.0.0.1",
    ) -> Response:
        """Answer one request as API Gateway would: `path` as sent (percent-encoded), `query`
        without the "?"."""
        started = time.perf_counter()
        pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
        request = HttpRequest(method.upper(), path or "/", query.removeprefix("?"), pairs, body, source_ip)
        request_id = str(uuid.uuid4())
        extended_id = secrets.token_urlsafe(12)
        status, out_headers, out_body = self._respond(request, request_id, extended_id)
        # API Gateway tags every response with its request ids.
        out_headers = [("x-amzn-RequestId", request_id), ("x-amz-apigw-id", extended_id), *out_headers]
        self._log(request, status, started)
        return status, out_headers, out_body

    def _respond(self, request: HttpRequest, request_id: str, extended_id: str) -> Response:
        lower = {name.lower(): value for name, value in request.headers}
        api = self._fallback_api
        stage = api.stage_name if api else ""
        variables: dict[str, str | None] = {
            "requestId": request_id,
            "extendedRequestId": extended_id,
            "stage": stage,
            "httpMethod": request.method,
            "path": f"/{stage}{request.path}",
            "identity.sourceIp": request.source_ip,
            "identity.userAgent": lower.get("user-agent"),
        }

        def refuse(response_type: GatewayResponseType) -> Response:
            customised = api.gateway_responses if api else {}
            return render_gateway_response(response_type, customised, variables, lambda ref: _request_value(ref, request, lower))

        if len(request.body) > MAX_PAYLOAD_BYTES:
            return refuse(responses.REQUEST_TOO_LARGE)
        match = self._routes.match(request.method, request.path)
        if match is None:
            return refuse(responses.MISSING_AUTHENTICATION_TOKEN)
        route = match.route
        api = self.model.apis[route.api_logical_id]
        stage = api.stage_name
        variables.update({"apiId": api.api_id, "resourcePath": route.path, "stage": stage, "path": f"/{stage}{request.path}"})
        method_arn = f"arn:aws:execute-api:{_REGION}:{_ACCOUNT}:{api.api_id}/{stage}/{request.method}/{request.path.lstrip('/')}"

        try:
            authorized = self._authorize(api, route.authorizer, lower, method_arn, variables)
            api_key = self._admit(api, authorized, lower) if route.api_key_required else None
        except _Refusal as refusal:
            return refuse(refusal.response_type)

        event = build_proxy_event(
            request._replace(headers=_forwarded(request, lower)),
            match,
            stage=stage,
            api_id=api.api_id,
            request_id=request_id,
            extended_request_id=extended_id,
            authorizer=authorized.request_context() if authorized else None,
            api_key=api_key,
            api_key_id=_api_key_id(api_key) if api_key else None,
            binary_media_types=api.binary_media_types,
        )
        function = self._functions[route.function_id]
        try:
            result = function.invoke(event, wait_seconds=INTEGRATION_TIMEOUT_SECONDS)
            return proxy_response(result)
        except FunctionTimeout:
            # Past the integration timeout API Gateway gives up (504); a function that times out
            # before it is a failed invocation (502).
            timed_out_first = function.spec.timeout_seconds < INTEGRATION_TIMEOUT_SECONDS
            return refuse(responses.INTEGRATION_ERROR if timed_out_first else responses.INTEGRATION_TIMEOUT)
        except FunctionError:
            return refuse(responses.INTEGRATION_ERROR)
        except MalformedProxyResponse as error:
            print(f"[{route.function_id}] Malformed Lambda proxy response: {error}", file=sys.stderr)
            return refuse(responses.INTEGRATION_ERROR)

    def _authorize(
        self,
        api: RestApiSpec,
        authorizer_name: str | None,
        lower_headers: Mapping[str, str],
        method_arn: str,
        variables: dict[str, str | None],
    ) -> AuthorizerResult | None:
        if authorizer_name is None:
            return None
        result = self._authorizers[(api.logical_id, authorizer_name)].authorize(lower_headers, method_arn)
        context = result.request_context()
        if context:
            # The authorizer's context is $context.authorizer.* in gateway responses, denials included.
            variables.update({f"authorizer.{key}": None if v is None else str(v) for key, v in context.items()})
        if result.verdict is not Verdict.ALLOW:
            raise _Refusal(_VERDICT_RESPONSES[result.verdict])
        return result

    def _admit(self, api: RestApiSpec, authorized: AuthorizerResult | None, lower_headers: Mapping[str, str]) -> str:
        # ApiKeySourceType AUTHORIZER: the key is the authorizer's usageIdentifierKey; HEADER: x-api-key.
        if api.api_key_source == "AUTHORIZER":
            api_key = authorized.decision.usage_identifier_key if authorized and authorized.decision else None
        else:
            api_key = lower_headers.get("x-api-key")
        plan = self._key_plans(api_key) if api_key else None
        # A missing key, or one in no usage plan of this API, is INVALID_API_KEY.
        if api_key is None or plan is None or plan not in api.usage_plans:
            raise _Refusal(responses.INVALID_API_KEY)
        admission = self._meters[api.logical_id].admit(plan, api_key)
        if admission is not Admission.ADMITTED:
            raise _Refusal(_ADMISSION_RESPONSES[admission])
        return api_key

    def _log(self, request: HttpRequest, status: int, started: float) -> None:
        # One line per request; the query string, headers and keys stay out of it.
        elapsed_ms = (time.perf_counter() - started) * 1000
        with self._log_lock:
            print(f"{request.method} {request.path} {status} {elapsed_ms:.1f}ms", file=sys.stderr, flush=True)


@contextmanager
def serving(template_path: str | Path, host: str = "127.0.0.1", port: int = 0, **options: Any) -> Iterator[GatewayHTTPServer]:
    """A LocalGateway on `template_path` (`options` as its constructor takes them) served on
    host:port (0: any free port) for the block; then the server is shut down and the functions'
    environment taken back."""
    with LocalGateway(template_path, **options) as gateway:
        server = serve(gateway, host, port)
        try:
            yield server
        finally:
            server.shutdown()


def _forwarded(request: HttpRequest, lower: Mapping[str, str]) -> list[tuple[str, str]]:
    # API Gateway appends the caller to X-Forwarded-For, sets X-Forwarded-Proto/Port and adds a trace id.
    owned = {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-port", "x-amzn-trace-id"}
    headers = [(name, value) for name, value in request.headers if name.lower() not in owned]
    forwarded_for = lower.get("x-forwarded-for")
    host = lower.get("host", "")
    port = host.rsplit(":", 1)[1] if ":" in host else "80"
    trace = f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)}"
    return [
        *headers,
        ("X-Amzn-Trace-Id", trace),
        ("X-Forwarded-For", f"{forwarded_for}, {request.source_ip}" if forwarded_for else request.source_ip),
        ("X-Forwarded-Port", port),
        ("X-Forwarded-Proto", "http"),
    ]


def _request_value(reference: str, request: HttpRequest, lower: Mapping[str, str]) -> str | None:
    # Gateway response header mappings may read method.request.header.X / querystring.X.
    kind, _, name = reference.partition(".")
    if kind == "header":
        return lower.get(name.lower())
    if kind == "querystring":
        return dict(parse_qsl(request.query, keep_blank_values=True)).get(name)
    return None


def _api_key_id(api_key: str) -> str:
    # The key's id (not its value) as API Gateway reports it; a digest keeps it stable.
    return hashlib.sha256(api_key.encode()).hexdigest()[:10]

"""What API Gateway is configured to do, read from a SAM template.

Routes come from `AWS::Serverless::Function` events of `Type: Api`; authorizers, gateway responses
and key settings from the `AWS::Serverless::Api` they point at (merged over `Globals.Api`); usage
plans from `AWS::ApiGateway::UsagePlan` resources whose `ApiStages` name that API; each function's
settings, environment and layers from its properties merged over `Globals.Function` as SAM merges
them. Intrinsics are resolved by intrinsics.Resolver with the template's parameter values (their
defaults, or overrides as `sam deploy --parameter-overrides` gives them). Everything here is data:
nothing is imported or invoked.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tenantapi_tools.local.iam import FunctionPolicy, function_policies
from tenantapi_tools.local.intrinsics import Resolver, function_arn
from tenantapi_tools.local.tables import table_names
from tenantapi_tools.local.template import TemplateError, load_template, resources_of_type

__all__ = [
    "ApiModel",
    "AuthorizerSpec",
    "FunctionSpec",
    "GatewayResponseSpec",
    "QuotaSpec",
    "RestApiSpec",
    "RouteSpec",
    "TemplateError",
    "ThrottleSpec",
    "UsagePlanSpec",
    "load_api_model",
]

# SAM names the API it creates for events without RestApiId "ServerlessRestApi".
IMPLICIT_API = "ServerlessRestApi"
# Lambda's default function timeout and memory when the template sets none.
_LAMBDA_DEFAULT_TIMEOUT = 3.0
_LAMBDA_DEFAULT_MEMORY = 128
# The stage SAM deploys its implicit API to.
_SAM_IMPLICIT_STAGE = "Prod"
# SAM's default ReauthorizeEvery for Lambda authorizers.
_SAM_DEFAULT_REAUTHORIZE_EVERY = 300.0


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    code_dir: Path
    handler: str  # "app.handler": module path, then the attribute
    runtime: str
    timeout_seconds: float
    memory_mb: int
    # Environment.Variables as Lambda gives them to the function: Globals' and its own, resolved.
    environment: Mapping[str, str] = field(default_factory=dict)
    layers: tuple[str, ...] = ()  # as resolved: a layer of this template is its logical id
    # What its role may do with DynamoDB (iam.py); None for a function not read from a template.
    policy: FunctionPolicy | None = None


@dataclass(frozen=True)
class AuthorizerSpec:
    name: str
    function_id: str
    header: str
    validation_expression: re.Pattern[str] | None
    ttl_seconds: float


@dataclass(frozen=True)
class RouteSpec:
    path: str  # the resource path as written in the template, e.g. "/rest/{proxy+}"
    method: str  # an HTTP method, or "ANY"
    function_id: str
    api_logical_id: str
    authorizer: str | None
    api_key_required: bool


@dataclass(frozen=True)
class GatewayResponseSpec:
    status_code: int | None
    templates: Mapping[str, str]
    headers: Mapping[str, str]  # header name -> mapping expression ("'static'", "method.request.header.X")


@dataclass(frozen=True)
class ThrottleSpec:
    rate_limit: float
    burst_limit: int


@dataclass(frozen=True)
class QuotaSpec:
    limit: int
    period: str  # DAY | WEEK | MONTH
    offset: int


@dataclass(frozen=True)
class UsagePlanSpec:
    logical_id: str
    throttle: ThrottleSpec | None
    quota: QuotaSpec | None


@dataclass(frozen=True)
class RestApiSpec:
    logical_id: str
    api_id: str  # the id that appears in ARNs and in requestContext.apiId
    stage_name: str  # the stage it is deployed to (StageName; SAM's implicit API: "Prod")
    api_key_source: str  # HEADER | AUTHORIZER
    authorizers: Mapping[str, AuthorizerSpec]
    gateway_responses: Mapping[str, GatewayResponseSpec]
    usage_plans: Mapping[str, UsagePlanSpec]
    binary_media_types: tuple[str, ...]
    default_authorizer: str | None
    api_key_required: bool


@dataclass(frozen=True)
class ApiModel:
    template_dir: Path
    functions: Mapping[str, FunctionSpec]
    apis: Mapping[str, RestApiSpec]
    routes: tuple[RouteSpec, ...] = field(default_factory=tuple)


def load_api_model(template_path: str | Path, *, parameter_overrides: Mapping[str, str] | None = None) -> ApiModel:
    """The template's API and functions; `parameter_overrides` (name -> value) replace parameters'
    defaults. TemplateError for anything the local stack cannot take as the template says."""
    path = Path(template_path).resolve()
    template = load_template(path)
    # A table's Ref is its name, which locally is the one the tables were created with.
    resolver = Resolver(template, parameter_overrides=parameter_overrides, resource_names=table_names())
    globals_ = template.get("Globals") or {}
    function_globals = globals_.get("Function") or {}
    api_globals = globals_.get("Api") or {}

    policies = function_policies(template, resolver.value)
    functions: dict[str, FunctionSpec] = {}
    events: list[_ApiEvent] = []
    for logical_id, resource in resources_of_type(template, "AWS::Serverless::Function").items():
        if not resolver.exists(logical_id):
            continue  # its Condition is false: CloudFormation does not create it
        props = _with_function_globals(function_globals, resource.get("Properties") or {})
        spec = _function_spec(logical_id, props, path.parent, resolver)
        functions[logical_id] = replace(spec, policy=policies[logical_id])
        for event_name, event in (props.get("Events") or {}).items():
            if event.get("Type") == "Api":
                events.append(_api_event(logical_id, event_name, event.get("Properties") or {}, resolver))

    explicit_apis = resources_of_type(template, "AWS::Serverless::Api")
    apis: dict[str, RestApiSpec] = {}
    for api_logical_id in sorted({event.api_logical_id for event in events}):
        if api_logical_id == IMPLICIT_API:
            api_props: dict[str, Any] = dict(api_globals)
        elif api_logical_id in explicit_apis:
            api_props = {**api_globals, **(explicit_apis[api_logical_id].get("Properties") or {})}
        else:
            raise TemplateError(f"RestApiId {api_logical_id!r} is not an AWS::Serverless::Api of this template")
        apis[api_logical_id] = _api_spec(api_logical_id, api_props, template, resolver)

    resolved = tuple(_route_spec(event, apis[event.api_logical_id], resolver) for event in events)
    seen: set[tuple[str, str]] = set()
    for route in resolved:
        if (route.path, route.method) in seen:
            raise TemplateError(f"two events declare {route.method} {route.path}")
        seen.add((route.path, route.method))
    return ApiModel(template_dir=path.parent, functions=functions, apis=apis, routes=resolved)


def _function_spec(logical_id: str, props: Mapping[str, Any], base: Path, resolver: Resolver) -> FunctionSpec:
    code_uri = resolver.value(props.get("CodeUri"), f"{logical_id}.CodeUri")
    handler = resolver.value(props.get("Handler"), f"{logical_id}.Handler")
    if not isinstance(code_uri, str) or not isinstance(handler, str):
        # Functions without a local CodeUri/Handler (S3 code, images) cannot be loaded here; they
        # only fail if a route points at them.
        code_uri, handler = "", ""
    return FunctionSpec(
        logical_id=logical_id,
        code_dir=(base / code_uri).resolve() if code_uri else base,
        handler=handler,
        runtime=str(resolver.value(props.get("Runtime", ""), f"{logical_id}.Runtime")),
        timeout_seconds=float(resolver.value(props.get("Timeout", _LAMBDA_DEFAULT_TIMEOUT), f"{logical_id}.Timeout")),
        memory_mb=int(resolver.value(props.get("MemorySize", _LAMBDA_DEFAULT_MEMORY), f"{logical_id}.MemorySize")),
        environment=_environment(logical_id, props, resolver),
        layers=tuple(str(layer) for layer in resolver.value(props.get("Layers") or [], f"{logical_id}.Layers") or ()),
    )


def _with_function_globals(function_globals: Mapping[str, Any], props: Mapping[str, Any]) -> dict[str, Any]:
    # SAM merges Globals into a function: its own value replaces a global one, but lists (Layers)
    # are appended to the global list and Environment.Variables are merged key by key.
    merged = {**function_globals, **props}
    if "Layers" in function_globals and "Layers" in props:
        merged["Layers"] = [*function_globals["Layers"], *props["Layers"]]
    if "Environment" in function_globals and "Environment" in props:
        variables = {
            **((function_globals["Environment"] or {}).get("Variables") or {}),
            **((props["Environment"] or {}).get("Variables") or {}),
        }
        merged["Environment"] = {**function_globals["Environment"], **props["Environment"], "Variables": variables}
    return merged


def _environment(logical_id: str, props: Mapping[str, Any], resolver: Resolver) -> dict[str, str]:
    variables = ((props.get("Environment") or {}).get("Variables")) or {}
    environment: dict[str, str] = {}
    for name, raw in variables.items():
        what = f"{logical_id}.Environment.Variables.{name}"
        value = resolver.value(raw, what)
        if value is None:
            continue  # !Ref AWS::NoValue: the variable is not set
        # Lambda's variables are strings; CloudFormation writes a YAML number or boolean as text.
        if isinstance(value, bool):
            value = "true" if value else "false"
        if not isinstance(value, (str, int, float)):
            raise TemplateError(f"{what}: resolves to {value!r}, not a string")
        environment[str(name)] = str(value)
    return environment


_UNSET: Any = object()


@dataclass(frozen=True)
class _ApiEvent:
    """One `Type: Api` event as written; its Auth is applied once the API's defaults are known."""

    function_id: str
    path: str
    method: str
    api_logical_id: str
    authorizer: Any  # _UNSET: the API's DefaultAuthorizer
    api_key_required: Any  # _UNSET: the API's Auth.ApiKeyRequired


def _api_event(function_id: str, event_name: str, props: Mapping[str, Any], resolver: Resolver) -> _ApiEvent:
    what = f"{function_id}.Events.{event_name}"
    path = resolver.value(props.get("Path"), f"{what}.Path")
    method = resolver.value(props.get("Method"), f"{what}.Method")
    if not isinstance(path, str) or not isinstance(method, str):
        raise TemplateError(f"{what}: Path and Method are required")
    method = method.upper()
    # OpenAPI's spelling of ANY, which SAM also accepts.
    if method == "X-AMAZON-APIGATEWAY-ANY-METHOD":
        method = "ANY"
    api = props.get("RestApiId")
    auth = props.get("Auth") or {}
    return _ApiEvent(
        function_id=function_id,
        path="/" + path.strip("/"),
        method=method,
        api_logical_id=str(resolver.value(api, f"{what}.RestApiId")) if api is not None else IMPLICIT_API,
        authorizer=auth.get("Authorizer", _UNSET),
        api_key_required=auth.get("ApiKeyRequired", _UNSET),
    )


def _route_spec(event: _ApiEvent, api: RestApiSpec, resolver: Resolver) -> RouteSpec:
    what = f"{event.method} {event.path}"
    authorizer = api.default_authorizer if event.authorizer is _UNSET else resolver.value(event.authorizer, what)
    # SAM: `Authorizer: NONE` on an event turns the API's default authorizer off for that method.
    if authorizer == "AWS_IAM":
        raise TemplateError(f"{what}: AWS_IAM authorization is not emulated")
    if authorizer in (None, "NONE"):
        authorizer = None
    elif authorizer not in api.authorizers:
        raise TemplateError(f"{what}: {authorizer!r} is not a Lambda TOKEN authorizer of {api.logical_id}")
    key_required = api.api_key_required if event.api_key_required is _UNSET else resolver.value(event.api_key_required, what)
    return RouteSpec(
        path=event.path,
        method=event.method,
        function_id=event.function_id,
        api_logical_id=event.api_logical_id,
        authorizer=authorizer,
        api_key_required=_boolean(key_required),
    )


def _boolean(value: Any) -> bool:
    # Template parameters arrive as strings ("true"), literals as YAML booleans.
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _api_spec(logical_id: str, props: Mapping[str, Any], template: Mapping[str, Any], resolver: Resolver) -> RestApiSpec:
    auth = props.get("Auth") or {}
    authorizers: dict[str, AuthorizerSpec] = {}
    for name, spec in (auth.get("Authorizers") or {}).items():
        if "FunctionArn" not in spec:
            continue  # Cognito and IAM authorizers: refused when a route uses one.
        payload = str(resolver.value(spec.get("FunctionPayloadType", "TOKEN"), f"{logical_id}.{name}"))
        if payload != "TOKEN":
            raise TemplateError(f"{logical_id}.{name}: only TOKEN Lambda authorizers are emulated")
        identity = spec.get("Identity") or {}
        expression = resolver.value(identity.get("ValidationExpression"), f"{logical_id}.{name}.ValidationExpression")
        authorizers[name] = AuthorizerSpec(
            name=name,
            function_id=_function_of(resolver.value(spec["FunctionArn"], f"{logical_id}.{name}.FunctionArn")),
            # SAM: a TOKEN authorizer reads the Authorization header unless Identity.Header says otherwise.
            header=str(resolver.value(identity.get("Header", "Authorization"), f"{logical_id}.{name}.Header")),
            validation_expression=re.compile(expression) if expression else None,
            ttl_seconds=float(resolver.value(identity.get("ReauthorizeEvery", _SAM_DEFAULT_REAUTHORIZE_EVERY), f"{logical_id}.{name}.ReauthorizeEvery")),
        )
    responses = {
        response_type: _gateway_response(spec, resolver, f"{logical_id}.GatewayResponses.{response_type}")
        for response_type, spec in (props.get("GatewayResponses") or {}).items()
    }
    for resource_id, resource in resources_of_type(template, "AWS::ApiGateway::GatewayResponse").items():
        rprops = resource.get("Properties") or {}
        if resolver.value(rprops.get("RestApiId"), f"{resource_id}.RestApiId") == logical_id:
            responses[str(rprops["ResponseType"])] = _gateway_response(rprops, resolver, resource_id)
    media_types = tuple(
        # SAM writes "/" as "~1" in BinaryMediaTypes (a JSON-pointer escape).
        str(resolver.value(media, f"{logical_id}.BinaryMediaTypes")).replace("~1", "/")
        for media in props.get("BinaryMediaTypes") or ()
    )
    return RestApiSpec(
        logical_id=logical_id,
        api_id=_api_id(logical_id),
        stage_name=str(resolver.value(props.get("StageName", _SAM_IMPLICIT_STAGE), f"{logical_id}.StageName")),
        api_key_source=str(resolver.value(props.get("ApiKeySourceType", "HEADER"), f"{logical_id}.ApiKeySourceType")),
        authorizers=authorizers,
        gateway_responses=responses,
        usage_plans=_usage_plans(logical_id, template, resolver),
        binary_media_types=media_types,
        default_authorizer=resolver.value(auth.get("DefaultAuthorizer"), f"{logical_id}.DefaultAuthorizer"),
        api_key_required=_boolean(resolver.value(auth.get("ApiKeyRequired", False), f"{logical_id}.ApiKeyRequired")),
    )


def _function_of(arn: Any) -> str:
    # The function a local ARN names (intrinsics.function_arn); anything else is kept as written,
    # and the gateway refuses it as naming no function of the template.
    prefix = function_arn("")
    return str(arn).removeprefix(prefix)


def _gateway_response(spec: Mapping[str, Any], resolver: Resolver, what: str) -> GatewayResponseSpec:
    status = resolver.value(spec.get("StatusCode"), f"{what}.StatusCode")
    headers: dict[str, str] = {}
    for key, value in (spec.get("ResponseParameters") or {}).items():
        if key == "Headers":  # SAM's form: {Headers: {Name: "'value'"}}
            headers.update({name: str(resolver.value(v, what)) for name, v in value.items()})
        elif key.startswith("gatewayresponse.header."):  # CloudFormation's form
            headers[key.removeprefix("gatewayresponse.header.")] = str(resolver.value(value, what))
    templates = {media: str(resolver.value(body, what)) for media, body in (spec.get("ResponseTemplates") or {}).items()}
    return GatewayResponseSpec(status_code=int(status) if status is not None else None, templates=templates, headers=headers)


def _usage_plans(api_logical_id: str, template: Mapping[str, Any], resolver: Resolver) -> dict[str, UsagePlanSpec]:
    plans: dict[str, UsagePlanSpec] = {}
    for logical_id, resource in resources_of_type(template, "AWS::ApiGateway::UsagePlan").items():
        props = resource.get("Properties") or {}
        stages = props.get("ApiStages") or []
        if not any(resolver.value(stage.get("ApiId"), f"{logical_id}.ApiStages") == api_logical_id for stage in stages):
            continue
        throttle = props.get("Throttle")
        quota = props.get("Quota")
        plans[logical_id] = UsagePlanSpec(
            logical_id=logical_id,
            throttle=ThrottleSpec(
                rate_limit=float(resolver.value(throttle["RateLimit"], logical_id)),
                burst_limit=int(resolver.value(throttle["BurstLimit"], logical_id)),
            ) if throttle else None,
            quota=QuotaSpec(
                limit=int(resolver.value(quota["Limit"], logical_id)),
                period=str(resolver.value(quota["Period"], logical_id)),
                offset=int(resolver.value(quota.get("Offset", 0), logical_id)),
            ) if quota else None,
        )
    return plans


def _api_id(logical_id: str) -> str:
    # API Gateway ids are 10 lowercase alphanumerics; a digest keeps ours stable across restarts.
    digest = hashlib.sha256(logical_id.encode()).digest()
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(alphabet[b % len(alphabet)] for b in digest[:10])

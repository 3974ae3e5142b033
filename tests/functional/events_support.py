"""The sample events of events/ and the functions of template.yaml that receive them.

`invoke(function, event)` does what `sam local invoke <Function> -e events/<file>.json` does in
process: it imports the function's handler file (CodeUri + Handler of the template) under a module
name of its own and calls the handler with the event and a Lambda context.

The files hold fixed example values where a real event carries ids that exist only once a
workspace does (its id, a key, a person, an object). `prepare` makes those things in the current
DynamoDB (moto or DynamoDB Local) and returns the event with the example values replaced, in
memory; the files stay valid events as they are.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from tenantapi.auth.keys import ApiKey, KeyStore
from tenantapi.storage.dynamo import client
from tenantapi.workspaces import create_workspace
from tenantapi_tools.local.api_model import ApiModel, load_api_model
from tenantapi_tools.local.iam import acting_as
from tenantapi_tools.local.template import DEFAULT_TEMPLATE

__all__ = [
    "AUTHORIZER_FUNCTION",
    "KEY_SYNC_FUNCTION",
    "EVENTS_DIR",
    "ENV_VARS_FILE",
    "EXAMPLE",
    "FUNCTION_BY_PREFIX",
    "ProxyAnswer",
    "Tenant",
    "api_model",
    "create_companies",
    "event_files",
    "event_names",
    "function_of",
    "invoke",
    "load_event",
    "new_tenant",
    "prepare",
    "proxy_answer",
    "substitute",
]

EVENTS_DIR = DEFAULT_TEMPLATE.parent / "events"
# The `--env-vars` file of the README's commands: not an event.
ENV_VARS_FILE = EVENTS_DIR / "env_vars.json"

AUTHORIZER_FUNCTION = "AuthorizerFunction"
# Receives EventBridge events (API Gateway key calls via CloudTrail), not API Gateway's.
KEY_SYNC_FUNCTION = "KeySyncFunction"
# Which function of template.yaml an event file is for, by the start of its name.
FUNCTION_BY_PREFIX = {
    "authorizer_": AUTHORIZER_FUNCTION,
    "core_": "CoreApiFunction",
    "metadata_": "MetadataApiFunction",
    "key_sync_": KEY_SYNC_FUNCTION,
}


class EXAMPLE:
    """The example values of the files (events/README.md lists what stands for what)."""

    WORKSPACE_ID = "7f0b5c1e-3a52-4a8e-9d77-2f1c0e4b8a10"
    KEY_ID = "c2d4e6f8-1a3b-4c5d-8e7f-9a0b1c2d3e4f"
    KEY_NAME = "Local invoke"
    USAGE_KEY = "EXAMPLEusageKey-0123456789abcdefghijklmnopqr"
    SECRET = "tak_EXAMPLEsecret-0123456789abcdefghijklmnopqrs"
    PERSON_ID = "5a8e2b1c-9f4d-4e3a-b7c6-0d1e2f3a4b5c"
    OBJECT_METADATA_ID = "e3c1a9b7-5d2f-4a6e-8b0c-1f2e3d4c5b6a"


# -- the files -------------------------------------------------------------------------------


def event_files() -> list[Path]:
    return sorted(path for path in EVENTS_DIR.glob("*.json") if path != ENV_VARS_FILE)


def event_names(function: str | None = None, *, exclude: str | None = None) -> list[str]:
    """Event file names, optionally only those of one function or all but one function's."""
    names = [path.name for path in event_files()]
    if function is not None:
        names = [name for name in names if function_of(name) == function]
    if exclude is not None:
        names = [name for name in names if function_of(name) != exclude]
    return names


def function_of(name: str) -> str | None:
    """The logical id of the function an event file is for, or None for an unknown prefix."""
    return next((function for prefix, function in FUNCTION_BY_PREFIX.items() if name.startswith(prefix)), None)


def load_event(name: str) -> dict[str, Any]:
    event = json.loads((EVENTS_DIR / name).read_text(encoding="utf-8"))
    assert isinstance(event, dict), f"{name} is not a JSON object"
    return event


def substitute(value: Any, replacements: dict[str, str]) -> Any:
    """A deep copy of `value` in which every string has each key of `replacements` replaced (in
    paths, path parameters, headers, the body's JSON text, ...)."""
    if isinstance(value, str):
        for old, new in replacements.items():
            value = value.replace(old, new)
        return value
    if isinstance(value, dict):
        return {key: substitute(item, replacements) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, replacements) for item in value]
    return copy.deepcopy(value)


# -- the functions ---------------------------------------------------------------------------


@cache
def api_model() -> ApiModel:
    return load_api_model(DEFAULT_TEMPLATE)


@cache
def _handler(function: str) -> Callable[[dict[str, Any], Any], Any]:
    spec = api_model().functions[function]
    module_name, _, attribute = spec.handler.rpartition(".")
    path = spec.code_dir / (module_name.replace(".", "/") + ".py")
    unique = f"_events_{function}_{module_name.replace('.', '_')}"
    loader = importlib.util.spec_from_file_location(unique, path)
    assert loader is not None and loader.loader is not None, f"cannot import {path}"
    module: ModuleType = importlib.util.module_from_spec(loader)
    sys.modules[unique] = module
    loader.loader.exec_module(module)
    return getattr(module, attribute)  # type: ignore[no-any-return]


class LambdaContext:
    """The attributes of the context object the Python runtime passes to a handler."""

    def __init__(self, function: str) -> None:
        spec = api_model().functions[function]
        self.function_name = f"tenantapi-{function}"
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{self.function_name}"
        self.memory_limit_in_mb = str(spec.memory_mb)
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = "2025/11/27/[$LATEST]0123456789abcdef0123456789abcdef"
        self._timeout_ms = int(spec.timeout_seconds * 1000)

    def get_remaining_time_in_millis(self) -> int:
        return self._timeout_ms


def invoke(function: str, event: dict[str, Any]) -> Any:
    """The function's answer to the event; the event passes through JSON first, as it does on
    its way to a Lambda function. Its DynamoDB calls are held to its role's policy, as on AWS."""
    handler = _handler(function)
    with acting_as(api_model().functions[function].policy, client()):
        return handler(json.loads(json.dumps(event)), LambdaContext(function))


@dataclass(frozen=True)
class ProxyAnswer:
    status: int
    headers: dict[str, str]  # lower-case names
    body: Any  # the JSON body


def proxy_answer(result: Any) -> ProxyAnswer:
    """A Lambda proxy result read as API Gateway reads it (payload format 1.0)."""
    assert isinstance(result, dict), result
    assert isinstance(result.get("statusCode"), int), result
    assert result.get("isBase64Encoded") is False, result
    assert isinstance(result.get("body"), str), result
    headers: dict[str, str] = {}
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers[name.lower()] = ", ".join(values)
    for name, value in (result.get("headers") or {}).items():
        headers.setdefault(name.lower(), value)
    return ProxyAnswer(result["statusCode"], headers, json.loads(result["body"]))


# -- a workspace for the events --------------------------------------------------------------


@dataclass(frozen=True)
class Tenant:
    workspace_id: str
    usage_key: str
    key: ApiKey
    secret: str

    def replacements(self) -> dict[str, str]:
        return {
            EXAMPLE.WORKSPACE_ID: self.workspace_id,
            EXAMPLE.KEY_ID: self.key.id,
            EXAMPLE.USAGE_KEY: self.usage_key,
            EXAMPLE.SECRET: self.secret,
        }


def new_tenant(name: str = "events") -> Tenant:
    """A workspace (standard objects seeded) and an Admin key named as in the events."""
    head = create_workspace(f"{name}-{uuid.uuid4().hex[:8]}")
    key, secret = KeyStore().create(head.id, role="Admin", name=EXAMPLE.KEY_NAME, usage_key=head.usage_key)
    return Tenant(head.id, head.usage_key, key, secret)


def prepare(event: dict[str, Any], tenant: Tenant) -> dict[str, Any]:
    """The event for `tenant`: its ids in place of the example ones; the person and the object
    that the event names are made first."""
    text = json.dumps(event)
    replacements = tenant.replacements()
    if EXAMPLE.PERSON_ID in text:
        replacements[EXAMPLE.PERSON_ID] = _create_from_event(tenant, "core_create_person.json", "createPerson")
    if EXAMPLE.OBJECT_METADATA_ID in text:
        replacements[EXAMPLE.OBJECT_METADATA_ID] = _create_from_event(tenant, "metadata_create_object.json", "createOneObject")
    return substitute(event, replacements)  # type: ignore[no-any-return]


def _create_from_event(tenant: Tenant, name: str, operation: str) -> str:
    function = function_of(name)
    assert function is not None
    answer = proxy_answer(invoke(function, prepare(load_event(name), tenant)))
    assert answer.status == 201, (name, answer.body)
    return str(answer.body["data"][operation]["id"])


def create_companies(tenant: Tenant, names: Iterable[str]) -> list[dict[str, Any]]:
    """Companies made through the engine (not through an event)."""
    from tenantapi.api.context import Caller, workspace_of
    from tenantapi.auth.roles import role_named
    from tenantapi.records.service import RecordService

    role = role_named(tenant.key.role)
    assert role is not None
    ws = workspace_of(Caller(tenant.workspace_id, tenant.key.id, tenant.key.name, role))
    companies = ws.schema.active_object_by_plural("companies")
    assert companies is not None
    service = RecordService()
    return [service.create_one(ws, companies, {"name": name}) for name in names]

"""Schemathesis against the local gateway, with the workspace's own OpenAPI documents.

Each document is loaded from the running gateway for a fresh workspace (standard records and a
custom object with a field of every creatable type, so reads find data and the document covers
every value schema). Every operation is called with what schemathesis generates from it, valid
and invalid: no 5xx, every status, content type and body as the document declares, every 4xx in
the contract's error body (docs/api.md §4.1). A second, positive pass binds the `{id}` path
parameter, the bulk `filter` and a new field's object to items that exist, so updates, bulk
operations and field creation are checked past the 404 a random id meets.

Bounded for CI: a fixed number of examples per operation, derandomized, no deadline, no
shrinking (a failure shows the request that failed, with a curl line). The workspace is on the pro
plan with its own high rate limit (`set_workspace_limits`, the per-workspace setting the functions
read) and requests are paced under the plan's throttle, so the run measures the API rather than
its limits; a 429 fails the run. This module's gateway and workspace serve no other test.

Schemathesis drives Hypothesis directly here (`APIOperation.as_strategy`): its pytest
integration for schemas made by fixtures (`schemathesis.pytest.from_fixture`) does not run on
pytest 9.2.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from tenantapi.auth.keys import KeyStore
from tenantapi.limits.buckets import BucketLimit
from tenantapi.limits.limiter import set_workspace_limits
from tenantapi.usage_plans import UsageKeyPlans, set_plan
from tenantapi.workspaces import create_workspace
from tenantapi_tools.local.gateway import serving
from tenantapi_tools.local.template import DEFAULT_TEMPLATE

MAX_EXAMPLES = 5
SEED = 20240601
# ProUsagePlan's throttle refills 20 requests a second (burst 200): stay below it.
RATE_LIMIT = "18/s"

# The custom object: one field of every type a client can create (metadata/field_types.py).
GADGET_FIELDS: list[dict[str, Any]] = [
    {"name": "count", "type": "NUMBER", "settings": {"dataType": "int"}},
    {"name": "weight", "type": "NUMBER"},
    {"name": "serial", "type": "NUMBER", "settings": {"dataType": "bigint"}},
    {"name": "ratio", "type": "NUMERIC"},
    {"name": "enabled", "type": "BOOLEAN"},
    {"name": "launchDate", "type": "DATE"},
    {"name": "launchedAt", "type": "DATE_TIME"},
    {"name": "externalId", "type": "UUID"},
    {"name": "rating", "type": "RATING"},
    {"name": "status", "type": "SELECT", "options": [{"label": "New", "value": "NEW"}, {"label": "Done", "value": "DONE"}],
     "defaultValue": "'NEW'", "isNullable": False},
    {"name": "colors", "type": "MULTI_SELECT", "options": [{"label": "Red", "value": "RED"}, {"label": "Blue", "value": "BLUE"}]},
    {"name": "tags", "type": "ARRAY"},
    {"name": "payload", "type": "RAW_JSON"},
    {"name": "owner", "type": "FULL_NAME"},
    {"name": "contactEmails", "type": "EMAILS"},
    {"name": "contactPhones", "type": "PHONES"},
    {"name": "website", "type": "LINKS"},
    {"name": "price", "type": "CURRENCY"},
    {"name": "location", "type": "ADDRESS"},
    {"name": "notes", "type": "RICH_TEXT"},
]


@dataclass(frozen=True)
class Workspace:
    secret: str
    # plural -> ids of records of that object: the first for bulk operations, the last for the
    # operations on one record (a bulk delete must not take the other's record first)
    records: dict[str, list[str]]
    gadget_id: str  # the custom object
    gadget_field_id: str  # one of its fields
    company_id: str  # the company object (a relation target)


@pytest.fixture(scope="module")
def url(dynamodb_local) -> Iterator[str]:
    with serving(DEFAULT_TEMPLATE, key_plans=UsageKeyPlans()) as server:
        yield server.url


@pytest.fixture(scope="module")
def workspace(url) -> Workspace:
    from tenantapi.storage.dynamo import reset_client

    reset_client()
    head = create_workspace(f"fuzz-{uuid.uuid4().hex[:10]}")
    set_plan(head, "pro")
    set_workspace_limits(head.id, long=BucketLimit(1_000_000, 60_000), short=BucketLimit(10_000, 1_000))
    _, secret = KeyStore().create(head.id, role="Admin", name="schemathesis", usage_key=head.usage_key)
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {secret}"}, timeout=30) as client:
        return _seed(client, secret)


def _seed(client: httpx.Client, secret: str) -> Workspace:
    def post(path: str, body: Any) -> dict[str, Any]:
        response = client.post(path, json=body)
        assert response.status_code == 201, response.text
        return next(iter(response.json()["data"].values()))

    objects = {o["nameSingular"]: o for o in client.get("/rest/metadata/objects").json()["data"]["objects"]}
    gadget = post("/rest/metadata/objects", {"nameSingular": "gadget", "namePlural": "gadgets",
                                             "labelSingular": "Gadget", "labelPlural": "Gadgets"})
    fields = [post("/rest/metadata/fields", {"objectMetadataId": gadget["id"], "label": f["name"].capitalize(), **f})
              for f in GADGET_FIELDS]
    post("/rest/metadata/fields", {
        "objectMetadataId": gadget["id"], "type": "RELATION", "name": "maker", "label": "Maker",
        "relationCreationPayload": {"type": "MANY_TO_ONE", "targetObjectMetadataId": objects["company"]["id"],
                                    "targetFieldLabel": "Gadgets", "targetFieldName": "gadgets"},
    })

    records: dict[str, list[str]] = {}

    def seed(plural: str, body: dict[str, Any]) -> str:
        record_id = post(f"/rest/{plural}", body)["id"]
        records.setdefault(plural, []).append(record_id)
        return record_id

    for i in range(2):
        company = seed("companies", {"name": f"Company {i}", "employees": 10 * i})
        person = seed("people", {"name": {"firstName": f"Ada{i}", "lastName": "Lovelace"}, "city": "London", "companyId": company})
        seed("opportunities", {"name": f"Deal {i}", "companyId": company, "pointOfContactId": person})
        seed("gadgets", {"name": f"Gadget {i}", "count": i, "status": "DONE", "makerId": company})
        note = seed("notes", {"title": f"Note {i}"})
        task = seed("tasks", {"title": f"Task {i}"})
        seed("noteTargets", {"noteId": note, "companyId": company})
        seed("taskTargets", {"taskId": task, "personId": person})
    return Workspace(secret, records, gadget["id"], fields[0]["id"], objects["company"]["id"])


def _load(url: str, workspace: Workspace, kind: str) -> schemathesis.BaseSchema:
    response = httpx.get(f"{url}/rest/open-api/{kind}", headers={"Authorization": f"Bearer {workspace.secret}"}, timeout=30)
    assert response.status_code == 200, response.text
    config = schemathesis.Config.from_dict({"seed": SEED, "rate-limit": RATE_LIMIT})
    return schemathesis.openapi.from_dict(response.json(), config=config)


def contract_error_body(ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case) -> bool | None:
    """A 4xx carries `{"statusCode": <the status>, "error": "<name>", "messages": ["…"]}`; a 429
    means the pacing or the workspace's limits are wrong, and the run would test nothing."""
    if not 400 <= response.status_code < 500:
        return None
    assert response.status_code != 429, "rate limited: this test must stay under the workspace's limits"
    body = response.json()
    assert isinstance(body, dict), body
    assert body.get("statusCode") == response.status_code, body
    assert isinstance(body.get("error"), str) and body["error"], body
    messages = body.get("messages")
    assert isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages), body
    return True


CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.check(contract_error_body),
]


def _has_inputs(operation: schemathesis.APIOperation) -> bool:
    raw = operation.definition.raw
    return bool(raw.get("parameters") or raw.get("requestBody"))


def _object_of(path: str) -> str:
    """`/people/{id}/restore`, `/batch/people` -> `people`."""
    parts = [p for p in path.split("/") if p]
    return parts[1] if parts[0] == "batch" else parts[0]


def _bound(kind: str, operation: schemathesis.APIOperation, ws: Workspace) -> dict[str, Any] | None:
    """as_strategy arguments that point the operation at items that exist, or None."""
    path, method = operation.path, operation.method.lower()
    if kind == "core":
        records = ws.records.get(_object_of(path))
        if not records:
            return None
        if "{id}" in path:
            return {"path_parameters": {"id": records[-1]}}
        if method in ("patch", "delete") or path.endswith("/restore"):
            return {"query": {"filter": f"id[eq]:{records[0]}"}}
        return None
    if path == "/objects/{id}":
        return {"path_parameters": {"id": ws.gadget_id}}
    if path == "/fields/{id}":
        return {"path_parameters": {"id": ws.gadget_field_id}}
    if path == "/fields" and method == "post":
        return {"map_body": lambda body: _on_gadget(body, ws)}
    return None


def _on_gadget(body: Any, ws: Workspace) -> Any:
    if isinstance(body, dict):
        body = {**body, "objectMetadataId": ws.gadget_id}
        payload = body.get("relationCreationPayload")
        if isinstance(payload, dict):
            body["relationCreationPayload"] = {**payload, "targetObjectMetadataId": ws.company_id}
    return body


def _run(strategy: Any, base_url: str, headers: dict[str, str]) -> None:
    @given(case=strategy)
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        # Each example is an HTTP call and some inputs are narrow (enums, UUIDs): the health
        # checks (too_slow, filter_too_much…) would judge the generator's speed, not the API.
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)

    run()


def _with_body(strategy: Any, map_body: Callable[[Any], Any]) -> Any:
    def apply(case: schemathesis.Case) -> schemathesis.Case:
        case.body = map_body(case.body)
        return case

    return strategy.map(apply)


def _fuzz(url: str, ws: Workspace, kind: str) -> None:
    """Every operation of the document: free, valid then invalid; then valid on existing items.
    All failures are collected and reported together."""
    schema = _load(url, ws, kind)
    headers = {"Authorization": f"Bearer {ws.secret}"}
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        # The document's own path has a server of its own (`<url>/rest`, not the API's base).
        servers = operation.definition.raw.get("servers") or schema.raw_schema["servers"]
        base_url = servers[0]["url"]
        bound = _bound(kind, operation, ws)
        passes: list[tuple[str, Any]] = [
            (mode.value, operation.as_strategy(generation_mode=mode)) for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        ]
        if bound is not None:
            map_body = bound.pop("map_body", None)
            strategy = operation.as_strategy(generation_mode=GenerationMode.POSITIVE, **bound)
            passes.append(("positive, existing items", _with_body(strategy, map_body) if map_body else strategy))
        for name, strategy in passes:
            try:
                _run(strategy, base_url, headers)
            except Unsatisfiable:
                # An operation without parameters or body (the document's own GET) has nothing
                # that can be made invalid: negative generation has no case to offer there.
                if name == "negative" and not _has_inputs(operation):
                    continue
                failures.append(f"{operation.label} ({name}): no case could be generated")
            except (Exception, FailureGroup) as error:  # every failure is collected and reported below
                failures.append(f"{operation.label} ({name}):\n{error}")
    assert operations > 1
    assert not failures, f"{len(failures)} failing:\n\n" + "\n\n".join(failures)


def test_core_api_conforms_to_its_document(url, workspace):
    _fuzz(url, workspace, "core")


def test_metadata_api_conforms_to_its_document(url, workspace):
    _fuzz(url, workspace, "metadata")

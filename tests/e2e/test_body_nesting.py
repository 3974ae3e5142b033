"""Deeply nested bodies and GraphQL documents: a 400 in the surface's own error shape, never a 5xx."""

import json
import uuid

import pytest

from tenantapi.limits.buckets import BucketLimit
from tenantapi.limits.limiter import set_workspace_limits
from tenantapi.usage_plans import set_plan
from tenantapi.workspaces import find_workspace

DEEP_ARRAY = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"a":' * 5000 + "1" + "}" * 5000
TOO_DEEP = "The body nests arrays and objects deeper than 64 levels; at most 64 are accepted"


@pytest.fixture(scope="module")
def tenant(new_tenant):
    tenant = new_tenant(f"nesting-{uuid.uuid4().hex[:8]}")
    # Some 90 requests in a few seconds: past the default plan's gateway burst and the functions'
    # 100 per minute when the machine is quick, and this module is about bodies, not limits. Set
    # before the first request: a function keeps a workspace's limits for a minute.
    set_plan(find_workspace(tenant.workspace_id), "pro")
    set_workspace_limits(tenant.workspace_id, long=BucketLimit(10_000, 60_000), short=BucketLimit(1_000, 1_000))
    company = tenant.client.post("/rest/companies", json={"name": "Acme"})
    assert company.status_code == 201, company.text
    role = tenant.client.post("/rest/metadata/roles", json={"label": f"Nesting {uuid.uuid4().hex[:6]}"})
    assert role.status_code == 201, role.text
    return tenant, company.json()["data"]["createCompany"]["id"], role.json()["data"]["createOneRole"]["id"]


def _routes(company_id: str, role_id: str, object_id: str, field_id: str) -> list[tuple[str, str]]:
    """Every route that reads a JSON body."""
    return [
        ("POST", "/rest/companies"),
        ("POST", "/rest/batch/companies"),
        ("PATCH", f"/rest/companies/{company_id}"),
        ("PUT", f"/rest/companies/{company_id}"),
        ("PATCH", "/rest/companies?filter=name[eq]:Nobody"),
        ("PATCH", "/rest/companies/merge"),
        ("POST", "/rest/metadata/objects"),
        ("PATCH", f"/rest/metadata/objects/{object_id}"),
        ("POST", "/rest/metadata/fields"),
        ("PATCH", f"/rest/metadata/fields/{field_id}"),
        ("POST", "/rest/metadata/apiKeys"),
        ("POST", "/rest/metadata/roles"),
        ("PATCH", f"/rest/metadata/roles/{role_id}"),
        ("POST", f"/rest/metadata/roles/{role_id}/objectPermissions"),
        ("POST", f"/rest/metadata/roles/{role_id}/permissionFlags"),
    ]


def _company_object(client) -> tuple[str, str]:
    objects = client.get("/rest/metadata/objects", params={"limit": 1000}).json()["data"]["objects"]
    company = next(o for o in objects if o["nameSingular"] == "company")
    return company["id"], next(f["id"] for f in company["fields"] if f["name"] == "name")


@pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_OBJECT], ids=["arrays", "objects"])
def test_a_deeply_nested_body_is_a_400_on_every_route_that_reads_json(tenant, body):
    tenant, company_id, role_id = tenant
    object_id, field_id = _company_object(tenant.client)
    for method, path in _routes(company_id, role_id, object_id, field_id):
        response = tenant.client.request(method, path, content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, (method, path, response.status_code, response.text)
        assert response.json() == {"statusCode": 400, "error": "BadRequestException", "messages": [TOO_DEEP]}, (method, path)


@pytest.mark.parametrize("path", ["/graphql", "/metadata"])
@pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_OBJECT], ids=["arrays", "objects"])
def test_a_deeply_nested_graphql_body_is_a_400_graphql_error(tenant, path, body):
    tenant, _, _ = tenant
    response = tenant.client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.json() == {"errors": [{"message": TOO_DEEP, "extensions": {"code": "BAD_USER_INPUT"}}]}


@pytest.mark.parametrize("path", ["/graphql", "/metadata"])
def test_deeply_nested_graphql_variables_are_a_400_graphql_error(tenant, path):
    tenant, _, _ = tenant
    query = "query($f: CompanyFilterInput) { companies(filter: $f) { totalCount } }" if path == "/graphql" else (
        "query($f: ObjectFilter) { objects(filter: $f) { totalCount } }"
    )
    deep_filter = '{"and":[' * 2500 + "{}" + "]}" * 2500
    body = f'{{"query": {json.dumps(query)}, "variables": {{"f": {deep_filter}}}}}'
    response = tenant.client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.json()["errors"] == [{"message": TOO_DEEP, "extensions": {"code": "BAD_USER_INPUT"}}]


def test_a_body_at_the_nesting_limit_is_read_and_one_past_it_is_refused(tenant):
    tenant, _, _ = tenant
    value: object = "x"
    for _ in range(64 - 1):  # the body object is the first level
        value = [value]
    at_limit = tenant.client.post("/rest/companies", json={"unknownField": value})
    assert at_limit.status_code == 400 and "unknownField" in at_limit.json()["messages"][0], at_limit.text
    past = tenant.client.post("/rest/companies", json={"unknownField": [value]})
    assert past.status_code == 400 and past.json()["messages"] == [TOO_DEEP]


@pytest.mark.parametrize("path", ["/graphql", "/metadata"])
@pytest.mark.parametrize("depth", [50, 99, 100, 150, 199, 200, 300, 1000, 5000])
@pytest.mark.parametrize("shape", ["selections", "list values", "object values", "list types"])
def test_a_deeply_nested_graphql_document_is_a_graphql_error_never_a_500(tenant, path, depth, shape):
    tenant, _, _ = tenant
    root = "companies" if path == "/graphql" else "objects"
    if shape == "selections":
        query = "{ " + f"{root} {{ " * depth + "id" + " }" * depth + " }"
    elif shape == "list values":
        query = f"{{ {root}(filter: {{id: {{in: {'[' * depth}1{']' * depth}}}}}) {{ totalCount }} }}"
    elif shape == "object values":
        query = f"{{ {root}(filter: {'{and: [' * depth}{{}}{']}' * depth}) {{ totalCount }} }}"
    else:
        query = f"query($v: {'[' * depth}Int{']' * depth}) {{ {root} {{ totalCount }} }}"
    response = tenant.client.post(path, json={"query": query})
    errors = response.json().get("errors") or []
    assert response.status_code < 500, (response.status_code, response.text[:500])
    assert all(e["extensions"]["code"] != "INTERNAL_SERVER_ERROR" for e in errors), errors[:2]
    if depth >= 1000:  # past any parser's reach: refused before validation
        assert response.status_code == 400 and errors[0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED", errors[:2]


def _nested_list(depth: int) -> object:
    value: object = 1
    for _ in range(depth):
        value = [value]
    return value


def test_a_raw_json_value_nested_past_what_dynamodb_stores_is_a_400(tenant):
    tenant, _, _ = tenant
    object_id, _ = _company_object(tenant.client)
    field = tenant.client.post(
        "/rest/metadata/fields", json={"objectMetadataId": object_id, "name": "blob", "label": "Blob", "type": "RAW_JSON"}
    )
    assert field.status_code == 201, field.text
    stored = tenant.client.post("/rest/companies", json={"name": "Deepest", "blob": _nested_list(31)})
    assert stored.status_code == 201, stored.text
    assert stored.json()["data"]["createCompany"]["blob"] == _nested_list(31)
    refused = tenant.client.post("/rest/companies", json={"name": "Too deep", "blob": _nested_list(32)})
    assert refused.status_code == 400, refused.text
    assert refused.json()["messages"][0].endswith("nested deeper than storage holds (32 levels, the field's own included)")
    # Inside a composite (createdBy.context), the composite's map is one of the 32 levels.
    actor = {"source": "API", "context": _nested_list(30)}
    assert tenant.client.post("/rest/companies", json={"name": "Actor", "createdBy": actor}).status_code == 201
    actor["context"] = _nested_list(31)
    refused = tenant.client.post("/rest/companies", json={"name": "Actor", "createdBy": actor})
    assert refused.status_code == 400, refused.text

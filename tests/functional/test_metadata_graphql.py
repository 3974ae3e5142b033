"""POST /metadata (Metadata GraphQL) through the metadata ASGI app, against moto's DynamoDB.

The API Gateway authorizer's context reaches the app as `scope["aws.event"]` (Mangum); a small
ASGI wrapper puts it there, as the gateway would.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # Starlette 1.x points its test client at httpx2; httpx (the dev dependency) still serves.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from tenantapi.api.metadata_app import create_metadata_app
from tenantapi.api.metadata_graphql.connection import connection
from tenantapi.auth.keys import KeyStore
from tenantapi.metadata.service import MetadataService
from tenantapi.storage import dynamo
from tenantapi.storage.metadata_store import MetadataStore
from tenantapi.workspaces import create_workspace

Asgi = Callable[..., Any]
Gql = Callable[..., tuple[int, dict[str, Any]]]


class WithAuthorizer:
    """Puts an authorizer context into each HTTP scope, as Mangum does with the gateway's event."""

    def __init__(self, app: Asgi, authorizer: dict[str, str] | None) -> None:
        self.app = app
        self.authorizer = authorizer

    async def __call__(self, scope: dict[str, Any], receive: Asgi, send: Asgi) -> None:
        if scope["type"] == "http" and self.authorizer is not None:
            scope = {**scope, "aws.event": {"requestContext": {"authorizer": self.authorizer}}}
        await self.app(scope, receive, send)


@pytest.fixture
def workspace_id(moto_dynamodb: Any) -> Iterator[str]:
    dynamo.reset_client()  # the engine's cached client must bind to moto
    try:
        yield create_workspace("t").id
    finally:
        dynamo.reset_client()


def _client(workspace_id: str | None, role: str = "Admin") -> TestClient:
    authorizer = None
    if workspace_id is not None:
        # Key and role writes read the calling key again, so the caller is a stored key of the role.
        head = MetadataStore().head(workspace_id)
        key_id = KeyStore().create(workspace_id, role=role, name=f"{role} key", usage_key=head.usage_key)[0].id if head else "none"
        authorizer = {"workspaceId": workspace_id, "keyId": key_id, "keyName": "test key", "role": role}
    return TestClient(WithAuthorizer(create_metadata_app(), authorizer))


@pytest.fixture
def gql(workspace_id: str) -> Gql:
    clients: dict[str, TestClient] = {}

    def run(query: str, variables: dict[str, Any] | None = None, *, role: str = "Admin") -> tuple[int, dict[str, Any]]:
        client = clients.setdefault(role, _client(workspace_id, role))
        response = client.post("/metadata", json={"query": query, "variables": variables})
        return response.status_code, response.json()

    return run


def ok(result: tuple[int, dict[str, Any]]) -> dict[str, Any]:
    status, body = result
    assert status == 200, body
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


def failure(result: tuple[int, dict[str, Any]], status: int = 200) -> dict[str, Any]:
    """The one error of a failed request, after checking the HTTP status."""
    got, body = result
    assert got == status, body
    assert len(body["errors"]) == 1, body
    return body["errors"][0]  # type: ignore[no-any-return]


CREATE_INVOICE = """
mutation { createOneObject(input: {object: {nameSingular: "invoice", namePlural: "invoices",
  labelSingular: "Invoice", labelPlural: "Invoices"}}) { id nameSingular fields { edges { node { name } } } } }
"""

OBJECT_IDS = """query($filter: ObjectFilter!) {
    objects(filter: $filter, paging: {first: 1000}) { edges { node { id nameSingular } } } }"""


def object_id(gql: Gql, name: str) -> str:
    edges = ok(gql(OBJECT_IDS, {"filter": {}}))["objects"]["edges"]
    return next(edge["node"]["id"] for edge in edges if edge["node"]["nameSingular"] == name)


def create_invoice(gql: Gql) -> str:
    return ok(gql(CREATE_INVOICE))["createOneObject"]["id"]  # type: ignore[no-any-return]


def field_names(gql: Gql, object_id: str) -> set[str]:
    data = ok(gql("query($id: UUID!) { object(id: $id) { fieldsList { name } } }", {"id": object_id}))
    return {f["name"] for f in data["object"]["fieldsList"]}


DEACTIVATE = "mutation($id: UUID!) { updateOneObject(input: {id: $id, update: {isActive: false}}) { id } }"


# -- queries ----------------------------------------------------------------------------------


def test_objects_are_paged_with_id_cursors(gql: Gql) -> None:
    page_query = """query($paging: CursorPaging!) { objects(paging: $paging) {
        totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { id nameSingular } } } }"""
    first = ok(gql(page_query, {"paging": {"first": 3}}))["objects"]
    assert len(first["edges"]) == 3
    assert all(edge["cursor"] == edge["node"]["id"] for edge in first["edges"])
    assert first["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": first["edges"][0]["cursor"],
        "endCursor": first["edges"][-1]["cursor"],
    }
    total = first["totalCount"]
    assert total >= 8  # the standard objects

    rest = ok(gql(page_query, {"paging": {"first": 1000, "after": first["pageInfo"]["endCursor"]}}))["objects"]
    assert len(rest["edges"]) == total - 3
    assert rest["pageInfo"]["hasPreviousPage"] is True and rest["pageInfo"]["hasNextPage"] is False
    assert rest["totalCount"] == total

    back = ok(gql(page_query, {"paging": {"last": 2, "before": rest["edges"][0]["cursor"]}}))["objects"]
    assert [e["cursor"] for e in back["edges"]] == [e["cursor"] for e in first["edges"][1:]]
    assert back["pageInfo"]["hasPreviousPage"] is True and back["pageInfo"]["hasNextPage"] is True


def test_objects_default_to_pages_of_ten_like_twenty(gql: Gql) -> None:
    for word in ("alpha", "beta", "gamma", "delta"):  # 8 standard objects + 4 = 12
        ok(gql(CREATE_INVOICE.replace("invoice", word).replace("Invoice", word.capitalize())))
    data = ok(gql("{ objects { totalCount edges { node { id } } pageInfo { hasNextPage } } }"))["objects"]
    assert len(data["edges"]) == 10
    assert data["pageInfo"]["hasNextPage"] is True
    assert data["totalCount"] == 12


def test_last_without_a_cursor_takes_the_end_of_the_list(gql: Gql) -> None:
    every = ok(gql("{ objects(paging: {first: 1000}) { edges { cursor } } }"))["objects"]["edges"]
    tail = ok(gql("{ objects(paging: {last: 2}) { edges { cursor } pageInfo { hasPreviousPage hasNextPage } } }"))
    assert tail["objects"]["edges"] == every[-2:]
    assert tail["objects"]["pageInfo"] == {"hasPreviousPage": True, "hasNextPage": False}


def test_an_unknown_cursor_is_bad_user_input(gql: Gql) -> None:
    error = failure(gql("{ objects(paging: {after: \"nope\"}) { totalCount } }"))
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Invalid cursor" in error["message"]


def test_objects_filter_with_or_and_comparisons(gql: Gql) -> None:
    invoice_id = create_invoice(gql)
    company_id = object_id(gql, "company")
    query = """query($filter: ObjectFilter!) { objects(filter: $filter, paging: {first: 100}) {
        totalCount edges { node { nameSingular } } } }"""
    either = {"or": [{"isCustom": {"is": True}}, {"id": {"eq": company_id}}]}
    names = {e["node"]["nameSingular"] for e in ok(gql(query, {"filter": either}))["objects"]["edges"]}
    assert names == {"invoice", "company"}
    both = {"and": [{"isActive": {"is": True}}, {"id": {"in": [invoice_id, company_id]}}], "isCustom": {"isNot": True}}
    names = {e["node"]["nameSingular"] for e in ok(gql(query, {"filter": both}))["objects"]["edges"]}
    assert names == {"company"}


def test_fields_of_an_object_by_filter_and_on_the_object(gql: Gql) -> None:
    company_id = object_id(gql, "company")
    data = ok(gql(
        """query($id: UUID!) {
            fields(filter: {objectMetadataId: {eq: $id}}, paging: {first: 1000}) {
                totalCount edges { node { name object { nameSingular } } } }
            object(id: $id) { fieldsList { name } fields { totalCount edges { node { name } } } } }""",
        {"id": company_id},
    ))
    names = [e["node"]["name"] for e in data["fields"]["edges"]]
    assert names == [f["name"] for f in data["object"]["fieldsList"]]
    assert data["fields"]["totalCount"] == len(names) == data["object"]["fields"]["totalCount"]
    assert {e["node"]["object"]["nameSingular"] for e in data["fields"]["edges"]} == {"company"}
    assert len(data["object"]["fields"]["edges"]) == min(10, len(names))  # Twenty's default page


# -- objects ----------------------------------------------------------------------------------


def test_create_object_then_query_it(gql: Gql) -> None:
    created = ok(gql(CREATE_INVOICE))["createOneObject"]
    assert created["nameSingular"] == "invoice"
    assert "name" in {edge["node"]["name"] for edge in created["fields"]["edges"]}

    data = ok(gql(
        """query($id: UUID!) { object(id: $id) { id nameSingular namePlural labelSingular isCustom isActive
            isSystem isUIReadOnly universalIdentifier applicationId labelIdentifierFieldMetadataId
            fieldsList { id name type isSystem } } }""",
        {"id": created["id"]},
    ))["object"]
    assert data["namePlural"] == "invoices" and data["isCustom"] is True and data["isActive"] is True
    by_name = {f["name"]: f for f in data["fieldsList"]}
    assert {"id", "name", "createdAt", "updatedAt"} <= by_name.keys()
    assert by_name["name"]["type"] == "TEXT"
    assert data["labelIdentifierFieldMetadataId"] == by_name["name"]["id"]


def test_the_rest_api_sees_a_change_made_here_at_once(gql: Gql, workspace_id: str) -> None:
    invoice_id = create_invoice(gql)
    response = _client(workspace_id).get(f"/rest/metadata/objects/{invoice_id}")
    assert response.status_code == 200
    assert response.json()["data"]["object"]["nameSingular"] == "invoice"


def test_deactivate_then_delete_an_object(gql: Gql) -> None:
    invoice_id = create_invoice(gql)
    delete = "mutation($id: UUID!) { deleteOneObject(input: {id: $id}) { id nameSingular fieldsList { name } } }"

    error = failure(gql(delete, {"id": invoice_id}))
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "must be deactivated" in error["message"]

    update = """mutation($id: UUID!) {
        updateOneObject(input: {id: $id, update: {isActive: false, labelSingular: "Bill"}}) {
            isActive labelSingular } }"""
    updated = ok(gql(update, {"id": invoice_id}))["updateOneObject"]
    assert updated == {"isActive": False, "labelSingular": "Bill"}

    deleted = ok(gql(delete, {"id": invoice_id}))["deleteOneObject"]
    assert deleted["id"] == invoice_id
    assert "name" in {f["name"] for f in deleted["fieldsList"]}  # shown as it was

    error = failure(gql("query($id: UUID!) { object(id: $id) { id } }", {"id": invoice_id}))
    assert error["extensions"]["code"] == "NOT_FOUND"


# -- fields -----------------------------------------------------------------------------------

CREATE_FIELD = """mutation($field: CreateFieldInput!) { createOneField(input: {field: $field}) {
    id name type label options isActive objectMetadataId object { nameSingular }
    relation { type sourceObjectMetadata { nameSingular } targetObjectMetadata { id nameSingular }
      sourceFieldMetadata { name } targetFieldMetadata { id name type } } } }"""


def test_create_text_and_select_fields(gql: Gql) -> None:
    invoice_id = create_invoice(gql)
    field = {"objectMetadataId": invoice_id, "type": "TEXT", "name": "reference", "label": "Reference"}
    text = ok(gql(CREATE_FIELD, {"field": field}))
    assert text["createOneField"]["type"] == "TEXT"
    assert text["createOneField"]["object"] == {"nameSingular": "invoice"}
    assert text["createOneField"]["relation"] is None

    # Options inline, as a JSON literal in the document.
    select = ok(gql(
        """mutation($id: UUID!) { createOneField(input: {field: {objectMetadataId: $id, type: SELECT,
            name: "status", label: "Status", defaultValue: "'DRAFT'",
            options: [{label: "Draft", value: "DRAFT", color: "gray", position: 0},
                      {label: "Paid", value: "PAID", color: "green", position: 1}]}}) {
            name type options defaultValue } }""",
        {"id": invoice_id},
    ))["createOneField"]
    assert select["type"] == "SELECT"
    assert [option["value"] for option in select["options"]] == ["DRAFT", "PAID"]
    assert select["defaultValue"] == "'DRAFT'"

    assert {"reference", "status"} <= field_names(gql, invoice_id)


def test_a_relation_field_creates_both_sides(gql: Gql) -> None:
    invoice_id = create_invoice(gql)
    company_id = object_id(gql, "company")
    # As Twenty's own clients send it: the whole input as one variable of Twenty's input type.
    create = CREATE_FIELD.replace("$field: CreateFieldInput!", "$input: CreateOneFieldMetadataInput!").replace(
        "input: {field: $field}", "input: $input"
    )
    created = ok(gql(create, {"input": {"field": {
        "objectMetadataId": invoice_id, "type": "RELATION", "name": "company", "label": "Company",
        "relationCreationPayload": {
            "type": "MANY_TO_ONE", "targetObjectMetadataId": company_id,
            "targetFieldLabel": "Invoices", "targetFieldName": "invoices", "targetFieldIcon": "IconFileInvoice",
        },
    }}}))["createOneField"]
    relation = created["relation"]
    assert relation["type"] == "MANY_TO_ONE"
    assert relation["sourceObjectMetadata"] == {"nameSingular": "invoice"}
    assert relation["targetObjectMetadata"] == {"id": company_id, "nameSingular": "company"}
    assert relation["sourceFieldMetadata"] == {"name": "company"}
    assert relation["targetFieldMetadata"]["name"] == "invoices"

    inverse_query = """query($id: UUID!) { field(id: $id) { name type object { nameSingular }
        relation { type targetObjectMetadata { nameSingular } targetFieldMetadata { name } } } }"""
    inverse = ok(gql(inverse_query, {"id": relation["targetFieldMetadata"]["id"]}))["field"]
    assert inverse == {
        "name": "invoices",
        "type": "RELATION",
        "object": {"nameSingular": "company"},
        "relation": {
            "type": "ONE_TO_MANY",
            "targetObjectMetadata": {"nameSingular": "invoice"},
            "targetFieldMetadata": {"name": "company"},
        },
    }

    # Deleting the object removes the side that points at it.
    ok(gql(DEACTIVATE, {"id": invoice_id}))
    ok(gql("mutation($id: UUID!) { deleteOneObject(input: {id: $id}) { id } }", {"id": invoice_id}))
    assert "invoices" not in field_names(gql, company_id)


def test_update_then_delete_a_field(gql: Gql) -> None:
    invoice_id = create_invoice(gql)
    field = {"objectMetadataId": invoice_id, "type": "TEXT", "name": "memo", "label": "Memo"}
    field_id = ok(gql(CREATE_FIELD, {"field": field}))["createOneField"]["id"]
    update = """mutation($id: UUID!) {
        updateOneField(input: {id: $id, update: {label: "Note", isActive: false}}) { label isActive } }"""
    assert ok(gql(update, {"id": field_id}))["updateOneField"] == {"label": "Note", "isActive": False}
    delete = "mutation($id: UUID!) { deleteOneField(input: {id: $id}) { id name } }"
    deleted = ok(gql(delete, {"id": field_id}))["deleteOneField"]
    assert deleted == {"id": field_id, "name": "memo"}
    error = failure(gql("query($id: UUID!) { field(id: $id) { id } }", {"id": field_id}))
    assert error["extensions"]["code"] == "NOT_FOUND"


# -- errors -----------------------------------------------------------------------------------


def test_a_rule_violation_is_bad_user_input_naming_the_rule(gql: Gql) -> None:
    error = failure(gql(CREATE_INVOICE.replace('nameSingular: "invoice"', 'nameSingular: "Invoice"')))
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "nameSingular" in error["message"] and "camelCase" in error["message"]
    assert error["path"] == ["createOneObject"]

    create_invoice(gql)
    error = failure(gql(CREATE_INVOICE))
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "not available" in error["message"]


def test_an_unknown_id_is_not_found(gql: Gql) -> None:
    unknown = str(uuid.uuid4())
    status, body = gql("query($id: UUID!) { object(id: $id) { id } }", {"id": unknown})
    assert status == 200 and body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert unknown in body["errors"][0]["message"]
    error = failure(gql("mutation($id: UUID!) { deleteOneField(input: {id: $id}) { id } }", {"id": unknown}))
    assert error["extensions"]["code"] == "NOT_FOUND"


def test_a_member_reads_but_cannot_change_the_data_model(gql: Gql) -> None:
    assert ok(gql("{ objects { totalCount } }", role="Member"))["objects"]["totalCount"] >= 8
    error = failure(gql(CREATE_INVOICE, role="Member"))
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "DATA_MODEL" in error["message"]
    assert ok(gql(OBJECT_IDS, {"filter": {"isCustom": {"is": True}}}))["objects"]["edges"] == []


def test_a_parse_error_is_400_graphql_parse_failed(gql: Gql) -> None:
    error = failure(gql("{ objects { "), status=400)
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert error["message"].startswith("Syntax Error")


def test_an_unknown_field_is_400_graphql_validation_failed(gql: Gql) -> None:
    error = failure(gql("{ objects { edges { node { nope } } } }"), status=400)
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "nope" in error["message"]
    error = failure(gql('{ object(id: "not-a-uuid") { id } }'), status=400)
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_a_variable_that_does_not_coerce_is_400_bad_user_input(gql: Gql) -> None:
    error = failure(gql("query($id: UUID!) { object(id: $id) { id } }", {"id": "not-a-uuid"}), status=400)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "not-a-uuid" in error["message"]


def test_too_many_root_fields_fail_validation(gql: Gql) -> None:
    query = "{ " + " ".join(f"a{n}: objects {{ totalCount }}" for n in range(21)) + " }"
    error = failure(gql(query), status=400)
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "at most 20" in error["message"]


def test_an_unexpected_error_is_internal_and_says_nothing_more(gql: Gql, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(MetadataService, "create_object", broken)
    error = failure(gql(CREATE_INVOICE))
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert error["message"] == "Internal server error"


def test_a_body_that_is_not_a_graphql_request_is_400(workspace_id: str) -> None:
    client = _client(workspace_id)
    for content in (b"not json", b'{"variables": {}}', b"[]"):
        response = client.post("/metadata", content=content, headers={"content-type": "application/json"})
        assert response.status_code == 400, content
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_get_is_not_allowed(workspace_id: str) -> None:
    response = _client(workspace_id).get("/metadata")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


def test_without_the_authorizer_context_the_request_is_refused(workspace_id: str) -> None:
    response = _client(None).post("/metadata", json={"query": "{ objects { totalCount } }"})
    assert response.status_code == 403
    error = response.json()["errors"][0]
    assert error == {"message": "Missing authentication token", "extensions": {"code": "FORBIDDEN"}}


def test_an_unknown_workspace_is_401_unauthenticated(workspace_id: str) -> None:
    response = _client(str(uuid.uuid4())).post("/metadata", json={"query": "{ objects { totalCount } }"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


# -- connection (pure) ------------------------------------------------------------------------


def test_connection_pages_the_matching_items_around_cursors_that_do_not_match() -> None:
    items = [{"id": f"i{n}", "isActive": n % 2 == 0} for n in range(8)]
    active = {"isActive": {"is": True}}
    page = connection(items, {"first": 2, "after": "i1"}, active)  # i1 itself is inactive
    assert [e["cursor"] for e in page["edges"]] == ["i2", "i4"]
    assert page["pageInfo"]["hasPreviousPage"] is True and page["pageInfo"]["hasNextPage"] is True
    assert page["totalCount"] == 4
    page = connection(items, {"last": 10, "before": "i4"}, active)
    assert [e["cursor"] for e in page["edges"]] == ["i0", "i2"]
    assert page["pageInfo"]["hasPreviousPage"] is False and page["pageInfo"]["hasNextPage"] is True


def test_connection_comparisons_follow_sql() -> None:
    items = [{"id": "a1", "v": None}, {"id": "b2", "v": "x"}, {"id": "c3", "v": "y"}]

    def ids(filter: dict[str, Any]) -> list[str]:
        return [e["cursor"] for e in connection(items, {"first": 10}, filter)["edges"]]

    assert ids({"v": {"is": None}}) == ["a1"]
    assert ids({"v": {"isNot": None}}) == ["b2", "c3"]
    assert ids({"v": {"neq": "x"}}) == ["c3"]  # null is neither equal nor unequal
    assert ids({"v": {"notIn": ["y"]}}) == ["b2"]
    assert ids({"id": {"like": "_2"}}) == ["b2"]
    assert ids({"id": {"iLike": "C%"}}) == ["c3"]
    assert ids({"id": {"gt": "a1", "lte": "b2"}}) == ["b2"]
    assert ids({"v": {"eq": None}}) == ["a1", "b2", "c3"]  # a null operand constrains nothing

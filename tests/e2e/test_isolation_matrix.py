"""The isolation matrix (docs/api.md §2.3-2.4), over real HTTP through the local gateway.

- Across workspaces: a key of workspace A reaches nothing of workspace B by any route, REST or
  GraphQL, core or metadata: no read, write, count, cursor or existence. An id of B is answered
  exactly as an id that does not exist (404, never 403).
- Within a workspace: each role (Admin, Member, a custom read-only role, a custom role with no
  access to opportunities) does what it is granted and nothing more; a refusal is the contract's
  403 FORBIDDEN body (GraphQL: extensions.code FORBIDDEN).
- Revoked and expired keys, keys of a deleted role and keys in the query string are refused.

Every workspace here takes fewer than 90 requests (the per-workspace limit is 100 per minute):
fixtures and checks of stored state go through the engine, not the API.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tenantapi.auth.access import AccessService
from tenantapi.auth.keys import KeyStore
from tenantapi.auth.role_model import builtin_role_id
from tenantapi.metadata.service import MetadataService
from tenantapi.records.service import RecordService, WorkspaceView
from tenantapi.storage.dynamo import reset_client
from tenantapi.storage.metadata_store import MetadataStore, WorkspaceHead
from tenantapi.workspaces import create_workspace

FORBIDDEN_KEYS = {"statusCode", "error", "messages"}
RECORD_NOT_FOUND = {"statusCode": 404, "error": "NotFoundException", "messages": ["Record not found"]}
INVALID = {"statusCode": 401, "error": "UNAUTHENTICATED", "messages": ["Token invalid."]}
EXPIRED = {"statusCode": 401, "error": "UNAUTHENTICATED", "messages": ["Token has expired."]}
MISSING = {"statusCode": 403, "error": "FORBIDDEN_EXCEPTION", "messages": ["Missing authentication token"]}
BUDGET = 90


class CountingClient(httpx.Client):
    """An httpx client that counts its requests, to keep each workspace under the rate limit."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sent = 0

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:  # type: ignore[override]
        self.sent += 1
        return super().send(request, **kwargs)


@dataclass
class Space:
    """A workspace made through the engine, its seeded records and the clients of its keys."""

    head: WorkspaceHead
    base_url: str
    clients: dict[str, CountingClient] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.head.id

    def view(self) -> WorkspaceView:
        schema = MetadataService().schema(self.id)
        return WorkspaceView(head=MetadataStore().head(self.id), schema=schema, actor_name="fixture")  # type: ignore[arg-type]

    def key(self, label: str, role: str, **kwargs: Any) -> str:
        """A key of `role` (a built-in name or a role id); its client is `clients[label]`."""
        _, secret = KeyStore().create(self.id, role=role, name=label, usage_key=self.head.usage_key, **kwargs)
        self.clients[label] = CountingClient(base_url=self.base_url, headers={"Authorization": f"Bearer {secret}"}, timeout=30)
        return secret

    def role(self, payload: dict[str, Any]) -> str:
        role, _ = AccessService().create_role(MetadataService().schema(self.id), None, payload)
        return role.id

    def seed(self, plural: str, name: str, *, soft_deleted: bool = False) -> str:
        ws = self.view()
        obj = ws.schema.active_object_by_plural(plural)
        assert obj is not None
        records = RecordService()
        record = records.create_one(ws, obj, {"name": name})
        if soft_deleted:
            records.delete_one(ws, obj, record["id"], soft=True)
        return str(record["id"])

    def requests(self) -> int:
        return sum(client.sent for client in self.clients.values())

    def close(self) -> None:
        for client in self.clients.values():
            client.close()


@pytest.fixture(scope="module")
def spaces(gateway_url: str, dynamodb_local: Any) -> Iterator[Callable[[str], Space]]:
    made: list[Space] = []

    def make(name: str) -> Space:
        reset_client()
        space = Space(create_workspace(f"{name}-{uuid.uuid4().hex[:8]}"), gateway_url)
        made.append(space)
        return space

    yield make
    for space in made:
        assert space.requests() < BUDGET, f"workspace {space.head.name} took {space.requests()} requests"
        space.close()


def assert_forbidden(response: httpx.Response) -> None:
    assert response.status_code == 403, response.text
    body = response.json()
    assert set(body) == FORBIDDEN_KEYS and body["statusCode"] == 403 and body["error"] == "FORBIDDEN", body
    assert len(body["messages"]) == 1 and body["messages"][0]


def gql(client: httpx.Client, path: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    response = client.post(path, json={"query": query, "variables": variables or {}})
    assert response.status_code in (200, 400), response.text
    return response.json()  # type: ignore[no-any-return]


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors") or []]


# -- across workspaces ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two(spaces: Callable[[str], Space]) -> tuple[Space, Space]:
    a, b = spaces("matrix-a"), spaces("matrix-b")
    a.key("admin", "Admin")
    b.key("admin", "Admin")
    b.ids["company"] = b.seed("companies", "Only in B")
    b.ids["deleted"] = b.seed("companies", "Deleted in B", soft_deleted=True)
    # Ids only the GraphQL checks use (the REST checks make records of A with B's other ids).
    b.ids["company2"] = b.seed("companies", "Also only in B")
    b.ids["deleted2"] = b.seed("companies", "Also deleted in B", soft_deleted=True)
    schema = MetadataService().schema(b.id)
    created, schema = MetadataService().create_object(
        b.id, {"nameSingular": "vault", "namePlural": "vaults", "labelSingular": "Vault", "labelPlural": "Vaults"}, schema
    )
    b.ids["object"] = created.id
    b.ids["field"] = next(f.id for f in schema.fields_of(created.id) if f.name == "name")
    b.ids["role"] = b.role({"label": "B only", "canReadAllObjectRecords": True})
    key, _ = KeyStore().create(b.id, role="Member", name="B's key", usage_key=b.head.usage_key)
    b.ids["key"] = key.id
    return a, b


def _same_as_unknown(client: httpx.Client, method: str, path: str, foreign: str, **kwargs: Any) -> None:
    """A's answer for B's id is A's answer for an id that exists nowhere, id aside."""
    unknown = str(uuid.uuid4())
    theirs = client.request(method, path.format(id=foreign), **kwargs)
    nowhere = client.request(method, path.format(id=unknown), **kwargs)
    assert theirs.status_code == nowhere.status_code == 404, (theirs.text, nowhere.text)
    assert theirs.text.replace(foreign, "<id>") == nowhere.text.replace(unknown, "<id>")


def test_a_record_of_another_workspace_is_not_found_by_any_record_route(two: tuple[Space, Space]) -> None:
    a, b = two
    client, company, deleted = a.clients["admin"], b.ids["company"], b.ids["deleted"]
    _same_as_unknown(client, "GET", "/rest/companies/{id}", company)
    for method, path, kwargs in (
        ("PATCH", "/rest/companies/{id}", {"json": {"name": "taken over"}}),
        ("DELETE", "/rest/companies/{id}", {}),
        ("DELETE", "/rest/companies/{id}", {"params": {"soft_delete": "true"}}),
    ):
        response = client.request(method, path.format(id=company), **kwargs)
        assert (response.status_code, response.json()) == (404, RECORD_NOT_FOUND), response.text
    restored = client.patch(f"/rest/companies/{deleted}/restore")
    assert (restored.status_code, restored.json()) == (404, RECORD_NOT_FOUND)


def test_bulk_routes_and_counts_of_one_workspace_never_match_records_of_another(two: tuple[Space, Space]) -> None:
    a, b = two
    client, company, deleted = a.clients["admin"], b.ids["company"], b.ids["deleted"]
    both = f"id[in]:[{company},{deleted}]"
    listed = client.get("/rest/companies", params={"filter": both}).json()
    assert (listed["totalCount"], listed["data"]["companies"]) == (0, [])
    assert client.patch("/rest/companies", params={"filter": both}, json={"name": "x"}).json()["data"]["updateCompanies"] == []
    assert client.delete("/rest/companies", params={"filter": both, "soft_delete": "true"}).json()["data"]["deleteCompanies"] == []
    assert client.delete("/rest/companies", params={"filter": both}).json()["data"]["deleteCompanies"] == []
    assert client.patch("/rest/companies/restore", params={"filter": both}).json()["data"]["restoreCompanies"] == []
    # Creating with B's ids makes A's own records; B's stay as they were.
    assert client.post("/rest/companies", json={"id": company, "name": "A's"}).status_code == 201
    assert client.post("/rest/batch/companies", json=[{"id": deleted, "name": "A's too"}]).status_code == 201
    mine = b.clients["admin"].get(f"/rest/companies/{company}").json()["data"]["company"]
    assert mine["name"] == "Only in B"
    theirs = b.clients["admin"].get("/rest/companies", params={"filter": f"id[eq]:{deleted}"}).json()
    assert theirs["totalCount"] == 0  # still soft-deleted in B: neither restored nor overwritten


def test_a_cursor_of_another_workspace_is_refused(two: tuple[Space, Space]) -> None:
    a, b = two
    cursor = b.clients["admin"].get("/rest/companies", params={"limit": 1}).json()["pageInfo"]["endCursor"]
    response = a.clients["admin"].get("/rest/companies", params={"starting_after": cursor})
    assert response.status_code == 400 and "Invalid cursor" in response.json()["messages"][0]


def test_metadata_of_another_workspace_is_not_found(two: tuple[Space, Space]) -> None:
    a, b = two
    client = a.clients["admin"]
    _same_as_unknown(client, "GET", "/rest/metadata/objects/{id}", b.ids["object"])
    _same_as_unknown(client, "PATCH", "/rest/metadata/objects/{id}", b.ids["object"], json={"labelSingular": "Mine"})
    _same_as_unknown(client, "DELETE", "/rest/metadata/fields/{id}", b.ids["field"])
    _same_as_unknown(client, "GET", "/rest/metadata/apiKeys/{id}", b.ids["key"])
    _same_as_unknown(client, "DELETE", "/rest/metadata/apiKeys/{id}", b.ids["key"])
    _same_as_unknown(client, "PATCH", "/rest/metadata/roles/{id}", b.ids["role"], json={"label": "Mine"})
    assert client.get(f"/rest/metadata/roles/{b.ids['role']}").status_code == 404
    assert client.post(f"/rest/metadata/roles/{b.ids['role']}/objectPermissions", json=[]).status_code == 404
    # Lists show A's own things only; B's object is not even a route of A.
    assert "vault" not in {o["nameSingular"] for o in client.get("/rest/metadata/objects").json()["data"]["objects"]}
    assert [k["name"] for k in client.get("/rest/metadata/apiKeys").json()["data"]["apiKeys"]] == ["admin"]
    assert [r["label"] for r in client.get("/rest/metadata/roles").json()["data"]["roles"]] == ["Admin", "Member"]
    assert client.get("/rest/vaults").status_code == 400
    # B's role cannot be handed to a key of A.
    assert client.post("/rest/metadata/apiKeys", json={"name": "x", "roleId": b.ids["role"]}).status_code == 400


def test_graphql_reaches_nothing_of_another_workspace(two: tuple[Space, Space]) -> None:
    a, b = two
    client = a.clients["admin"]
    found = gql(client, "/metadata", "query($o: UUID!) { object(id: $o) { id } }", {"o": b.ids["object"]})
    assert error_codes(found) == ["NOT_FOUND"], found
    key = gql(client, "/metadata", "query($k: UUID!) { apiKey(input: {id: $k}) { id } }", {"k": b.ids["key"]})
    assert key == {"data": {"apiKey": None}}, key
    roles = gql(client, "/metadata", "mutation($r: UUID!) { deleteOneRole(roleId: $r) }", {"r": b.ids["role"]})
    assert error_codes(roles) == ["NOT_FOUND"]

    core = gql(client, "/graphql", "query($id: UUID!) { company(filter: {id: {eq: $id}}) { id } "
                                   "companies(filter: {id: {eq: $id}}) { totalCount edges { node { id } } } }",
               {"id": b.ids["company2"]})
    assert core.get("errors") is None, core
    assert core["data"] == {"company": None, "companies": {"totalCount": 0, "edges": []}}
    for mutation in ("updateCompany(id: $id, data: {name: \"x\"})", "deleteCompany(id: $id)", "destroyCompany(id: $id)"):
        body = gql(client, "/graphql", f"mutation($id: UUID!) {{ {mutation} {{ id }} }}", {"id": b.ids["company2"]})
        assert error_codes(body) == ["NOT_FOUND"], body
    restored = gql(client, "/graphql", "mutation($id: UUID!) { restoreCompany(id: $id) { id } }", {"id": b.ids["deleted2"]})
    assert error_codes(restored) == ["NOT_FOUND"], restored
    many = gql(client, "/graphql", "mutation($id: UUID!) { updateCompanies(filter: {id: {eq: $id}}, data: {name: \"x\"}) { id } }",
               {"id": b.ids["company2"]})
    assert many["data"] == {"updateCompanies": []}, many


# -- within a workspace: each role ----------------------------------------------------------------

OBJECT_BODY = {"nameSingular": "gizmo", "namePlural": "gizmos", "labelSingular": "Gizmo", "labelPlural": "Gizmos"}


@dataclass
class Check:
    name: str
    allowed: set[str]  # the roles that may
    run: Callable[[httpx.Client, dict[str, str]], httpx.Response]


def _filled(value: Any, ids: dict[str, str]) -> Any:
    """`value` with the `{name}` placeholders of its strings replaced by ids."""
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _filled(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_filled(v, ids) for v in value]
    return value


def _rest(method: str, path: str, **kwargs: Any) -> Callable[[httpx.Client, dict[str, str]], httpx.Response]:
    def run(client: httpx.Client, ids: dict[str, str]) -> httpx.Response:
        options = {k: _filled(v, ids) for k, v in kwargs.items()}
        return client.request(method, path.format(**ids), **options)

    return run


ALL = {"Admin", "Member", "Reader", "NoOpportunities"}
WRITERS = {"Admin", "Member", "NoOpportunities"}
# In order: what one role creates, the next checks use (its `{created}` / `{batched}` ids).
CHECKS = [
    Check("list", ALL, _rest("GET", "/rest/companies")),
    Check("get", ALL, _rest("GET", "/rest/companies/{company}")),
    Check("create", WRITERS, _rest("POST", "/rest/companies", json={"name": "made"})),
    Check("batch", WRITERS, _rest("POST", "/rest/batch/companies", json=[{"name": "b1"}, {"name": "b2"}])),
    Check("update one", WRITERS, _rest("PATCH", "/rest/companies/{created}", json={"name": "changed"})),
    Check("update many", WRITERS, _rest("PATCH", "/rest/companies", params={"filter": "id[eq]:{created}"}, json={"name": "again"})),
    Check("soft delete one", WRITERS, _rest("DELETE", "/rest/companies/{created}", params={"soft_delete": "true"})),
    Check("restore one", WRITERS, _rest("PATCH", "/rest/companies/{created}/restore")),
    Check("soft delete many", WRITERS, _rest("DELETE", "/rest/companies", params={"filter": "id[eq]:{created}", "soft_delete": "true"})),
    Check("restore many", WRITERS, _rest("PATCH", "/rest/companies/restore", params={"filter": "id[eq]:{created}"})),
    Check("destroy one", WRITERS, _rest("DELETE", "/rest/companies/{batched}")),
    Check("destroy many", WRITERS, _rest("DELETE", "/rest/companies", params={"filter": "id[eq]:{created}"})),
    Check("list opportunities", {"Admin", "Member", "Reader"}, _rest("GET", "/rest/opportunities")),
    Check("get opportunity", {"Admin", "Member", "Reader"}, _rest("GET", "/rest/opportunities/{opportunity}")),
    Check("create opportunity", {"Admin", "Member"}, _rest("POST", "/rest/opportunities", json={"name": "deal"})),
    Check("destroy opportunity", {"Admin", "Member"}, _rest("DELETE", "/rest/opportunities/{opportunity}")),
    Check("metadata objects", ALL, _rest("GET", "/rest/metadata/objects")),
    Check("metadata fields", ALL, _rest("GET", "/rest/metadata/fields", params={"limit": "5"})),
    Check("create object", {"Admin"}, _rest("POST", "/rest/metadata/objects", json=OBJECT_BODY)),
    Check("update field", {"Admin"}, _rest("PATCH", "/rest/metadata/fields/{field}", json={"label": "Title"})),
    Check("list keys", {"Admin"}, _rest("GET", "/rest/metadata/apiKeys")),
    Check("create key", {"Admin"}, _rest("POST", "/rest/metadata/apiKeys", json={"name": "minted", "roleId": "{member_role}"})),
    Check("list roles", {"Admin"}, _rest("GET", "/rest/metadata/roles")),
    Check("create role", {"Admin"}, _rest("POST", "/rest/metadata/roles", json={"label": "Minted"})),
]
GRAPHQL_CHECKS = [
    ("/graphql", "{ companies { totalCount } }", ALL),
    ("/graphql", "mutation { createCompany(data: {name: \"gql\"}) { id } }", WRITERS),
    ("/graphql", "{ opportunities { totalCount } }", {"Admin", "Member", "Reader"}),
    ("/metadata", "{ apiKeys { id } }", {"Admin"}),
    ("/metadata", "{ getRoles { id } }", {"Admin"}),
    ("/metadata", "mutation { createOneObject(input: {object: {nameSingular: \"widget\", namePlural: \"widgets\", "
                  "labelSingular: \"W\", labelPlural: \"Ws\"}}) { id } }", {"Admin"}),
]


def _role_space(spaces: Callable[[str], Space], role: str) -> tuple[Space, httpx.Client]:
    space = spaces(f"matrix-{role.lower()}")
    opportunities = space.view().schema.active_object_by_plural("opportunities")
    assert opportunities is not None
    space.ids.update(
        company=space.seed("companies", "Seeded"),
        opportunity=space.seed("opportunities", "Seeded deal"),
        member_role=builtin_role_id(space.id, "Member"),
        field=next(f.id for f in space.view().schema.fields_of(opportunities.id) if f.name == "name"),
    )
    ref = role
    if role == "Reader":
        ref = space.role({"label": "Reader", "canReadAllObjectRecords": True})
    elif role == "NoOpportunities":
        ref = space.role({
            "label": "No opportunities", "canReadAllObjectRecords": True, "canUpdateAllObjectRecords": True,
            "canSoftDeleteAllObjectRecords": True, "canDestroyAllObjectRecords": True,
            "objectPermissions": [{"objectMetadataId": opportunities.id, "canReadObjectRecords": False,
                                   "canUpdateObjectRecords": False, "canSoftDeleteObjectRecords": False,
                                   "canDestroyObjectRecords": False}],
        })
    space.key(role, ref)
    return space, space.clients[role]


@pytest.mark.parametrize("role", ["Admin", "Member", "Reader", "NoOpportunities"])
def test_each_role_does_what_it_is_granted_and_nothing_more(spaces: Callable[[str], Space], role: str) -> None:
    space, client = _role_space(spaces, role)
    ids = {**space.ids, "created": space.ids["company"], "batched": space.ids["company"]}
    for check in CHECKS:
        response = check.run(client, ids)
        if role not in check.allowed:
            assert_forbidden(response)
            continue
        assert response.status_code in (200, 201), (check.name, response.text)
        data = response.json().get("data") or {}
        if check.name == "create":
            ids["created"] = data["createCompany"]["id"]
        elif check.name == "batch":
            ids["batched"] = data["createCompanies"][0]["id"]
    for path, query, allowed in GRAPHQL_CHECKS:
        body = gql(client, path, query)
        if role in allowed:
            assert "errors" not in body, (query, body)
        else:
            assert error_codes(body) == ["FORBIDDEN"], (query, body)


# -- keys that must not work ----------------------------------------------------------------------


def test_revoked_expired_and_roleless_keys_and_keys_in_the_query_string_are_refused(
    spaces: Callable[[str], Space], gateway_url: str
) -> None:
    space = spaces("matrix-keys")
    role = space.role({"label": "Reader", "canReadAllObjectRecords": True})
    secret = space.key("reader", role)
    reader = space.clients["reader"]
    assert reader.get("/rest/companies").status_code == 200

    expired = space.key("expired", role, expires_at="2020-01-01T00:00:00Z")
    assert space.clients["expired"].get("/rest/companies").json() == EXPIRED

    with CountingClient(base_url=gateway_url, timeout=30) as anonymous:
        for params in ({"token": secret}, {"apiKey": secret}, {"access_token": expired}):
            response = anonymous.get("/rest/companies", params=params)
            assert (response.status_code, response.json()) == (403, MISSING)
        space.clients["anonymous"] = anonymous

    keys = {k.name: k for k in KeyStore().list(space.id)}
    key = keys["reader"]
    KeyStore().revoke(key.id, space.id)
    KeyStore().revoke(keys["expired"].id, space.id)  # an expired key still holds its role
    graphql = reader.post("/graphql", json={"query": "{ companies { totalCount } }"})
    assert (reader.get("/rest/companies").status_code, graphql.status_code) == (401, 401)
    assert reader.post("/metadata", json={"query": "{ objects { totalCount } }"}).json() == INVALID

    # The role goes (its only key is revoked); the key brought back still has no role: 403.
    schema = MetadataService().schema(space.id)
    AccessService().delete_role(schema, None, role)
    _restore(key.id, space.id)
    assert_forbidden(reader.get("/rest/companies"))


def test_a_role_change_applies_to_its_keys_from_the_next_request(spaces: Callable[[str], Space]) -> None:
    space = spaces("matrix-change")
    role = space.role({"label": "Grower", "canReadAllObjectRecords": True})
    space.key("grower", role)
    client = space.clients["grower"]
    assert_forbidden(client.post("/rest/companies", json={"name": "not yet"}))
    AccessService().update_role(MetadataService().schema(space.id), None, role, {"canUpdateAllObjectRecords": True})
    assert client.post("/rest/companies", json={"name": "now"}).status_code == 201
    AccessService().upsert_object_permissions(
        MetadataService().schema(space.id), None, role,
        [{"objectMetadataId": space.view().schema.active_object_by_plural("companies").id, "canUpdateObjectRecords": False}],  # type: ignore[union-attr]
    )
    assert_forbidden(client.post("/rest/companies", json={"name": "no more"}))


def _restore(key_id: str, workspace_id: str) -> None:
    """Bring a revoked key back by a raw write: the API refuses it (revocation is final), so this
    stands for a key item left live on a role that no longer exists."""
    store = KeyStore()
    found = store.find(key_id, workspace_id)
    assert found is not None
    for pk, sk in ((f"H#{found[1]}", "#KEY"), (f"WK#{workspace_id}", f"K#{key_id}")):
        store.client.update_item(TableName=store.table, Key={"pk": {"S": pk}, "sk": {"S": sk}}, UpdateExpression="REMOVE revokedAt")

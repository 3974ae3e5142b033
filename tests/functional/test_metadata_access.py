"""Keys and roles through the Metadata API (REST and GraphQL), and their storage, against moto's
DynamoDB (and DynamoDB Local for the transactional guards).

The authorizer's context reaches the metadata app as `scope["aws.event"]`, as Mangum passes it.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from tenantapi.api.metadata_app import create_metadata_app
from tenantapi.auth.access import AccessService
from tenantapi.auth.keys import KeyStore
from tenantapi.auth.role_model import builtin_role_id
from tenantapi.auth.role_store import RoleStore
from tenantapi.errors import BadRequest
from tenantapi.metadata.service import MetadataService
from tenantapi.storage.metadata_store import MetadataStore, SchemaConflict
from tenantapi.workspaces import create_workspace



class WithAuthorizer:
    """Puts an authorizer context into each HTTP scope, as Mangum does with the gateway's event."""

    def __init__(self, app: Any, authorizer: dict[str, str]) -> None:
        self.app = app
        self.authorizer = authorizer

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope = {**scope, "aws.event": {"requestContext": {"authorizer": self.authorizer}}}
        await self.app(scope, receive, send)


class Workspace:
    """A workspace and clients that call the metadata app with a key of some role."""

    def __init__(self, name: str) -> None:
        self.head = create_workspace(f"{name}-{uuid.uuid4().hex[:6]}")
        self.id = self.head.id
        self.app = create_metadata_app()
        self.key_ids: dict[str, str] = {}

    def client(self, role: str = "Admin", key_id: str | None = None) -> TestClient:
        # Key and role writes read the calling key again, so the caller is a stored key of the role.
        if key_id is None:
            key_id = self.key_ids.get(role)
            if key_id is None:
                key_id = self.key_ids[role] = KeyStore().create(self.id, role=role, name=f"{role} key", usage_key=self.head.usage_key)[0].id
        authorizer = {"workspaceId": self.id, "keyId": key_id, "keyName": "test key", "role": role}
        return TestClient(WithAuthorizer(self.app, authorizer))

    def object_id(self, name: str) -> str:
        objects = self.client().get("/rest/metadata/objects").json()["data"]["objects"]
        return next(o["id"] for o in objects if o["nameSingular"] == name)

    def gql(self, query: str, variables: dict[str, Any] | None = None, role: str = "Admin") -> dict[str, Any]:
        response = self.client(role).post("/metadata", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]


@pytest.fixture
def ws(moto_dynamodb: Any) -> Iterator[Workspace]:
    yield Workspace("access")


def _role(ws: Workspace, **payload: Any) -> dict[str, Any]:
    response = ws.client().post("/rest/metadata/roles", json=payload)
    assert response.status_code == 201, response.text
    return response.json()["data"]["createOneRole"]  # type: ignore[no-any-return]


def _key(ws: Workspace, role_id: str, name: str = "k") -> dict[str, Any]:
    response = ws.client().post("/rest/metadata/apiKeys", json={"name": name, "roleId": role_id})
    assert response.status_code == 201, response.text
    return response.json()["data"]["createApiKey"]  # type: ignore[no-any-return]


# -- keys over REST -------------------------------------------------------------------------------


def test_a_key_is_created_with_its_secret_once_and_listed_without_it(ws: Workspace) -> None:
    member = builtin_role_id(ws.id, "Member")
    created = _key(ws, member, "Zapier")
    assert created["token"].startswith("tak_") and created["roleId"] == member
    assert KeyStore().check(created["token"]).key.role == "Member"  # type: ignore[union-attr]

    listed = ws.client().get("/rest/metadata/apiKeys").json()
    # The caller's own key is listed too.
    assert listed["totalCount"] == 2 and listed["pageInfo"]["hasNextPage"] is False
    [shown] = [k for k in listed["data"]["apiKeys"] if k["id"] == created["id"]]
    assert "token" not in shown and created["token"] not in str(listed)
    assert shown == {k: v for k, v in created.items() if k != "token"}
    assert ws.client().get(f"/rest/metadata/apiKeys/{created['id']}").json() == {"data": {"apiKey": shown}}


def test_patch_renames_and_delete_revokes_which_drops_the_key_from_the_list(ws: Workspace) -> None:
    key = _key(ws, builtin_role_id(ws.id, "Member"))
    path = f"/rest/metadata/apiKeys/{key['id']}"
    renamed = ws.client().patch(path, json={"name": "Renamed", "expiresAt": "2999-01-01T00:00:00Z"}).json()["data"]["updateApiKey"]
    assert (renamed["name"], renamed["expiresAt"]) == ("Renamed", "2999-01-01T00:00:00.000Z")

    revoked = ws.client().delete(path).json()["data"]["revokeApiKey"]
    assert revoked["revokedAt"] is not None
    assert KeyStore().check(key["token"]).reason == "Token invalid."
    assert ws.client().get("/rest/metadata/apiKeys").json()["totalCount"] == 1  # the caller's own
    assert ws.client().get(path).json()["data"]["apiKey"]["revokedAt"] == revoked["revokedAt"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "k"}, "roleId"),
        ({"name": "k", "roleId": str(uuid.uuid4())}, "not found"),
        ({"name": "", "roleId": "Member"}, "Key name"),
        ({"name": "k", "roleId": "Member", "expiresAt": "soon"}, "ISO 8601"),
        ({"name": "k", "roleId": "Member", "scopes": []}, "Unknown property"),
    ],
)
def test_invalid_key_bodies_are_400(ws: Workspace, body: dict[str, Any], message: str) -> None:
    response = ws.client().post("/rest/metadata/apiKeys", json=body)
    assert response.status_code == 400 and message in response.json()["messages"][0], response.text


def test_key_management_needs_api_keys_and_webhooks_and_cannot_mint_admin_keys(ws: Workspace) -> None:
    member = ws.client("Member")
    assert member.get("/rest/metadata/apiKeys").status_code == 403
    assert "API_KEYS_AND_WEBHOOKS" in member.post("/rest/metadata/apiKeys", json={"name": "x", "roleId": "Member"}).json()["messages"][0]

    manager = _role(ws, label="Key manager", canReadAllObjectRecords=True, permissionFlags=["API_KEYS_AND_WEBHOOKS"])
    client = ws.client(manager["id"])
    assert client.get("/rest/metadata/apiKeys").status_code == 200
    assert client.post("/rest/metadata/apiKeys", json={"name": "m", "roleId": builtin_role_id(ws.id, "Member")}).status_code == 201
    refused = client.post("/rest/metadata/apiKeys", json={"name": "a", "roleId": builtin_role_id(ws.id, "Admin")})
    assert refused.status_code == 403 and refused.json()["error"] == "FORBIDDEN"
    assert client.get("/rest/metadata/roles").status_code == 403  # roles need canUpdateAllSettings


def test_a_role_that_cannot_be_assigned_to_api_keys_is_refused(ws: Workspace) -> None:
    role = _role(ws, label="Humans only", canBeAssignedToApiKeys=False)
    response = ws.client().post("/rest/metadata/apiKeys", json={"name": "k", "roleId": role["id"]})
    assert response.status_code == 400 and "cannot be assigned to API keys" in response.json()["messages"][0]


# -- roles over REST ------------------------------------------------------------------------------


def test_roles_list_the_builtins_first_with_fixed_ids(ws: Workspace) -> None:
    listed = ws.client().get("/rest/metadata/roles").json()
    assert [(r["label"], r["id"], r["isEditable"]) for r in listed["data"]["roles"]] == [
        ("Admin", builtin_role_id(ws.id, "Admin"), False),
        ("Member", builtin_role_id(ws.id, "Member"), False),
    ]
    admin = builtin_role_id(ws.id, "Admin")
    assert ws.client().patch(f"/rest/metadata/roles/{admin}", json={"label": "Boss"}).status_code == 400
    assert ws.client().delete(f"/rest/metadata/roles/{admin}").status_code == 400


def test_a_custom_role_applies_from_the_next_request_and_every_change_bumps_the_schema_version(ws: Workspace) -> None:
    version = MetadataStore().head(ws.id).schema_version  # type: ignore[union-attr]
    role = _role(ws, label="Modeller", canReadAllObjectRecords=True)
    client = ws.client(role["id"])
    thing = {"nameSingular": "thing", "namePlural": "things", "labelSingular": "Thing", "labelPlural": "Things"}
    assert client.post("/rest/metadata/objects", json=thing).status_code == 403

    flags = ws.client().post(f"/rest/metadata/roles/{role['id']}/permissionFlags", json=["DATA_MODEL"]).json()
    assert [f["flag"] for f in flags["data"]["upsertPermissionFlags"]] == ["DATA_MODEL"]
    assert client.post("/rest/metadata/objects", json=thing).status_code == 201
    assert MetadataStore().head(ws.id).schema_version == version + 3  # type: ignore[union-attr]

    ws.client().patch(f"/rest/metadata/roles/{role['id']}", json={"permissionFlags": []})
    assert client.post("/rest/metadata/fields", json={}).status_code == 403


def test_object_permissions_are_upserted_and_returned_whole(ws: Workspace) -> None:
    role = _role(ws, label="Sales", canReadAllObjectRecords=True)
    opportunities, people = ws.object_id("opportunity"), ws.object_id("person")
    path = f"/rest/metadata/roles/{role['id']}/objectPermissions"
    ws.client().post(path, json=[{"objectMetadataId": opportunities, "canReadObjectRecords": False}])
    both = ws.client().post(path, json={"objectPermissions": [{"objectMetadataId": people, "canReadObjectRecords": True, "canUpdateObjectRecords": True}]})
    assert {p["objectMetadataId"] for p in both.json()["data"]["upsertObjectPermissions"]} == {opportunities, people}
    shown = ws.client().get(f"/rest/metadata/roles/{role['id']}").json()["data"]["role"]
    assert len(shown["objectPermissions"]) == 2


def test_a_role_in_use_by_a_key_cannot_be_deleted_until_the_key_is_revoked(ws: Workspace) -> None:
    role = _role(ws, label="Temp", canReadAllObjectRecords=True)
    key = _key(ws, role["id"], "Nightly export")
    refused = ws.client().delete(f"/rest/metadata/roles/{role['id']}")
    assert refused.status_code == 400
    assert "'Nightly export'" in refused.json()["messages"][0] and key["id"] in refused.json()["messages"][0]

    ws.client().delete(f"/rest/metadata/apiKeys/{key['id']}")
    deleted = ws.client().delete(f"/rest/metadata/roles/{role['id']}")
    assert deleted.status_code == 200 and deleted.json()["data"]["deleteOneRole"]["id"] == role["id"]
    assert ws.client().get(f"/rest/metadata/roles/{role['id']}").status_code == 404
    # A key still naming the deleted role is refused with 403, not served with another role.
    gone = ws.client(role["id"], key_id="gone").get("/rest/metadata/objects")
    assert gone.status_code == 403 and gone.json()["error"] == "FORBIDDEN"


def test_roles_and_keys_of_another_workspace_are_404(ws: Workspace) -> None:
    other = Workspace("other")
    role = _role(ws, label="Mine")
    key = _key(ws, role["id"])
    assert other.client().get(f"/rest/metadata/roles/{role['id']}").status_code == 404
    assert other.client().patch(f"/rest/metadata/roles/{role['id']}", json={"label": "x"}).status_code == 404
    assert other.client().delete(f"/rest/metadata/roles/{role['id']}").status_code == 404
    assert other.client().get(f"/rest/metadata/apiKeys/{key['id']}").status_code == 404
    assert other.client().delete(f"/rest/metadata/apiKeys/{key['id']}").status_code == 404
    # Nor can a key of B be given A's role.
    refused = other.client().post("/rest/metadata/apiKeys", json={"name": "x", "roleId": role["id"]})
    assert refused.status_code == 400
    assert other.client().get("/rest/metadata/apiKeys").json()["totalCount"] == 1  # the caller's own


# -- GraphQL --------------------------------------------------------------------------------------

CREATE_KEY = "mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { id name token role { id label } } }"


def test_graphql_keys_follow_twentys_operations(ws: Workspace) -> None:
    member = builtin_role_id(ws.id, "Member")
    created = ws.gql(CREATE_KEY, {"input": {"name": "SDK", "roleId": member, "expiresAt": "2999-01-01T00:00:00Z"}})["data"]["createApiKey"]
    assert created["role"] == {"id": member, "label": "Member"} and created["token"].startswith("tak_")

    listed = [k for k in ws.gql("{ apiKeys { id name token expiresAt role { label } } }")["data"]["apiKeys"] if k["id"] != ws.key_ids["Admin"]]
    assert listed == [{"id": created["id"], "name": "SDK", "token": None, "expiresAt": "2999-01-01T00:00:00.000Z", "role": {"label": "Member"}}]
    assert ws.gql("query($id: UUID!) { apiKey(input: {id: $id}) { id } }", {"id": str(uuid.uuid4())})["data"] == {"apiKey": None}

    token = ws.gql(
        "mutation($id: UUID!) { generateApiKeyToken(apiKeyId: $id, expiresAt: \"2999-06-01T00:00:00Z\") { token } }",
        {"id": created["id"]},
    )["data"]["generateApiKeyToken"]["token"]
    assert KeyStore().check(token).key is not None and KeyStore().check(created["token"]).key is None

    renamed = ws.gql("mutation($id: UUID!) { updateApiKey(input: {id: $id, name: \"Renamed\"}) { name } }", {"id": created["id"]})
    assert renamed["data"]["updateApiKey"] == {"name": "Renamed"}
    revoked = ws.gql("mutation($id: UUID!) { revokeApiKey(input: {id: $id}) { revokedAt } }", {"id": created["id"]})
    assert revoked["data"]["revokeApiKey"]["revokedAt"]
    assert ws.gql("{ apiKeys { id } }")["data"]["apiKeys"] == [{"id": ws.key_ids["Admin"]}]  # the caller's own


def test_graphql_roles_follow_twentys_operations(ws: Workspace) -> None:
    created = ws.gql(
        "mutation { createOneRole(createRoleInput: {label: \"Reader\", canReadAllObjectRecords: true}) { id label isEditable } }"
    )["data"]["createOneRole"]
    role_id = created["id"]
    updated = ws.gql(
        "mutation($id: UUID!) { updateOneRole(updateRoleInput: {id: $id, update: {description: \"reads\"}}) { description } }",
        {"id": role_id},
    )
    assert updated["data"]["updateOneRole"] == {"description": "reads"}
    upserted = ws.gql(
        "mutation($in: UpsertObjectPermissionsInput!) { upsertObjectPermissions(upsertObjectPermissionsInput: $in) "
        "{ objectMetadataId canReadObjectRecords } }",
        {"in": {"roleId": role_id, "objectPermissions": [{"objectMetadataId": ws.object_id("opportunity"), "canReadObjectRecords": False}]}},
    )
    assert upserted["data"]["upsertObjectPermissions"] == [{"objectMetadataId": ws.object_id("opportunity"), "canReadObjectRecords": False}]
    flags = ws.gql(
        "mutation($id: UUID!) { upsertPermissionFlags(upsertPermissionFlagsInput: {roleId: $id, permissionFlagKeys: [\"DATA_MODEL\"]}) "
        "{ roleId flag } }",
        {"id": role_id},
    )
    assert flags["data"]["upsertPermissionFlags"] == [{"roleId": role_id, "flag": "DATA_MODEL"}]
    roles = ws.gql("{ getRoles { label permissionFlags { flag } objectPermissions { canReadObjectRecords } apiKeys { id } } }")["data"]["getRoles"]
    assert [r["label"] for r in roles] == ["Admin", "Member", "Reader"]
    assert roles[2]["permissionFlags"] == [{"flag": "DATA_MODEL"}] and roles[2]["apiKeys"] == []
    assert ws.gql("mutation($id: UUID!) { deleteOneRole(roleId: $id) }", {"id": role_id})["data"] == {"deleteOneRole": role_id}


def test_graphql_access_is_forbidden_to_roles_without_the_permission(ws: Workspace) -> None:
    for query in ("{ apiKeys { id } }", "{ getRoles { id } }", "mutation { createOneRole(createRoleInput: {label: \"X\"}) { id } }"):
        body = ws.gql(query, role="Member")
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body


# -- storage guards (moto and DynamoDB Local) ------------------------------------------------------


def test_a_key_cannot_be_given_a_role_deleted_meanwhile(dynamodb_backend: str) -> None:
    workspace = create_workspace(f"guard-{uuid.uuid4().hex[:6]}")
    service = AccessService()
    schema = MetadataService().schema(workspace.id)
    role, schema = service.create_role(schema, None, {"label": "Short-lived"})
    service.delete_role(schema, None, role.id)
    with pytest.raises(BadRequest, match="does not exist"):
        KeyStore().create(workspace.id, role=role.id, name="late", usage_key=workspace.usage_key)


def test_a_deletion_that_missed_a_new_key_fails_on_the_key_stamp(dynamodb_backend: str) -> None:
    workspace = create_workspace(f"stamp-{uuid.uuid4().hex[:6]}")
    schema = MetadataService().schema(workspace.id)
    role, schema = AccessService().create_role(schema, None, {"label": "Racy"})
    stamp = RoleStore().key_stamp(workspace.id, role.id)  # what a deletion saw before listing keys
    KeyStore().create(workspace.id, role=role.id, name="in between", usage_key=workspace.usage_key)
    with pytest.raises(SchemaConflict):
        RoleStore().commit(workspace.id, schema.version, delete=role, seen_key_stamp=stamp)


def test_a_role_change_planned_on_an_old_version_is_planned_again(dynamodb_backend: str) -> None:
    workspace = create_workspace(f"retry-{uuid.uuid4().hex[:6]}")
    old = MetadataService().schema(workspace.id)
    MetadataService().create_object(workspace.id, {"nameSingular": "gadget", "namePlural": "gadgets", "labelSingular": "G", "labelPlural": "Gs"})
    role, schema = AccessService().create_role(old, None, {"label": "Late"})
    assert schema.version == old.version + 2
    assert {o.name_singular for o in schema.objects} >= {"gadget"}
    assert RoleStore().roles_at(workspace.id, schema.version).find(role.id) == role

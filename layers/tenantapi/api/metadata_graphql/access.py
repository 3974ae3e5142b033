"""Keys and roles in the metadata schema, with Twenty's names and argument names (its SDK's
`metadata/generated/schema.graphql`):

    apiKeys: [ApiKey!]!                      apiKey(input: GetApiKeyInput!): ApiKey
    createApiKey(input: CreateApiKeyInput!): ApiKey!
    updateApiKey(input: UpdateApiKeyInput!): ApiKey
    revokeApiKey(input: RevokeApiKeyInput!): ApiKey
    generateApiKeyToken(apiKeyId: UUID!, expiresAt: String!): ApiKeyToken!
    getRoles: [Role!]!
    createOneRole(createRoleInput: CreateRoleInput!): Role!
    updateOneRole(updateRoleInput: UpdateRoleInput!): Role!
    deleteOneRole(roleId: UUID!): String!
    upsertObjectPermissions(upsertObjectPermissionsInput: UpsertObjectPermissionsInput!): [ObjectPermission!]!
    upsertPermissionFlags(upsertPermissionFlagsInput: UpsertPermissionFlagsInput!): [RolePermissionFlag!]!

Differences, all additive: `ApiKey.token` holds the secret in the result of createApiKey only
(Twenty hands it out through generateApiKeyToken, which works here too and issues a new secret);
`ApiKey.expiresAt` may be null (a key without expiry) and `CreateApiKeyInput.expiresAt` may be
left out. As in Twenty, `apiKey`, `updateApiKey` and `revokeApiKey` give null for an unknown id.
Role changes move the request's schema forward (they bump its version, like a schema change).
"""

from __future__ import annotations

from typing import Any

import graphene

from ...auth.access import AccessService, present_key, require_key_management, require_role_management
from ...auth.keys import ApiKey as StoredKey
from ...auth.role_model import RoleDefinition, present_object_permission, present_permission_flag
from ...errors import NotFound
from ...storage.metadata_store import MetadataStore, WorkspaceHead
from .context import MetadataContext, plain
from .scalars import JSON, UUID, DateTime

__all__ = ["AccessQuery", "AccessMutation", "ApiKeyNode", "RoleNode"]


def _service() -> AccessService:
    return AccessService()


def _keys_of_workspace(context: MetadataContext) -> list[StoredKey]:
    # Every Role.apiKeys of one request reads the workspace's keys once.
    cached: list[StoredKey] | None = getattr(context, "_access_keys", None)
    if cached is None:
        cached = _service().keys.list(context.schema.workspace_id)
        setattr(context, "_access_keys", cached)
    return cached


# -- outputs ------------------------------------------------------------------------------------


class ObjectPermissionNode(graphene.ObjectType):
    class Meta:
        name = "ObjectPermission"

    objectMetadataId = graphene.NonNull(UUID)
    canReadObjectRecords = graphene.Boolean()
    canUpdateObjectRecords = graphene.Boolean()
    canSoftDeleteObjectRecords = graphene.Boolean()
    canDestroyObjectRecords = graphene.Boolean()
    restrictedFields = JSON()


class RolePermissionFlagNode(graphene.ObjectType):
    class Meta:
        name = "RolePermissionFlag"

    id = graphene.NonNull(UUID)
    roleId = graphene.NonNull(UUID)
    flag = graphene.String(required=True)


class FieldPermissionNode(graphene.ObjectType):
    class Meta:
        name = "FieldPermission"

    id = graphene.NonNull(UUID)
    objectMetadataId = graphene.NonNull(UUID)
    fieldMetadataId = graphene.NonNull(UUID)
    roleId = graphene.NonNull(UUID)
    canReadFieldValue = graphene.Boolean()
    canUpdateFieldValue = graphene.Boolean()


class ApiKeyForRoleNode(graphene.ObjectType):
    class Meta:
        name = "ApiKeyForRole"

    id = graphene.NonNull(UUID)
    name = graphene.String(required=True)
    expiresAt = DateTime()
    revokedAt = DateTime()


class RoleNode(graphene.ObjectType):
    class Meta:
        name = "Role"

    id = graphene.NonNull(UUID)
    universalIdentifier = UUID()
    label = graphene.String(required=True)
    description = graphene.String()
    icon = graphene.String()
    isEditable = graphene.Boolean(required=True)
    canBeAssignedToUsers = graphene.Boolean(required=True)
    canBeAssignedToAgents = graphene.Boolean(required=True)
    canBeAssignedToApiKeys = graphene.Boolean(required=True)
    apiKeys = graphene.NonNull(graphene.List(graphene.NonNull(ApiKeyForRoleNode)))
    canUpdateAllSettings = graphene.Boolean(required=True)
    canAccessAllTools = graphene.Boolean(required=True)
    canReadAllObjectRecords = graphene.Boolean(required=True)
    canUpdateAllObjectRecords = graphene.Boolean(required=True)
    canSoftDeleteAllObjectRecords = graphene.Boolean(required=True)
    canDestroyAllObjectRecords = graphene.Boolean(required=True)
    permissionFlags = graphene.List(graphene.NonNull(RolePermissionFlagNode))
    objectPermissions = graphene.List(graphene.NonNull(ObjectPermissionNode))
    fieldPermissions = graphene.List(graphene.NonNull(FieldPermissionNode))

    @staticmethod
    def resolve_apiKeys(root: dict[str, Any], info: Any) -> list[dict[str, Any]]:
        ref = root["_keyRef"]
        return [present_key(key) for key in _keys_of_workspace(info.context) if key.role == ref]


def role_node(role: RoleDefinition) -> dict[str, Any]:
    return {**_service().present(role), "_keyRef": role.key_ref}


class ApiKeyNode(graphene.ObjectType):
    class Meta:
        name = "ApiKey"

    id = graphene.NonNull(UUID)
    name = graphene.String(required=True)
    expiresAt = DateTime()
    revokedAt = DateTime()
    createdAt = graphene.NonNull(DateTime)
    updatedAt = graphene.NonNull(DateTime)
    role = graphene.NonNull(RoleNode)
    token = graphene.String(description="The secret of the key: in the result of createApiKey only, shown once.")

    @staticmethod
    def resolve_role(root: dict[str, Any], info: Any) -> dict[str, Any]:
        context: MetadataContext = info.context
        role = _service().roles(context.schema).find(root["roleId"])
        if role is None:
            raise NotFound(f"API key {root['id']} has no role assigned")
        return role_node(role)


class ApiKeyTokenNode(graphene.ObjectType):
    class Meta:
        name = "ApiKeyToken"

    token = graphene.String(required=True)


# -- inputs -------------------------------------------------------------------------------------


class GetApiKeyInput(graphene.InputObjectType):
    id = graphene.NonNull(UUID)


class CreateApiKeyInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    expiresAt = graphene.String()
    revokedAt = graphene.String()
    roleId = graphene.NonNull(UUID)


class UpdateApiKeyInput(graphene.InputObjectType):
    id = graphene.NonNull(UUID)
    name = graphene.String()
    expiresAt = graphene.String()
    revokedAt = graphene.String()


class RevokeApiKeyInput(graphene.InputObjectType):
    id = graphene.NonNull(UUID)


def _role_booleans() -> dict[str, graphene.Boolean]:
    names = (
        "canUpdateAllSettings", "canAccessAllTools", "canReadAllObjectRecords", "canUpdateAllObjectRecords",
        "canSoftDeleteAllObjectRecords", "canDestroyAllObjectRecords", "canBeAssignedToUsers",
        "canBeAssignedToAgents", "canBeAssignedToApiKeys",
    )
    return {name: graphene.Boolean() for name in names}


CreateRoleInput = type(
    "CreateRoleInput",
    (graphene.InputObjectType,),
    {"id": graphene.String(), "label": graphene.String(required=True), "description": graphene.String(),
     "icon": graphene.String(), **_role_booleans()},
)
UpdateRolePayload = type(
    "UpdateRolePayload",
    (graphene.InputObjectType,),
    {"label": graphene.String(), "description": graphene.String(), "icon": graphene.String(), **_role_booleans()},
)


class UpdateRoleInput(graphene.InputObjectType):
    update = graphene.NonNull(UpdateRolePayload)
    id = graphene.NonNull(UUID, description="The id of the role to update")


class ObjectPermissionInput(graphene.InputObjectType):
    objectMetadataId = graphene.NonNull(UUID)
    canReadObjectRecords = graphene.Boolean()
    canUpdateObjectRecords = graphene.Boolean()
    canSoftDeleteObjectRecords = graphene.Boolean()
    canDestroyObjectRecords = graphene.Boolean()


class UpsertObjectPermissionsInput(graphene.InputObjectType):
    roleId = graphene.NonNull(UUID)
    objectPermissions = graphene.NonNull(graphene.List(graphene.NonNull(ObjectPermissionInput)))


class UpsertPermissionFlagsInput(graphene.InputObjectType):
    roleId = graphene.NonNull(UUID)
    permissionFlagKeys = graphene.NonNull(graphene.List(graphene.NonNull(graphene.String)))


# -- root fields --------------------------------------------------------------------------------


def _keys_context(info: Any) -> MetadataContext:
    context: MetadataContext = info.context
    require_key_management(context.caller.role)
    return context


def _head(context: MetadataContext) -> WorkspaceHead:
    head = context.caller.head or MetadataStore().head(context.schema.workspace_id)
    if head is None:
        raise NotFound(f"Workspace {context.schema.workspace_id} not found")
    return head


def _roles_context(info: Any) -> MetadataContext:
    context: MetadataContext = info.context
    require_role_management(context.caller.role)
    return context


def _or_none(call: Any) -> Any:
    """Twenty answers null, not an error, for a key id the workspace does not have."""
    try:
        return call()
    except NotFound:
        return None


def _arg(input_type: Any) -> graphene.Argument:
    return graphene.Argument(graphene.NonNull(input_type))


class AccessQuery(graphene.ObjectType):
    apiKeys = graphene.NonNull(graphene.List(graphene.NonNull(ApiKeyNode)))
    apiKey = graphene.Field(ApiKeyNode, input=_arg(GetApiKeyInput))
    getRoles = graphene.NonNull(graphene.List(graphene.NonNull(RoleNode)))

    @staticmethod
    def resolve_apiKeys(root: None, info: Any) -> list[dict[str, Any]]:
        context = _keys_context(info)
        return [present_key(key) for key in _service().list_keys(context.schema.workspace_id)]

    @staticmethod
    def resolve_apiKey(root: None, info: Any, input: Any) -> dict[str, Any] | None:
        context = _keys_context(info)
        return _or_none(lambda: present_key(_service().get_key(context.schema.workspace_id, input["id"])))

    @staticmethod
    def resolve_getRoles(root: None, info: Any) -> list[dict[str, Any]]:
        context = _roles_context(info)
        return [role_node(role) for role in _service().roles(context.schema).roles]


class AccessMutation(graphene.ObjectType):
    createApiKey = graphene.Field(graphene.NonNull(ApiKeyNode), input=_arg(CreateApiKeyInput))
    updateApiKey = graphene.Field(ApiKeyNode, input=_arg(UpdateApiKeyInput))
    revokeApiKey = graphene.Field(ApiKeyNode, input=_arg(RevokeApiKeyInput))
    generateApiKeyToken = graphene.Field(
        graphene.NonNull(ApiKeyTokenNode),
        apiKeyId=graphene.Argument(graphene.NonNull(UUID)),
        expiresAt=graphene.Argument(graphene.NonNull(graphene.String)),
    )
    createOneRole = graphene.Field(graphene.NonNull(RoleNode), createRoleInput=_arg(CreateRoleInput))
    updateOneRole = graphene.Field(graphene.NonNull(RoleNode), updateRoleInput=_arg(UpdateRoleInput))
    deleteOneRole = graphene.Field(graphene.NonNull(graphene.String), roleId=graphene.Argument(graphene.NonNull(UUID)))
    upsertObjectPermissions = graphene.Field(
        graphene.NonNull(graphene.List(graphene.NonNull(ObjectPermissionNode))),
        upsertObjectPermissionsInput=_arg(UpsertObjectPermissionsInput),
    )
    upsertPermissionFlags = graphene.Field(
        graphene.NonNull(graphene.List(graphene.NonNull(RolePermissionFlagNode))),
        upsertPermissionFlagsInput=_arg(UpsertPermissionFlagsInput),
    )

    @staticmethod
    def resolve_createApiKey(root: None, info: Any, input: Any) -> dict[str, Any]:
        context = _keys_context(info)
        key, secret = _service().create_key(_head(context), context.caller.actor, plain(input))
        return {**present_key(key), "token": secret}

    @staticmethod
    def resolve_updateApiKey(root: None, info: Any, input: Any) -> dict[str, Any] | None:
        context = _keys_context(info)
        changes = {k: v for k, v in plain(input).items() if k != "id"}
        return _or_none(lambda: present_key(_service().update_key(_head(context), context.caller.actor, input["id"], changes)))

    @staticmethod
    def resolve_revokeApiKey(root: None, info: Any, input: Any) -> dict[str, Any] | None:
        context = _keys_context(info)
        return _or_none(lambda: present_key(_service().revoke_key(_head(context), context.caller.actor, input["id"])))

    @staticmethod
    def resolve_generateApiKeyToken(root: None, info: Any, apiKeyId: str, expiresAt: str) -> dict[str, Any]:
        context = _keys_context(info)
        _, secret = _service().rotate_key(_head(context), context.caller.actor, apiKeyId, expiresAt or None)
        return {"token": secret}

    @staticmethod
    def resolve_createOneRole(root: None, info: Any, createRoleInput: Any) -> dict[str, Any]:
        context = _roles_context(info)
        role, schema = _service().create_role(context.schema, context.caller.actor, plain(createRoleInput))
        context.changed(schema)
        return role_node(role)

    @staticmethod
    def resolve_updateOneRole(root: None, info: Any, updateRoleInput: Any) -> dict[str, Any]:
        context = _roles_context(info)
        payload = plain(updateRoleInput)
        role, schema = _service().update_role(context.schema, context.caller.actor, payload["id"], payload["update"])
        context.changed(schema)
        return role_node(role)

    @staticmethod
    def resolve_deleteOneRole(root: None, info: Any, roleId: str) -> str:
        context = _roles_context(info)
        role, schema = _service().delete_role(context.schema, context.caller.actor, roleId)
        context.changed(schema)
        return role.id

    @staticmethod
    def resolve_upsertObjectPermissions(root: None, info: Any, upsertObjectPermissionsInput: Any) -> list[dict[str, Any]]:
        context = _roles_context(info)
        payload = plain(upsertObjectPermissionsInput)
        role, schema = _service().upsert_object_permissions(context.schema, context.caller.actor, payload["roleId"], payload["objectPermissions"])
        context.changed(schema)
        return [present_object_permission(p) for p in role.object_permissions]

    @staticmethod
    def resolve_upsertPermissionFlags(root: None, info: Any, upsertPermissionFlagsInput: Any) -> list[dict[str, Any]]:
        context = _roles_context(info)
        payload = plain(upsertPermissionFlagsInput)
        role, schema = _service().upsert_permission_flags(context.schema, context.caller.actor, payload["roleId"], payload["permissionFlagKeys"])
        context.changed(schema)
        return [present_permission_flag(role, flag) for flag in role.permission_flags]

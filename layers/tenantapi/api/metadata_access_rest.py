"""Metadata REST for keys and roles: /rest/metadata/apiKeys and /rest/metadata/roles.

Envelopes as the rest of the Metadata REST API (docs/api.md §7.1), named after the GraphQL
operations:

    GET    /rest/metadata/apiKeys          {"data":{"apiKeys":[…]},"pageInfo":{…},"totalCount":n}
                                           (keys that are not revoked, as Twenty lists them)
    POST   /rest/metadata/apiKeys          {name, roleId, expiresAt?} → 201
                                           {"data":{"createApiKey":{…key…, "token":"tak_…"}}}
    GET    /rest/metadata/apiKeys/{id}     {"data":{"apiKey":{…}}}
    PATCH  /rest/metadata/apiKeys/{id}     {name?, expiresAt?, revokedAt?} → {"data":{"updateApiKey":{…}}}
    DELETE /rest/metadata/apiKeys/{id}     revokes → {"data":{"revokeApiKey":{…}}}

    GET    /rest/metadata/roles            {"data":{"roles":[…]},"pageInfo":{…},"totalCount":n}
    POST   /rest/metadata/roles            CreateRoleInput (+ permissionFlags, objectPermissions) → 201
                                           {"data":{"createOneRole":{…}}}
    GET    /rest/metadata/roles/{id}       {"data":{"role":{…}}}
    PATCH  /rest/metadata/roles/{id}       UpdateRolePayload (+ permissionFlags, objectPermissions)
                                           → {"data":{"updateOneRole":{…}}}
    DELETE /rest/metadata/roles/{id}       {"data":{"deleteOneRole":{…}}}
    POST   /rest/metadata/roles/{id}/objectPermissions   [ObjectPermissionInput…] or
           {"objectPermissions":[…]} → {"data":{"upsertObjectPermissions":[…]}}
    POST   /rest/metadata/roles/{id}/permissionFlags     ["DATA_MODEL", …] or
           {"permissionFlagKeys":[…]} → {"data":{"upsertPermissionFlags":[{id, roleId, flag}…]}}

The secret of a new key is in the create response only (Twenty hands it out through
generateApiKeyToken; REST has no such call, so it comes with the key). PUT is an alias of PATCH.
"""

from __future__ import annotations

import uuid
from typing import Any, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..auth.access import AccessService, present_key, require_key_management, require_role_management
from ..auth.role_model import present_object_permission, present_permission_flag
from ..errors import BadRequest
from .context import caller_of, remember_schema, workspace_of
from .http import json_body, json_response
from .metadata_rest import paginate_by_id

__all__ = ["metadata_access_rest_routes", "AccessRest"]

Endpoint = Callable[[Request], Any]


def _path_id(request: Request, what: str) -> str:
    value = request.path_params["id"]
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise BadRequest(f"Invalid {what} id '{value}': a UUID is expected") from None


def _listed(body: Any, key: str) -> Any:
    """A list sent bare or wrapped as {key: [...]}."""
    return body.get(key) if isinstance(body, dict) else body


class AccessRest:
    def __init__(self, service: AccessService | None = None) -> None:
        self.service = service or AccessService()

    # -- keys ---------------------------------------------------------------------------------

    async def api_keys(self, request: Request) -> Response:
        caller = caller_of(request)
        require_key_management(caller.role)
        if request.method == "GET":
            items = [present_key(key) for key in self.service.list_keys(caller.workspace_id)]
            page, page_info = paginate_by_id(items, request.query_params)
            return json_response({"data": {"apiKeys": page}, "pageInfo": page_info, "totalCount": len(items)})
        head = workspace_of(caller).head
        key, secret = self.service.create_key(head, caller.actor, await json_body(request))
        return json_response({"data": {"createApiKey": {**present_key(key), "token": secret}}}, 201)

    async def api_key(self, request: Request) -> Response:
        caller = caller_of(request)
        require_key_management(caller.role)
        key_id = _path_id(request, "API key")
        if request.method == "GET":
            return json_response({"data": {"apiKey": present_key(self.service.get_key(caller.workspace_id, key_id))}})
        head = workspace_of(caller).head
        if request.method == "DELETE":
            return json_response({"data": {"revokeApiKey": present_key(self.service.revoke_key(head, caller.actor, key_id))}})
        body = await json_body(request)
        if isinstance(body, dict) and body.get("id", key_id) != key_id:
            raise BadRequest("The body's id does not match the path's")
        key = self.service.update_key(head, caller.actor, key_id, body)
        return json_response({"data": {"updateApiKey": present_key(key)}})

    # -- roles --------------------------------------------------------------------------------

    async def roles(self, request: Request) -> Response:
        caller = caller_of(request)
        require_role_management(caller.role)
        ws = workspace_of(caller)
        if request.method == "GET":
            items = [self.service.present(role) for role in self.service.roles(ws.schema).roles]
            page, page_info = paginate_by_id(items, request.query_params)
            return json_response({"data": {"roles": page}, "pageInfo": page_info, "totalCount": len(items)})
        role, schema = self.service.create_role(ws.schema, caller.actor, await json_body(request))
        remember_schema(schema)
        return json_response({"data": {"createOneRole": self.service.present(role)}}, 201)

    async def role(self, request: Request) -> Response:
        caller = caller_of(request)
        require_role_management(caller.role)
        role_id = _path_id(request, "role")
        ws = workspace_of(caller)
        if request.method == "GET":
            return json_response({"data": {"role": self.service.present(self.service.role(ws.schema, role_id))}})
        if request.method == "DELETE":
            role, schema = self.service.delete_role(ws.schema, caller.actor, role_id)
            remember_schema(schema)
            return json_response({"data": {"deleteOneRole": self.service.present(role)}})
        role, schema = self.service.update_role(ws.schema, caller.actor, role_id, await json_body(request))
        remember_schema(schema)
        return json_response({"data": {"updateOneRole": self.service.present(role)}})

    async def object_permissions(self, request: Request) -> Response:
        caller = caller_of(request)
        require_role_management(caller.role)
        role_id = _path_id(request, "role")
        ws = workspace_of(caller)
        entries = _listed(await json_body(request), "objectPermissions")
        role, schema = self.service.upsert_object_permissions(ws.schema, caller.actor, role_id, entries)
        remember_schema(schema)
        permissions = [present_object_permission(p) for p in role.object_permissions]
        return json_response({"data": {"upsertObjectPermissions": permissions}})

    async def permission_flags(self, request: Request) -> Response:
        caller = caller_of(request)
        require_role_management(caller.role)
        role_id = _path_id(request, "role")
        ws = workspace_of(caller)
        flags = _listed(await json_body(request), "permissionFlagKeys")
        role, schema = self.service.upsert_permission_flags(ws.schema, caller.actor, role_id, flags)
        remember_schema(schema)
        return json_response({"data": {"upsertPermissionFlags": [present_permission_flag(role, f) for f in role.permission_flags]}})


def metadata_access_rest_routes(service: AccessService | None = None) -> list[Route]:
    rest = AccessRest(service)
    one = ["GET", "PATCH", "PUT", "DELETE"]
    return [
        Route("/rest/metadata/apiKeys", rest.api_keys, methods=["GET", "POST"]),
        Route("/rest/metadata/apiKeys/{id}", rest.api_key, methods=one),
        Route("/rest/metadata/roles", rest.roles, methods=["GET", "POST"]),
        Route("/rest/metadata/roles/{id}", rest.role, methods=one),
        Route("/rest/metadata/roles/{id}/objectPermissions", rest.object_permissions, methods=["POST", "PUT"]),
        Route("/rest/metadata/roles/{id}/permissionFlags", rest.permission_flags, methods=["POST", "PUT"]),
    ]

"""Roles as the Metadata API changes them, and the permission checks they map to (no AWS)."""

from __future__ import annotations

import itertools
import uuid

import pytest

from tenantapi.auth.keys import KeyStore, looks_like_secret, new_secret
from tenantapi.auth.role_model import (
    RoleDefinition,
    builtin_role_id,
    builtin_roles,
    plan_create_role,
    plan_object_permissions,
    plan_permission_flags,
    plan_update_role,
    present_role,
)
from tenantapi.auth.roles import ROLES
from tenantapi.errors import BadRequest

WS = "7f0b5c1e-3a52-4a8e-9d77-2f1c0e4b8a10"
OPPORTUNITIES = "11111111-1111-4111-8111-111111111111"
PEOPLE = "22222222-2222-4222-8222-222222222222"
OBJECTS = frozenset({OPPORTUNITIES, PEOPLE})
NOW = "2026-11-27T18:00:00.000Z"


def _ids() -> itertools.count[int]:
    return itertools.count(1)


def _create(payload: dict, existing: tuple[RoleDefinition, ...] = ()) -> RoleDefinition:
    counter = _ids()
    return plan_create_role(payload, builtin_roles(WS) + existing, OBJECTS, now=NOW, new_id=lambda: str(uuid.UUID(int=next(counter))))


def test_builtin_role_ids_are_fixed_per_workspace_and_differ_between_workspaces() -> None:
    other = str(uuid.uuid4())
    assert builtin_role_id(WS, "Admin") == builtin_role_id(WS, "Admin")
    assert builtin_role_id(WS, "Admin") != builtin_role_id(other, "Admin")
    assert builtin_role_id(WS, "Admin") != builtin_role_id(WS, "Member")
    admin, member = builtin_roles(WS)
    assert (admin.key_ref, member.key_ref) == ("Admin", "Member")
    assert admin.to_role() is ROLES["Admin"] and member.to_role() is ROLES["Member"]


def test_builtin_roles_cannot_be_edited() -> None:
    admin, member = builtin_roles(WS)
    for change in (
        lambda: plan_update_role(member, {"label": "Members"}, builtin_roles(WS), OBJECTS, now=NOW),
        lambda: plan_permission_flags(member, ["DATA_MODEL"], now=NOW),
        lambda: plan_object_permissions(admin, [{"objectMetadataId": PEOPLE, "canReadObjectRecords": False}], OBJECTS, now=NOW),
    ):
        with pytest.raises(BadRequest, match="built-in role"):
            change()


def test_a_new_role_has_twentys_defaults_no_record_access_and_no_settings() -> None:
    role = _create({"label": "Auditor"})
    assert (role.can_read_all, role.can_update_all, role.can_update_all_settings) == (False, False, False)
    assert role.can_be_assigned_to_api_keys is True and role.is_editable is True
    check = role.to_role()
    assert not check.can("read", PEOPLE) and not check.data_model and not check.api_keys_and_webhooks
    assert check.id == role.id and check.name == "Auditor"


def test_read_only_role_reads_every_object_and_writes_none() -> None:
    check = _create({"label": "Reader", "canReadAllObjectRecords": True}).to_role()
    assert check.can("read", PEOPLE)
    assert not any(check.can(action, PEOPLE) for action in ("update", "soft_delete", "destroy"))


def test_an_object_override_beats_the_role_wide_value() -> None:
    role = _create({
        "label": "Sales", "canReadAllObjectRecords": True, "canUpdateAllObjectRecords": True,
        "objectPermissions": [{"objectMetadataId": OPPORTUNITIES, "canReadObjectRecords": False, "canUpdateObjectRecords": False}],
    })
    check = role.to_role()
    assert check.can("update", PEOPLE) and not check.can("read", OPPORTUNITIES) and not check.can("update", OPPORTUNITIES)


def test_all_null_overrides_remove_the_objects_entry() -> None:
    role = _create({"label": "Sales", "canReadAllObjectRecords": True,
                    "objectPermissions": [{"objectMetadataId": OPPORTUNITIES, "canReadObjectRecords": False}]})
    cleared = plan_object_permissions(role, [{"objectMetadataId": OPPORTUNITIES, "canReadObjectRecords": None}], OBJECTS, now=NOW)
    assert cleared.object_permissions == () and cleared.to_role().can("read", OPPORTUNITIES)


def test_write_without_read_is_refused_as_in_twenty() -> None:
    role = _create({"label": "Writer"})
    with pytest.raises(BadRequest, match="without read permission"):
        plan_object_permissions(role, [{"objectMetadataId": PEOPLE, "canUpdateObjectRecords": True}], OBJECTS, now=NOW)


def test_object_permissions_name_objects_of_the_workspace_only() -> None:
    role = _create({"label": "Writer"})
    with pytest.raises(BadRequest, match="not found"):
        plan_object_permissions(role, [{"objectMetadataId": str(uuid.uuid4()), "canReadObjectRecords": True}], OBJECTS, now=NOW)


def test_flags_map_to_the_permissions_they_gate_and_settings_grants_them_all() -> None:
    flagged = plan_permission_flags(_create({"label": "Modeller"}), ["DATA_MODEL", {"flag": "DATA_MODEL"}], now=NOW)
    assert flagged.permission_flags == ("DATA_MODEL",)
    assert flagged.to_role().data_model and not flagged.to_role().api_keys_and_webhooks
    settings = _create({"label": "Owner", "canUpdateAllSettings": True}).to_role()
    assert settings.data_model and settings.api_keys_and_webhooks and settings.can_update_all_settings
    with pytest.raises(BadRequest, match="Invalid permission flag 'NOPE'"):
        plan_permission_flags(flagged, ["NOPE"], now=NOW)


def test_labels_are_unique_in_the_workspace_builtins_included() -> None:
    with pytest.raises(BadRequest, match="already exists"):
        _create({"label": "admin"})
    first = _create({"label": "Reader"})
    with pytest.raises(BadRequest, match="already exists"):
        plan_update_role(_create({"label": "Other"}, (first,)), {"label": "Reader"}, builtin_roles(WS) + (first,), OBJECTS, now=NOW)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({}, "label"),
        ({"label": ""}, "label"),
        ({"label": "X", "canReadAllObjectRecords": "yes"}, "boolean"),
        ({"label": "X", "isAdmin": True}, "Unknown property for a role: isAdmin"),
        ({"label": "X", "id": "not-a-uuid"}, "UUID"),
    ],
)
def test_invalid_create_payloads_are_400(payload: dict, message: str) -> None:
    with pytest.raises(BadRequest, match=message):
        _create(payload)


def test_a_null_boolean_in_an_update_leaves_the_value() -> None:
    role = _create({"label": "Reader", "canReadAllObjectRecords": True})
    updated = plan_update_role(role, {"canReadAllObjectRecords": None, "description": "reads"}, builtin_roles(WS) + (role,), OBJECTS, now=NOW)
    assert updated.can_read_all is True and updated.description == "reads"


def test_a_role_survives_its_stored_form_and_shows_twentys_fields() -> None:
    role = plan_permission_flags(_create({
        "label": "Sales", "canReadAllObjectRecords": True,
        "objectPermissions": [{"objectMetadataId": OPPORTUNITIES, "canReadObjectRecords": False}],
    }), ["API_KEYS_AND_WEBHOOKS"], now=NOW)
    assert RoleDefinition.from_doc(role.to_doc()) == role
    shown = present_role(role)
    assert shown["permissionFlags"] == [{"id": shown["permissionFlags"][0]["id"], "roleId": role.id, "flag": "API_KEYS_AND_WEBHOOKS"}]
    assert shown["objectPermissions"][0]["objectMetadataId"] == OPPORTUNITIES
    assert {"canUpdateAllSettings", "canBeAssignedToApiKeys", "isEditable", "universalIdentifier"} <= set(shown)


@pytest.mark.parametrize(
    ("secret", "plausible"),
    [
        (new_secret(), True),
        ("tak_", True),  # has the prefix: looked up (and not found)
        ("lFsQ4jJTkiNVLuaX2zDg6x5qCbhrem791wyPpZB3", True),  # an API Gateway generated value
        ("invalid-token", False),  # shorter than API Gateway's 20 characters
        ("x" * 129, False),
        ("twenty chars or more but with spaces", False),
    ],
)
def test_only_plausible_secrets_cost_a_read(secret: str, plausible: bool) -> None:
    assert looks_like_secret(secret) is plausible


def test_an_implausible_secret_is_refused_without_touching_dynamodb() -> None:
    untouchable = object()  # any call on it would raise AttributeError
    check = KeyStore(table="t", dynamodb=untouchable).check("not-a-key")
    assert (check.key, check.reason) == (None, "Token invalid.")

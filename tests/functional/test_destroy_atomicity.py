"""A destroy with onDelete children is one conditioned transaction (DynamoDB Local): a child that
changes between the plan and the write fails the destroy as a whole (409), nothing half-applied."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tenantapi.errors import Conflict
from tenantapi.metadata.service import MetadataService
from tenantapi.records import service as record_service
from tenantapi.records.service import RecordService, WorkspaceView
from tenantapi.workspaces import create_workspace

pytestmark = pytest.mark.dynamodb_local


def _object(metadata: MetadataService, workspace_id: str, singular: str, plural: str) -> Any:
    obj, _ = metadata.create_object(
        workspace_id, {"nameSingular": singular, "namePlural": plural, "labelSingular": singular, "labelPlural": plural}
    )
    return obj


@pytest.fixture
def family():
    head = create_workspace(f"atomic-{uuid.uuid4().hex[:8]}")
    metadata = MetadataService()
    parent = _object(metadata, head.id, "parent", "parents")
    kids = {}
    for singular, plural, on_delete in (("cascadeChild", "cascadeChildren", "CASCADE"), ("looseChild", "looseChildren", "SET_NULL")):
        kids[on_delete] = _object(metadata, head.id, singular, plural)
        _, schema = metadata.create_field(head.id, {
            "objectMetadataId": kids[on_delete].id, "type": "RELATION", "name": "parent", "label": "Parent",
            "settings": {"onDelete": on_delete},
            "relationCreationPayload": {"type": "MANY_TO_ONE", "targetObjectMetadataId": parent.id,
                                        "targetFieldLabel": plural, "targetFieldName": plural},
        })
    ws = WorkspaceView(head=head, schema=schema, actor_name="test")
    records = RecordService()
    first, other = records.create_many(ws, parent, [{"name": "P"}, {"name": "Other"}])
    children = {
        on_delete: records.create_many(ws, kid, [{"name": f"{on_delete} {i}", "parentId": first["id"]} for i in range(3)])
        for on_delete, kid in kids.items()
    }
    return records, ws, parent, kids, first["id"], other["id"], children


@pytest.mark.parametrize("moved", ["CASCADE", "SET_NULL"])
def test_a_child_moved_while_the_destroy_runs_is_left_alone_by_the_destroy_planned_again(family, monkeypatch, moved):
    records, ws, parent, kids, parent_id, other_id, children = family
    plan = record_service.plan_destroy
    moves = []

    def plan_then_move_once(*args: Any, **kwargs: Any) -> Any:
        planned = plan(*args, **kwargs)
        if not moves:
            moves.append(records.update_one(ws, kids[moved], children[moved][0]["id"], {"parentId": other_id}))
        return planned

    monkeypatch.setattr(record_service, "plan_destroy", plan_then_move_once)
    records.delete_one(ws, parent, parent_id, soft=False)
    moved_child = children[moved][0]["id"]
    for on_delete, kid in kids.items():
        remaining = {c["id"]: c["parentId"] for c in records.find_many(ws, kid, limit=10).records}
        expected = {} if on_delete == "CASCADE" else {c["id"]: None for c in children[on_delete]}
        if on_delete == moved:
            expected[moved_child] = other_id  # moved before the destroy committed: not its child any more
        assert remaining == expected


@pytest.mark.parametrize("moved", ["CASCADE", "SET_NULL"])
def test_a_child_that_keeps_moving_fails_the_destroy_whole_with_a_409(family, monkeypatch, moved):
    records, ws, parent, kids, parent_id, other_id, children = family
    plan = record_service.plan_destroy

    def plan_then_move(*args: Any, **kwargs: Any) -> Any:
        planned = plan(*args, **kwargs)
        # Back and forth, so every attempt's plan still holds the child and every attempt loses.
        records.update_one(ws, kids[moved], children[moved][0]["id"], {"parentId": parent_id})
        return planned

    monkeypatch.setattr(record_service, "plan_destroy", plan_then_move)
    with pytest.raises(Conflict) as error:
        records.delete_one(ws, parent, parent_id, soft=False)
    assert "nothing was written" in error.value.message
    assert records.get_one(ws, parent, parent_id)["id"] == parent_id
    for on_delete, kid in kids.items():
        remaining = records.find_many(ws, kid, limit=10).records
        assert {c["id"]: c["parentId"] for c in remaining} == {c["id"]: parent_id for c in children[on_delete]}


def test_without_a_concurrent_change_the_same_destroy_is_written_whole(family):
    records, ws, parent, kids, parent_id, other_id, children = family
    records.delete_one(ws, parent, parent_id, soft=False)
    assert records.find_many(ws, kids["CASCADE"], limit=10).total_count == 0
    assert [c["parentId"] for c in records.find_many(ws, kids["SET_NULL"], limit=10).records] == [None] * 3
    assert [p["id"] for p in records.find_many(ws, parent, limit=10).records] == [other_id]

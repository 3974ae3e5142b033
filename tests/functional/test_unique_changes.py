"""isUnique turned on while records are written on the previous schema (DynamoDB Local).

The values of existing records are claimed as guards before the schema change commits and once
more after it; a record written in between on the previous schema is seen by the second claim.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tenantapi.errors import BadRequest, Conflict
from tenantapi.metadata.service import MetadataService
from tenantapi.records.service import RecordService, WorkspaceView
from tenantapi.storage.metadata_store import MetadataStore
from tenantapi.workspaces import create_workspace

pytestmark = pytest.mark.dynamodb_local


@pytest.fixture
def world():
    head = create_workspace(f"unique-{uuid.uuid4().hex[:8]}")
    metadata = MetadataService()
    company = MetadataStore().load_schema(head.id).active_object_by_plural("companies")  # type: ignore[union-attr]
    field, schema = metadata.create_field(
        head.id, {"objectMetadataId": company.id, "name": "code", "label": "Code", "type": "TEXT"}
    )
    records = RecordService()
    old = WorkspaceView(head=head, schema=schema, actor_name="test")
    records.create_many(old, company, [{"name": "A", "code": "ACME"}, {"name": "B", "code": "GLOBEX"}])
    return metadata, records, old, company, field


def _write_before_commit(metadata: MetadataService, write: Any) -> None:
    """Run `write` once, between the claims of the change and its commit."""
    commit = metadata.store.commit

    def commit_after_write(*args: Any, **kwargs: Any) -> int:
        metadata.store.commit = commit  # type: ignore[method-assign]
        write()
        return commit(*args, **kwargs)

    metadata.store.commit = commit_after_write  # type: ignore[method-assign]


def _live_schema(old: WorkspaceView) -> WorkspaceView:
    head = old.head
    return WorkspaceView(head=head, schema=MetadataStore().load_schema(head.id), actor_name="test")  # type: ignore[arg-type]


def test_a_duplicate_written_on_the_previous_schema_while_the_change_runs_undoes_it(world):
    metadata, records, old, company, field = world
    _write_before_commit(metadata, lambda: records.create_one(old, company, {"name": "Late", "code": "ACME"}))
    with pytest.raises(Conflict) as error:
        metadata.update_field(old.id, field.id, {"isUnique": True})
    assert "more than one company has the value ACME" in error.value.message
    assert MetadataStore().load_schema(old.id).field(field.id).is_unique is False  # type: ignore[union-attr]


def test_a_value_written_on_the_previous_schema_while_the_change_runs_is_guarded_too(world):
    metadata, records, old, company, field = world
    _write_before_commit(metadata, lambda: records.create_one(old, company, {"name": "Late", "code": "INITECH"}))
    updated, _ = metadata.update_field(old.id, field.id, {"isUnique": True})
    assert updated.is_unique is True
    now = _live_schema(old)
    for code in ("ACME", "GLOBEX", "INITECH"):
        with pytest.raises(BadRequest) as error:
            records.create_one(now, company, {"name": "Copy", "code": code})
        assert error.value.message.startswith("A duplicate entry was detected")


def test_duplicates_among_existing_records_refuse_the_change_and_leave_no_guard(world):
    metadata, records, old, company, field = world
    records.create_one(old, company, {"name": "C", "code": "GLOBEX"})
    with pytest.raises(BadRequest) as error:
        metadata.update_field(old.id, field.id, {"isUnique": True})
    assert error.value.message == "Field 'code' cannot be unique: more than one company has the value GLOBEX"
    items = metadata.records.client.query(
        TableName=metadata.records.table,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :u)",
        ExpressionAttributeValues={":pk": {"S": f"{old.id}#{company.id}"}, ":u": {"S": "U#"}},
    )["Items"]
    assert [i for i in items if i["sk"]["S"].startswith(f"U#{field.storage_key}#")] == []

"""Read plans against DynamoDB: the read budget, and what an indexed read costs."""

import uuid

import pytest

from tenantapi.errors import BadRequest
from tenantapi.query.parse_filter import parse_filter
from tenantapi.records import reader
from tenantapi.records.service import RecordService, WorkspaceView
from tenantapi.storage.dynamo import client
from tenantapi.storage.metadata_store import MetadataStore
from tenantapi.workspaces import create_workspace


@pytest.fixture
def people(dynamodb_backend):
    head = create_workspace(f"reads-{uuid.uuid4().hex[:8]}")
    ws = WorkspaceView(head=head, schema=MetadataStore().load_schema(head.id), actor_name="test")
    person = ws.schema.active_object_by_plural("people")
    service = RecordService()
    service.create_many(ws, person, [{"city": f"City {i % 3}", "name": {"firstName": f"F{i % 5}"}} for i in range(30)])
    return service, ws, person


class _Calls:
    def __init__(self) -> None:
        self.names: list[str] = []

    def __call__(self, event_name: str, **_: object) -> None:
        self.names.append(event_name.rsplit(".", 1)[-1])


def test_an_unindexed_filter_past_the_read_budget_is_a_400_naming_the_field(people, monkeypatch):
    service, ws, person = people
    monkeypatch.setattr(reader, "READ_BUDGET", 10)
    with pytest.raises(BadRequest) as error:
        service.find_many(ws, person, filter_input=parse_filter("city[eq]:City 1"))
    assert "'city'" in error.value.message and "index" in error.value.message


def test_an_indexed_equality_is_answered_within_any_budget(people, monkeypatch):
    service, ws, person = people
    monkeypatch.setattr(reader, "READ_BUDGET", 10)
    result = service.find_many(ws, person, filter_input=parse_filter("name.firstName[eq]:F2"), limit=3)
    assert result.total_count == 6 and len(result.records) == 3 and result.has_next_page


def test_a_page_without_filter_costs_one_query_and_one_count_read(people):
    service, ws, person = people
    calls = _Calls()
    client().meta.events.register("before-call.dynamodb.*", calls)
    try:
        result = service.find_many(ws, person, limit=10)
    finally:
        client().meta.events.unregister("before-call.dynamodb.*", calls)
    assert len(result.records) == 10 and result.total_count == 30
    assert sorted(calls.names) == ["GetItem", "Query"]

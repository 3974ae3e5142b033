"""The base of the metadata table's pynamodb models (storage/items/base.py): the process's one
client (metered, wire-decoded), the table named by the settings at each call, and botocore's
errors handed on as they were; on moto and on DynamoDB Local."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError
from tenantapi_tools.local.tables import create_tables

from tenantapi.config import settings
from tenantapi.storage import dynamo
from tenantapi.storage.capacity import meter
from tenantapi.storage.items.base import PutError, TransactWriteError, cancelled_by_condition, reraise, transaction
from tenantapi.storage.items.workspace import NameItem


def _calls_of(client: object) -> list[str]:
    """The operations `client` sends from now on."""
    calls: list[str] = []
    client.meta.events.register("before-call.dynamodb", lambda model, **_: calls.append(model.name))  # type: ignore[attr-defined]
    return calls


def _name() -> str:
    return f"N#items-{uuid.uuid4()}"


def test_a_model_call_goes_through_the_process_client_and_is_metered(dynamodb_backend):
    calls = _calls_of(dynamo.client())
    meter.take()
    NameItem(_name(), "#NAME", workspace_id="w").save()
    read, write = meter.take()
    assert calls == ["PutItem"]
    assert write > 0 and read == 0


def test_a_transaction_goes_through_the_process_client_and_is_metered(dynamodb_backend):
    calls = _calls_of(dynamo.client())
    meter.take()
    with transaction() as write:
        write.save(NameItem(_name(), "#NAME", workspace_id="w"))
        write.save(NameItem(_name(), "#NAME", workspace_id="w"))
    assert calls == ["TransactWriteItems"]
    if dynamodb_backend == "dynamodb_local":  # moto reports no consumed capacity for a transaction
        assert meter.take()[1] > 0


def test_a_new_client_is_followed_after_reset(dynamodb_backend):
    NameItem(_name(), "#NAME", workspace_id="w").save()
    dynamo.reset_client()
    calls = _calls_of(dynamo.client())
    NameItem(_name(), "#NAME", workspace_id="w").save()
    assert calls == ["PutItem"]


def test_the_table_is_the_setting_at_each_call(dynamodb_backend, monkeypatch: pytest.MonkeyPatch):
    pk = _name()
    NameItem(pk, "#NAME", workspace_id="first").save()
    monkeypatch.setenv("METADATA_TABLE", f"tenantapi-metadata-{uuid.uuid4().hex[:8]}")
    create_tables()
    NameItem(pk, "#NAME", workspace_id="second").save()
    read = dynamo.client().get_item(TableName=settings().metadata_table, Key={"pk": {"S": pk}, "sk": {"S": "#NAME"}})
    assert read["Item"]["workspaceId"] == {"S": "second"}
    monkeypatch.delenv("METADATA_TABLE")
    read = dynamo.client().get_item(TableName=settings().metadata_table, Key={"pk": {"S": pk}, "sk": {"S": "#NAME"}})
    assert read["Item"]["workspaceId"] == {"S": "first"}


def test_a_failed_condition_is_botocores_client_error_once_reraised(dynamodb_backend):
    pk = _name()
    NameItem(pk, "#NAME", workspace_id="w").save()
    with pytest.raises(ClientError) as raised:
        try:
            NameItem(pk, "#NAME", workspace_id="w").save(condition=NameItem.pk.does_not_exist())
        except PutError as error:
            reraise(error)
    assert raised.value.response["Error"]["Code"] == "ConditionalCheckFailedException"


def test_a_cancelled_transaction_names_the_action_whose_condition_failed(dynamodb_backend):
    taken = _name()
    NameItem(taken, "#NAME", workspace_id="w").save()
    with pytest.raises(TransactWriteError) as raised:
        with transaction() as write:
            write.save(NameItem(_name(), "#NAME", workspace_id="w"), condition=NameItem.pk.does_not_exist())
            write.save(NameItem(taken, "#NAME", workspace_id="w"), condition=NameItem.pk.does_not_exist())
    assert raised.value.cause_response_code == "TransactionCanceledException"
    assert cancelled_by_condition(raised.value, -1) and not cancelled_by_condition(raised.value, 0)

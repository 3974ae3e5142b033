"""Tables created from template.yaml, on DynamoDB Local and on moto."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from tenantapi_tools.local.tables import create_table_request, create_tables, table_names
from tenantapi_tools.local.template import load_template


@pytest.fixture(params=["dynamodb_local", "moto"])
def client(request: pytest.FixtureRequest) -> Any:
    """A DynamoDB client on each back-end, its tables already created from the template."""
    if request.param == "moto":
        return request.getfixturevalue("moto_dynamodb")
    request.getfixturevalue("dynamodb_local")
    return boto3.client("dynamodb")


def _keys(key_schema: list[dict[str, str]]) -> dict[str, str]:
    return {key["KeyType"]: key["AttributeName"] for key in key_schema}


def test_table_names_follow_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METADATA_TABLE", "m1")
    monkeypatch.delenv("RECORDS_TABLE", raising=False)
    assert table_names() == {"MetadataTable": "m1", "RecordsTable": "tenantapi-records"}


def test_create_table_request_enables_the_stream_and_keeps_only_api_index_properties() -> None:
    properties = load_template()["Resources"]["RecordsTable"]["Properties"]
    request = create_table_request("records", properties)
    assert request["BillingMode"] == "PAY_PER_REQUEST"
    assert request["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert [set(index) for index in request["LocalSecondaryIndexes"]] == [{"IndexName", "KeySchema", "Projection"}] * 5
    assert "DeletionProtectionEnabled" not in request and "TimeToLiveSpecification" not in request


def test_a_template_table_without_a_name_mapping_is_refused(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(
        "Resources:\n  AuditTable:\n    Type: AWS::DynamoDB::Table\n    Properties: {}\n"
    )
    with pytest.raises(KeyError, match="AuditTable"):
        create_tables(client=object(), template_path=template)


def test_both_tables_have_pk_and_sk_keys(client: Any) -> None:
    for name in table_names().values():
        table = client.describe_table(TableName=name)["Table"]
        assert table["TableStatus"] == "ACTIVE"
        assert _keys(table["KeySchema"]) == {"HASH": "pk", "RANGE": "sk"}
        assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_records_table_has_five_local_indexes_on_s1_to_s5(client: Any) -> None:
    table = client.describe_table(TableName=table_names()["RecordsTable"])["Table"]
    indexes = {index["IndexName"]: index for index in table["LocalSecondaryIndexes"]}
    assert sorted(indexes) == ["lsi1", "lsi2", "lsi3", "lsi4", "lsi5"]
    for number in range(1, 6):
        index = indexes[f"lsi{number}"]
        assert _keys(index["KeySchema"]) == {"HASH": "pk", "RANGE": f"s{number}"}
        # Slot 1 carries whole records; the others keys only (docs/storage.md, "Decision").
        assert index["Projection"]["ProjectionType"] == ("ALL" if number == 1 else "KEYS_ONLY")


def test_records_table_streams_new_and_old_images(client: Any) -> None:
    table = client.describe_table(TableName=table_names()["RecordsTable"])["Table"]
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert table["LatestStreamArn"]


def test_metadata_table_has_no_index_and_no_stream(client: Any) -> None:
    table = client.describe_table(TableName=table_names()["MetadataTable"])["Table"]
    assert not table.get("LocalSecondaryIndexes") and not table.get("GlobalSecondaryIndexes")
    assert not table.get("StreamSpecification", {}).get("StreamEnabled", False)


def test_ttl_is_enabled_on_the_ttl_attribute(client: Any) -> None:
    for name in table_names().values():
        ttl = client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "ttl"}


def test_creating_again_skips_existing_tables(client: Any) -> None:
    assert create_tables(client) == []


def test_tables_take_their_names_from_the_environment(moto_dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METADATA_TABLE", "other-metadata")
    monkeypatch.setenv("RECORDS_TABLE", "other-records")
    assert create_tables(moto_dynamodb) == ["other-metadata", "other-records"]
    assert {"other-metadata", "other-records"} <= set(moto_dynamodb.list_tables()["TableNames"])

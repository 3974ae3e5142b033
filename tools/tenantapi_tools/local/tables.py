"""Create the DynamoDB tables that template.yaml defines, on DynamoDB Local or under moto.

The template is the one source of truth: key schema, attributes, indexes, stream and TTL are read
from its `AWS::DynamoDB::Table` resources. Only the names come from the environment, as the
functions see them (`tenantapi.config.settings()`).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tenantapi.config import settings

from tenantapi_tools.local.template import DEFAULT_TEMPLATE, load_template, resources_of_type

__all__ = ["TABLE_SETTINGS", "create_table_request", "create_tables", "table_names"]

# Logical id in template.yaml -> attribute of tenantapi.config.Settings holding the table's name.
TABLE_SETTINGS: dict[str, str] = {
    "MetadataTable": "metadata_table",
    "RecordsTable": "records_table",
}

# Index properties the CreateTable API takes; others in a template index are CloudFormation-only.
_INDEX_KEYS = ("IndexName", "KeySchema", "Projection")


def table_names() -> dict[str, str]:
    """Logical id -> table name, as configured by METADATA_TABLE / RECORDS_TABLE."""
    current = settings()
    return {logical_id: getattr(current, attribute) for logical_id, attribute in TABLE_SETTINGS.items()}


def create_table_request(name: str, properties: dict[str, Any]) -> dict[str, Any]:
    """The CreateTable arguments for a template table's `Properties` (pure: no I/O).

    Always PAY_PER_REQUEST, as in the template. Left out on purpose: deletion protection and point-in-
    time recovery (not in DynamoDB Local, and a local table is disposable) and TTL (a separate
    call, UpdateTimeToLive, after the table is ACTIVE).
    """
    request: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": properties["AttributeDefinitions"],
        "KeySchema": properties["KeySchema"],
        "BillingMode": "PAY_PER_REQUEST",
    }
    for kind in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes"):
        if properties.get(kind):
            request[kind] = [{key: index[key] for key in _INDEX_KEYS if key in index} for index in properties[kind]]
    stream = properties.get("StreamSpecification")
    if stream:
        # CloudFormation infers StreamEnabled from StreamViewType; the API wants it said.
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
    return request


def _wait_active(client: Any, name: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        table = client.describe_table(TableName=name)["Table"]
        statuses = [table["TableStatus"]] + [index["IndexStatus"] for index in table.get("GlobalSecondaryIndexes", [])]
        if all(status == "ACTIVE" for status in statuses):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"table {name} is not ACTIVE after {timeout:.0f}s (statuses: {statuses})")
        time.sleep(0.2)


def create_tables(client: Any = None, template_path: str | Path = DEFAULT_TEMPLATE, timeout: float = 60.0) -> list[str]:
    """Create every table of the template that does not exist yet; return the names created.

    Existing tables are left as they are. Each new table is waited for until ACTIVE (at most
    `timeout` seconds), then gets its TTL. `client` defaults to `boto3.client("dynamodb")`, which
    honours AWS_ENDPOINT_URL_DYNAMODB.
    """
    if client is None:
        import boto3  # lazy: only the local stack and tests call this

        client = boto3.client("dynamodb", region_name=settings().region)
    names = table_names()
    tables = resources_of_type(load_template(template_path), "AWS::DynamoDB::Table")
    unnamed = sorted(set(tables) - set(names))
    if unnamed:
        raise KeyError(f"template.yaml defines tables {unnamed} that tables.TABLE_SETTINGS does not name")
    created: list[str] = []
    for logical_id, resource in tables.items():
        name, properties = names[logical_id], resource["Properties"]
        try:
            client.create_table(**create_table_request(name, properties))
        except client.exceptions.ResourceInUseException:
            continue  # exists already (or another process created it just now)
        _wait_active(client, name, timeout)
        ttl = properties.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            client.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]}
            )
        created.append(name)
    return created

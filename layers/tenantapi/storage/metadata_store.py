"""The metadata table: workspaces, their schema (objects, fields, roles) and name index.

Layout (one partition per workspace, so the whole schema is one Query):
    pk = "W#<workspaceId>", sk = "#HEAD"            workspace head: name, schemaVersion, createdAt
    pk = "W#<workspaceId>", sk = "S#O#<objectId>"   object definition (doc: JSON)
    pk = "W#<workspaceId>", sk = "S#F#<fieldId>"    field definition (doc: JSON)
    pk = "N#<workspaceName>", sk = "#NAME"          workspace name -> id (names are unique)
    pk = "W#<workspaceId>", sk = "R#<roleId>"       a custom role (auth/role_store.py)
    pk = "WK#<workspaceId>", sk = "K#<keyId>"       the workspace's keys; "H#<sha256>" the key by hash (auth/keys.py)
    pk = "L#<workspaceId>", sk = "#BUCKETS"         rate-limit buckets (storage/limit_store.py, TTL)
    pk = "UK#<usageKey>", sk = "#USAGEKEY"          usage key -> workspace (usage_plans/)
The head may also hold `plan` and `rateLimit` (usage_plans/, limits/).
Every schema change is one TransactWriteItems that bumps `schemaVersion` under the condition that
it still holds the version the change was computed from (optimistic concurrency).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable

from botocore.exceptions import ClientError

from ..errors import Conflict
from ..metadata.codec import field_from_doc, object_from_doc, to_doc
from ..metadata.model import FieldMetadata, ObjectMetadata, WorkspaceSchema
from .dynamo import TableAdapter

__all__ = ["WorkspaceHead", "MetadataStore", "SchemaConflict"]

HEAD = "#HEAD"
# TransactWriteItems takes at most 100 actions (DynamoDB limit); one is the version bump.
MAX_TRANSACTION_ACTIONS = 100


class SchemaConflict(Conflict):
    def __init__(self) -> None:
        super().__init__("The data model was changed by another request; retry")


@dataclass(frozen=True)
class WorkspaceHead:
    id: str
    name: str
    schema_version: int
    created_at: str
    secret: str  # signs this workspace's cursors (tamper-evident, useless elsewhere)
    usage_key: str  # value of the workspace's API Gateway API key (its usage-plan identity)


def _ws_pk(workspace_id: str) -> dict[str, str]:
    return {"S": f"W#{workspace_id}"}


def _definition_sk(definition: ObjectMetadata | FieldMetadata) -> str:
    return f"S#O#{definition.id}" if isinstance(definition, ObjectMetadata) else f"S#F#{definition.id}"


class MetadataStore(TableAdapter):
    # -- workspaces ---------------------------------------------------------------------------

    def head(self, workspace_id: str) -> WorkspaceHead | None:
        item = self.client.get_item(
            TableName=self.table,
            Key={"pk": _ws_pk(workspace_id), "sk": {"S": HEAD}},
            ConsistentRead=True,
        ).get("Item")
        return _head_from_item(item) if item else None

    def workspace_id_by_name(self, name: str) -> str | None:
        item = self.client.get_item(
            TableName=self.table,
            Key={"pk": {"S": f"N#{name}"}, "sk": {"S": "#NAME"}},
            ConsistentRead=True,
        ).get("Item")
        return item["workspaceId"]["S"] if item else None

    def create_workspace(self, head: WorkspaceHead, schema: WorkspaceSchema) -> None:
        """Claim the name, write the seeded schema, then the head: a workspace exists once its
        head does, so a failure half-way leaves nothing a request can reach."""
        try:
            self.client.put_item(
                TableName=self.table,
                Item={"pk": {"S": f"N#{head.name}"}, "sk": {"S": "#NAME"}, "workspaceId": {"S": head.id}},
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise Conflict(f"A workspace named '{head.name}' already exists") from error
            raise
        self._batch_put(head.id, [*schema.objects, *schema.fields])
        self.client.put_item(
            TableName=self.table,
            Item={
                "pk": _ws_pk(head.id),
                "sk": {"S": HEAD},
                "id": {"S": head.id},
                "name": {"S": head.name},
                "schemaVersion": {"N": str(head.schema_version)},
                "createdAt": {"S": head.created_at},
                "secret": {"S": head.secret},
                "usageKey": {"S": head.usage_key},
            },
            ConditionExpression="attribute_not_exists(pk)",
        )

    # -- schema -------------------------------------------------------------------------------

    def load_schema(self, workspace_id: str) -> WorkspaceSchema | None:
        """The head and every definition of a workspace, in one strongly consistent Query."""
        head: WorkspaceHead | None = None
        objects: list[ObjectMetadata] = []
        fields: list[FieldMetadata] = []
        paginator = self.client.get_paginator("query")
        for page in paginator.paginate(
            TableName=self.table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": _ws_pk(workspace_id)},
            ConsistentRead=True,
        ):
            for item in page.get("Items", []):
                sk = item["sk"]["S"]
                if sk == HEAD:
                    head = _head_from_item(item)
                elif sk.startswith("S#O#"):
                    objects.append(object_from_doc(json.loads(item["doc"]["S"])))
                elif sk.startswith("S#F#"):
                    fields.append(field_from_doc(json.loads(item["doc"]["S"])))
        if head is None:
            return None
        object_ids = {o.id for o in objects}
        # Sort by creation so listings and generated schemas have a stable order.
        objects.sort(key=lambda o: (o.created_at, o.id))
        fields.sort(key=lambda f: (f.created_at, int(f.storage_key[1:], 36)))
        return WorkspaceSchema(
            workspace_id=workspace_id,
            version=head.schema_version,
            objects=tuple(objects),
            # Fields of a deleted object may outlive it for a moment (deleted after the object).
            fields=tuple(f for f in fields if f.object_id in object_ids),
        )

    def commit(
        self,
        workspace_id: str,
        expected_version: int,
        puts: Iterable[ObjectMetadata | FieldMetadata] = (),
        deletes: Iterable[ObjectMetadata | FieldMetadata] = (),
    ) -> int:
        """Apply a schema change atomically and return the new schemaVersion."""
        puts, deletes = list(puts), list(deletes)
        actions: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self.table,
                    "Key": {"pk": _ws_pk(workspace_id), "sk": {"S": HEAD}},
                    "UpdateExpression": "SET schemaVersion = :next",
                    "ConditionExpression": "schemaVersion = :expected",
                    "ExpressionAttributeValues": {
                        ":expected": {"N": str(expected_version)},
                        ":next": {"N": str(expected_version + 1)},
                    },
                }
            }
        ]
        actions += [{"Put": {"TableName": self.table, "Item": self._definition_item(workspace_id, d)}} for d in puts]
        actions += [
            {"Delete": {"TableName": self.table, "Key": {"pk": _ws_pk(workspace_id), "sk": {"S": _definition_sk(d)}}}}
            for d in deletes
        ]
        if len(actions) > MAX_TRANSACTION_ACTIONS:
            raise ValueError(f"a schema change of {len(actions)} actions exceeds one transaction")
        try:
            self.client.transact_write_items(TransactItems=actions)
        except ClientError as error:
            if error.response["Error"]["Code"] in ("TransactionCanceledException", "TransactionConflictException"):
                raise SchemaConflict() from error
            raise
        return expected_version + 1

    def delete_definitions(self, workspace_id: str, definitions: Iterable[ObjectMetadata | FieldMetadata]) -> None:
        """Remove definitions no schema refers to any more (the fields of a deleted object)."""
        keys = [{"pk": _ws_pk(workspace_id), "sk": {"S": _definition_sk(d)}} for d in definitions]
        self._batch(keys, lambda key: {"DeleteRequest": {"Key": key}})

    # -- helpers ------------------------------------------------------------------------------

    def _definition_item(self, workspace_id: str, definition: ObjectMetadata | FieldMetadata) -> dict[str, Any]:
        return {
            "pk": _ws_pk(workspace_id),
            "sk": {"S": _definition_sk(definition)},
            "doc": {"S": json.dumps(to_doc(definition), separators=(",", ":"))},
        }

    def _batch_put(self, workspace_id: str, definitions: Iterable[ObjectMetadata | FieldMetadata]) -> None:
        items = [self._definition_item(workspace_id, d) for d in definitions]
        self._batch(items, lambda item: {"PutRequest": {"Item": item}})

    def _batch(self, entries: list[Any], request: Any) -> None:
        # BatchWriteItem takes 25 requests (DynamoDB limit); unprocessed ones are sent again.
        for start in range(0, len(entries), 25):
            pending = {self.table: [request(e) for e in entries[start : start + 25]]}
            for _ in range(8):
                response = self.client.batch_write_item(RequestItems=pending)
                pending = response.get("UnprocessedItems") or {}
                if not pending:
                    break
            else:
                raise RuntimeError("DynamoDB left items unprocessed after retries")


def _head_from_item(item: dict[str, Any]) -> WorkspaceHead:
    return WorkspaceHead(
        id=item["id"]["S"],
        name=item["name"]["S"],
        schema_version=int(item["schemaVersion"]["N"]),
        created_at=item["createdAt"]["S"],
        secret=item["secret"]["S"],
        usage_key=item["usageKey"]["S"],
    )

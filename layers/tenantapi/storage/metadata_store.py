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

Reads (the head, the schema: on every request) are raw GetItem and Query calls; writes go through
the pynamodb models of storage/items/workspace.py, imported on first use (cold start: README).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

from ..errors import Conflict
from ..metadata.codec import field_from_doc, object_from_doc, to_doc
from ..metadata.model import FieldMetadata, ObjectMetadata, WorkspaceSchema
from .dynamo import TableAdapter

if TYPE_CHECKING:
    from .items.workspace import DefinitionItem

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
        from .items.base import PutError, reraise, save
        from .items.workspace import HeadItem, NameItem

        try:
            NameItem(f"N#{head.name}", "#NAME", workspace_id=head.id).save(condition=NameItem.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise Conflict(f"A workspace named '{head.name}' already exists") from error
            reraise(error)
        self._batch_write(head.id, puts=[*schema.objects, *schema.fields])
        new_head = HeadItem(
            f"W#{head.id}", HEAD, id=head.id, name=head.name, schema_version=head.schema_version,
            created_at=head.created_at, secret=head.secret, usage_key=head.usage_key,
        )
        save(new_head, condition=HeadItem.pk.does_not_exist())

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
        from .items.base import TransactWriteError, reraise, transaction
        from .items.workspace import bump_schema_version

        puts, deletes = list(puts), list(deletes)
        actions = 1 + len(puts) + len(deletes)
        if actions > MAX_TRANSACTION_ACTIONS:
            raise ValueError(f"a schema change of {actions} actions exceeds one transaction")
        try:
            with transaction() as change:
                bump_schema_version(change, workspace_id, expected_version)
                for definition in puts:
                    change.save(_definition_item(workspace_id, definition))
                for definition in deletes:
                    change.delete(_definition_item(workspace_id, definition, with_doc=False))
        except TransactWriteError as error:
            if error.cause_response_code in ("TransactionCanceledException", "TransactionConflictException"):
                raise SchemaConflict() from error
            reraise(error)
        return expected_version + 1

    def delete_definitions(self, workspace_id: str, definitions: Iterable[ObjectMetadata | FieldMetadata]) -> None:
        """Remove definitions no schema refers to any more (the fields of a deleted object)."""
        self._batch_write(workspace_id, deletes=definitions)

    def _batch_write(
        self,
        workspace_id: str,
        puts: Iterable[ObjectMetadata | FieldMetadata] = (),
        deletes: Iterable[ObjectMetadata | FieldMetadata] = (),
    ) -> None:
        # BatchWriteItem takes 25 requests (DynamoDB limit): pynamodb sends them 25 at a time and
        # sends unprocessed ones again (MetadataItem.Meta.max_retry_attempts rounds).
        from .items.base import PutError, reraise
        from .items.workspace import DefinitionItem

        try:
            with DefinitionItem.batch_write() as batch:
                for definition in puts:
                    batch.save(_definition_item(workspace_id, definition))
                for definition in deletes:
                    batch.delete(_definition_item(workspace_id, definition, with_doc=False))
        except PutError as error:
            reraise(error)


def _definition_item(workspace_id: str, definition: ObjectMetadata | FieldMetadata, with_doc: bool = True) -> DefinitionItem:
    from .items.workspace import DefinitionItem

    doc = json.dumps(to_doc(definition), separators=(",", ":")) if with_doc else None
    return DefinitionItem(f"W#{workspace_id}", _definition_sk(definition), doc=doc)


def _head_from_item(item: dict[str, Any]) -> WorkspaceHead:
    return WorkspaceHead(
        id=item["id"]["S"],
        name=item["name"]["S"],
        schema_version=int(item["schemaVersion"]["N"]),
        created_at=item["createdAt"]["S"],
        secret=item["secret"]["S"],
        usage_key=item["usageKey"]["S"],
    )

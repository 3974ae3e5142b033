"""The workspace's fixed-shape items: its head, its name claim and its schema definitions.

    pk = "W#<workspaceId>",   sk = "#HEAD"    HeadItem (read raw on the request path: MetadataStore.head)
    pk = "N#<workspaceName>", sk = "#NAME"    NameItem: names are unique
    pk = "W#<workspaceId>",   sk = "S#O#<id>" DefinitionItem: an object's or a field's JSON document
                              sk = "S#F#<id>"
The head also holds the limiter's `rateLimit` map, written raw by storage/limit_store.py.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.transactions import TransactWrite

from .base import MetadataItem

__all__ = ["HEAD", "NAME", "HeadItem", "NameItem", "DefinitionItem", "bump_schema_version"]

HEAD = "#HEAD"
NAME = "#NAME"


class HeadItem(MetadataItem):
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    schema_version = NumberAttribute(attr_name="schemaVersion")
    created_at = UnicodeAttribute(attr_name="createdAt")
    secret = UnicodeAttribute()
    usage_key = UnicodeAttribute(attr_name="usageKey")
    plan = UnicodeAttribute(null=True)  # usage_plans/: absent means the default plan

    @classmethod
    def of(cls, workspace_id: str) -> HeadItem:
        """The head's key, to update it or to name it in a transaction."""
        return cls(f"W#{workspace_id}", HEAD)


class NameItem(MetadataItem):
    workspace_id = UnicodeAttribute(attr_name="workspaceId")


class DefinitionItem(MetadataItem):
    doc = UnicodeAttribute()  # the definition as compact JSON (metadata/codec.py)


def bump_schema_version(transaction: TransactWrite, workspace_id: str, expected: int) -> None:
    """Move the head to the next schemaVersion, only from the version the change was computed
    from: a concurrent change cancels the transaction (optimistic concurrency)."""
    transaction.update(
        HeadItem.of(workspace_id),
        actions=[HeadItem.schema_version.set(expected + 1)],
        condition=HeadItem.schema_version == expected,
    )

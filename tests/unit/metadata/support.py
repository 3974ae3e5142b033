"""What the metadata rule tests share: applying a planned change the way the metadata store
does, and finding definitions by name."""

from __future__ import annotations

from tenantapi.metadata.model import FieldMetadata, ObjectMetadata, WorkspaceSchema
from tenantapi.metadata.rules import SchemaChange

NOW = "2024-05-01T10:00:00.000Z"
LATER = "2024-05-02T10:00:00.000Z"


def apply(schema: WorkspaceSchema, change: SchemaChange) -> WorkspaceSchema:
    """The schema after the change, as the store writes it."""
    return schema.with_changes(
        objects=[d for d in change.puts if isinstance(d, ObjectMetadata)],
        fields=[d for d in change.puts if isinstance(d, FieldMetadata)],
        removed_ids=[d.id for d in change.deletes],
        version=schema.version + 1,
    )


def object_named(schema: WorkspaceSchema, name: str) -> ObjectMetadata:
    found = [o for o in schema.objects if o.name_singular == name]
    assert found, name
    return found[0]


def field_named(schema: WorkspaceSchema, object_name: str, field_name: str) -> FieldMetadata:
    found = schema.field_named(object_named(schema, object_name).id, field_name)
    assert found is not None, (object_name, field_name)
    return found

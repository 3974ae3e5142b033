"""Schemas for the GraphQL builder tests: the standard workspace, and custom objects with fields
of every type, made with the metadata planners as the Metadata API makes them."""

from __future__ import annotations

import itertools
from typing import Any, Callable

from tenantapi.metadata.model import FieldMetadata, ObjectMetadata, WorkspaceSchema
from tenantapi.metadata.rules import SchemaChange, plan_create_field, plan_create_object
from tenantapi.metadata.standard_objects import build_standard_schema

NOW = "2024-05-01T10:00:00.000Z"

_OPTIONS = [{"label": "Draft", "value": "DRAFT"}, {"label": "Paid", "value": "PAID"}, {"label": "Void", "value": "VOID"}]

# One of each field type, in turn, for the generated custom fields.
FIELD_KINDS: list[dict[str, Any]] = [
    {"type": "TEXT"},
    {"type": "NUMBER", "settings": {"dataType": "int"}},
    {"type": "NUMBER", "settings": {"dataType": "float"}},
    {"type": "NUMERIC"},
    {"type": "BOOLEAN"},
    {"type": "DATE"},
    {"type": "DATE_TIME"},
    {"type": "UUID"},
    {"type": "RATING"},
    {"type": "SELECT", "options": _OPTIONS},
    {"type": "MULTI_SELECT", "options": _OPTIONS},
    {"type": "ARRAY"},
    {"type": "RAW_JSON"},
    {"type": "FULL_NAME"},
    {"type": "EMAILS"},
    {"type": "PHONES"},
    {"type": "LINKS"},
    {"type": "CURRENCY"},
    {"type": "ADDRESS"},
    {"type": "RICH_TEXT"},
]


def ids() -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"00000000-0000-4000-8000-{next(counter):012d}"


def apply(schema: WorkspaceSchema, change: SchemaChange) -> WorkspaceSchema:
    return schema.with_changes(
        objects=[d for d in change.puts if isinstance(d, ObjectMetadata)],
        fields=[d for d in change.puts if isinstance(d, FieldMetadata)],
        removed_ids=[d.id for d in change.deletes],
        version=schema.version + 1,
    )


def standard_schema(workspace_id: str = "ws-1") -> tuple[WorkspaceSchema, Callable[[], str]]:
    new_id = ids()
    return build_standard_schema(workspace_id, now=NOW, new_id=new_id), new_id


def with_object(schema: WorkspaceSchema, new_id: Callable[[], str], singular: str, plural: str) -> WorkspaceSchema:
    payload = {"nameSingular": singular, "namePlural": plural, "labelSingular": singular.title(), "labelPlural": plural.title()}
    return apply(schema, plan_create_object(schema, payload, now=NOW, new_id=new_id))


def with_field(schema: WorkspaceSchema, new_id: Callable[[], str], object_name: str, name: str, **body: Any) -> WorkspaceSchema:
    obj = schema.active_object_by_singular(object_name)
    assert obj is not None, object_name
    payload = {"objectMetadataId": obj.id, "name": name, "label": name.title(), **body}
    return apply(schema, plan_create_field(schema, payload, now=NOW, new_id=new_id))


def large_schema(objects: int = 10, fields: int = 20) -> WorkspaceSchema:
    """The standard workspace plus `objects` custom objects of `fields` fields each, every field
    type in turn, and a relation from each custom object to company."""
    schema, new_id = standard_schema()
    company = schema.active_object_by_singular("company")
    assert company is not None
    for i in range(objects):
        singular = f"thing{chr(ord('A') + i)}"
        schema = with_object(schema, new_id, singular, f"{singular}s")
        for j in range(fields - 1):
            schema = with_field(schema, new_id, singular, f"field{j}", **FIELD_KINDS[j % len(FIELD_KINDS)])
        schema = with_field(
            schema, new_id, singular, "company", type="RELATION",
            relationCreationPayload={"type": "MANY_TO_ONE", "targetObjectMetadataId": company.id,
                                     "targetFieldLabel": f"{singular}s", "targetFieldName": f"{singular}s"},
        )
    return schema

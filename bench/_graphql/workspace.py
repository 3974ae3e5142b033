"""A large workspace schema in memory: the standard objects plus custom objects, made with the
metadata planners (`plan_create_object`, `plan_create_field`) as the Metadata API makes them, and
applied with `WorkspaceSchema.with_changes`. No storage is involved."""

from __future__ import annotations

import itertools
from typing import Any, Callable

__all__ = ["large_schema", "fresh_copy", "FIELD_KINDS"]

NOW = "2026-01-05T10:00:00.000Z"

_OPTIONS = [{"label": "Draft", "value": "DRAFT"}, {"label": "Paid", "value": "PAID"}, {"label": "Void", "value": "VOID"}]

# One of each field type in turn; the last field of each custom object is a relation to company.
FIELD_KINDS: tuple[dict[str, Any], ...] = (
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
)


def _ids() -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"00000000-0000-4000-8000-{next(counter):012d}"


def _apply(schema: Any, change: Any) -> Any:
    from tenantapi.metadata.model import FieldMetadata, ObjectMetadata

    return schema.with_changes(
        objects=[d for d in change.puts if isinstance(d, ObjectMetadata)],
        fields=[d for d in change.puts if isinstance(d, FieldMetadata)],
        removed_ids=[d.id for d in change.deletes],
        version=schema.version + 1,
    )


def large_schema(objects: int, fields: int, workspace_id: str = "bench-graphql") -> Any:
    """The standard workspace plus `objects` custom objects of `fields` fields each (besides the
    system fields the planner adds): every field type in turn, the last one a MANY_TO_ONE to
    company (so company gains `objects` ONE_TO_MANY fields)."""
    from tenantapi.metadata.rules import plan_create_field, plan_create_object
    from tenantapi.metadata.standard_objects import build_standard_schema

    new_id = _ids()
    schema = build_standard_schema(workspace_id, now=NOW, new_id=new_id)
    company = schema.active_object_by_singular("company")
    for i in range(objects):
        singular = f"thing{chr(ord('A') + i)}"
        payload = {"nameSingular": singular, "namePlural": f"{singular}s",
                   "labelSingular": f"Thing {i}", "labelPlural": f"Things {i}"}
        schema = _apply(schema, plan_create_object(schema, payload, now=NOW, new_id=new_id))
        obj = schema.active_object_by_singular(singular)
        for j in range(fields):
            if j == fields - 1:
                body: dict[str, Any] = {
                    "type": "RELATION", "name": "company", "label": "Company",
                    "relationCreationPayload": {"type": "MANY_TO_ONE", "targetObjectMetadataId": company.id,
                                                "targetFieldLabel": f"Things {i}", "targetFieldName": f"{singular}s"},
                }
            else:
                body = {**FIELD_KINDS[j % len(FIELD_KINDS)], "name": f"field{j}", "label": f"Field {j}"}
            schema = _apply(schema, plan_create_field(schema, {**body, "objectMetadataId": obj.id}, now=NOW, new_id=new_id))
    return schema


def fresh_copy(schema: Any) -> Any:
    """The same definitions in a new WorkspaceSchema: nothing memoized on the old one is reused."""
    from tenantapi.metadata.model import WorkspaceSchema

    return WorkspaceSchema(workspace_id=schema.workspace_id, version=schema.version, objects=schema.objects, fields=schema.fields)

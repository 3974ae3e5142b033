"""The rules of the data model, as pure planners (docs/api.md §7).

A planner takes the workspace's schema and one of Twenty's camelCase inputs and returns a
`SchemaChange` (definitions to put and delete, records to purge, values to clear), or raises
`BadRequest` / `NotFound` with a message that names the input key and the rule. Nothing here
does I/O; the metadata service writes the change in one transaction.
"""

from __future__ import annotations

from .rules_common import FIELD_NOT_FOUND, MAX_FIELDS_PER_OBJECT, OBJECT_NOT_FOUND, SchemaChange
from .rules_fields import plan_create_field, plan_delete_field, plan_update_field
from .rules_objects import plan_create_object, plan_delete_object, plan_update_object

__all__ = [
    "SchemaChange",
    "MAX_FIELDS_PER_OBJECT",
    "OBJECT_NOT_FOUND",
    "FIELD_NOT_FOUND",
    "plan_create_object",
    "plan_update_object",
    "plan_delete_object",
    "plan_create_field",
    "plan_update_field",
    "plan_delete_field",
]

"""A workspace schema for the OpenAPI tests: the standard objects plus a custom object `gadget`
with one field of every type a client can create, a required field and relations both ways."""

from __future__ import annotations

import itertools
from typing import Any, Callable

import pytest

from tenantapi.metadata.model import WorkspaceSchema
from tenantapi.metadata.rules import plan_create_field, plan_create_object
from tenantapi.metadata.standard_objects import build_standard_schema

from ..metadata.support import NOW, apply, object_named

SERVER = "https://api.example.com"

# (name, CreateFieldInput without objectMetadataId) for every creatable field type.
GADGET_FIELDS: list[tuple[str, dict[str, Any]]] = [
    ("text", {"type": "TEXT"}),
    ("count", {"type": "NUMBER", "settings": {"dataType": "int"}}),
    ("weight", {"type": "NUMBER"}),
    ("serial", {"type": "NUMBER", "settings": {"dataType": "bigint"}}),
    ("ratio", {"type": "NUMERIC"}),
    ("enabled", {"type": "BOOLEAN"}),
    ("launchDate", {"type": "DATE"}),
    ("launchedAt", {"type": "DATE_TIME"}),
    ("externalId", {"type": "UUID"}),
    ("rating", {"type": "RATING"}),
    ("status", {"type": "SELECT", "options": [{"label": "New", "value": "NEW"}, {"label": "Done", "value": "DONE"}],
                "defaultValue": "'NEW'", "isNullable": False}),
    ("colors", {"type": "MULTI_SELECT", "options": [{"label": "Red", "value": "RED"}, {"label": "Blue", "value": "BLUE"}]}),
    ("tags", {"type": "ARRAY"}),
    ("payload", {"type": "RAW_JSON"}),
    ("owner", {"type": "FULL_NAME"}),
    ("contactEmails", {"type": "EMAILS"}),
    ("contactPhones", {"type": "PHONES"}),
    ("website", {"type": "LINKS"}),
    ("price", {"type": "CURRENCY"}),
    ("location", {"type": "ADDRESS"}),
    ("notes", {"type": "RICH_TEXT"}),
    # Non-nullable without a default: the one field a create must give.
    ("quantity", {"type": "NUMBER", "settings": {"dataType": "int"}, "isNullable": False}),
]


@pytest.fixture
def new_id() -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"00000000-0000-4000-8000-{next(counter):012d}"


@pytest.fixture
def schema(new_id: Callable[[], str]) -> WorkspaceSchema:
    schema = build_standard_schema("ws-1", now=NOW, new_id=new_id)
    schema = apply(schema, plan_create_object(
        schema,
        {"nameSingular": "gadget", "namePlural": "gadgets", "labelSingular": "Gadget", "labelPlural": "Gadgets",
         "description": "A gadget"},
        now=NOW, new_id=new_id,
    ))
    gadget = object_named(schema, "gadget")
    for name, payload in GADGET_FIELDS:
        body = {"objectMetadataId": gadget.id, "name": name, "label": name.capitalize(), **payload}
        schema = apply(schema, plan_create_field(schema, body, now=NOW, new_id=new_id))
    relation = {
        "objectMetadataId": gadget.id, "type": "RELATION", "name": "maker", "label": "Maker",
        "relationCreationPayload": {"type": "MANY_TO_ONE", "targetObjectMetadataId": object_named(schema, "company").id,
                                    "targetFieldLabel": "Gadgets", "targetFieldName": "gadgets"},
    }
    return apply(schema, plan_create_field(schema, relation, now=NOW, new_id=new_id))

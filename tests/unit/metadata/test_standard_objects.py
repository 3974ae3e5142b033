from __future__ import annotations

from typing import Callable

import pytest

from tenantapi.metadata.field_types import FieldType, OnDelete, RelationType
from tenantapi.metadata.model import INDEX_SLOTS, SYSTEM_FIELD_NAMES, WorkspaceSchema
from tenantapi.metadata.rules import plan_create_field, plan_create_object
from tenantapi.metadata.rules_common import names_claimed
from tenantapi.metadata.standard_objects import STANDARD_OBJECT_NAMES, build_standard_schema

from .support import NOW, apply, field_named, object_named

EXPECTED_OBJECTS = {
    "company": "companies",
    "person": "people",
    "opportunity": "opportunities",
    "note": "notes",
    "task": "tasks",
    "noteTarget": "noteTargets",
    "taskTarget": "taskTargets",
    "workspaceMember": "workspaceMembers",
}


def test_new_workspace_holds_the_eight_standard_objects_at_version_1(standard: WorkspaceSchema) -> None:
    assert standard.version == 1 and standard.workspace_id == "ws-1"
    assert {o.name_singular: o.name_plural for o in standard.objects} == EXPECTED_OBJECTS
    assert set(STANDARD_OBJECT_NAMES) == set(EXPECTED_OBJECTS)
    assert all(not o.is_custom and o.is_active for o in standard.objects)
    assert {o.name_singular for o in standard.objects if o.is_system} == {"noteTarget", "taskTarget", "workspaceMember"}


def test_every_id_is_distinct_and_comes_from_new_id(new_id: Callable[[], str]) -> None:
    schema = build_standard_schema("ws-2", now=NOW, new_id=new_id)
    ids = [o.id for o in schema.objects] + [f.id for f in schema.fields]
    ids += [o["id"] for f in schema.fields for o in f.options or ()]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("00000000-0000-4000-8000-") for i in ids)


@pytest.mark.parametrize("object_name", list(EXPECTED_OBJECTS))
def test_every_standard_object_has_the_system_fields(standard: WorkspaceSchema, object_name: str) -> None:
    obj = object_named(standard, object_name)
    fields = {f.name: f for f in standard.fields_of(obj.id)}
    for name in SYSTEM_FIELD_NAMES:
        assert fields[name].is_system and not fields[name].is_custom
    assert fields["deletedAt"].is_nullable and not fields["createdAt"].is_nullable


@pytest.mark.parametrize("object_name", list(EXPECTED_OBJECTS))
def test_field_names_join_columns_and_storage_keys_are_unique_per_object(
    standard: WorkspaceSchema, object_name: str
) -> None:
    fields = standard.fields_of(object_named(standard, object_name).id)
    claimed = [n for f in fields for n in names_claimed(f.name, f.type, f.relation.type if f.relation else None)]
    assert len(claimed) == len(set(claimed))
    keys = [f.storage_key for f in fields]
    assert len(keys) == len(set(keys))
    assert object_named(standard, object_name).next_storage_key == len(fields)


@pytest.mark.parametrize("object_name", list(EXPECTED_OBJECTS))
def test_index_slots_are_distinct_and_counted(standard: WorkspaceSchema, object_name: str) -> None:
    obj = object_named(standard, object_name)
    slots = sorted(f.index_slot for f in standard.fields_of(obj.id) if f.index_slot is not None)
    assert slots == list(INDEX_SLOTS[: len(slots)])
    assert obj.index_slots_used == len(slots)


@pytest.mark.parametrize(
    ("object_name", "slots"),
    [
        ("company", {"accountOwner": 1, "createdAt": 2, "updatedAt": 3, "name": 4, "position": 5}),
        ("person", {"company": 1, "createdAt": 2, "updatedAt": 3, "name": 4, "position": 5}),
        ("opportunity", {"company": 1, "pointOfContact": 2, "owner": 3, "createdAt": 4, "updatedAt": 5}),
        ("note", {"createdAt": 1, "updatedAt": 2, "title": 3, "position": 4}),
        ("noteTarget", {"note": 1, "person": 2, "company": 3, "opportunity": 4, "createdAt": 5}),
    ],
)
def test_join_columns_take_the_first_slots_then_dates_label_and_position(
    standard: WorkspaceSchema, object_name: str, slots: dict[str, int]
) -> None:
    fields = standard.fields_of(object_named(standard, object_name).id)
    assert {f.name: f.index_slot for f in fields if f.index_slot} == slots


def test_relations_are_two_sided_and_point_at_each_other(standard: WorkspaceSchema) -> None:
    relations = [f for f in standard.fields if f.relation is not None]
    assert len(relations) == 2 * 14
    for field in relations:
        other = standard.field(field.relation.target_field_id)
        assert other is not None and other.relation is not None
        assert other.relation.target_field_id == field.id and other.relation.target_object_id == field.object_id
        assert {field.relation.type, other.relation.type} == {RelationType.MANY_TO_ONE, RelationType.ONE_TO_MANY}


@pytest.mark.parametrize(
    ("object_name", "field_name", "target", "inverse", "on_delete"),
    [
        ("company", "accountOwner", "workspaceMember", "accountOwnerForCompanies", OnDelete.SET_NULL),
        ("person", "company", "company", "people", OnDelete.SET_NULL),
        ("opportunity", "company", "company", "opportunities", OnDelete.SET_NULL),
        ("opportunity", "pointOfContact", "person", "pointOfContactForOpportunities", OnDelete.SET_NULL),
        ("opportunity", "owner", "workspaceMember", "ownedOpportunities", OnDelete.SET_NULL),
        ("task", "assignee", "workspaceMember", "assignedTasks", OnDelete.SET_NULL),
        ("noteTarget", "note", "note", "noteTargets", OnDelete.CASCADE),
        ("noteTarget", "person", "person", "noteTargets", OnDelete.CASCADE),
        ("taskTarget", "task", "task", "taskTargets", OnDelete.CASCADE),
        ("taskTarget", "opportunity", "opportunity", "taskTargets", OnDelete.CASCADE),
    ],
)
def test_standard_relations_of_reference_section_8(
    standard: WorkspaceSchema, object_name: str, field_name: str, target: str, inverse: str, on_delete: OnDelete
) -> None:
    field = field_named(standard, object_name, field_name)
    assert field.is_many_to_one and field.join_column == f"{field_name}Id"
    assert field.relation.target_object_id == object_named(standard, target).id
    assert standard.field(field.relation.target_field_id).name == inverse
    assert field.relation.on_delete is on_delete


@pytest.mark.parametrize(
    ("object_name", "field_name", "field_type"),
    [
        ("company", "domainName", FieldType.LINKS),
        ("company", "employees", FieldType.NUMBER),
        ("company", "annualRecurringRevenue", FieldType.CURRENCY),
        ("company", "address", FieldType.ADDRESS),
        ("company", "idealCustomerProfile", FieldType.BOOLEAN),
        ("person", "name", FieldType.FULL_NAME),
        ("person", "emails", FieldType.EMAILS),
        ("person", "phones", FieldType.PHONES),
        ("opportunity", "amount", FieldType.CURRENCY),
        ("opportunity", "closeDate", FieldType.DATE_TIME),
        ("note", "bodyV2", FieldType.RICH_TEXT),
        ("task", "dueAt", FieldType.DATE_TIME),
        ("workspaceMember", "userId", FieldType.UUID),
        ("workspaceMember", "dateFormat", FieldType.SELECT),
    ],
)
def test_standard_fields_have_their_types(
    standard: WorkspaceSchema, object_name: str, field_name: str, field_type: FieldType
) -> None:
    field = field_named(standard, object_name, field_name)
    assert field.type is field_type and not field.is_custom


def test_unique_standard_fields_are_company_domain_and_person_emails(standard: WorkspaceSchema) -> None:
    unique = {
        (o.name_singular, f.name)
        for o in standard.objects
        for f in standard.fields_of(o.id)
        if f.is_unique and f.name != "id"
    }
    assert unique == {("company", "domainName"), ("person", "emails")}


def test_employees_are_whole_numbers(standard: WorkspaceSchema) -> None:
    assert field_named(standard, "company", "employees").settings == {"dataType": "int"}


@pytest.mark.parametrize(
    ("object_name", "field_name", "values", "default"),
    [
        ("opportunity", "stage", ["NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER"], "'NEW'"),
        ("task", "status", ["TODO", "IN_PROGRESS", "DONE"], "'TODO'"),
    ],
)
def test_select_fields_have_options_and_a_default(
    standard: WorkspaceSchema, object_name: str, field_name: str, values: list[str], default: str
) -> None:
    field = field_named(standard, object_name, field_name)
    assert [o["value"] for o in field.options] == values
    assert [o["position"] for o in field.options] == list(range(len(values)))
    assert field.default_value == default


@pytest.mark.parametrize(
    ("object_name", "label_field"),
    [
        ("company", "name"),
        ("person", "name"),
        ("opportunity", "name"),
        ("note", "title"),
        ("task", "title"),
        ("workspaceMember", "name"),
        ("noteTarget", "id"),
        ("taskTarget", "id"),
    ],
)
def test_label_identifiers_are_the_name_or_title_field(
    standard: WorkspaceSchema, object_name: str, label_field: str
) -> None:
    obj = object_named(standard, object_name)
    assert standard.field(obj.label_identifier_field_id).name == label_field


def test_custom_objects_and_relations_can_join_the_standard_schema(
    standard: WorkspaceSchema, new_id: Callable[[], str]
) -> None:
    schema = apply(
        standard,
        plan_create_object(
            standard,
            {
                "nameSingular": "invoice",
                "namePlural": "invoices",
                "labelSingular": "Invoice",
                "labelPlural": "Invoices",
            },
            now=NOW,
            new_id=new_id,
        ),
    )
    change = plan_create_field(
        schema,
        {
            "objectMetadataId": object_named(schema, "invoice").id,
            "type": "RELATION",
            "name": "company",
            "label": "Company",
            "relationCreationPayload": {
                "type": "MANY_TO_ONE",
                "targetObjectMetadataId": object_named(schema, "company").id,
                "targetFieldLabel": "Invoices",
            },
        },
        now=NOW,
        new_id=new_id,
    )
    schema = apply(schema, change)
    inverse = field_named(schema, "company", "invoices")
    assert object_named(standard, "company").next_storage_key == 20
    assert inverse.storage_key == "fk"  # 20 in base 36
    assert inverse.index_slot is None

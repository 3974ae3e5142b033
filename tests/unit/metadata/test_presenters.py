from __future__ import annotations

from typing import Callable

from tenantapi.metadata.model import WorkspaceSchema
from tenantapi.metadata.presenters import present_field, present_object

from .support import field_named, object_named

OBJECT_KEYS = {
    "id",
    "nameSingular",
    "namePlural",
    "labelSingular",
    "labelPlural",
    "description",
    "icon",
    "isCustom",
    "isRemote",
    "isActive",
    "isSystem",
    "isSearchable",
    "isLabelSyncedWithName",
    "labelIdentifierFieldMetadataId",
    "imageIdentifierFieldMetadataId",
    "createdAt",
    "updatedAt",
    "fields",
}
FIELD_KEYS = {
    "id",
    "type",
    "name",
    "label",
    "description",
    "icon",
    "isCustom",
    "isActive",
    "isSystem",
    "isNullable",
    "isUnique",
    "isIndexed",
    "isLabelSyncedWithName",
    "isUIReadOnly",
    "defaultValue",
    "options",
    "settings",
    "objectMetadataId",
    "createdAt",
    "updatedAt",
    "relation",
}


def test_object_output_has_twenty_keys_and_its_fields(standard: WorkspaceSchema) -> None:
    company = object_named(standard, "company")
    output = present_object(standard, company)
    assert set(output) == OBJECT_KEYS
    assert (output["nameSingular"], output["namePlural"], output["isCustom"]) == ("company", "companies", False)
    assert output["labelIdentifierFieldMetadataId"] == field_named(standard, "company", "name").id
    assert [f["name"] for f in output["fields"]] == [f.name for f in standard.fields_of(company.id)]
    assert all(set(f) == FIELD_KEYS for f in output["fields"])


def test_object_output_without_fields_leaves_them_out(standard: WorkspaceSchema) -> None:
    assert "fields" not in present_object(standard, object_named(standard, "company"), with_fields=False)


def test_storage_details_are_never_shown(standard: WorkspaceSchema) -> None:
    text = repr([present_object(standard, o) for o in standard.objects])
    for hidden in ("storageKey", "storage_key", "indexSlot", "index_slot", "nextStorageKey", "indexSlotsUsed"):
        assert hidden not in text


def test_scalar_field_output(standard: WorkspaceSchema) -> None:
    stage = field_named(standard, "opportunity", "stage")
    output = present_field(standard, stage)
    assert output["type"] == "SELECT" and output["name"] == "stage" and output["label"] == "Stage"
    assert output["defaultValue"] == "'NEW'"
    assert [o["value"] for o in output["options"]] == ["NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER"]
    assert output["objectMetadataId"] == stage.object_id
    assert output["relation"] is None and output["settings"] is None


def test_many_to_one_output_carries_join_column_and_relation(standard: WorkspaceSchema) -> None:
    company = field_named(standard, "person", "company")
    people = field_named(standard, "company", "people")
    output = present_field(standard, company)
    assert output["settings"] == {"relationType": "MANY_TO_ONE", "onDelete": "SET_NULL", "joinColumnName": "companyId"}
    person, company_object = object_named(standard, "person"), object_named(standard, "company")
    assert output["relation"] == {
        "type": "MANY_TO_ONE",
        "sourceObjectMetadata": {"id": person.id, "nameSingular": "person", "namePlural": "people"},
        "targetObjectMetadata": {"id": company_object.id, "nameSingular": "company", "namePlural": "companies"},
        "sourceFieldMetadata": {"id": company.id, "name": "company"},
        "targetFieldMetadata": {"id": people.id, "name": "people"},
    }


def test_one_to_many_output_is_seen_from_its_own_side(standard: WorkspaceSchema) -> None:
    people = field_named(standard, "company", "people")
    output = present_field(standard, people)
    assert output["settings"] == {"relationType": "ONE_TO_MANY"}
    assert output["relation"]["type"] == "ONE_TO_MANY"
    assert output["relation"]["sourceObjectMetadata"]["nameSingular"] == "company"
    assert output["relation"]["targetFieldMetadata"]["name"] == "company"


def test_output_is_a_copy_that_callers_may_change(standard: WorkspaceSchema, new_id: Callable[[], str]) -> None:
    stage = field_named(standard, "opportunity", "stage")
    output = present_field(standard, stage)
    output["options"][0]["label"] = "Changed"
    output["options"].clear()
    assert stage.options[0]["label"] == "New"

from __future__ import annotations

from typing import Any, Callable

import pytest

from tenantapi.errors import BadRequest, NotFound
from tenantapi.metadata.field_types import FieldType
from tenantapi.metadata.model import SYSTEM_FIELD_NAMES, FieldMetadata, ObjectMetadata, WorkspaceSchema
from tenantapi.metadata.rules import (
    plan_create_field,
    plan_create_object,
    plan_delete_object,
    plan_update_field,
    plan_update_object,
)

from .support import LATER, NOW, apply, field_named, object_named

IdFactory = Callable[[], str]


def invoice_input(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "nameSingular": "invoice",
        "namePlural": "invoices",
        "labelSingular": "Invoice",
        "labelPlural": "Invoices",
    }
    payload.update(overrides)
    return payload


def bad_request(call: Callable[[], Any]) -> str:
    with pytest.raises(BadRequest) as error:
        call()
    return error.value.message


# -- create -----------------------------------------------------------------------------------


def test_created_object_is_custom_active_and_dated(standard: WorkspaceSchema, new_id: IdFactory) -> None:
    change = plan_create_object(
        standard, invoice_input(description="Bills", icon="IconReceipt"), now=NOW, new_id=new_id
    )
    obj = change.result
    assert isinstance(obj, ObjectMetadata)
    assert (obj.name_singular, obj.name_plural, obj.label_singular, obj.label_plural) == (
        "invoice",
        "invoices",
        "Invoice",
        "Invoices",
    )
    assert obj.is_custom and obj.is_active and not obj.is_system
    assert (obj.description, obj.icon, obj.created_at, obj.updated_at) == ("Bills", "IconReceipt", NOW, NOW)
    assert obj in change.puts and not change.deletes


def test_created_object_gets_system_fields_and_a_name_field_in_twenty_order(
    standard: WorkspaceSchema, new_id: IdFactory
) -> None:
    change = plan_create_object(standard, invoice_input(), now=NOW, new_id=new_id)
    fields = [d for d in change.puts if isinstance(d, FieldMetadata)]
    assert [f.name for f in fields] == [
        "id",
        "name",
        "createdAt",
        "updatedAt",
        "deletedAt",
        "createdBy",
        "updatedBy",
        "position",
    ]
    system = [f for f in fields if f.name in SYSTEM_FIELD_NAMES]
    assert all(f.is_system and not f.is_custom for f in system)
    assert [f.name for f in fields if f.is_nullable] == ["name", "deletedAt"]
    types = {f.name: f.type for f in fields}
    assert types == {
        "id": FieldType.UUID,
        "name": FieldType.TEXT,
        "createdAt": FieldType.DATE_TIME,
        "updatedAt": FieldType.DATE_TIME,
        "deletedAt": FieldType.DATE_TIME,
        "createdBy": FieldType.ACTOR,
        "updatedBy": FieldType.ACTOR,
        "position": FieldType.POSITION,
    }
    name = fields[1]
    assert (name.label, name.is_custom, name.is_system) == ("Name", False, False)
    assert change.result.label_identifier_field_id == name.id


def test_created_object_indexes_created_at_updated_at_and_name_and_keeps_two_slots(
    standard: WorkspaceSchema, new_id: IdFactory
) -> None:
    change = plan_create_object(standard, invoice_input(), now=NOW, new_id=new_id)
    slots = {d.name: d.index_slot for d in change.puts if isinstance(d, FieldMetadata) and d.index_slot}
    assert slots == {"createdAt": 1, "updatedAt": 2, "name": 3}
    assert change.result.index_slots_used == 3


def test_created_object_fields_get_distinct_storage_keys_from_its_counter(
    standard: WorkspaceSchema, new_id: IdFactory
) -> None:
    change = plan_create_object(standard, invoice_input(), now=NOW, new_id=new_id)
    keys = sorted(d.storage_key for d in change.puts if isinstance(d, FieldMetadata))
    assert keys == [f"f{i}" for i in range(8)]
    assert change.result.next_storage_key == 8


def test_skip_name_field_makes_the_id_the_label_identifier(standard: WorkspaceSchema, new_id: IdFactory) -> None:
    change = plan_create_object(standard, invoice_input(skipNameField=True), now=NOW, new_id=new_id)
    fields = {d.name: d for d in change.puts if isinstance(d, FieldMetadata)}
    assert "name" not in fields
    assert change.result.label_identifier_field_id == fields["id"].id
    assert {n: f.index_slot for n, f in fields.items() if f.index_slot} == {"createdAt": 1, "updatedAt": 2}


def test_every_id_of_a_created_object_comes_from_new_id(standard: WorkspaceSchema, new_id: IdFactory) -> None:
    change = plan_create_object(standard, invoice_input(), now=NOW, new_id=new_id)
    next_id = new_id()
    issued = {d.id for d in change.puts}
    assert all(i.startswith("00000000-0000-4000-8000-") and i < next_id for i in issued)


def test_unknown_input_key_is_rejected_naming_the_key(standard: WorkspaceSchema, new_id: IdFactory) -> None:
    message = bad_request(lambda: plan_create_object(standard, invoice_input(colour="red"), now=NOW, new_id=new_id))
    assert message == 'Unknown key "colour": CreateObjectInput has no such property'


def test_wrong_json_type_is_rejected_naming_the_key(standard: WorkspaceSchema, new_id: IdFactory) -> None:
    message = bad_request(lambda: plan_create_object(standard, invoice_input(nameSingular=3), now=NOW, new_id=new_id))
    assert message == "nameSingular must be a string, not number"


def test_input_that_is_not_an_object_is_rejected(standard: WorkspaceSchema, new_id: IdFactory) -> None:
    message = bad_request(lambda: plan_create_object(standard, ["invoice"], now=NOW, new_id=new_id))  # type: ignore[arg-type]
    assert message == "CreateObjectInput must be a JSON object"


def test_missing_label_is_rejected(standard: WorkspaceSchema, new_id: IdFactory) -> None:
    payload = invoice_input()
    del payload["labelSingular"]
    assert (
        bad_request(lambda: plan_create_object(standard, payload, now=NOW, new_id=new_id))
        == "labelSingular is required"
    )


def test_blank_label_is_rejected(standard: WorkspaceSchema, new_id: IdFactory) -> None:
    message = bad_request(lambda: plan_create_object(standard, invoice_input(labelPlural="  "), now=NOW, new_id=new_id))
    assert message == "labelPlural must not be empty"


def test_invalid_plural_name_is_rejected_naming_name_plural(standard: WorkspaceSchema, new_id: IdFactory) -> None:
    message = bad_request(
        lambda: plan_create_object(standard, invoice_input(namePlural="Invoices"), now=NOW, new_id=new_id)
    )
    assert message.startswith('namePlural "Invoices" should be in camelCase')


def test_reserved_object_name_is_rejected(standard: WorkspaceSchema, new_id: IdFactory) -> None:
    message = bad_request(
        lambda: plan_create_object(
            standard, invoice_input(nameSingular="event", namePlural="eventList"), now=NOW, new_id=new_id
        )
    )
    assert message == 'nameSingular "event" is reserved. Use a different name or the system will add "Custom" suffix.'


def test_name_used_as_another_objects_plural_is_not_available(standard: WorkspaceSchema, new_id: IdFactory) -> None:
    message = bad_request(
        lambda: plan_create_object(
            standard, invoice_input(nameSingular="people", namePlural="peoples"), now=NOW, new_id=new_id
        )
    )
    assert message == 'nameSingular "people" is not available: object "person" already uses it'


def test_names_of_inactive_objects_stay_taken(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    invoice = object_named(with_invoice, "invoice")
    schema = apply(with_invoice, plan_update_object(with_invoice, invoice.id, {"isActive": False}, now=LATER))
    message = bad_request(
        lambda: plan_create_object(schema, invoice_input(nameSingular="bill"), now=NOW, new_id=new_id)
    )
    assert message == 'namePlural "invoices" is not available: object "invoice" already uses it'


def test_singular_and_plural_names_must_differ(standard: WorkspaceSchema, new_id: IdFactory) -> None:
    message = bad_request(
        lambda: plan_create_object(
            standard, invoice_input(nameSingular="sheep", namePlural="sheep"), now=NOW, new_id=new_id
        )
    )
    assert message == 'nameSingular and namePlural cannot be the same ("sheep")'


def test_singular_and_plural_labels_must_differ(standard: WorkspaceSchema, new_id: IdFactory) -> None:
    message = bad_request(
        lambda: plan_create_object(standard, invoice_input(labelPlural=" invoice "), now=NOW, new_id=new_id)
    )
    assert message == 'labelSingular and labelPlural cannot be the same ("Invoice")'


def test_remote_objects_are_refused(standard: WorkspaceSchema, new_id: IdFactory) -> None:
    message = bad_request(lambda: plan_create_object(standard, invoice_input(isRemote=True), now=NOW, new_id=new_id))
    assert message == "Remote objects are not supported"


def test_names_synced_with_labels_must_follow_the_labels(standard: WorkspaceSchema, new_id: IdFactory) -> None:
    message = bad_request(
        lambda: plan_create_object(
            standard,
            invoice_input(isLabelSyncedWithName=True, labelSingular="Bill", labelPlural="Bills"),
            now=NOW,
            new_id=new_id,
        )
    )
    assert message == (
        'nameSingular "invoice" does not follow labelSingular "Bill" while isLabelSyncedWithName is true: expected "bill"'
    )
    change = plan_create_object(standard, invoice_input(isLabelSyncedWithName=True), now=NOW, new_id=new_id)
    assert change.result.is_label_synced_with_name


# -- update -----------------------------------------------------------------------------------


def test_renaming_a_custom_object_changes_its_names_and_updated_at(with_invoice: WorkspaceSchema) -> None:
    invoice = object_named(with_invoice, "invoice")
    change = plan_update_object(
        with_invoice, invoice.id, {"nameSingular": "bill", "namePlural": "bills", "labelSingular": "Bill"}, now=LATER
    )
    assert (change.result.name_singular, change.result.name_plural, change.result.label_singular) == (
        "bill",
        "bills",
        "Bill",
    )
    assert change.result.updated_at == LATER and change.puts == (change.result,)


def test_renaming_to_a_taken_name_is_rejected(with_invoice: WorkspaceSchema) -> None:
    invoice = object_named(with_invoice, "invoice")
    message = bad_request(lambda: plan_update_object(with_invoice, invoice.id, {"namePlural": "companies"}, now=LATER))
    assert message == 'namePlural "companies" is not available: object "company" already uses it'


@pytest.mark.parametrize("plural", ["metadata", "batch", "playground"])
def test_a_plural_that_is_a_path_of_the_api_is_not_available(
    standard: WorkspaceSchema, with_invoice: WorkspaceSchema, new_id: IdFactory, plural: str
) -> None:
    told = f'namePlural "{plural}" is not available: /rest/{plural} is a path of the API itself'
    create = invoice_input(nameSingular="thing", namePlural=plural)
    assert bad_request(lambda: plan_create_object(standard, create, now=NOW, new_id=new_id)) == told
    invoice = object_named(with_invoice, "invoice")
    assert bad_request(lambda: plan_update_object(with_invoice, invoice.id, {"namePlural": plural}, now=LATER)) == told


def test_renaming_to_its_own_names_is_a_no_op(with_invoice: WorkspaceSchema) -> None:
    invoice = object_named(with_invoice, "invoice")
    change = plan_update_object(
        with_invoice, invoice.id, {"nameSingular": "invoice", "namePlural": "invoices"}, now=LATER
    )
    assert change.result == invoice and change.puts == ()


def test_standard_object_cannot_be_renamed_but_can_be_relabelled(standard: WorkspaceSchema) -> None:
    company = object_named(standard, "company")
    message = bad_request(lambda: plan_update_object(standard, company.id, {"nameSingular": "organisation"}, now=LATER))
    assert message == 'Standard object "company" cannot be renamed'
    change = plan_update_object(
        standard, company.id, {"labelSingular": "Account", "labelPlural": "Accounts"}, now=LATER
    )
    assert change.result.label_plural == "Accounts"


def test_standard_object_can_be_deactivated(standard: WorkspaceSchema) -> None:
    company = object_named(standard, "company")
    assert plan_update_object(standard, company.id, {"isActive": False}, now=LATER).result.is_active is False


def test_workspace_member_cannot_be_deactivated(standard: WorkspaceSchema) -> None:
    member = object_named(standard, "workspaceMember")
    message = bad_request(lambda: plan_update_object(standard, member.id, {"isActive": False}, now=LATER))
    assert message == 'Object "workspaceMember" cannot be deactivated: API keys and record actors refer to it'


def test_label_identifier_can_move_to_another_text_field(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    invoice = object_named(with_invoice, "invoice")
    created = plan_create_field(
        with_invoice,
        {"objectMetadataId": invoice.id, "type": "TEXT", "name": "reference", "label": "Reference"},
        now=NOW,
        new_id=new_id,
    )
    schema = apply(with_invoice, created)
    change = plan_update_object(schema, invoice.id, {"labelIdentifierFieldMetadataId": created.result.id}, now=LATER)
    assert change.result.label_identifier_field_id == created.result.id


def test_label_identifier_must_have_a_readable_type(standard: WorkspaceSchema) -> None:
    company = object_named(standard, "company")
    icp = field_named(standard, "company", "idealCustomerProfile")
    message = bad_request(
        lambda: plan_update_object(standard, company.id, {"labelIdentifierFieldMetadataId": icp.id}, now=LATER)
    )
    assert message == (
        'labelIdentifierFieldMetadataId: field "idealCustomerProfile" of type BOOLEAN cannot name records; '
        "use a FULL_NAME, NUMBER, TEXT, UUID field"
    )


def test_label_identifier_must_belong_to_the_object(standard: WorkspaceSchema) -> None:
    company = object_named(standard, "company")
    job_title = field_named(standard, "person", "jobTitle")
    message = bad_request(
        lambda: plan_update_object(standard, company.id, {"labelIdentifierFieldMetadataId": job_title.id}, now=LATER)
    )
    assert message == f'labelIdentifierFieldMetadataId "{job_title.id}" is not a field of object "company"'


def test_image_identifier_can_be_set_and_unset(standard: WorkspaceSchema) -> None:
    person = object_named(standard, "person")
    avatar = field_named(standard, "person", "avatarUrl")
    change = plan_update_object(standard, person.id, {"imageIdentifierFieldMetadataId": avatar.id}, now=LATER)
    assert change.result.image_identifier_field_id == avatar.id
    schema = apply(standard, change)
    unset = plan_update_object(schema, person.id, {"imageIdentifierFieldMetadataId": None}, now=LATER)
    assert unset.result.image_identifier_field_id is None


def test_update_accepts_twenty_keys_it_does_not_keep(standard: WorkspaceSchema) -> None:
    company = object_named(standard, "company")
    change = plan_update_object(
        standard, company.id, {"shortcut": "C", "color": "blue", "openRecordIn": "SIDE_PANEL"}, now=LATER
    )
    assert change.puts == ()


def test_update_with_unknown_key_is_rejected(standard: WorkspaceSchema) -> None:
    company = object_named(standard, "company")
    message = bad_request(lambda: plan_update_object(standard, company.id, {"isCustom": True}, now=LATER))
    assert message == 'Unknown key "isCustom": UpdateObjectPayload has no such property'


def test_update_of_unknown_object_is_not_found(standard: WorkspaceSchema) -> None:
    with pytest.raises(NotFound) as error:
        plan_update_object(standard, "nope", {"labelSingular": "X"}, now=LATER)
    assert error.value.message == "Object nope not found"


# -- delete -----------------------------------------------------------------------------------


def test_standard_object_cannot_be_deleted(standard: WorkspaceSchema) -> None:
    company = object_named(standard, "company")
    inactive = apply(standard, plan_update_object(standard, company.id, {"isActive": False}, now=LATER))
    assert (
        bad_request(lambda: plan_delete_object(inactive, company.id, now=LATER)) == "Standard objects cannot be deleted"
    )


def test_active_object_must_be_deactivated_before_deletion(with_invoice: WorkspaceSchema) -> None:
    invoice = object_named(with_invoice, "invoice")
    message = bad_request(lambda: plan_delete_object(with_invoice, invoice.id, now=LATER))
    assert message == 'Object "invoice" must be deactivated (isActive: false) before it can be deleted'


def test_deleting_an_object_removes_its_fields_records_and_relations_pointing_at_it(
    with_invoice: WorkspaceSchema, new_id: IdFactory
) -> None:
    invoice = object_named(with_invoice, "invoice")
    company = object_named(with_invoice, "company")
    relation = plan_create_field(
        with_invoice,
        {
            "objectMetadataId": company.id,
            "type": "RELATION",
            "name": "mainInvoice",
            "label": "Main invoice",
            "relationCreationPayload": {
                "type": "MANY_TO_ONE",
                "targetObjectMetadataId": invoice.id,
                "targetFieldLabel": "Main for",
            },
        },
        now=NOW,
        new_id=new_id,
    )
    schema = apply(with_invoice, relation)
    schema = apply(schema, plan_update_object(schema, invoice.id, {"isActive": False}, now=LATER))
    change = plan_delete_object(schema, invoice.id, now=LATER)

    assert change.result.id == invoice.id
    deleted = {d.id for d in change.deletes}
    assert {f.id for f in schema.fields_of(invoice.id)} | {invoice.id} <= deleted
    main_invoice = field_named(schema, "company", "mainInvoice")
    assert main_invoice.id in deleted
    assert change.purge_object_ids == (invoice.id,)
    assert change.cleared_fields == (main_invoice,)
    after = apply(schema, change)
    assert after.object(invoice.id) is None and after.field_named(company.id, "mainInvoice") is None


def test_delete_of_unknown_object_is_not_found(standard: WorkspaceSchema) -> None:
    with pytest.raises(NotFound):
        plan_delete_object(standard, "nope", now=LATER)


def test_renaming_an_object_keeps_its_field_ids_and_storage_keys(with_invoice: WorkspaceSchema) -> None:
    invoice = object_named(with_invoice, "invoice")
    before = {f.id: f.storage_key for f in with_invoice.fields_of(invoice.id)}
    schema = apply(
        with_invoice,
        plan_update_object(with_invoice, invoice.id, {"nameSingular": "bill", "namePlural": "bills"}, now=LATER),
    )
    assert {f.id: f.storage_key for f in schema.fields_of(invoice.id)} == before
    name = field_named(schema, "bill", "name")
    assert plan_update_field(schema, name.id, {"label": "Title"}, now=LATER).result.label == "Title"

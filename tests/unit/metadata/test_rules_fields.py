from __future__ import annotations

from typing import Any, Callable

import pytest

from tenantapi.errors import BadRequest, NotFound
from tenantapi.metadata.field_types import RATING_VALUES, FieldType, OnDelete, RelationType
from tenantapi.metadata.model import FieldMetadata, ObjectMetadata, WorkspaceSchema
from tenantapi.metadata.rules import (
    MAX_FIELDS_PER_OBJECT,
    SchemaChange,
    plan_create_field,
    plan_delete_field,
    plan_update_field,
    plan_update_object,
)

from .support import LATER, NOW, apply, field_named, object_named

IdFactory = Callable[[], str]


def bad_request(call: Callable[[], Any]) -> str:
    with pytest.raises(BadRequest) as error:
        call()
    return error.value.message


def create(schema: WorkspaceSchema, new_id: IdFactory, object_name: str = "invoice", **payload: Any) -> SchemaChange:
    body = {
        "objectMetadataId": object_named(schema, object_name).id,
        "type": "TEXT",
        "name": "reference",
        "label": "Reference",
    }
    body.update(payload)
    return plan_create_field(schema, body, now=NOW, new_id=new_id)


def relation(
    schema: WorkspaceSchema,
    new_id: IdFactory,
    *,
    source: str = "invoice",
    target: str = "company",
    name: str = "company",
    kind: str = "MANY_TO_ONE",
    **extra: Any,
) -> SchemaChange:
    payload = {"type": kind, "targetObjectMetadataId": object_named(schema, target).id, "targetFieldLabel": "Invoices"}
    payload.update(extra.pop("relationCreationPayload", {}))
    return create(
        schema,
        new_id,
        source,
        type="RELATION",
        name=name,
        label=name.capitalize(),
        relationCreationPayload=payload,
        **extra,
    )


def deactivated(schema: WorkspaceSchema, field: FieldMetadata) -> WorkspaceSchema:
    return apply(schema, plan_update_field(schema, field.id, {"isActive": False}, now=LATER))


# -- create: common rules ---------------------------------------------------------------------


def test_created_field_is_custom_and_takes_the_next_storage_key(
    with_invoice: WorkspaceSchema, new_id: IdFactory
) -> None:
    invoice = object_named(with_invoice, "invoice")
    change = create(with_invoice, new_id, description="Our reference", icon="IconHash")
    field = change.result
    assert isinstance(field, FieldMetadata)
    assert (field.name, field.label, field.type, field.object_id) == (
        "reference",
        "Reference",
        FieldType.TEXT,
        invoice.id,
    )
    assert field.is_custom and field.is_active and field.is_nullable and not field.is_system
    assert (field.description, field.icon, field.created_at) == ("Our reference", "IconHash", NOW)
    assert field.storage_key == "f8" and field.index_slot is None
    updated = [d for d in change.puts if isinstance(d, ObjectMetadata)]
    assert [(o.id, o.next_storage_key, o.updated_at) for o in updated] == [(invoice.id, 9, invoice.updated_at)]


def test_field_of_unknown_object_is_not_found(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    with pytest.raises(NotFound) as error:
        plan_create_field(
            with_invoice,
            {"objectMetadataId": "nope", "type": "TEXT", "name": "a", "label": "A"},
            now=NOW,
            new_id=new_id,
        )
    assert error.value.message == "Object nope not found"


@pytest.mark.parametrize("field_type", ["FILES", "MORPH_RELATION", "TS_VECTOR"])
def test_twenty_types_without_support_are_rejected(
    with_invoice: WorkspaceSchema, new_id: IdFactory, field_type: str
) -> None:
    assert (
        bad_request(lambda: create(with_invoice, new_id, type=field_type))
        == f"Field type {field_type} is not supported"
    )


@pytest.mark.parametrize("field_type", ["ACTOR", "POSITION"])
def test_server_managed_types_are_reserved_for_system_fields(
    with_invoice: WorkspaceSchema, new_id: IdFactory, field_type: str
) -> None:
    assert (
        bad_request(lambda: create(with_invoice, new_id, type=field_type))
        == f"Field type {field_type} is reserved for system fields"
    )


def test_unknown_type_is_rejected_listing_the_types(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    assert bad_request(lambda: create(with_invoice, new_id, type="STRING")).startswith(
        'type "STRING" is not a field type; use one of TEXT, NUMBER'
    )


def test_unknown_key_and_wrong_type_are_rejected_naming_the_key(
    with_invoice: WorkspaceSchema, new_id: IdFactory
) -> None:
    assert (
        bad_request(lambda: create(with_invoice, new_id, required=True))
        == 'Unknown key "required": CreateFieldInput has no such property'
    )
    assert (
        bad_request(lambda: create(with_invoice, new_id, isNullable="no")) == "isNullable must be a boolean, not string"
    )


def test_field_name_follows_the_naming_rules(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    assert bad_request(lambda: create(with_invoice, new_id, name="Ref")).startswith('name "Ref" should be in camelCase')
    assert bad_request(lambda: create(with_invoice, new_id, name="type")).startswith('name "type" is reserved.')


def test_client_cannot_create_system_fields(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    assert bad_request(lambda: create(with_invoice, new_id, isSystem=True)) == (
        "isSystem cannot be set: system fields are created with their object"
    )


def test_duplicate_field_name_is_not_available(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    assert bad_request(lambda: create(with_invoice, new_id, name="name")) == (
        'name "name" is not available on object "invoice": it is already used by field "name"'
    )


def test_name_of_an_existing_join_column_is_not_available(standard: WorkspaceSchema, new_id: IdFactory) -> None:
    assert bad_request(lambda: create(standard, new_id, "person", name="companyId")) == (
        'name "companyId" is not available on object "person": it is already used by the join column of relation "company"'
    )


def test_relation_whose_join_column_is_an_existing_field_name_is_not_available(
    with_invoice: WorkspaceSchema, new_id: IdFactory
) -> None:
    schema = apply(with_invoice, create(with_invoice, new_id, name="customerId", label="Customer id"))
    assert bad_request(lambda: relation(schema, new_id, name="customer")) == (
        'name "customer" is not available on object "invoice": it needs the name "customerId", '
        'which is already used by field "customerId"'
    )


def test_composite_column_names_are_reserved(standard: WorkspaceSchema, new_id: IdFactory) -> None:
    assert bad_request(lambda: create(standard, new_id, "company", name="addressAddressCity")) == (
        'name "addressAddressCity" is not available on object "company": it is already used by '
        'a column of composite field "address"'
    )


def test_object_holds_at_most_the_field_budget(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    schema = with_invoice
    existing = len(schema.fields_of(object_named(schema, "invoice").id))
    for index in range(MAX_FIELDS_PER_OBJECT - existing):
        schema = apply(schema, create(schema, new_id, name=f"extra{index}", label=f"Extra {index}"))
    assert bad_request(lambda: create(schema, new_id, name="oneTooMany")) == (
        f'Object "invoice" cannot hold more than {MAX_FIELDS_PER_OBJECT} fields: a record must fit in one 400 KB '
        "DynamoDB item. Delete unused fields first"
    )


def test_label_synced_field_name_must_follow_its_label(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    assert bad_request(lambda: create(with_invoice, new_id, isLabelSyncedWithName=True, label="Our ref")) == (
        'name "reference" does not follow label "Our ref" while isLabelSyncedWithName is true: expected "ourRef"'
    )


def test_is_unique_is_refused_on_types_without_uniqueness(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    assert bad_request(lambda: create(with_invoice, new_id, type="RAW_JSON", isUnique=True)) == (
        "isUnique is not supported on RAW_JSON fields"
    )
    assert create(with_invoice, new_id, type="EMAILS", isUnique=True).result.is_unique


# -- create: options, defaults, settings ------------------------------------------------------

STATUS_OPTIONS = [{"label": "Open", "value": "OPEN", "color": "green"}, {"label": "Paid", "value": "PAID"}]


def test_select_options_get_ids_and_positions(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    field = create(
        with_invoice, new_id, type="SELECT", name="status", options=STATUS_OPTIONS, defaultValue="'OPEN'"
    ).result
    assert [(o["label"], o["value"], o["position"], o.get("color")) for o in field.options] == [
        ("Open", "OPEN", 0, "green"),
        ("Paid", "PAID", 1, None),
    ]
    assert all(o["id"].startswith("00000000-") for o in field.options)
    assert field.default_value == "'OPEN'"


def test_select_needs_a_non_empty_option_list(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    message = "options is required for a SELECT field: give a non-empty array of {label, value}"
    assert bad_request(lambda: create(with_invoice, new_id, type="SELECT", name="status")) == message
    assert bad_request(lambda: create(with_invoice, new_id, type="SELECT", name="status", options=[])) == message


def test_option_value_must_be_upper_snake_case(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    options = [{"label": "Open", "value": "open"}]
    assert bad_request(lambda: create(with_invoice, new_id, type="SELECT", name="status", options=options)) == (
        'options[0].value "open" must be in UPPER_CASE and follow snake_case (for example "IN_PROGRESS")'
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            [{"label": "A", "value": "A"}, {"label": "B", "value": "A"}],
            'options[1].value "A" is used by another option; option values must be unique',
        ),
        (
            [{"label": "A", "value": "A"}, {"label": "A", "value": "B"}],
            'options[1].label "A" is used by another option; option labels must be unique',
        ),
        (
            [{"label": "A", "value": "A", "position": 1}, {"label": "B", "value": "B", "position": 1}],
            "options[1].position 1 is used by another option; option positions must be unique",
        ),
        ([{"label": "", "value": "A"}], "options[0].label must not be empty"),
        (
            [{"label": "A", "value": "A", "isDefault": True}],
            'Unknown key "options[0].isDefault": an option has no such property',
        ),
    ],
)
def test_invalid_options_are_rejected_naming_the_option(
    with_invoice: WorkspaceSchema, new_id: IdFactory, options: list[dict[str, Any]], message: str
) -> None:
    assert (
        bad_request(lambda: create(with_invoice, new_id, type="MULTI_SELECT", name="tags", options=options)) == message
    )


def test_options_on_a_type_without_options_are_rejected(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    assert bad_request(lambda: create(with_invoice, new_id, options=STATUS_OPTIONS)) == (
        "options are only accepted on SELECT, MULTI_SELECT and RATING fields, not on TEXT"
    )


def test_select_default_must_be_a_quoted_option_value(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    select = {"type": "SELECT", "name": "status", "options": STATUS_OPTIONS}
    assert bad_request(lambda: create(with_invoice, new_id, defaultValue="OPEN", **select)) == (
        'defaultValue of a SELECT field must be a quoted option value such as "\'NEW\'", not "OPEN"'
    )
    assert bad_request(lambda: create(with_invoice, new_id, defaultValue="'DRAFT'", **select)) == (
        "defaultValue \"'DRAFT'\" is not one of the options of the field (OPEN, PAID)"
    )


def test_multi_select_default_is_a_list_of_quoted_values(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    field = create(
        with_invoice, new_id, type="MULTI_SELECT", name="tags", options=STATUS_OPTIONS, defaultValue=["'PAID'"]
    ).result
    assert field.default_value == ["'PAID'"]
    assert bad_request(
        lambda: create(
            with_invoice, new_id, type="MULTI_SELECT", name="tags", options=STATUS_OPTIONS, defaultValue="'PAID'"
        )
    ).startswith("defaultValue of a MULTI_SELECT field must be an array of quoted option values")


@pytest.mark.parametrize(
    ("field_type", "value"),
    [
        ("TEXT", "plain"),
        ("NUMBER", "3"),
        ("BOOLEAN", 1),
        ("DATE_TIME", "2024-01-01"),
        ("UUID", "x"),
        ("RELATION", None),
    ],
)
def test_default_value_must_fit_the_type(
    with_invoice: WorkspaceSchema, new_id: IdFactory, field_type: str, value: Any
) -> None:
    if field_type == "RELATION":
        message = bad_request(lambda: relation(with_invoice, new_id, defaultValue="'x'"))
        assert message == "defaultValue is not accepted on RELATION fields"
        return
    assert bad_request(lambda: create(with_invoice, new_id, type=field_type, defaultValue=value)).startswith(
        f"defaultValue of a {field_type} field must be"
    )


def test_composite_default_names_only_its_sub_fields(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    ok = create(
        with_invoice,
        new_id,
        type="CURRENCY",
        name="total",
        defaultValue={"amountMicros": None, "currencyCode": "'EUR'"},
    )
    assert ok.result.default_value == {"amountMicros": None, "currencyCode": "'EUR'"}
    assert bad_request(
        lambda: create(with_invoice, new_id, type="CURRENCY", name="total", defaultValue={"amount": 1})
    ) == ('defaultValue of a CURRENCY field has no sub-field "amount"; sub-fields are amountMicros, currencyCode')


def test_rating_gets_its_five_options(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    field = create(with_invoice, new_id, type="RATING", name="score", defaultValue="'RATING_3'").result
    assert [o["value"] for o in field.options] == list(RATING_VALUES)
    assert field.option_values == frozenset(RATING_VALUES)


def test_rating_options_other_than_the_five_are_rejected(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    options = [{"label": "Good", "value": "GOOD"}]
    assert bad_request(lambda: create(with_invoice, new_id, type="RATING", name="score", options=options)) == (
        "options of a RATING field must have exactly the values RATING_1, RATING_2, RATING_3, RATING_4, RATING_5"
    )


def test_number_data_type_defaults_to_float_and_accepts_int_and_bigint(
    with_invoice: WorkspaceSchema, new_id: IdFactory
) -> None:
    assert create(with_invoice, new_id, type="NUMBER", name="count").result.settings == {"dataType": "float"}
    field = create(
        with_invoice, new_id, type="NUMBER", name="count", settings={"dataType": "int", "decimals": 0}
    ).result
    assert field.settings == {"dataType": "int", "decimals": 0}
    assert bad_request(
        lambda: create(with_invoice, new_id, type="NUMBER", name="count", settings={"dataType": "double"})
    ) == ('settings.dataType must be one of int, float, bigint, not "double"')


# -- create: relations ------------------------------------------------------------------------


def test_many_to_one_relation_creates_both_sides(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    invoice, company = object_named(with_invoice, "invoice"), object_named(with_invoice, "company")
    change = relation(with_invoice, new_id)
    source = change.result
    inverse = next(d for d in change.puts if isinstance(d, FieldMetadata) and d.object_id == company.id)
    assert (source.name, source.type, source.object_id, source.join_column) == (
        "company",
        FieldType.RELATION,
        invoice.id,
        "companyId",
    )
    assert source.relation.type is RelationType.MANY_TO_ONE and source.relation.on_delete is OnDelete.SET_NULL
    assert (source.relation.target_object_id, source.relation.target_field_id) == (company.id, inverse.id)
    assert (inverse.name, inverse.label, inverse.relation.type) == ("invoices", "Invoices", RelationType.ONE_TO_MANY)
    assert (inverse.relation.target_object_id, inverse.relation.target_field_id) == (invoice.id, source.id)
    assert source.settings == {"relationType": "MANY_TO_ONE", "onDelete": "SET_NULL", "joinColumnName": "companyId"}
    assert inverse.settings == {"relationType": "ONE_TO_MANY"}


def test_join_column_takes_the_lowest_free_index_slot_until_none_is_left(
    with_invoice: WorkspaceSchema, new_id: IdFactory
) -> None:
    schema = with_invoice
    slots = []
    for name in ("company", "person", "opportunity"):
        change = relation(
            schema, new_id, target=name, name=name, relationCreationPayload={"targetFieldName": "invoices"}
        )
        slots.append(change.result.index_slot)
        schema = apply(schema, change)
    assert slots == [4, 5, None]
    assert object_named(schema, "invoice").index_slots_used == 5


def test_on_delete_comes_from_settings(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    change = relation(with_invoice, new_id, settings={"onDelete": "CASCADE"})
    assert change.result.relation.on_delete is OnDelete.CASCADE
    assert change.result.settings["onDelete"] == "CASCADE"


def test_one_to_many_relation_puts_the_join_column_on_the_target(
    with_invoice: WorkspaceSchema, new_id: IdFactory
) -> None:
    change = relation(
        with_invoice,
        new_id,
        source="company",
        target="invoice",
        name="invoices",
        kind="ONE_TO_MANY",
        relationCreationPayload={"targetFieldLabel": "Billed company"},
    )
    many = next(d for d in change.puts if isinstance(d, FieldMetadata) and d.is_many_to_one)
    assert change.result.is_one_to_many and change.result.name == "invoices"
    assert (many.name, many.object_id, many.index_slot) == (
        "billedCompany",
        object_named(with_invoice, "invoice").id,
        4,
    )


def test_target_field_name_is_validated_on_the_target(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    assert bad_request(
        lambda: relation(with_invoice, new_id, relationCreationPayload={"targetFieldName": "people"})
    ) == (
        'relationCreationPayload.targetFieldName "people" is not available on object "company": '
        'it is already used by field "people"'
    )
    assert bad_request(
        lambda: relation(with_invoice, new_id, relationCreationPayload={"targetFieldName": "Bills"})
    ).startswith('relationCreationPayload.targetFieldName "Bills" should be in camelCase')


def test_relation_to_self_creates_two_fields_on_one_object(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    change = relation(
        with_invoice, new_id, target="invoice", name="parent", relationCreationPayload={"targetFieldLabel": "Children"}
    )
    invoice = object_named(with_invoice, "invoice")
    fields = [d for d in change.puts if isinstance(d, FieldMetadata)]
    assert sorted(f.name for f in fields) == ["children", "parent"]
    assert all(f.object_id == invoice.id for f in fields)
    updated = next(d for d in change.puts if isinstance(d, ObjectMetadata))
    assert updated.next_storage_key == invoice.next_storage_key + 2


def test_relation_to_self_cannot_reuse_its_own_name(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    message = bad_request(
        lambda: relation(
            with_invoice,
            new_id,
            target="invoice",
            name="parent",
            relationCreationPayload={"targetFieldName": "parentId"},
        )
    )
    assert message == (
        'relationCreationPayload.targetFieldName "parentId" is not available on object "invoice": '
        'it is already used by the new field "parent"'
    )


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("noteTarget", 'Relations to the system object "noteTarget" are not supported'),
        ("inactive", 'The relation target "company" is not active: activate it before relating to it'),
    ],
)
def test_relation_target_must_be_an_active_non_system_object(
    with_invoice: WorkspaceSchema, new_id: IdFactory, target: str, message: str
) -> None:
    schema = with_invoice
    if target == "inactive":
        company = object_named(schema, "company")
        schema = apply(schema, plan_update_object(schema, company.id, {"isActive": False}, now=LATER))
        target = "company"
    assert bad_request(lambda: relation(schema, new_id, target=target, name="related")) == message


def test_relation_to_workspace_members_is_allowed(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    change = relation(with_invoice, new_id, target="workspaceMember", name="approver")
    assert change.result.relation.target_object_id == object_named(with_invoice, "workspaceMember").id


def test_relation_payload_is_checked_key_by_key(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    assert bad_request(lambda: relation(with_invoice, new_id, relationCreationPayload={"onDelete": "CASCADE"})) == (
        'Unknown key "relationCreationPayload.onDelete": relationCreationPayload has no such property'
    )
    assert bad_request(lambda: relation(with_invoice, new_id, kind="MANY_TO_MANY")) == (
        'relationCreationPayload.type must be MANY_TO_ONE or ONE_TO_MANY, not "MANY_TO_MANY"'
    )
    assert bad_request(
        lambda: relation(with_invoice, new_id, relationCreationPayload={"targetObjectMetadataId": "nope"})
    ) == ('relationCreationPayload.targetObjectMetadataId "nope" is not an object of this workspace')
    assert bad_request(lambda: relation(with_invoice, new_id, relationCreationPayload={"targetFieldLabel": None})) == (
        "relationCreationPayload.targetFieldLabel is required"
    )


def test_relation_payload_goes_with_relation_fields_only(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    assert bad_request(lambda: create(with_invoice, new_id, type="RELATION", name="company")) == (
        "relationCreationPayload is required for a RELATION field"
    )
    assert bad_request(lambda: create(with_invoice, new_id, relationCreationPayload={})) == (
        "relationCreationPayload is only accepted on RELATION fields"
    )


# -- update -----------------------------------------------------------------------------------


def test_renaming_a_custom_field_keeps_its_storage_key(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    created = create(with_invoice, new_id)
    field = created.result
    schema = apply(with_invoice, created)
    change = plan_update_field(schema, field.id, {"name": "externalRef", "label": "External ref"}, now=LATER)
    assert (change.result.name, change.result.label, change.result.storage_key) == (
        "externalRef",
        "External ref",
        field.storage_key,
    )
    assert change.result.updated_at == LATER


def test_renaming_to_a_taken_name_is_rejected(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    schema = apply(with_invoice, create(with_invoice, new_id))
    field = field_named(schema, "invoice", "reference")
    assert bad_request(lambda: plan_update_field(schema, field.id, {"name": "createdAt"}, now=LATER)) == (
        'name "createdAt" is not available on object "invoice": it is already used by field "createdAt"'
    )


def test_system_and_standard_fields_cannot_be_renamed(standard: WorkspaceSchema) -> None:
    created_at = field_named(standard, "company", "createdAt")
    domain = field_named(standard, "company", "domainName")
    assert bad_request(lambda: plan_update_field(standard, created_at.id, {"name": "madeAt"}, now=LATER)) == (
        'System field "createdAt" cannot be renamed'
    )
    assert bad_request(lambda: plan_update_field(standard, domain.id, {"name": "website"}, now=LATER)) == (
        'Standard field "domainName" cannot be renamed'
    )
    assert plan_update_field(standard, domain.id, {"label": "Website"}, now=LATER).result.label == "Website"


def test_system_field_cannot_be_deactivated(standard: WorkspaceSchema) -> None:
    position = field_named(standard, "company", "position")
    assert bad_request(lambda: plan_update_field(standard, position.id, {"isActive": False}, now=LATER)) == (
        'System field "position" cannot change isActive'
    )


def test_label_identifier_field_cannot_be_deactivated(standard: WorkspaceSchema) -> None:
    name = field_named(standard, "company", "name")
    assert bad_request(lambda: plan_update_field(standard, name.id, {"isActive": False}, now=LATER)) == (
        'Field "name" is the label identifier of object "company" and cannot be deactivated; '
        "choose another labelIdentifierFieldMetadataId first"
    )


def test_field_type_cannot_be_changed(standard: WorkspaceSchema) -> None:
    city = field_named(standard, "person", "city")
    assert (
        bad_request(lambda: plan_update_field(standard, city.id, {"type": "NUMBER"}, now=LATER))
        == "Field type cannot be changed"
    )
    assert plan_update_field(standard, city.id, {"type": "TEXT", "label": "Town"}, now=LATER).result.label == "Town"


def test_field_cannot_move_to_another_object(standard: WorkspaceSchema) -> None:
    city = field_named(standard, "person", "city")
    company = object_named(standard, "company")
    assert bad_request(lambda: plan_update_field(standard, city.id, {"objectMetadataId": company.id}, now=LATER)) == (
        f'A field cannot move to another object: objectMetadataId must stay "{city.object_id}"'
    )


def test_update_of_unknown_field_is_not_found(standard: WorkspaceSchema) -> None:
    with pytest.raises(NotFound) as error:
        plan_update_field(standard, "nope", {"label": "X"}, now=LATER)
    assert error.value.message == "Field nope not found"


def test_update_with_unknown_key_is_rejected(standard: WorkspaceSchema) -> None:
    city = field_named(standard, "person", "city")
    assert bad_request(lambda: plan_update_field(standard, city.id, {"required": True}, now=LATER)) == (
        'Unknown key "required": UpdateFieldInput has no such property'
    )


def test_update_that_changes_nothing_writes_nothing(standard: WorkspaceSchema) -> None:
    city = field_named(standard, "person", "city")
    change = plan_update_field(standard, city.id, {"label": city.label, "isActive": True}, now=LATER)
    assert change.result == city and change.puts == ()


def test_adding_an_option_keeps_the_ids_of_existing_ones(standard: WorkspaceSchema, new_id: IdFactory) -> None:
    stage = field_named(standard, "opportunity", "stage")
    options = [{"label": o["label"], "value": o["value"]} for o in stage.options] + [{"label": "Lost", "value": "LOST"}]
    change = plan_update_field(standard, stage.id, {"options": options}, now=LATER, new_id=new_id)
    assert [o["id"] for o in change.result.options[:5]] == [o["id"] for o in stage.options]
    assert change.result.options[5]["value"] == "LOST"


def test_removing_the_default_option_requires_a_new_default(standard: WorkspaceSchema, new_id: IdFactory) -> None:
    stage = field_named(standard, "opportunity", "stage")
    remaining = [o for o in stage.options if o["value"] != "NEW"]
    assert bad_request(
        lambda: plan_update_field(standard, stage.id, {"options": remaining}, now=LATER, new_id=new_id)
    ) == ("defaultValue \"'NEW'\" is not one of the options of the field (SCREENING, MEETING, PROPOSAL, CUSTOMER)")
    change = plan_update_field(
        standard, stage.id, {"options": remaining, "defaultValue": "'SCREENING'"}, now=LATER, new_id=new_id
    )
    assert change.result.default_value == "'SCREENING'"


def test_renaming_a_relation_keeps_its_join_column_consistent(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    schema = apply(with_invoice, relation(with_invoice, new_id))
    field = field_named(schema, "invoice", "company")
    change = plan_update_field(schema, field.id, {"name": "customer"}, now=LATER)
    assert change.result.join_column == "customerId"
    assert change.result.settings["joinColumnName"] == "customerId"
    assert change.result.index_slot == field.index_slot and change.result.storage_key == field.storage_key


def test_relation_sides_are_activated_and_deactivated_together(
    with_invoice: WorkspaceSchema, new_id: IdFactory
) -> None:
    schema = apply(with_invoice, relation(with_invoice, new_id))
    field = field_named(schema, "invoice", "company")
    change = plan_update_field(schema, field.id, {"isActive": False}, now=LATER)
    assert sorted((f.name, f.is_active) for f in change.puts) == [("company", False), ("invoices", False)]


def test_on_delete_can_change_on_the_many_to_one_side_only(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    schema = apply(with_invoice, relation(with_invoice, new_id))
    many = field_named(schema, "invoice", "company")
    one = field_named(schema, "company", "invoices")
    change = plan_update_field(schema, many.id, {"settings": {"onDelete": "RESTRICT"}}, now=LATER)
    assert change.result.relation.on_delete is OnDelete.RESTRICT and change.result.settings["onDelete"] == "RESTRICT"
    assert bad_request(lambda: plan_update_field(schema, one.id, {"settings": {"onDelete": "CASCADE"}}, now=LATER)) == (
        'settings.onDelete belongs to the MANY_TO_ONE side of a relation (field "company")'
    )


# -- delete -----------------------------------------------------------------------------------


def test_system_and_standard_fields_cannot_be_deleted(standard: WorkspaceSchema) -> None:
    created_at = field_named(standard, "company", "createdAt")
    domain = field_named(standard, "company", "domainName")
    assert (
        bad_request(lambda: plan_delete_field(standard, created_at.id, now=LATER))
        == 'System field "createdAt" cannot be deleted'
    )
    assert bad_request(lambda: plan_delete_field(standard, domain.id, now=LATER)) == (
        'Standard field "domainName" cannot be deleted; deactivate it instead'
    )


def test_active_field_must_be_deactivated_before_deletion(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    schema = apply(with_invoice, create(with_invoice, new_id))
    field = field_named(schema, "invoice", "reference")
    assert bad_request(lambda: plan_delete_field(schema, field.id, now=LATER)) == (
        'Field "reference" must be deactivated (isActive: false) before it can be deleted'
    )


def test_label_identifier_field_cannot_be_deleted(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    schema = apply(with_invoice, create(with_invoice, new_id))
    invoice = object_named(schema, "invoice")
    field = field_named(schema, "invoice", "reference")
    schema = apply(
        schema, plan_update_object(schema, invoice.id, {"labelIdentifierFieldMetadataId": field.id}, now=LATER)
    )
    assert bad_request(lambda: plan_delete_field(schema, field.id, now=LATER)) == (
        'Field "reference" is the label identifier of object "invoice" and cannot be deleted; '
        "choose another labelIdentifierFieldMetadataId first"
    )


def test_deleting_a_field_clears_its_values(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    schema = apply(with_invoice, create(with_invoice, new_id))
    field = field_named(schema, "invoice", "reference")
    schema = deactivated(schema, field)
    change = plan_delete_field(schema, field.id, now=LATER)
    assert change.result.id == field.id
    assert [d.id for d in change.deletes] == [field.id] and [f.id for f in change.cleared_fields] == [field.id]


def test_deleting_one_side_of_a_relation_deletes_both(with_invoice: WorkspaceSchema, new_id: IdFactory) -> None:
    schema = apply(with_invoice, relation(with_invoice, new_id))
    one = field_named(schema, "company", "invoices")
    schema = deactivated(schema, one)
    change = plan_delete_field(schema, one.id, now=LATER)
    assert sorted(f.name for f in change.deletes) == ["company", "invoices"]
    assert sorted(f.name for f in change.cleared_fields) == ["company", "invoices"]


def test_deleted_fields_storage_key_and_index_slot_are_never_reused(
    with_invoice: WorkspaceSchema, new_id: IdFactory
) -> None:
    schema = apply(with_invoice, relation(with_invoice, new_id))
    many = field_named(schema, "invoice", "company")
    assert many.index_slot == 4
    schema = deactivated(schema, many)
    schema = apply(schema, plan_delete_field(schema, many.id, now=LATER))
    again = relation(schema, new_id)
    assert again.result.storage_key != many.storage_key
    assert again.result.index_slot == 5


def test_deleting_an_image_identifier_unsets_it(standard: WorkspaceSchema, new_id: IdFactory) -> None:
    schema = apply(standard, create(standard, new_id, "person", name="photo", label="Photo"))
    person = object_named(schema, "person")
    photo = field_named(schema, "person", "photo")
    schema = apply(
        schema, plan_update_object(schema, person.id, {"imageIdentifierFieldMetadataId": photo.id}, now=LATER)
    )
    schema = deactivated(schema, photo)
    change = plan_delete_field(schema, photo.id, now=LATER)
    assert [(o.id, o.image_identifier_field_id) for o in change.puts] == [(person.id, None)]


def test_delete_of_unknown_field_is_not_found(standard: WorkspaceSchema) -> None:
    with pytest.raises(NotFound):
        plan_delete_field(standard, "nope", now=LATER)

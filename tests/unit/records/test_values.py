import pytest

from tenantapi.errors import BadRequest
from tenantapi.metadata.field_types import FieldType, OnDelete, RelationType
from tenantapi.metadata.model import FieldMetadata, ObjectMetadata, Relation, WorkspaceSchema
from tenantapi.records.values import WritableFields, check_values

NOW = "2026-01-01T00:00:00.000Z"
OBJ = ObjectMetadata(id="o1", name_singular="invoice", name_plural="invoices", label_singular="Invoice",
                     label_plural="Invoices", created_at=NOW, updated_at=NOW)


def _field(name, ftype, **extra):
    return FieldMetadata(id=f"id-{name}", object_id="o1", name=name, label=name, type=ftype,
                         storage_key=f"f{name}", created_at=NOW, updated_at=NOW, **extra)


FIELDS = (
    _field("title", FieldType.TEXT),
    _field("amount", FieldType.NUMBER, settings={"dataType": "int"}),
    _field("ratio", FieldType.NUMBER),
    _field("paid", FieldType.BOOLEAN),
    _field("dueOn", FieldType.DATE),
    _field("sentAt", FieldType.DATE_TIME),
    _field("status", FieldType.SELECT, options=[{"value": "OPEN", "label": "Open"}, {"value": "PAID", "label": "Paid"}]),
    _field("tags", FieldType.MULTI_SELECT, options=[{"value": "A", "label": "A"}, {"value": "B", "label": "B"}]),
    _field("total", FieldType.CURRENCY),
    _field("contact", FieldType.FULL_NAME),
    _field("code", FieldType.TEXT, is_nullable=False),
    _field("company", FieldType.RELATION, relation=Relation(RelationType.MANY_TO_ONE, "o2", "f2", OnDelete.SET_NULL)),
    _field("lines", FieldType.RELATION, relation=Relation(RelationType.ONE_TO_MANY, "o3", "f3")),
    _field("createdAt", FieldType.DATE_TIME, is_system=True),
    _field("updatedAt", FieldType.DATE_TIME, is_system=True),
)
WRITABLE = WritableFields(WorkspaceSchema("ws", 1, (OBJ,), FIELDS), OBJ)


def check(body, **kwargs):
    kwargs.setdefault("creating", True)
    return check_values(WRITABLE, body, **kwargs)


def test_values_of_every_scalar_type_are_accepted_and_normalised():
    values = check({"title": "T", "amount": 3, "ratio": 0.5, "paid": True, "dueOn": "2026-02-28",
                    "sentAt": "2026-02-01T10:00:00+02:00", "status": "OPEN", "tags": ["A", "B", "A"]})
    assert values["id-sentAt"] == "2026-02-01T08:00:00.000Z"
    assert values["id-tags"] == ["A", "B"]
    assert values["id-amount"] == 3


@pytest.mark.parametrize(
    "body, message",
    [
        ({"title": 3}, "Invalid value for field 'title': expected a string, got number"),
        ({"amount": 1.5}, "Invalid value for field 'amount': expected an integer"),
        ({"amount": True}, "Invalid value for field 'amount': expected a number, got boolean"),
        ({"paid": "yes"}, "Invalid value for field 'paid': expected a boolean, got string"),
        ({"dueOn": "2026-02-30"}, "'2026-02-30' is not a valid date"),
        ({"sentAt": "yesterday"}, "'yesterday' is not an ISO 8601 date-time"),
        ({"status": "LOST"}, "'LOST' is not an option (allowed: OPEN, PAID)"),
        ({"tags": ["C"]}, "'C' is not an option"),
        ({"total": {"amountMicros": "abc"}}, "Invalid value for field 'total.amountMicros': 'abc' is not a number"),
        ({"contact": {"middleName": "x"}}, "unknown sub-field 'middleName'"),
        ({"nope": 1}, "Object 'invoice' has no field named 'nope'"),
        ({"company": {}}, "is a relation and cannot be written directly. Use 'companyId'"),
        ({"companyId": "not-a-uuid"}, "'not-a-uuid' is not a UUID"),
        ({"code": None}, "Field 'code' of object 'invoice' cannot be null"),
        ({"updatedAt": NOW}, "Field 'updatedAt' is set by the server"),
    ],
)
def test_a_wrong_value_is_a_400_naming_the_field(body, message):
    with pytest.raises(BadRequest) as error:
        check(body)
    assert message in error.value.message


def test_a_body_that_is_not_an_object_is_refused():
    with pytest.raises(BadRequest, match="must be a JSON object, got array"):
        check([{"title": "x"}])


def test_a_partial_composite_update_keeps_the_other_sub_fields():
    current = {"id-contact": {"firstName": "Ada", "lastName": "Byron"}}
    values = check({"contact": {"lastName": "Lovelace"}}, current=current, creating=False)
    assert values["id-contact"] == {"firstName": "Ada", "lastName": "Lovelace"}


def test_created_at_may_be_given_on_create_but_not_on_update():
    assert check({"createdAt": "2020-01-01T00:00:00Z"})["id-createdAt"] == "2020-01-01T00:00:00.000Z"
    with pytest.raises(BadRequest, match="set by the server"):
        check({"createdAt": "2020-01-01T00:00:00Z"}, creating=False)


def test_currency_amount_accepts_a_numeric_string():
    values = check({"total": {"amountMicros": "1500000", "currencyCode": "EUR"}})
    assert values["id-total"] == {"amountMicros": 1500000, "currencyCode": "EUR"}


def test_join_column_is_normalised_to_lower_case():
    values = check({"companyId": "0190A6F2-0000-7000-8000-000000000001"})
    assert values["id-company"] == "0190a6f2-0000-7000-8000-000000000001"


@pytest.mark.parametrize(
    "body, path",
    [
        ({"ratio": 1.7976931348623157e308}, "ratio"),  # above DynamoDB's 1e126
        ({"ratio": 2.5e-282}, "ratio"),  # a non-zero magnitude below 1e-130
        ({"amount": 10**40}, "amount"),  # more than 38 digits
        ({"total": {"amountMicros": "1" * 50}}, "total.amountMicros"),
        ({"total": {"amountMicros": "1E+999999999"}}, "total.amountMicros"),  # refused before int() builds it
    ],
)
def test_a_number_storage_cannot_hold_is_a_400_naming_the_field(body, path):
    with pytest.raises(BadRequest) as error:
        check(body)
    assert f"Invalid value for field '{path}'" in error.value.message and "cannot be stored" in error.value.message


def test_numbers_at_the_edges_of_what_storage_holds_are_accepted():
    values = check({"ratio": 9.99e125})
    assert values["id-ratio"] == 9.99e125
    assert check({"ratio": -1e-130})["id-ratio"] == -1e-130
    assert check({"ratio": 0.0})["id-ratio"] == 0.0


def test_every_number_inside_raw_json_must_be_storable():
    actor = _field("origin", FieldType.ACTOR)
    meta = _field("meta", FieldType.RAW_JSON)
    writable = WritableFields(WorkspaceSchema("ws", 1, (OBJ,), (actor, meta)), OBJ)
    assert check_values(writable, {"meta": {"a": [1, 2.5, {"b": None}]}}, creating=True)["id-meta"] == {"a": [1, 2.5, {"b": None}]}
    with pytest.raises(BadRequest, match=r"'meta\.a\[1\]\.b'"):
        check_values(writable, {"meta": {"a": [0, {"b": 1e300}]}}, creating=True)
    with pytest.raises(BadRequest, match=r"'origin\.context\.x'"):
        check_values(writable, {"origin": {"source": "API", "context": {"x": -1e-300}}}, creating=True)


def test_raw_json_with_an_empty_key_is_a_400_naming_the_field():
    meta = _field("meta", FieldType.RAW_JSON)
    writable = WritableFields(WorkspaceSchema("ws", 1, (OBJ,), (meta,)), OBJ)
    with pytest.raises(BadRequest, match=r"'meta\.a': object keys must not be empty"):
        check_values(writable, {"meta": {"a": {"": 1}}}, creating=True)


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_a_date_time_out_of_range_in_utc_is_a_400(value):
    with pytest.raises(BadRequest, match="'sentAt': .* is out of range in UTC"):
        check({"sentAt": value})

import random

import pytest

from tenantapi.errors import BadRequest
from tenantapi.query.parse_order_by import DIRECTIONS, parse_order_by

EXAMPLE = "eg: ?order_by=field_1[AscNullsFirst],field_2[DescNullsLast],field_3"


def rejects(text: str, message: str) -> None:
    with pytest.raises(BadRequest) as caught:
        parse_order_by(text)
    assert caught.value.message == message


def test_contract_example_with_default_direction_and_a_dotted_path():
    assert parse_order_by("field,field2[DescNullsLast],name.lastName[AscNullsLast]") == [
        {"field": "AscNullsFirst"},
        {"field2": "DescNullsLast"},
        {"name": {"lastName": "AscNullsLast"}},
    ]


# -- Twenty's parse-order-by-rest-request.util.spec.ts, without the id Twenty appends ---------------


def test_twenty_spec_two_fields_with_directions():
    assert parse_order_by("fieldNumber[AscNullsFirst],fieldText[DescNullsLast]") == [
        {"fieldNumber": "AscNullsFirst"},
        {"fieldText": "DescNullsLast"},
    ]


def test_twenty_spec_the_default_direction_is_asc_nulls_first():
    assert parse_order_by("fieldNumber") == [{"fieldNumber": "AscNullsFirst"}]


def test_twenty_spec_a_composite_sub_field_nests():
    assert parse_order_by("fieldCurrency.amountMicros") == [{"fieldCurrency": {"amountMicros": "AscNullsFirst"}}]


def test_twenty_spec_a_composite_sub_field_with_a_direction():
    assert parse_order_by("fieldCurrency.amountMicros[DescNullsLast]") == [
        {"fieldCurrency": {"amountMicros": "DescNullsLast"}}
    ]


def test_twenty_spec_several_composite_sub_fields_with_directions():
    assert parse_order_by("fieldCurrency.amountMicros[DescNullsLast],fieldText.label[AscNullsLast]") == [
        {"fieldCurrency": {"amountMicros": "DescNullsLast"}},
        {"fieldText": {"label": "AscNullsLast"}},
    ]


def test_twenty_spec_an_invalid_direction_is_rejected():
    rejects(
        "fieldText[invalid]",
        "'order_by' direction 'invalid' invalid. Allowed values are 'AscNullsFirst', 'AscNullsLast', "
        "'DescNullsFirst', 'DescNullsLast'. eg: ?order_by=field_1[AscNullsFirst],field_2[DescNullsLast],field_3",
    )


# -- ours ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_every_direction_is_accepted(direction):
    assert parse_order_by(f"position[{direction}]") == [{"position": direction}]


def test_no_id_tie_breaker_is_added():
    assert parse_order_by("name") == [{"name": "AscNullsFirst"}]


def test_the_same_field_twice_is_kept_twice():
    assert parse_order_by("a,a[DescNullsLast]") == [{"a": "AscNullsFirst"}, {"a": "DescNullsLast"}]


def test_spaces_around_names_and_directions_are_ignored():
    assert parse_order_by(" name . lastName [ DescNullsFirst ] , city ") == [
        {"name": {"lastName": "DescNullsFirst"}},
        {"city": "AscNullsFirst"},
    ]


@pytest.mark.parametrize("direction", ["descnullslast", "DESC", "Desc", "ASC", ""])
def test_a_direction_is_case_sensitive_and_never_empty(direction):
    rejects(
        f"name[{direction}]",
        f"'order_by' direction '{direction}' invalid. Allowed values are 'AscNullsFirst', 'AscNullsLast', "
        f"'DescNullsFirst', 'DescNullsLast'. {EXAMPLE}",
    )


@pytest.mark.parametrize(
    "item",
    [
        "name[DescNullsLast",
        "nameDescNullsLast]",
        "name[DescNullsLast]x",
        "name[[DescNullsLast]]",
        "name[DescNullsLast][AscNullsLast]",
        "[DescNullsLast]",
        "name.",
        ".name",
        "name..first",
        "first name",
        "name-x",
        "1name",
        "name:DescNullsLast",
    ],
)
def test_a_malformed_item_is_rejected_with_an_example(item):
    rejects(item, f"'order_by' item '{item}' invalid. {EXAMPLE}")


def test_a_malformed_item_is_named_alone():
    rejects("a,b[DescNullsLast,c", f"'order_by' item 'b[DescNullsLast' invalid. {EXAMPLE}")


@pytest.mark.parametrize("text", ["a,,b", "a,", ",a", "a, ,b"])
def test_an_empty_item_is_rejected(text):
    rejects(text, f"'order_by' invalid. '{text}' has an empty item. {EXAMPLE}")


@pytest.mark.parametrize("text", ["", "  "])
def test_an_empty_order_by_is_rejected(text):
    rejects(text, f"'order_by' invalid. No field is named. {EXAMPLE}")


def test_random_input_gives_a_list_or_a_bad_request():
    generator = random.Random(11)
    tokens = ["a", "name", ".", ",", "[", "]", " ", "DescNullsLast", "AscNullsFirst", "x", "(", '"', "é"]
    for _ in range(3000):
        text = "".join(generator.choice(tokens) for _ in range(generator.randint(0, 12)))
        try:
            result = parse_order_by(text)
        except BadRequest as error:
            assert error.message.startswith("'order_by' ")
        else:
            assert all(isinstance(item, dict) and len(item) == 1 for item in result)

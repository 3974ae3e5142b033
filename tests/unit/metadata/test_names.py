from __future__ import annotations

import pytest

from tenantapi.errors import BadRequest
from tenantapi.metadata.names import RESERVED_NAMES, camel_case, name_from_label, validate_name


@pytest.mark.parametrize("name", ["a", "company", "myField2", "address1", "linkedinLink", "rank1st"])
def test_camel_case_alphanumeric_name_is_accepted(name: str) -> None:
    assert validate_name(name, key="name") == name


def test_name_of_63_characters_is_accepted() -> None:
    assert validate_name("a" * 63, key="name") == "a" * 63


def test_name_longer_than_63_characters_is_rejected() -> None:
    with pytest.raises(BadRequest) as error:
        validate_name("a" * 64, key="nameSingular")
    assert error.value.message == f'nameSingular "{"a" * 64}" is too long: a name has at most 63 characters'


def test_empty_name_is_rejected_as_too_short() -> None:
    with pytest.raises(BadRequest) as error:
        validate_name("", key="namePlural")
    assert error.value.message == "namePlural is too short: a name needs at least 1 character"


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("TestName", "testName"),
        ("name with spaces", "nameWithSpaces"),
        ("123string", "123String"),
        ("foo_bar", "fooBar"),
        ("myURL", "myUrl"),
        ("abc1def", "abc1Def"),
    ],
)
def test_name_that_is_not_its_own_camel_case_is_rejected(name: str, suggestion: str) -> None:
    with pytest.raises(BadRequest) as error:
        validate_name(name, key="name")
    assert error.value.message == f'name "{name}" should be in camelCase (for example "{suggestion}")'


def test_name_starting_with_a_digit_is_rejected_even_when_camel_case() -> None:
    with pytest.raises(BadRequest) as error:
        validate_name("123", key="name")
    assert error.value.message == (
        'name "123" is not valid: it must start with a lowercase letter and contain only alphanumeric letters'
    )


@pytest.mark.parametrize("name", ["role", "roles", "address", "addresses", "fullNames", "index", "aggregate", "type"])
def test_reserved_name_is_rejected_with_the_custom_suffix_hint(name: str) -> None:
    with pytest.raises(BadRequest) as error:
        validate_name(name, key="nameSingular")
    assert error.value.message == (
        f'nameSingular "{name}" is reserved. Use a different name or the system will add "Custom" suffix.'
    )


def test_reserved_list_holds_exactly_the_forms_twenty_lists() -> None:
    assert {"workspace", "workspaces", "currency", "currencies", "relation", "relations"} <= RESERVED_NAMES
    assert "fullName" not in RESERVED_NAMES
    assert "indexes" not in RESERVED_NAMES
    assert len(RESERVED_NAMES) == 63  # 21 core objects in both forms, then 21 more words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Point of Contact", "pointOfContact"),
        ("Invoices", "invoices"),
        ("aBC", "aBc"),
        ("FOO", "foo"),
        ("companyId", "companyId"),
        ("Été prochain", "eteProchain"),
        ("it's mine", "itsMine"),
        ("name2Go", "name2Go"),
    ],
)
def test_camel_case_splits_words_as_lodash_does(text: str, expected: str) -> None:
    assert camel_case(text) == expected


@pytest.mark.parametrize(
    ("label", "name"),
    [("Linked Opportunities", "linkedOpportunities"), ("Event", "eventCustom"), ("2 Things", "n2Things")],
)
def test_name_from_label_camel_cases_and_avoids_reserved_words(label: str, name: str) -> None:
    assert name_from_label(label) == name

import pytest

from tenantapi.errors import BadRequest
from tenantapi.query.parse_params import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    parse_cursors,
    parse_depth,
    parse_fields,
    parse_flag,
    parse_limit,
)


def message_of(call, *args, **kwargs) -> str:
    with pytest.raises(BadRequest) as caught:
        call(*args, **kwargs)
    return caught.value.message


# -- limit (Twenty's parse-limit-rest-request) ----------------------------------------------------


@pytest.mark.parametrize("raw", [None, ""])
def test_limit_absent_or_empty_is_the_default_60(raw):
    assert DEFAULT_LIMIT == 60
    assert parse_limit(raw) == 60


def test_limit_is_read_as_an_integer():
    assert parse_limit("10") == 10


def test_limit_zero_is_accepted():
    assert parse_limit("0") == 0


def test_limit_with_leading_zeros_is_the_same_integer():
    assert parse_limit("007") == 7


def test_limit_at_200_is_kept():
    assert parse_limit("200") == 200


def test_limit_above_max_is_clamped_to_200():
    assert MAX_LIMIT == 200
    assert parse_limit("201") == 200
    assert parse_limit("100000") == 200


def test_limit_with_thousands_of_digits_is_clamped_not_an_error():
    assert parse_limit("9" * 10_000) == 200
    assert parse_limit("0" * 10_000 + "5") == 5


def test_limit_default_and_maximum_can_be_given():
    assert parse_limit(None, default=1000, maximum=1000) == 1000
    assert parse_limit("5000", default=1000, maximum=1000) == 1000


@pytest.mark.parametrize("raw", ["aaa", "-1", "1.5", "1e2", " 10", "10 ", "+1", "０", "١", "²", "0x10"])
def test_limit_that_is_not_a_non_negative_integer_is_rejected(raw):
    assert message_of(parse_limit, raw) == f"limit '{raw}' is invalid. Should be an integer"


# -- depth (Twenty's parse-depth-rest-request) ----------------------------------------------------


@pytest.mark.parametrize("raw", [None, ""])
def test_depth_absent_or_empty_is_0(raw):
    assert parse_depth(raw) == 0


@pytest.mark.parametrize(("raw", "depth"), [("0", 0), ("1", 1)])
def test_depth_0_and_1_are_accepted(raw, depth):
    assert parse_depth(raw) == depth


@pytest.mark.parametrize("raw", ["2", "invalid", "-1", "01", " 1", "1.0", "true"])
def test_depth_other_than_0_or_1_is_rejected(raw):
    assert message_of(parse_depth, raw) == f"'depth={raw}' parameter invalid. Allowed values are 0, 1"


# -- fields (Twenty's parse-fields-rest-request) --------------------------------------------------


def test_fields_absent_is_none():
    assert parse_fields(None) is None


def test_fields_is_a_comma_separated_list_of_names():
    assert parse_fields("id,name,emails,company") == ["id", "name", "emails", "company"]


def test_fields_are_trimmed_and_empty_entries_skipped():
    assert parse_fields(" name , emails ,, ") == ["name", "emails"]


def test_fields_are_de_duplicated_keeping_the_first_position():
    assert parse_fields("name,emails,name,id") == ["name", "emails", "id"]


def test_repeated_fields_parameters_are_merged():
    assert parse_fields(["name", "emails,company", "name"]) == ["name", "emails", "company"]


def test_no_fields_parameter_in_a_list_is_none():
    assert parse_fields([]) is None


@pytest.mark.parametrize("raw", ["", " , ", ",", [""], ["", " "]])
def test_fields_that_name_nothing_are_rejected(raw):
    assert message_of(parse_fields, raw) == (
        "'fields' parameter is empty. Expected a comma-separated list of field names, e.g. fields=id,name"
    )


# -- flags (soft_delete, upsert) ------------------------------------------------------------------


def test_flag_is_on_for_the_exact_string_true():
    assert parse_flag("true") is True


@pytest.mark.parametrize("raw", [None, "", "false", "True", "TRUE", "1", "yes", " true"])
def test_flag_is_off_for_anything_else(raw):
    assert parse_flag(raw) is False


# -- cursors ------------------------------------------------------------------------------------


def test_cursors_absent_are_none():
    assert parse_cursors(None, None) == (None, None)


def test_a_starting_after_cursor_is_returned():
    assert parse_cursors("abc", None) == ("abc", None)


def test_an_ending_before_cursor_is_returned():
    assert parse_cursors(None, "xyz") == (None, "xyz")


def test_an_empty_cursor_is_absent():
    assert parse_cursors("", "") == (None, None)
    assert parse_cursors("", "xyz") == (None, "xyz")
    assert parse_cursors("abc", "") == ("abc", None)


def test_both_cursors_together_are_rejected():
    assert message_of(parse_cursors, "abc", "xyz") == "'starting_after' and 'ending_before' cannot be used together."

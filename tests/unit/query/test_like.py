"""LIKE / ILIKE: linear matching with the meaning the backtracking regex had."""

import random
import re
import time

import pytest

from tenantapi.api.metadata_graphql.connection import matches as metadata_matches
from tenantapi.errors import BadRequest
from tenantapi.metadata.field_types import FieldType
from tenantapi.query.filters import Predicate, compile_filter, matches
from tenantapi.query.like import MAX_PATTERN_LENGTH, check_pattern_length, like_pattern
from tenantapi.records.shape import ObjectShape, shape_of

from ..graphql.support import standard_schema


@pytest.fixture
def person_shape() -> ObjectShape:
    schema = standard_schema()[0]
    return shape_of(schema, schema.active_object_by_plural("people"))


class reference:
    """The regex the filters built before: every % a `.*`, every _ a `.`, the whole value matched.

    Matched with `fullmatch`, as the metadata filters did: the core filters' `^...$` also let a
    value with one trailing newline match as if it had none, which SQL never does.
    """

    def __init__(self, pattern: str, insensitive: bool) -> None:
        regex = "".join(".*" if char == "%" else "." if char == "_" else re.escape(char) for char in pattern)
        self.compiled = re.compile(regex, re.DOTALL | (re.IGNORECASE if insensitive else 0))

    def match(self, value: str) -> re.Match[str] | None:
        return self.compiled.fullmatch(value)


CASES = [
    # pattern, value, like, ilike
    ("", "", True, True),
    ("", "a", False, False),
    ("%", "", True, True),
    ("%", "anything", True, True),
    ("%%", "", True, True),
    ("_", "", False, False),
    ("_", "x", True, True),
    ("_", "xy", False, False),
    ("a", "A", False, True),
    ("%engin%", "Engineer", False, True),
    ("%Engin%", "Engineer", True, True),
    ("Eng%", "Engineer", True, True),
    ("%eer", "Engineer", True, True),
    ("%eer", "Engineers", False, False),
    ("E_g%r", "Engineer", True, True),
    ("a%a", "a", False, False),  # the first and last segments may not overlap
    ("a%a", "aa", True, True),
    ("ab%ba", "aba", False, False),
    ("ab%ba", "abba", True, True),
    ("%a_c%", "xxabcxx", True, True),
    ("%a_c%", "xxacxx", False, False),
    ("%aab", "aaab", True, True),  # the first try at the middle fails, a later one holds
    ("%a%b%c", "cbac", False, False),  # b only before the a
    ("%a%b%c", "axbxc", True, True),
    ("50%", "50% off", True, True),
    ("a.c", "abc", False, False),  # regex characters are literal
    ("a.c", "a.c", True, True),
    ("(x)*", "(x)*", True, True),
    ("line_two", "line\ntwo", True, True),  # _ and % cross newlines, as in SQL
    ("%two", "line\ntwo", True, True),
    ("a", "a\n", False, False),  # a trailing newline is a character like any other
    ("straße", "STRASSE", False, False),  # one character is one character: ß is not ss
    ("ÉCOLE%", "école normale", False, True),
]


@pytest.mark.parametrize("pattern, value, like, ilike", CASES)
def test_like_and_ilike_answer_as_sql_on_the_table_of_cases(pattern, value, like, ilike):
    assert like_pattern(pattern, False).matches(value) is like
    assert like_pattern(pattern, True).matches(value) is ilike
    assert (reference(pattern, False).match(value) is not None) is like
    assert (reference(pattern, True).match(value) is not None) is ilike


def test_like_agrees_with_the_old_regex_on_seeded_random_patterns_and_values():
    rng = random.Random(20261202)
    pattern_alphabet = "aAbB%%%__.*\nß"
    value_alphabet = "aAbB.*%_\nßK"
    for _ in range(20_000):
        pattern = "".join(rng.choice(pattern_alphabet) for _ in range(rng.randint(0, 8)))
        value = "".join(rng.choice(value_alphabet) for _ in range(rng.randint(0, 12)))
        for insensitive in (False, True):
            expected = reference(pattern, insensitive).match(value) is not None
            assert like_pattern(pattern, insensitive).matches(value) is expected, (pattern, value, insensitive)


@pytest.mark.parametrize(
    "pattern, value",
    [
        ("%a" * 6 + "%b", "a" * 70),  # 4 s with the regex; one more % reached the 29 s timeout
        ("%a" * 7 + "%b", "a" * 70),
        ("%a" * 499 + "%b", "a" * 5000),
        ("%" + "a" * 998 + "b", "a" * 5000),
        ("%" + "_" * 998 + "b", "a" * 5000),
    ],
)
def test_a_pattern_of_many_wildcards_on_a_long_value_answers_at_once(pattern, value):
    assert len(pattern) <= MAX_PATTERN_LENGTH
    started = time.perf_counter()
    for insensitive in (False, True):
        assert like_pattern(pattern, insensitive).matches(value) is False
    assert time.perf_counter() - started < 0.5


def test_many_wildcards_in_a_metadata_filter_answer_at_once():
    started = time.perf_counter()
    assert metadata_matches({"name": "a" * 70}, {"name": {"iLike": "%a" * 7 + "%b"}}) is False
    assert time.perf_counter() - started < 0.5


def test_a_pattern_at_the_cap_is_accepted_and_one_past_it_is_a_400_naming_the_cap():
    check_pattern_length("%" * MAX_PATTERN_LENGTH)
    with pytest.raises(BadRequest) as caught:
        check_pattern_length("%" * (MAX_PATTERN_LENGTH + 1))
    assert caught.value.message == "a like pattern may hold at most 1000 characters, this one has 1001"
    assert MAX_PATTERN_LENGTH == 1000


def test_a_filter_with_a_pattern_past_the_cap_is_refused_naming_the_field_and_the_cap(person_shape):
    with pytest.raises(BadRequest) as caught:
        compile_filter(person_shape, {"jobTitle": {"ilike": "%" * 1001}}, strings=True)
    assert caught.value.message == (
        "'filter' invalid for 'jobTitle': a like pattern may hold at most 1000 characters, this one has 1001"
    )
    node = compile_filter(person_shape, {"jobTitle": {"like": "%a" * 500}}, strings=True)
    assert isinstance(node, Predicate) and node.value_type is FieldType.TEXT


def test_a_hostile_filter_is_evaluated_at_once_on_a_long_value(person_shape):
    node = compile_filter(person_shape, {"jobTitle": {"ilike": "%a" * 7 + "%b"}}, strings=True)
    started = time.perf_counter()
    job_title = person_shape.filterable["jobTitle"].storage_key
    assert matches(node, {job_title: "a" * 70}) is False
    assert matches(node, {job_title: "a" * 69 + "B"}) is True
    assert time.perf_counter() - started < 0.5


def test_a_metadata_filter_with_a_pattern_past_the_cap_is_refused():
    with pytest.raises(BadRequest):
        metadata_matches({"name": "x"}, {"name": {"like": "%" * 1001}})

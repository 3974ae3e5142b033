"""Paging arguments, orderBy entries, the reversed order of `last`, and pages cut in memory."""

from __future__ import annotations

import pytest

from tenantapi.errors import BadRequest
from tenantapi.graphql.connections import PageArgs, QueryKey, order_input, page_args, reversed_order, slice_page
from tenantapi.records.shape import shape_of

from .support import standard_schema


def test_page_size_defaults_to_60_and_is_clamped_to_200():
    assert page_args({}) == PageArgs(limit=60, after=None, before=None, from_end=False)
    assert page_args({"first": 500}).limit == 200
    assert page_args({"last": 3}) == PageArgs(limit=3, after=None, before=None, from_end=True)
    assert page_args({"last": 3, "before": "c"}) == PageArgs(limit=3, after=None, before="c", from_end=False)


@pytest.mark.parametrize(
    "args, message",
    [
        ({"first": 1, "last": 1}, "not both"),
        ({"after": "a", "before": "b"}, "not both"),
        ({"first": 1, "before": "b"}, "'first' pages forward"),
        ({"last": 1, "after": "a"}, "'last' pages backward"),
        ({"first": -1}, "'first' must be zero or more"),
        ({"last": -2}, "'last' must be zero or more"),
    ],
)
def test_contradictory_or_negative_paging_is_bad_user_input(args, message):
    with pytest.raises(BadRequest) as error:
        page_args(args)
    assert message in error.value.message and error.value.graphql_code == "BAD_USER_INPUT"


def test_order_by_entries_are_split_into_one_field_each():
    assert order_input(None) is None and order_input([]) is None
    assert order_input([{"city": "AscNullsLast", "name": {"firstName": "DescNullsFirst", "lastName": "AscNullsFirst"}}, {"position": "DescNullsLast"}]) == [
        {"city": "AscNullsLast"}, {"name": {"firstName": "DescNullsFirst"}}, {"name": {"lastName": "AscNullsFirst"}}, {"position": "DescNullsLast"},
    ]


@pytest.fixture
def people():
    schema = standard_schema()[0]
    return shape_of(schema, schema.active_object_by_plural("people"))


def test_the_reversed_order_turns_every_term_and_the_tie_breaker_around(people):
    key = QueryKey(people, None, [{"name": {"lastName": "AscNullsFirst"}}, {"city": "DescNullsFirst"}], "secret")
    assert reversed_order(key.terms) == [{"name": {"lastName": "DescNullsLast"}}, {"city": "AscNullsLast"}, {"id": "AscNullsFirst"}]


def _records(n: int) -> list[dict]:
    return [{"id": f"00000000-0000-4000-8000-{i:012d}", "city": f"c{i}"} for i in range(n)]


def test_slicing_pages_forward_backward_and_from_the_end(people):
    key = QueryKey(people, None, None, "secret")
    records = _records(7)
    rows, has_next, has_previous = slice_page(key, records, page_args({"first": 3}))
    assert [r["city"] for r in rows] == ["c0", "c1", "c2"] and has_next and not has_previous
    rows, has_next, has_previous = slice_page(key, records, page_args({"first": 3, "after": key.cursor(records[2])}))
    assert [r["city"] for r in rows] == ["c3", "c4", "c5"] and has_next and has_previous
    rows, has_next, has_previous = slice_page(key, records, page_args({"last": 2, "before": key.cursor(records[3])}))
    assert [r["city"] for r in rows] == ["c1", "c2"] and has_next and has_previous
    rows, has_next, has_previous = slice_page(key, records, page_args({"last": 2}))
    assert [r["city"] for r in rows] == ["c5", "c6"] and not has_next and has_previous


def test_a_cursor_of_another_query_is_invalid(people):
    by_city = QueryKey(people, None, [{"city": "AscNullsFirst"}], "secret")
    by_id = QueryKey(people, None, None, "secret")
    with pytest.raises(BadRequest) as error:
        slice_page(by_id, _records(3), page_args({"after": by_city.cursor(_records(1)[0])}))
    assert "Invalid cursor" in error.value.message

import pytest
from graphql import GraphQLError, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLString

from tenantapi.graphql.plain_fields import Miss, leaf_list_reader, leaf_spec, read_plain, reader_spec
from tenantapi.graphql.scalars import DATE_TIME


def test_leaves_and_composites_are_read_by_their_specs_under_their_response_keys():
    name = (leaf_spec("first", "firstName", GraphQLString), leaf_spec("last", "lastName", GraphQLNonNull(GraphQLString)))
    specs = (
        leaf_spec("when", "createdAt", DATE_TIME),
        leaf_spec("count", "count", GraphQLInt),
        ("fullName", "name", None, None, True, name, None),
        reader_spec("tags", leaf_list_reader("tags", GraphQLList(GraphQLString))),
    )
    source = {"createdAt": "2026-01-01T00:00:00.000Z", "count": 3, "name": {"firstName": None, "lastName": "L"}, "tags": ["a", 1]}
    assert read_plain(source, specs) == {
        "when": "2026-01-01T00:00:00.000Z", "count": 3, "fullName": {"first": None, "last": "L"}, "tags": ["a", "1"],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("spec", "source"),
    [
        (leaf_spec("x", "x", GraphQLNonNull(GraphQLString)), {}),  # a null where a value must be
        (leaf_spec("x", "x", GraphQLInt), {"x": "not a number"}),  # a value the scalar refuses
        (("x", "x", None, None, True, (), None), {"x": "not an object"}),  # a composite that is no dict
        (reader_spec("x", leaf_list_reader("x", GraphQLList(GraphQLString))), {"x": "not a list"}),
    ],
)
def test_a_value_the_default_executor_would_report_stops_the_reading(spec, source):
    with pytest.raises((Miss, GraphQLError)):  # Miss, or the scalar's own refusal
        read_plain(source, (spec,))

import random
from typing import Any

import pytest

from tenantapi.errors import BadRequest
from tenantapi.query.parse_filter import COMPARATORS, MAX_DEPTH, parse_filter

COMPARATOR_LIST = "eq, neq, in, containsAny, is, gt, gte, lt, lte, startsWith, endsWith, like, ilike"


def rejects(text: str, message: str) -> None:
    with pytest.raises(BadRequest) as caught:
        parse_filter(text)
    assert caught.value.message == message


# -- Twenty's parse-filter.util.spec.ts ----------------------------------------------------------


def test_twenty_spec_1_an_and_of_two_predicates():
    assert parse_filter("and(fieldNumber[eq]:1,fieldNumber[eq]:2)") == {
        "and": [{"fieldNumber": {"eq": "1"}}, {"fieldNumber": {"eq": "2"}}]
    }


def test_twenty_spec_2_an_or_nested_in_an_and():
    assert parse_filter("and(fieldNumber[eq]:1,or(fieldNumber[eq]:2,fieldNumber[eq]:3))") == {
        "and": [{"fieldNumber": {"eq": "1"}}, {"or": [{"fieldNumber": {"eq": "2"}}, {"fieldNumber": {"eq": "3"}}]}]
    }


def test_twenty_spec_3_conjunctions_nested_three_deep():
    text = (
        "and(fieldNumber[eq]:1,or(fieldNumber[eq]:2,fieldNumber[eq]:3,and(fieldNumber[eq]:6,fieldNumber[eq]:7)),"
        "or(fieldNumber[eq]:4,fieldNumber[eq]:5))"
    )
    assert parse_filter(text) == {
        "and": [
            {"fieldNumber": {"eq": "1"}},
            {
                "or": [
                    {"fieldNumber": {"eq": "2"}},
                    {"fieldNumber": {"eq": "3"}},
                    {"and": [{"fieldNumber": {"eq": "6"}}, {"fieldNumber": {"eq": "7"}}]},
                ]
            },
            {"or": [{"fieldNumber": {"eq": "4"}}, {"fieldNumber": {"eq": "5"}}]},
        ]
    }


def test_twenty_spec_4_quoted_values_is_not_and_ilike():
    text = (
        'and(fieldText[gt]:"val,ue",or(fieldNumber[is]:NOT_NULL,not(fieldText[startsWith]:"val"),'
        'and(fieldNumber[eq]:6,fieldText[ilike]:"%val%")),or(fieldNumber[eq]:4,fieldText[is]:NULL))'
    )
    assert parse_filter(text) == {
        "and": [
            {"fieldText": {"gt": "val,ue"}},
            {
                "or": [
                    {"fieldNumber": {"is": "NOT_NULL"}},
                    {"not": {"fieldText": {"startsWith": "val"}}},
                    {"and": [{"fieldNumber": {"eq": "6"}}, {"fieldText": {"ilike": "%val%"}}]},
                ]
            },
            {"or": [{"fieldNumber": {"eq": "4"}}, {"fieldText": {"is": "NULL"}}]},
        ]
    }


def test_twenty_spec_not_holds_one_condition_as_an_object():
    assert parse_filter("and(fieldNumber[eq]:1,not(fieldNumber[eq]:2))") == {
        "and": [{"fieldNumber": {"eq": "1"}}, {"not": {"fieldNumber": {"eq": "2"}}}]
    }


def test_reference_example_is_null_and_not_null_in_an_or():
    assert parse_filter("or(fieldNumber[is]:NOT_NULL,fieldText[is]:NULL)") == {
        "or": [{"fieldNumber": {"is": "NOT_NULL"}}, {"fieldText": {"is": "NULL"}}]
    }


# -- Twenty's add-default-conjunction and parse-filter-content specs -----------------------------


def test_a_single_predicate_is_wrapped_in_and_as_twenty_does():
    assert parse_filter("field[eq]:1") == {"and": [{"field": {"eq": "1"}}]}


def test_a_bare_list_is_wrapped_in_and():
    assert parse_filter("a[eq]:1,b[eq]:2") == {"and": [{"a": {"eq": "1"}}, {"b": {"eq": "2"}}]}


def test_a_bare_list_of_conjunctions_is_wrapped_in_and():
    assert parse_filter("or(a[eq]:1,a[eq]:2),not(b[eq]:3)") == {
        "and": [{"or": [{"a": {"eq": "1"}}, {"a": {"eq": "2"}}]}, {"not": {"b": {"eq": "3"}}}]
    }


def test_a_single_conjunction_is_the_root():
    assert parse_filter("or(a[eq]:1,b[eq]:2)") == {"or": [{"a": {"eq": "1"}}, {"b": {"eq": "2"}}]}
    assert parse_filter("not(a[eq]:1)") == {"not": {"a": {"eq": "1"}}}


def test_children_split_at_the_top_level_only():
    text = "and(fieldNumber[eq]:1,or(fieldNumber[eq]:2,not(fieldNumber[eq]:3)),fieldNumber[eq]:4,not(fieldNumber[eq]:5))"
    assert parse_filter(text) == {
        "and": [
            {"fieldNumber": {"eq": "1"}},
            {"or": [{"fieldNumber": {"eq": "2"}}, {"not": {"fieldNumber": {"eq": "3"}}}]},
            {"fieldNumber": {"eq": "4"}},
            {"not": {"fieldNumber": {"eq": "5"}}},
        ]
    }


def test_a_comma_inside_a_list_value_does_not_split():
    assert parse_filter("and(fieldNumber[in]:[1,2],fieldNumber[eq]:4)") == {
        "and": [{"fieldNumber": {"in": ["1", "2"]}}, {"fieldNumber": {"eq": "4"}}]
    }


@pytest.mark.parametrize("quote", ['"', "'"])
def test_a_comma_inside_a_quoted_value_does_not_split_and_the_quotes_are_removed(quote):
    assert parse_filter(f"and(fieldText[eq]:{quote}val,ue{quote})") == {"and": [{"fieldText": {"eq": "val,ue"}}]}


def test_a_quoted_value_keeps_its_inner_spaces():
    assert parse_filter('name[eq]:"  two words "') == {"and": [{"name": {"eq": "  two words "}}]}


def test_an_empty_quoted_value_is_the_empty_string():
    assert parse_filter('name[eq]:""') == {"and": [{"name": {"eq": ""}}]}


def test_parentheses_inside_a_quoted_value_are_not_structure():
    assert parse_filter('and(name[eq]:"a)b",city[eq]:"(x")') == {
        "and": [{"name": {"eq": "a)b"}}, {"city": {"eq": "(x"}}]
    }


def test_balanced_parentheses_in_an_unquoted_value_stay_in_the_value():
    assert parse_filter("and(name[eq]:foo(bar),city[eq]:x)") == {
        "and": [{"name": {"eq": "foo(bar)"}}, {"city": {"eq": "x"}}]
    }


def test_an_apostrophe_inside_an_unquoted_word_is_literal():
    assert parse_filter("and(name[eq]:O'Brien,city[eq]:Paris)") == {
        "and": [{"name": {"eq": "O'Brien"}}, {"city": {"eq": "Paris"}}]
    }


def test_a_single_quoted_value_may_hold_an_apostrophe():
    assert parse_filter("name[eq]:'O'Brien'") == {"and": [{"name": {"eq": "O'Brien"}}]}
    assert parse_filter("name[eq]:\"O'Brien\"") == {"and": [{"name": {"eq": "O'Brien"}}]}


# -- Twenty's parse-base-filter and format-field-values specs ------------------------------------


def test_base_filter_number_value_stays_a_string():
    assert parse_filter("price[lte]:100") == {"and": [{"price": {"lte": "100"}}]}


def test_base_filter_unquoted_date_value():
    assert parse_filter("date[gt]:2023-12-01T14:23:23.914Z") == {"and": [{"date": {"gt": "2023-12-01T14:23:23.914Z"}}]}


def test_base_filter_value_may_hold_brackets_and_colons():
    assert parse_filter("fieldNumber[gt]:valStart]:[valEnd") == {"and": [{"fieldNumber": {"gt": "valStart]:[valEnd"}}]}


def test_base_filter_dotted_path_nests_and_the_quoted_date_is_unquoted():
    assert parse_filter('person.createdAt[gt]:"2023-12-01T14:23:23.914Z"') == {
        "and": [{"person": {"createdAt": {"gt": "2023-12-01T14:23:23.914Z"}}}]
    }


def test_dotted_path_nests():
    assert parse_filter("name.firstName[eq]:John") == {"and": [{"name": {"firstName": {"eq": "John"}}}]}


@pytest.mark.parametrize("comparator", ["in", "containsAny"])
def test_list_comparators_give_a_list_of_unquoted_strings(comparator):
    text = f'person.createdAt[{comparator}]:["2023-12-01T14:23:23.914Z","2024-12-01T14:23:23.914Z"]'
    assert parse_filter(text) == {
        "and": [{"person": {"createdAt": {comparator: ["2023-12-01T14:23:23.914Z", "2024-12-01T14:23:23.914Z"]}}}]
    }


def test_in_with_quoted_ids():
    assert parse_filter('id[in]:["id-1","id-2"]') == {"and": [{"id": {"in": ["id-1", "id-2"]}}]}


def test_in_with_unquoted_numbers():
    assert parse_filter("fieldNumber[in]:[1,2]") == {"and": [{"fieldNumber": {"in": ["1", "2"]}}]}


def test_list_items_are_trimmed_and_may_mix_quotes_and_hold_commas():
    assert parse_filter("""tags[containsAny]:[ a , "b,c" , 'd' ]""") == {
        "and": [{"tags": {"containsAny": ["a", "b,c", "d"]}}]
    }


def test_an_empty_in_list_is_an_empty_list():
    assert parse_filter("id[in]:[]") == {"and": [{"id": {"in": []}}]}


@pytest.mark.parametrize("comparator", ["in", "containsAny"])
def test_list_comparator_without_brackets_is_rejected(comparator):
    rejects(
        f"createdAt[{comparator}]:2024-12-01T14:23:23.914Z",
        f"'filter' invalid for '{comparator}' operator. Received '2024-12-01T14:23:23.914Z' "
        f"but array value expected eg: 'field[{comparator}]:[value_1,value_2]'",
    )


def test_list_comparator_with_a_half_open_list_is_rejected():
    rejects(
        "id[in]:[a,b",
        "'filter' invalid for 'in' operator. Received '[a,b' but array value expected eg: 'field[in]:[value_1,value_2]'",
    )


def test_an_empty_item_in_a_list_is_rejected():
    rejects(
        "id[in]:[a,,b]",
        "'filter' invalid for 'id[in]:[a,,b]'. The list has an empty value. eg: 'field[in]:[value_1,value_2]'",
    )


@pytest.mark.parametrize("value", ["NULL", "NOT_NULL"])
def test_is_takes_null_or_not_null_verbatim(value):
    assert parse_filter(f"deletedAt[is]:{value}") == {"and": [{"deletedAt": {"is": value}}]}


@pytest.mark.parametrize("value", ["null", "true", '"NULL"', "NOTNULL"])
def test_is_with_another_value_is_rejected_naming_the_allowed_values(value):
    rejects(
        f"deletedAt[is]:{value}",
        f"'filter' invalid for 'deletedAt[is]:{value}', 'is' value {value} not in NULL, NOT_NULL",
    )


@pytest.mark.parametrize("comparator", COMPARATORS)
def test_every_comparator_is_accepted(comparator):
    value = "[1]" if comparator in ("in", "containsAny") else "NULL" if comparator == "is" else "1"
    assert parse_filter(f"a[{comparator}]:{value}") != {}


def test_predicates_on_the_same_field_are_kept_apart():
    assert parse_filter("a[gt]:1,a[lt]:5") == {"and": [{"a": {"gt": "1"}}, {"a": {"lt": "5"}}]}
    assert parse_filter("name.firstName[eq]:A,name.lastName[eq]:B") == {
        "and": [{"name": {"firstName": {"eq": "A"}}}, {"name": {"lastName": {"eq": "B"}}}]
    }


def test_spaces_around_tokens_are_ignored():
    assert parse_filter(" and ( a . b [ eq ] : 1 , or( c[gt] :x , d[in]: [ 1 , 2 ] ) ) ") == {
        "and": [{"a": {"b": {"eq": "1"}}}, {"or": [{"c": {"gt": "x"}}, {"d": {"in": ["1", "2"]}}]}]
    }


def test_a_value_keeps_its_inner_spaces():
    assert parse_filter("name[eq]: John Smith ") == {"and": [{"name": {"eq": "John Smith"}}]}


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(", "'filter' invalid. 1 close bracket is missing in the query"),
        (")", "'filter' invalid. 1 open bracket is missing in the query"),
        ("(()", "'filter' invalid. 1 close bracket is missing in the query"),
        ("()))", "'filter' invalid. 2 open brackets are missing in the query"),
        ("and(and(a[eq]:1)", "'filter' invalid. 1 close bracket is missing in the query"),
        ("and(and(and(a[eq]:1)", "'filter' invalid. 2 close brackets are missing in the query"),
        (
            "and(or(fieldNumber[eq]:1,fieldNumber[eq]:2)),fieldNumber[eq]:3)",
            "'filter' invalid. 1 open bracket is missing in the query",
        ),
    ],
)
def test_unbalanced_brackets_are_counted_as_twenty_does(text, message):
    rejects(text, message)


def test_brackets_checked_before_anything_else():
    rejects("nonsense(", "'filter' invalid. 1 close bracket is missing in the query")


def test_a_close_bracket_before_its_open_bracket_is_rejected():
    rejects("a[eq]:1)(", "'filter' invalid. ')' at character 8 closes no open bracket")


def test_an_unclosed_quote_is_rejected():
    rejects('a[eq]:"x,b[eq]:2', "'filter' invalid. The quote \" at character 7 is never closed")


def test_not_with_two_conditions_is_rejected():
    rejects(
        "not(a[eq]:1,b[eq]:2)",
        "'filter' invalid. 'not' conjunction should contain only 1 condition. eg: not(field[eq]:1)",
    )


@pytest.mark.parametrize("conjunction", ["and", "or", "not"])
def test_an_empty_conjunction_is_rejected(conjunction):
    rejects(
        f"{conjunction}( )",
        f"'filter' invalid. '{conjunction}' conjunction should contain at least 1 condition. eg: {conjunction}(field[eq]:1)",
    )


@pytest.mark.parametrize("text", ["a[eq]:1,,b[eq]:2", "a[eq]:1,", ",a[eq]:1"])
def test_an_empty_condition_in_a_bare_list_is_rejected(text):
    rejects(text, f"'filter' invalid. '{text}' has an empty condition. eg: and(field_1[eq]:1,field_2[eq]:2)")


def test_an_empty_condition_in_a_conjunction_is_rejected():
    rejects(
        "or(a[eq]:1,and(b[eq]:2,))",
        "'filter' invalid. 'b[eq]:2,' has an empty condition. eg: and(field_1[eq]:1,field_2[eq]:2)",
    )


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_filter_is_rejected(text):
    rejects(text, "'filter' invalid. The filter is empty. eg: price[gte]:10")


@pytest.mark.parametrize(
    "base",
    [
        "a[eq]:",
        "a[eq]:   ",
        "a[eq]1",
        "a[eq]",
        "a:1",
        "a",
        "[eq]:1",
        "a[]:1",
        "a[eq:1",
        "a.[eq]:1",
        ".a[eq]:1",
        "a..b[eq]:1",
        "a-b[eq]:1",
        "1a[eq]:1",
        "first name[eq]:1",
        "and[eq]:1",
        "name.not[eq]:1",
        "AND(a[eq]:1)",
        "and(a[eq]:1)b[eq]:2",
        "x and(a[eq]:1)",
    ],
)
def test_a_malformed_base_is_rejected_with_an_example(base):
    rejects(base, f"'filter' invalid for '{base.strip()}'. eg: price[gte]:10")


def test_a_malformed_base_inside_a_conjunction_is_named_alone():
    rejects("and(a[eq]:1,b:2)", "'filter' invalid for 'b:2'. eg: price[gte]:10")


@pytest.mark.parametrize("comparator", ["EQ", "equals", "isEmptyArray", "contains"])
def test_an_unknown_comparator_is_rejected_listing_the_allowed_ones(comparator):
    rejects(f"a[{comparator}]:1", f"'filter' invalid for 'a[{comparator}]:1', comparator {comparator} not in {COMPARATOR_LIST}")


def test_nesting_up_to_the_limit_is_accepted():
    text = "and(" * MAX_DEPTH + "a[eq]:1" + ")" * MAX_DEPTH
    node = parse_filter(text)
    for _ in range(MAX_DEPTH):
        node = node["and"][0]
    assert node == {"a": {"eq": "1"}}


def test_nesting_deeper_than_twenty_is_rejected():
    assert MAX_DEPTH == 20
    text = "not(" * (MAX_DEPTH + 1) + "a[eq]:1" + ")" * (MAX_DEPTH + 1)
    rejects(text, "'filter' invalid. Conjunctions are nested more than 20 levels deep")


def test_very_deep_nesting_is_a_bad_request_not_a_recursion_error():
    text = "and(" * 5000 + "a[eq]:1" + ")" * 5000
    rejects(text, "'filter' invalid. Conjunctions are nested more than 20 levels deep")


# -- robustness: random input ---------------------------------------------------------------------

_TOKENS = [
    "and(", "or(", "not(", "and", "(", ")", "[", "]", ":", ",", ".", '"', "'", " ", "  ",
    "a", "name", "firstName", "eq", "in", "is", "gt", "containsAny", "NULL", "NOT_NULL",
    "1", "%", "x y", "[eq]:", "[in]:", "[is]:", "[bad]:", "a[eq]:1", "\t", "é", "\\",
]


def assert_filter_tree(node: Any) -> None:
    """The tree a filter compiler expects: conjunctions, then paths down to one comparator."""
    assert isinstance(node, dict) and len(node) == 1
    ((key, value),) = node.items()
    if key in ("and", "or"):
        assert isinstance(value, list) and value
        for child in value:
            assert_filter_tree(child)
    elif key == "not":
        assert_filter_tree(value)
    else:
        assert_path(key, value)


def assert_path(key: str, value: Any) -> None:
    assert key and key not in ("and", "or", "not")
    assert isinstance(value, dict) and len(value) == 1
    ((inner_key, inner_value),) = value.items()
    if inner_key in COMPARATORS:
        if inner_key in ("in", "containsAny"):
            assert isinstance(inner_value, list) and all(isinstance(item, str) for item in inner_value)
        else:
            assert isinstance(inner_value, str)
    else:
        assert_path(inner_key, inner_value)


def test_random_token_strings_give_a_tree_or_a_bad_request():
    generator = random.Random(20240601)
    parsed = 0
    for _ in range(4000):
        text = "".join(generator.choice(_TOKENS) for _ in range(generator.randint(0, 24)))
        if generator.random() < 0.5:  # close what is open, to reach past the bracket check
            text += ")" * max(text.count("(") - text.count(")"), 0)
        try:
            result = parse_filter(text)
        except BadRequest as error:
            assert error.message.startswith("'filter' invalid")
        else:
            assert_filter_tree(result)
            parsed += 1
    assert parsed > 0


def test_random_characters_give_a_tree_or_a_bad_request():
    generator = random.Random(7)
    alphabet = "andortis()[]:,.\"' %_1NUL\n"
    for _ in range(4000):
        text = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 40)))
        try:
            assert_filter_tree(parse_filter(text))
        except BadRequest:
            pass


# -- robustness: random valid filters come back as the tree they were written from ----------------

_PATHS = ["a", "b", "name.firstName", "amount.amountMicros", "emails.primaryEmail"]
_PLAIN_VALUES = ["1", "-2.5", "2023-01-01T00:00:00.000Z", "%smith%", "O'Brien", "x:y", "true", "a b", "é"]
_QUOTED_VALUES = ["val,ue", "a)b", "(x", "[1,2]", " padded ", "", "it's", 'say "hi"', "and(a[eq]:1)"]


def random_value(generator: random.Random) -> tuple[str, str]:
    """A value as written in the filter, and as parsed."""
    value = generator.choice(_PLAIN_VALUES + _QUOTED_VALUES)
    if value in _PLAIN_VALUES and generator.random() < 0.7:
        return value, value
    quote = "'" if '"' in value else '"'
    return quote + value + quote, value


def random_space(generator: random.Random) -> str:
    return generator.choice(["", "", "", " ", "  "])


def random_filter(generator: random.Random, depth: int) -> tuple[str, dict[str, Any]]:
    space = random_space(generator)
    if depth < 4 and generator.random() < 0.4:
        conjunction = generator.choice(["and", "or", "not"])
        count = 1 if conjunction == "not" else generator.randint(1, 3)
        children = [random_filter(generator, depth + 1) for _ in range(count)]
        text = conjunction + space + "(" + ",".join(space + child + space for child, _ in children) + ")"
        if conjunction == "not":
            return text, {"not": children[0][1]}
        return text, {conjunction: [tree for _, tree in children]}
    path = generator.choice(_PATHS)
    comparator = generator.choice(COMPARATORS)
    if comparator in ("in", "containsAny"):
        items = [random_value(generator) for _ in range(generator.randint(0, 3))]
        written = "[" + ",".join(space + item + space for item, _ in items) + "]"
        value: Any = [parsed for _, parsed in items]
    elif comparator == "is":
        written = value = generator.choice(["NULL", "NOT_NULL"])
    else:
        written, value = random_value(generator)
    tree: dict[str, Any] = {comparator: value}
    for part in reversed(path.split(".")):
        tree = {part: tree}
    return f"{path}{space}[{space}{comparator}{space}]{space}:{space}{written}", tree


def test_random_valid_filters_parse_to_the_tree_they_were_written_from():
    generator = random.Random(42)
    for _ in range(3000):
        pieces = [random_filter(generator, 1) for _ in range(generator.randint(1, 3))]
        text = ",".join(text for text, _ in pieces)
        trees = [tree for _, tree in pieces]
        is_root_conjunction = len(trees) == 1 and next(iter(trees[0])) in ("and", "or", "not")
        expected = trees[0] if is_root_conjunction else {"and": trees}
        assert parse_filter(text) == expected, text

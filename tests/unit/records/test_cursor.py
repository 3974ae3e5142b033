import pytest

from tenantapi.errors import BadRequest
from tenantapi.records.cursor import decode_cursor, encode_cursor


def test_a_cursor_decodes_to_the_values_it_was_made_from():
    cursor = encode_cursor("secret", "order=id", ["0190-abc", 3.5])
    assert decode_cursor("secret", "order=id", cursor) == ["0190-abc", 3.5]


def test_a_cursor_of_another_query_is_invalid():
    cursor = encode_cursor("secret", "order=id", ["x"])
    with pytest.raises(BadRequest, match="Invalid cursor"):
        decode_cursor("secret", "order=name", cursor)


def test_a_cursor_of_another_workspace_is_invalid():
    cursor = encode_cursor("secret-a", "order=id", ["x"])
    with pytest.raises(BadRequest, match="Invalid cursor"):
        decode_cursor("secret-b", "order=id", cursor)


def test_an_edited_cursor_is_invalid():
    payload, signature = encode_cursor("secret", "order=id", ["a"]).split(".")
    forged = encode_cursor("other", "order=id", ["b"]).split(".")[0] + "." + signature
    with pytest.raises(BadRequest, match="Invalid cursor"):
        decode_cursor("secret", "order=id", forged)


@pytest.mark.parametrize("garbage", ["", "invalid-cursor", "a.b.c", "%%%.%%%", "e30.AAAA"])
def test_garbage_is_an_invalid_cursor(garbage):
    with pytest.raises(BadRequest, match="Invalid cursor"):
        decode_cursor("secret", "order=id", garbage)

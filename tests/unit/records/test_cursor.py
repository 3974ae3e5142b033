import pytest

from tenantapi.errors import BadRequest
from tenantapi.records.cursor import decode_cursor, encode_cursor


def test_a_cursor_decodes_to_the_values_it_was_made_from():
    cursor = encode_cursor("secret", "order=id", ["0190-abc", 3.5])
    assert decode_cursor("secret", "order=id", cursor) == ["0190-abc", 3.5]


def test_the_wire_format_is_stable_so_issued_cursors_stay_valid():
    # base64url(compact JSON of the values) "." base64url(first 12 bytes of the HMAC), unpadded.
    binding = "object|filter|position:AscNullsFirst,id:AscNullsFirst"
    issued = "WzEuNSwiXHUwMGU5IixudWxsLHRydWUsMTJd.Bv81dK9Ax38q_k6l"
    assert encode_cursor("secret", binding, [1.5, "é", None, True, 12]) == issued
    assert decode_cursor("secret", binding, issued) == [1.5, "é", None, True, 12]


@pytest.mark.parametrize("values", [[{"amountMicros": 5}], [[1, 2]], [float("inf")], [2**70, -0.0, 1e-7], ["\x00\u2028"]])
def test_values_of_any_json_type_round_trip(values):
    assert decode_cursor("secret", "order=id", encode_cursor("secret", "order=id", values)) == values


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

import random
from decimal import Decimal

import pytest

from tenantapi.metadata.field_types import FieldType
from tenantapi.storage.sort_keys import (
    MAX_SORT_KEY_BYTES,
    SEPARATOR,
    encode_date_time,
    encode_number,
    encode_text,
    encode_value,
    slot_value,
    value_prefix,
    with_state,
)

ID_A = "00000000-0000-0000-0000-00000000000a"
ID_B = "ffffffff-0000-0000-0000-00000000000b"

NUMBERS = [
    -1e308, -12345678901234567890, -10.5, -10, -2.5, -1, -0.5, -0.05, -1e-300, 0, 1e-300, 0.05,
    Decimal("0.1"), Decimal("0.1" + "0" * 38 + "1"), 0.5, 1, 1.5, 2, 10, 10.25, 99, 100,
    12345678901234567890, 12345678901234567891, 1e308,
]


def test_number_encoding_preserves_order_exactly_including_bigints_and_decimals():
    shuffled = NUMBERS[:]
    random.Random(3).shuffle(shuffled)
    keys = sorted(slot_value(encode_number(n), ID_A) for n in shuffled)
    assert keys == [slot_value(encode_number(n), ID_A) for n in NUMBERS]
    assert len(set(keys)) == len(NUMBERS)


def test_equal_numbers_written_differently_encode_alike():
    assert encode_number(10) == encode_number(10.0) == encode_number(Decimal("10.00"))


def test_numbers_out_of_range_are_refused():
    with pytest.raises(ValueError):
        encode_number(Decimal("1e600"))


def test_text_prefix_sorts_before_longer_text_whatever_the_record_ids():
    texts = ["", "A", "Z", "a", "a b", "ab", "abc", "b", "é", "中"]
    keys = [slot_value(encode_text(t), ID_B if i % 2 else ID_A) for i, t in enumerate(texts)]
    assert keys == sorted(keys)


def test_equal_values_are_ordered_by_record_id_and_nulls_first():
    assert slot_value("x", ID_A) < slot_value("x", ID_B)
    assert value_prefix(None) < value_prefix(encode_number(-1e308))
    assert value_prefix(None) < value_prefix(encode_text(""))


def test_date_times_in_any_offset_sort_chronologically():
    moments = ["2023-12-31T23:59:59.999Z", "2024-01-01T00:00:00Z", "2024-01-01T01:00:00+00:30"]
    assert [encode_date_time(m) for m in moments] == sorted(encode_date_time(m) for m in moments)


def test_long_text_is_cut_so_the_key_fits_dynamodb():
    key = slot_value(encode_text("é" * 2000), ID_A)
    assert len(key.encode("utf-8")) <= MAX_SORT_KEY_BYTES


def test_separator_in_text_cannot_break_equality():
    assert SEPARATOR not in encode_text(f"a{SEPARATOR}b")


def test_state_switches_between_live_and_deleted():
    live = slot_value(encode_value(FieldType.BOOLEAN, True), ID_A)
    assert live.startswith("L1") and with_state(live, False).startswith("D1") and with_state(with_state(live, False), True) == live

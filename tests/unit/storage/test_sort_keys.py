import random

from tenantapi.metadata.field_types import FieldType
from tenantapi.storage.sort_keys import MAX_VALUE_BYTES, encode_value, slot_key

ID_A = "00000000-0000-0000-0000-00000000000a"
ID_B = "ffffffff-0000-0000-0000-00000000000b"


def test_number_encoding_preserves_numeric_order_across_signs_and_magnitudes():
    numbers = [-1e300, -12.5, -1, -0.001, 0.0, 0.001, 1, 2, 12.5, 1e15, 1e300]
    shuffled = numbers[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=lambda n: encode_value(FieldType.NUMBER, n)) == numbers


def test_text_prefix_sorts_before_longer_text_whatever_the_record_ids():
    shorter = slot_key(FieldType.TEXT, "a", ID_B)
    longer = slot_key(FieldType.TEXT, "a b", ID_A)
    assert shorter < longer


def test_equal_values_are_ordered_by_record_id():
    assert slot_key(FieldType.TEXT, "same", ID_A) < slot_key(FieldType.TEXT, "same", ID_B)


def test_iso_date_times_sort_chronologically():
    assert encode_value(FieldType.DATE_TIME, "2024-01-02T00:00:00.000Z") < encode_value(FieldType.DATE_TIME, "2024-10-01T00:00:00.000Z")


def test_long_text_is_truncated_to_fit_a_sort_key():
    key = slot_key(FieldType.TEXT, "é" * 2000, ID_A)
    assert len(key.encode("utf-8")) <= MAX_VALUE_BYTES + 1 + len(ID_A)


def test_booleans_sort_false_before_true():
    assert encode_value(FieldType.BOOLEAN, False) < encode_value(FieldType.BOOLEAN, True)

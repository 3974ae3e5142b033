import uuid

import pytest

from tenantapi.storage.record_store import DuplicateRecord, RecordMissing, RecordStore


def _pk() -> str:
    return f"{uuid.uuid4()}#{uuid.uuid4()}"


def _ids(n: int) -> list[str]:
    return sorted(str(uuid.uuid4()) for _ in range(n))


def test_create_get_update_delete_keep_the_count(dynamodb_backend):
    store, pk = RecordStore(), _pk()
    a, b = _ids(2)
    store.create(pk, [(a, {"f1": "x", "s1": "x\x01" + a}), (b, {"f1": "y"})])
    assert store.count(pk) == 2
    assert store.get(pk, a) == {"id": a, "f1": "x", "s1": "x\x01" + a}
    store.update(pk, a, {"f1": "z", "f2": 3.5}, remove=["s1"])
    assert store.get(pk, a) == {"id": a, "f1": "z", "f2": 3.5}
    store.delete(pk, b, count_delta=-1)
    assert store.get(pk, b) is None and store.count(pk) == 1


def test_a_batch_with_one_existing_id_writes_nothing(dynamodb_backend):
    store, pk = RecordStore(), _pk()
    existing, *fresh = _ids(60)
    store.create(pk, [(existing, {"f1": "first"})])
    with pytest.raises(DuplicateRecord) as error:
        store.create(pk, [(record_id, {"f1": "n"}) for record_id in fresh] + [(existing, {"f1": "again"})])
    assert error.value.record_id == existing
    assert store.count(pk) == 1
    assert all(store.get(pk, record_id) is None for record_id in fresh)
    assert store.get(pk, existing)["f1"] == "first"


def test_update_and_delete_of_a_missing_record_raise(dynamodb_backend):
    store, pk = RecordStore(), _pk()
    with pytest.raises(RecordMissing):
        store.update(pk, str(uuid.uuid4()), {"f1": "x"})
    with pytest.raises(RecordMissing):
        store.delete(pk, str(uuid.uuid4()), -1)


def test_pages_follow_id_order_both_ways_and_skip_other_items(dynamodb_backend):
    store, pk = RecordStore(), _pk()
    ids = _ids(7)
    store.create(pk, [(i, {"f1": i[:4]}) for i in ids])
    first = store.query(pk, limit=3)
    assert [r["id"] for r in first.items] == ids[:3]
    after = store.query(pk, limit=10, after_sk=ids[2])
    assert [r["id"] for r in after.items] == ids[3:]  # the count item is not a record
    before = store.query(pk, limit=10, forward=False, after_sk=ids[3])
    assert [r["id"] for r in before.items] == list(reversed(ids[:3]))


def test_purge_removes_the_whole_collection(dynamodb_backend):
    store, pk = RecordStore(), _pk()
    store.create(pk, [(i, {"f1": "v"}) for i in _ids(30)])
    assert store.purge(pk) == 31  # 30 records and the count
    assert store.count(pk) == 0 and store.query(pk, limit=5).items == []

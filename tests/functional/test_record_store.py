import uuid

import pytest

from tenantapi.storage.record_store import DuplicateRecord, RecordChanged, RecordMissing, RecordStore, RecordWrite, StorageLimit


def _pk() -> str:
    return f"{uuid.uuid4()}#{uuid.uuid4()}"


def _ids(n: int) -> list[str]:
    return sorted(str(uuid.uuid4()) for _ in range(n))


def _puts(pk: str, rows: list[tuple[str, dict]]) -> list[RecordWrite]:
    return [RecordWrite("put", pk, record_id, attributes, count_delta=1) for record_id, attributes in rows]


def _ids_of(store: RecordStore, pk: str, **kwargs) -> list[str]:
    records, _, _ = store.query_range(pk, index=None, attribute="sk", **kwargs)
    return [r["id"] for r in records]


def test_put_update_delete_keep_the_count(dynamodb_backend):
    store, pk = RecordStore(), _pk()
    a, b = _ids(2)
    store.write(_puts(pk, [(a, {"f1": "x", "s1": "Lx\x01" + a}), (b, {"f1": "y", "f3": None})]))
    assert store.count(pk) == 2
    assert store.get(pk, a) == {"id": a, "f1": "x", "s1": "Lx\x01" + a, "v": 1}  # a new record is version 1
    assert store.get(pk, b) == {"id": b, "f1": "y", "f3": None, "v": 1}  # nulls are stored
    store.write([RecordWrite("update", pk, a, {"f1": "z", "f2": 3.5})])
    assert store.get(pk, a)["f1"] == "z" and store.get(pk, a)["f2"] == 3.5
    store.write([RecordWrite("delete", pk, b, count_delta=-1)])
    assert store.get(pk, b) is None and store.count(pk) == 1


def test_a_batch_with_one_existing_id_writes_nothing(dynamodb_backend):
    store, pk = RecordStore(), _pk()
    existing, *fresh = _ids(60)
    store.write(_puts(pk, [(existing, {"f1": "first"})]))
    with pytest.raises(DuplicateRecord) as error:
        store.write(_puts(pk, [(record_id, {"f1": "n"}) for record_id in fresh] + [(existing, {"f1": "again"})]))
    assert error.value.record_id == existing
    assert store.count(pk) == 1
    assert all(store.get(pk, record_id) is None for record_id in fresh)
    assert store.get(pk, existing)["f1"] == "first"


def test_update_and_delete_of_a_missing_record_raise(dynamodb_backend):
    store, pk = RecordStore(), _pk()
    with pytest.raises(RecordMissing):
        store.write([RecordWrite("update", pk, str(uuid.uuid4()), {"f1": "x"})])
    with pytest.raises(RecordMissing):
        store.write([RecordWrite("delete", pk, str(uuid.uuid4()), count_delta=-1)])


def test_ranges_follow_id_order_both_ways_and_skip_other_items(dynamodb_backend):
    store, pk = RecordStore(), _pk()
    ids = _ids(7)
    store.write(_puts(pk, [(i, {"f1": i[:4]}) for i in ids]))
    store.reserve_guard(pk, "f1#abc", ids[0])
    assert _ids_of(store, pk, begins_with="R#", limit=3) == ids[:3]
    start = {"pk": {"S": pk}, "sk": {"S": "R#" + ids[2]}}
    assert _ids_of(store, pk, begins_with="R#", exclusive_start_key=start) == ids[3:]
    assert _ids_of(store, pk, begins_with="R#", forward=False, exclusive_start_key={"pk": {"S": pk}, "sk": {"S": "R#" + ids[3]}}) == list(reversed(ids[:3]))


def test_guards_are_claimed_once_and_released_only_by_their_owner(dynamodb_backend):
    store, pk = RecordStore(), _pk()
    a, b = _ids(2)
    assert store.reserve_guard(pk, "f1#v", a) is None
    assert store.reserve_guard(pk, "f1#v", a) is None  # claiming again is harmless
    owner, claimed_at = store.reserve_guard(pk, "f1#v", b)
    assert owner == a and claimed_at > 0
    store.release_guard(pk, "f1#v", b)  # not b's: nothing happens
    assert store.guard_owner(pk, "f1#v") == a
    assert store.reserve_guard(pk, "f1#v", b, stale_owner=a) is None
    assert store.guard_owner(pk, "f1#v") == b


def test_batch_get_reads_by_id_in_requests_of_100(dynamodb_backend):
    store, pk = RecordStore(), _pk()
    ids = _ids(150)
    for start in range(0, 150, 50):
        store.write(_puts(pk, [(i, {"f1": "v"}) for i in ids[start : start + 50]]))
    found = store.batch_get(pk, ids + [str(uuid.uuid4())])
    assert sorted(found) == ids


def test_purge_removes_the_whole_collection(dynamodb_backend):
    store, pk = RecordStore(), _pk()
    store.write(_puts(pk, [(i, {"f1": "v"}) for i in _ids(30)]))
    assert store.purge(pk) == 31  # 30 records and the count
    assert store.count(pk) == 0 and _ids_of(store, pk, begins_with="R#") == []


def test_an_update_sets_the_next_version_only_from_the_version_it_read(dynamodb_backend):
    store, pk = RecordStore(), _pk()
    (a,) = _ids(1)
    store.write(_puts(pk, [(a, {"f1": "x"})]))
    store.write([RecordWrite("update", pk, a, {"f1": "y"}, version=1)])
    assert store.get(pk, a)["v"] == 2
    with pytest.raises(RecordChanged):
        store.write([RecordWrite("update", pk, a, {"f1": "stale"}, version=1, count_delta=-1)])
    assert store.get(pk, a) == {"id": a, "f1": "y", "v": 2} and store.count(pk) == 1  # nothing of it written
    with pytest.raises(RecordChanged):
        store.write([RecordWrite("delete", pk, a, version=1, count_delta=-1)])
    assert store.count(pk) == 1


def test_a_record_written_before_versions_is_version_0(dynamodb_backend):
    store, pk = RecordStore(), _pk()
    (a,) = _ids(1)
    store.client.put_item(TableName=store.table, Item={"pk": {"S": pk}, "sk": {"S": "R#" + a}, "f1": {"S": "old"}})
    with pytest.raises(RecordChanged):
        store.write([RecordWrite("update", pk, a, {"f1": "x"}, version=1)])
    store.write([RecordWrite("update", pk, a, {"f1": "new"}, version=0)])
    assert store.get(pk, a) == {"id": a, "f1": "new", "v": 1}
    with pytest.raises(RecordChanged):
        store.write([RecordWrite("update", pk, a, {"f1": "again"}, version=0)])  # two writers of version 0: one wins


def test_a_link_cancels_the_transaction_when_its_target_is_gone_or_soft_deleted(dynamodb_backend):
    store, pk, target_pk = RecordStore(), _pk(), _pk()
    live, deleted, gone, child = _ids(4)
    store.write(_puts(target_pk, [(live, {"d": None}), (deleted, {"d": "2026-01-01T00:00:00.000Z"})]))
    store.write(_puts(pk, [(child, {"f1": live})]) + [RecordWrite("link", target_pk, live, live_key="d")])
    assert store.get(target_pk, live) == {"id": live, "d": None, "v": 1, "c": 1}  # counted, version unchanged
    for target in (deleted, gone):
        other = str(uuid.uuid4())
        with pytest.raises(RecordChanged):
            store.write(_puts(pk, [(other, {"f1": target})]) + [RecordWrite("link", target_pk, target, live_key="d")])
        assert store.get(pk, other) is None
    assert store.count(pk) == 1


def test_a_destroy_planned_before_a_link_is_cancelled_by_it(dynamodb_backend):
    store, target_pk = RecordStore(), _pk()
    (target,) = _ids(1)
    store.write(_puts(target_pk, [(target, {"d": None})]))
    planned = RecordWrite("delete", target_pk, target, version=1, links=0, count_delta=-1)
    store.write([RecordWrite("link", target_pk, target, live_key="d")])  # a child written meanwhile
    with pytest.raises(RecordChanged):
        store.write([planned])
    store.write([RecordWrite("delete", target_pk, target, version=1, links=1, count_delta=-1)])
    assert store.get(target_pk, target) is None


def test_a_transaction_past_4_mb_is_refused_naming_that_limit_before_any_write(dynamodb_backend):
    store, pk = RecordStore(), _pk()
    ids = _ids(12)
    with pytest.raises(StorageLimit) as error:
        store.write(_puts(pk, [(i, {"f1": "x" * 380_000}) for i in ids]))  # each under 400 KB
    assert "4 MB" in str(error.value) and "400 KB" not in str(error.value)
    assert store.count(pk) == 0

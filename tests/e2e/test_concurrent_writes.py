"""Concurrent writes over HTTP: every write is conditioned on the record it read (docs/api.md §3.6,
§3.7, §3.9), so no interleaving of clients loses an update, drifts the live-record count, leaves a
soft-deleted record listed, or leaves a reference to a destroyed record.

Each test runs its race over several rounds, each request from its own client on its own thread,
released together by a barrier; a test stays under its workspace's 100 requests per minute
(docs/api.md §8.2). On the unconditioned writes these rounds failed every run (about half the
rounds of a race lost).
"""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import httpx
import pytest

# Races per test: each test sends fewer than 100 requests (the workspace's limit per minute).
ROUNDS = 18


@pytest.fixture
def tenant(new_tenant):
    return new_tenant(f"races-{uuid.uuid4().hex[:8]}")


def race(tenant, gateway_url: str, calls: list[Callable[[httpx.Client], httpx.Response]]) -> list[httpx.Response]:
    """Run the calls at once, each with its own client, and return their responses in order."""
    barrier = threading.Barrier(len(calls))
    clients = [httpx.Client(base_url=gateway_url, headers={"Authorization": f"Bearer {tenant.secret}"}, timeout=30) for _ in calls]

    def run(index: int) -> httpx.Response:
        barrier.wait()
        return calls[index](clients[index])

    try:
        with ThreadPoolExecutor(max_workers=len(calls)) as pool:
            return list(pool.map(run, range(len(calls))))
    finally:
        for client in clients:
            client.close()


def live_people(client: httpx.Client) -> tuple[int, list[dict[str, Any]]]:
    listed = client.get("/rest/people", params={"limit": 200}).json()
    return listed["totalCount"], listed["data"]["people"]


def create_person(client: httpx.Client, **body: Any) -> dict[str, Any]:
    response = client.post("/rest/people", json=body)
    assert response.status_code == 201, response.text
    return response.json()["data"]["createPerson"]


def test_ten_soft_deletes_of_one_record_delete_it_once_and_the_count_stays_exact(tenant, gateway_url):
    client = tenant.client
    for _ in range(3):
        create_person(client, city="stays")
        person = create_person(client, city="goes")
        soft_delete = lambda c: c.delete(f"/rest/people/{person['id']}", params={"soft_delete": "true"})  # noqa: E731
        statuses = sorted(r.status_code for r in race(tenant, gateway_url, [soft_delete] * 10))
        assert statuses == [200] + [404] * 9  # the others find it soft-deleted, as a read would
        total, listed = live_people(client)
        assert total == len(listed)

        restore = lambda c: c.patch(f"/rest/people/{person['id']}/restore")  # noqa: E731
        statuses = sorted(r.status_code for r in race(tenant, gateway_url, [restore] * 10))
        assert statuses == [200] + [404] * 9
        total, listed = live_people(client)
        assert total == len(listed) and person["id"] in {p["id"] for p in listed}
        assert client.delete(f"/rest/people/{person['id']}", params={"soft_delete": "true"}).status_code == 200


def test_an_update_racing_a_soft_delete_ends_as_one_of_the_two_serial_orders(tenant, gateway_url):
    client = tenant.client
    for round_ in range(ROUNDS):
        person = create_person(client, city="before")
        # The soft delete leaves a little later each round, so some land between the update's read
        # and its write (which a unique value to claim widens, as a real update's would).
        delay = (round_ % 9) * 0.004

        def soft_delete(c: httpx.Client) -> httpx.Response:
            time.sleep(delay)
            return c.delete(f"/rest/people/{person['id']}", params={"soft_delete": "true"})

        patched, deleted = race(tenant, gateway_url, [
            lambda c: c.patch(f"/rest/people/{person['id']}", json={"city": "after", "emails": {"primaryEmail": f"{uuid.uuid4().hex}@race.test"}}),
            soft_delete,
        ])
        assert deleted.status_code == 200
        # Update first: both answer 200 and the soft-deleted record holds the update. Soft delete
        # first: the update finds no live record.
        assert patched.status_code in (200, 404), patched.text
        listed = client.get("/rest/people", params={"order_by": "updatedAt", "limit": 200}).json()["data"]["people"]
        assert person["id"] not in {p["id"] for p in listed}
        found = client.get("/rest/people", params={"filter": f"and(id[eq]:{person['id']},deletedAt[is]:NOT_NULL)"}).json()
        assert [p["city"] for p in found["data"]["people"]] == ["after" if patched.status_code == 200 else "before"]


def test_updates_of_two_sub_fields_of_one_composite_both_survive(tenant, gateway_url):
    client = tenant.client
    for _ in range(ROUNDS):
        person = create_person(client, name={"firstName": "A", "lastName": "B"})
        responses = race(tenant, gateway_url, [
            lambda c: c.patch(f"/rest/people/{person['id']}", json={"name": {"firstName": "X"}}),
            lambda c: c.patch(f"/rest/people/{person['id']}", json={"name": {"lastName": "Y"}}),
        ])
        assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
        name = client.get(f"/rest/people/{person['id']}").json()["data"]["person"]["name"]
        assert (name["firstName"], name["lastName"]) == ("X", "Y")


def test_a_record_written_with_a_relation_to_a_record_being_destroyed_never_names_it_after(tenant, gateway_url):
    client = tenant.client
    for _ in range(ROUNDS):
        company = client.post("/rest/companies", json={"name": "Target"}).json()["data"]["createCompany"]
        created, destroyed = race(tenant, gateway_url, [
            lambda c: c.post("/rest/people", json={"city": "child", "companyId": company["id"]}),
            lambda c: c.delete(f"/rest/companies/{company['id']}"),
        ])
        assert destroyed.status_code == 200, destroyed.text
        assert client.get(f"/rest/companies/{company['id']}").status_code == 404
        if created.status_code == 201:
            # Written before the destroy: its join column was cleared (onDelete SET_NULL).
            person = created.json()["data"]["createPerson"]
            assert client.get(f"/rest/people/{person['id']}").json()["data"]["person"]["companyId"] is None
        else:
            # Written after: its target was gone, a 400 naming the field.
            assert created.status_code == 400 and "companyId" in created.json()["messages"][0], created.text

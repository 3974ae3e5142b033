"""Destroying a record with onDelete relations is all or nothing (docs/api.md §3.7): every check
runs before the first write, and the parent, its cascaded children and the cleared join columns
are written in one transaction, or the destroy is refused."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
import pytest


@dataclass(frozen=True)
class Family:
    client: httpx.Client
    parent_id: str


def _object(client: httpx.Client, singular: str, plural: str) -> str:
    response = client.post(
        "/rest/metadata/objects",
        json={"nameSingular": singular, "namePlural": plural, "labelSingular": singular.title(), "labelPlural": plural.title()},
    )
    assert response.status_code == 201, response.text
    return response.json()["data"]["createOneObject"]["id"]


def _relation(client: httpx.Client, child_id: str, parent_id: str, inverse: str, on_delete: str) -> None:
    response = client.post(
        "/rest/metadata/fields",
        json={
            "objectMetadataId": child_id, "type": "RELATION", "name": "parent", "label": "Parent",
            "settings": {"onDelete": on_delete},
            "relationCreationPayload": {
                "type": "MANY_TO_ONE", "targetObjectMetadataId": parent_id, "targetFieldLabel": inverse.title(), "targetFieldName": inverse,
            },
        },
    )
    assert response.status_code == 201, response.text


@pytest.fixture
def family(new_tenant) -> Family:
    """Objects `parent`, and three kinds of children pointing at it: CASCADE (made first, so it is
    met first), SET_NULL and RESTRICT."""
    client = new_tenant(f"destroy-{uuid.uuid4().hex[:8]}").client
    parent = _object(client, "parent", "parents")
    for singular, plural, on_delete in (
        ("cascadeChild", "cascadeChildren", "CASCADE"),
        ("looseChild", "looseChildren", "SET_NULL"),
        ("restrictChild", "restrictChildren", "RESTRICT"),
    ):
        _relation(client, _object(client, singular, plural), parent, plural, on_delete)
    created = client.post("/rest/parents", json={"name": "P"})
    assert created.status_code == 201, created.text
    return Family(client, created.json()["data"]["createParent"]["id"])


def _children(family: Family, plural: str, count: int) -> None:
    for start in range(0, count, 60):
        batch = [{"name": f"{plural} {i}", "parentId": family.parent_id} for i in range(start, min(count, start + 60))]
        response = family.client.post(f"/rest/batch/{plural}", json=batch)
        assert response.status_code == 201, response.text


def _total(client: httpx.Client, plural: str) -> int:
    response = client.get(f"/rest/{plural}", params={"limit": 1})
    assert response.status_code == 200, response.text
    return response.json()["totalCount"]


def test_a_restrict_child_refuses_the_destroy_before_any_cascade_is_written(family):
    _children(family, "cascadeChildren", 3)
    _children(family, "looseChildren", 1)
    _children(family, "restrictChildren", 1)
    response = family.client.delete(f"/rest/parents/{family.parent_id}")
    assert response.status_code == 400, response.text
    assert response.json()["messages"] == ["1 restrictChildren still point at this parent through 'parentId': delete or move them first"]
    assert family.client.get(f"/rest/parents/{family.parent_id}").status_code == 200
    assert _total(family.client, "cascadeChildren") == 3
    loose = family.client.get("/rest/looseChildren").json()["data"]["looseChildren"]
    assert [child["parentId"] for child in loose] == [family.parent_id]


def test_a_destroy_writes_the_parent_its_cascade_and_the_cleared_children_together(family):
    _children(family, "cascadeChildren", 3)
    _children(family, "looseChildren", 2)
    response = family.client.delete(f"/rest/parents/{family.parent_id}")
    assert response.status_code == 200, response.text
    assert response.json()["data"]["deleteParent"]["id"] == family.parent_id
    assert family.client.get(f"/rest/parents/{family.parent_id}").status_code == 404
    assert _total(family.client, "cascadeChildren") == 0
    loose = family.client.get("/rest/looseChildren").json()["data"]["looseChildren"]
    assert [child["parentId"] for child in loose] == [None, None]


def test_a_cascade_past_one_transaction_is_a_400_naming_the_count_and_destroys_nothing(family):
    _children(family, "cascadeChildren", 97)
    _children(family, "looseChildren", 1)
    response = family.client.delete(f"/rest/parents/{family.parent_id}")
    assert response.status_code == 400, response.text
    assert response.json()["messages"] == [
        "Destroying this parent would destroy 97 related records and clear the relation of 1 more: 101 writes with the"
        " record counts, and a destroy is one transaction of at most 100. Destroy or detach the related records first"
    ]
    assert family.client.get(f"/rest/parents/{family.parent_id}").status_code == 200
    assert _total(family.client, "cascadeChildren") == 97
    assert _total(family.client, "looseChildren") == 1


def test_a_cascade_that_fits_one_transaction_is_destroyed_whole(family):
    _children(family, "cascadeChildren", 97)  # 97 children, the parent and two counters: 100 writes
    response = family.client.delete(f"/rest/parents/{family.parent_id}")
    assert response.status_code == 200, response.text
    assert _total(family.client, "cascadeChildren") == 0
    assert _total(family.client, "parents") == 0

"""Calling `POST /graphql` the way a client does, for the core GraphQL e2e tests."""

from __future__ import annotations

from typing import Any

import httpx


def gql(client: httpx.Client, query: str, variables: dict[str, Any] | None = None, *, status: int = 200) -> dict[str, Any]:
    """The response body of one GraphQL request, after checking its HTTP status."""
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    response = client.post("/graphql", json=body)
    assert response.status_code == status, response.text
    return response.json()


def data(client: httpx.Client, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """The `data` of a request that must succeed without errors."""
    body = gql(client, query, variables)
    assert "errors" not in body, body
    return body["data"]


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]

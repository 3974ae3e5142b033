"""Functional tests run the storage adapters against both moto and DynamoDB Local."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["moto", "dynamodb_local"])
def dynamodb_backend(request: pytest.FixtureRequest) -> str:
    """Run a test once against moto and once against DynamoDB Local (real DynamoDB semantics)."""
    request.getfixturevalue("moto_dynamodb" if request.param == "moto" else "dynamodb_local")
    return request.param

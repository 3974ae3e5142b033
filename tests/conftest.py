"""Test-session setup shared by every tier: fake AWS credentials, DynamoDB Local, moto.

Fixtures that only one tier uses belong in that tier's own conftest (tests/functional, tests/e2e).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from tenantapi_tools.local.dynamodb_local import DynamoDBLocal, free_port
from tenantapi_tools.local.tables import create_tables

# Set at import, before any boto3 client exists: no test may ever sign a request for a real account.
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_SECURITY_TOKEN="testing",
    AWS_SESSION_TOKEN="testing",
    AWS_DEFAULT_REGION="us-east-1",
    AWS_REGION="us-east-1",
    # No CloudWatch here: metrics would only print EMF lines into the test output.
    POWERTOOLS_METRICS_DISABLED="true",
)
os.environ.pop("AWS_PROFILE", None)
# A developer's shell may point at the `make run` stack; tests get their own endpoint or none.
os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)


@pytest.fixture(scope="session")
def dynamodb_local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DynamoDBLocal]:
    """DynamoDB Local in memory for the whole session, with the template's tables.

    AWS_ENDPOINT_URL_DYNAMODB points at it from first use to the end of the session, so any
    boto3 client created meanwhile talks to it. Its log is in pytest's temporary
    directory. Stopped by PID at the end.
    """
    log_path = tmp_path_factory.mktemp("dynamodb-local") / "dynamodb-local.log"
    server = DynamoDBLocal(port=free_port(), log_path=log_path)
    server.start()
    environment = pytest.MonkeyPatch()
    try:
        environment.setenv("AWS_ENDPOINT_URL_DYNAMODB", server.endpoint)
        create_tables()
        yield server
    finally:
        environment.undo()
        server.stop()


@pytest.fixture(autouse=True)
def _dynamodb_local_marker(request: pytest.FixtureRequest) -> None:
    """Tests marked `dynamodb_local` get the session server without naming the fixture."""
    if request.node.get_closest_marker("dynamodb_local"):
        request.getfixturevalue("dynamodb_local")


@pytest.fixture
def moto_dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """moto's in-process DynamoDB with the template's tables; yields a boto3 DynamoDB client."""
    import boto3
    import moto  # lazy: slow to import, and only these tests need it

    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    with moto.mock_aws():
        client = boto3.client("dynamodb")
        create_tables(client)
        yield client


@pytest.fixture(autouse=True)
def _fresh_dynamodb_client() -> Iterator[None]:
    """The engine caches one DynamoDB client per process; each test binds a new one to the
    endpoint it runs against (moto or DynamoDB Local)."""
    from tenantapi.storage.dynamo import reset_client

    reset_client()
    yield
    reset_client()

"""The benchmark's stack: DynamoDB Local in memory, the template's tables, one standard workspace
with the custom person fields, and loading records through RecordService.create_many."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterable

from . import data

__all__ = ["fake_aws_environment", "start_dynamodb_local", "make_workspace", "load"]

BATCH = 60  # records per create_many: the API's batch size


def fake_aws_environment(endpoint: str) -> None:
    """Before the engine makes its boto3 clients: never sign a request for a real account."""
    os.environ.update(
        AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local", AWS_SESSION_TOKEN="local",
        AWS_DEFAULT_REGION="us-east-1", AWS_REGION="us-east-1", AWS_ENDPOINT_URL_DYNAMODB=endpoint,
    )
    os.environ.pop("AWS_PROFILE", None)


def start_dynamodb_local() -> Any:
    from tenantapi_tools.local.dynamodb_local import DynamoDBLocal, free_port

    return DynamoDBLocal(port=free_port(), db_path=None).start()


def make_workspace(name: str) -> Any:
    """A standard workspace plus the custom person fields; returns its WorkspaceView."""
    from tenantapi.metadata.service import MetadataService
    from tenantapi.records.service import WorkspaceView
    from tenantapi.storage.metadata_store import MetadataStore
    from tenantapi.workspaces import create_workspace

    head = create_workspace(name)
    metadata = MetadataService()
    schema = metadata.schema(head.id)
    person = schema.active_object_by_singular("person")
    for spec in data.CUSTOM_PERSON_FIELDS:
        _, schema = metadata.create_field(head.id, {**spec, "objectMetadataId": person.id}, schema)
    head = MetadataStore().head(head.id)
    schema = MetadataStore().load_schema(head.id)
    return WorkspaceView(head=head, schema=schema, actor_name="Bench key")


def load(service: Any, ws: Any, obj: Any, bodies: Iterable[dict[str, Any]], *, workers: int = 3,
         progress: Callable[[int], None] | None = None) -> int:
    """Create the records through RecordService.create_many, BATCH at a time, a few batches at
    once (distinct records: only the object's counter is shared, and transactions retry)."""
    batches, batch = [], []
    for body in bodies:
        batch.append(body)
        if len(batch) == BATCH:
            batches.append(batch)
            batch = []
    if batch:
        batches.append(batch)
    done = 0
    started = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        for created in pool.map(lambda b: service.create_many(ws, obj, b), batches):
            done += len(created)
            if progress is not None and time.monotonic() - started > 5:
                progress(done)
                started = time.monotonic()
    return done

"""Each operation checks the caller's role before touching storage: read for queries, update
for create/update/upsert, soft_delete for delete and restore, destroy for destroy."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import execute, parse

from tenantapi.api.context import Caller
from tenantapi.auth.roles import Role
from tenantapi.graphql.context import CoreContext
from tenantapi.graphql.schema import build_core_schema
from tenantapi.records.service import WorkspaceView
from tenantapi.storage.metadata_store import WorkspaceHead

from .support import standard_schema

ID = "00000000-0000-4000-8000-000000000999"


class _NoStorage:
    """A record service that must not be reached: the role check comes first."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"storage reached: {name}")


def _run(role: Role, document: str) -> list[dict[str, Any]]:
    schema = standard_schema()[0]
    head = WorkspaceHead(id="ws-1", name="t", schema_version=schema.version, created_at="", secret="s", usage_key="u")
    ws = WorkspaceView(head=head, schema=schema, actor_name="key")
    context = CoreContext(caller=Caller(workspace_id="ws-1", key_id="k", key_name="key", role=role), ws=ws, records=_NoStorage())  # type: ignore[arg-type]
    result = execute(build_core_schema(schema), parse(document), context_value=context)
    assert result.errors, document
    return [{"message": e.message, "code": getattr(e.original_error, "graphql_code", None)} for e in result.errors]


@pytest.mark.parametrize(
    "action, document, verb",
    [
        ("read", "{ people { totalCount } }", "read"),
        ("read", '{ person(filter: {city: {eq: "x"}}) { id } }', "read"),
        ("update", 'mutation { createPerson(data: {city: "x"}) { id } }', "create or update"),
        ("update", 'mutation { createPeople(data: [{city: "x"}], upsert: true) { id } }', "create or update"),
        ("update", f'mutation {{ updatePerson(id: "{ID}", data: {{city: "x"}}) {{ id }} }}', "create or update"),
        ("update", 'mutation { updatePeople(filter: {city: {eq: "x"}}, data: {city: "y"}) { id } }', "create or update"),
        ("soft_delete", f'mutation {{ deletePerson(id: "{ID}") {{ id }} }}', "delete"),
        ("soft_delete", 'mutation { deletePeople(filter: {city: {eq: "x"}}) { id } }', "delete"),
        ("soft_delete", f'mutation {{ restorePerson(id: "{ID}") {{ id }} }}', "delete"),
        ("soft_delete", 'mutation { restorePeople(filter: {city: {eq: "x"}}) { id } }', "delete"),
        ("destroy", f'mutation {{ destroyPerson(id: "{ID}") {{ id }} }}', "destroy"),
        ("destroy", 'mutation { destroyPeople(filter: {city: {eq: "x"}}) { id } }', "destroy"),
    ],
)
def test_an_operation_without_its_permission_is_forbidden_before_any_read(action, document, verb):
    role = Role("Limited", **{f"can_{action}": False})
    assert _run(role, document) == [{"message": f"Role Limited cannot {verb} people", "code": "FORBIDDEN"}]

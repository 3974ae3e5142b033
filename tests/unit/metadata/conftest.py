"""Fixtures for the metadata rules: deterministic ids, the standard schema, a custom object."""

from __future__ import annotations

import itertools
from typing import Callable

import pytest

from tenantapi.metadata.model import WorkspaceSchema
from tenantapi.metadata.rules import plan_create_object
from tenantapi.metadata.standard_objects import build_standard_schema

from .support import NOW, apply


@pytest.fixture
def new_id() -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"00000000-0000-4000-8000-{next(counter):012d}"


@pytest.fixture
def standard(new_id: Callable[[], str]) -> WorkspaceSchema:
    return build_standard_schema("ws-1", now=NOW, new_id=new_id)


@pytest.fixture
def with_invoice(standard: WorkspaceSchema, new_id: Callable[[], str]) -> WorkspaceSchema:
    """The standard schema plus a custom object `invoice` (with its `name` field)."""
    change = plan_create_object(
        standard,
        {"nameSingular": "invoice", "namePlural": "invoices", "labelSingular": "Invoice", "labelPlural": "Invoices"},
        now=NOW,
        new_id=new_id,
    )
    return apply(standard, change)

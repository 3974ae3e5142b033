"""Cold build of a workspace's core schema (`build_core_schema` on a fresh WorkspaceSchema, so
nothing memoized on a previous one is reused) and the warm hit (`core_schema_for`)."""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass
from typing import Any, Callable

__all__ = ["Build", "measure_build"]


@dataclass
class Build:
    objects: int  # active objects in the schema
    fields: int  # field definitions (all objects)
    types: int  # named types of the GraphQL schema (introspection and shared ones included)
    root_fields: int  # Query + Mutation fields
    cold_ms: float
    cold_runs: int
    cold_spread: tuple[float, float]  # fastest, slowest run
    hit_us: float
    hit_runs: int


def _median_ns(function: Callable[[], Any], runs: int) -> tuple[float, list[int]]:
    spent = []
    for _ in range(runs):
        started = time.perf_counter_ns()
        function()
        spent.append(time.perf_counter_ns() - started)
    return statistics.median(spent), spent


def measure_build(schema: Any, *, runs: int, hit_runs: int, log: Callable[[str], None]) -> Build:
    from tenantapi.graphql import build_core_schema, core_schema_for

    from .workspace import fresh_copy

    built = build_core_schema(fresh_copy(schema))  # warm: imports and the shared types
    copies = [fresh_copy(schema) for _ in range(runs)]
    gc.collect()
    spent = []
    for copy in copies:
        started = time.perf_counter_ns()
        build_core_schema(copy)
        spent.append(time.perf_counter_ns() - started)
    cold = statistics.median(spent)
    log(f"    build_core_schema: median {cold / 1e6:.1f} ms over {runs} runs")

    core_schema_for(schema)
    hit, _ = _median_ns(lambda: core_schema_for(schema), hit_runs)
    assert core_schema_for(schema) is core_schema_for(schema), "the schema cache missed"
    log(f"    core_schema_for (hit): median {hit / 1e3:.2f} us over {hit_runs} runs")
    roots = len(built.query_type.fields) + (len(built.mutation_type.fields) if built.mutation_type else 0)
    return Build(
        objects=len(schema.active_objects()), fields=len(schema.fields), types=len(built.type_map), root_fields=roots,
        cold_ms=cold / 1e6, cold_runs=runs, cold_spread=(min(spent) / 1e6, max(spent) / 1e6),
        hit_us=hit / 1e3, hit_runs=hit_runs,
    )

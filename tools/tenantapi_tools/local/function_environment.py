"""The functions' environment variables, in the one process the local runtime runs them all in.

On Lambda each function has its own variables (template.yaml: Globals.Function.Environment merged
with its own, every value resolved). Here the functions share a process and `os.environ`, so the
process gets the union of all functions' variables before the first invocation, and a template
whose functions set one variable to different values is refused: it cannot run faithfully here.
The one difference left is that a function sees variables that only another function sets.

A value under /opt, where Lambda extracts a function's layers, names the local build of the
layer instead: `make install` builds PlaygroundLayer as `sam build` does, with .tools/ as its
artifacts folder, so /opt/playground is .tools/playground. Lambda's reserved variables are
refused as Lambda refuses them; in particular AWS_LAMBDA_FUNCTION_NAME is never set in this
process (tenantapi.observability reads it as "running on Lambda" and would start X-Ray tracing).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from tenantapi_tools.local.api_model import FunctionSpec
from tenantapi_tools.local.template import DEFAULT_TEMPLATE, TemplateError

__all__ = ["LAYERS_DIR", "LOCAL_LAYER_BUILDS", "ProcessEnvironment", "process_environment"]

# Where Lambda extracts a function's layers.
LAYERS_DIR = PurePosixPath("/opt")
# Layer (logical id) -> the folder that plays /opt for it locally: the ARTIFACTS_DIR the Makefile's
# playground rule builds it with. EngineLayer has none: locally the engine is installed in .venv.
LOCAL_LAYER_BUILDS: dict[str, Path] = {"PlaygroundLayer": DEFAULT_TEMPLATE.parent / ".tools"}
# Set by the Lambda runtime itself; a function's configuration may not set them.
RESERVED = frozenset({
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "TZ",
})


def process_environment(
    functions: Mapping[str, FunctionSpec], layer_builds: Mapping[str, Path] = LOCAL_LAYER_BUILDS
) -> dict[str, str]:
    """Every variable any function sets, as the process must hold it; TemplateError for a
    reserved variable, a layer path without a local build, or two functions that disagree."""
    union: dict[str, str] = {}
    set_by: dict[str, str] = {}
    for function_id, spec in sorted(functions.items()):
        for name, value in spec.environment.items():
            what = f"{function_id}.Environment.Variables.{name}"
            if name in RESERVED:
                raise TemplateError(f"{what}: {name} is reserved by Lambda and cannot be set")
            local = _local_value(spec, value, layer_builds, what)
            if name in union and union[name] != local:
                raise TemplateError(
                    f"{set_by[name]} and {function_id} set {name} to different values ({union[name]!r} and "
                    f"{local!r}): the local runtime runs every function in one process, with one environment"
                )
            union.setdefault(name, local)
            set_by.setdefault(name, function_id)
    return union


def _local_value(spec: FunctionSpec, value: str, layer_builds: Mapping[str, Path], what: str) -> str:
    path = PurePosixPath(value)
    if not value.startswith("/") or not path.is_relative_to(LAYERS_DIR):
        return value
    built = [layer for layer in spec.layers if layer in layer_builds]
    if len(built) != 1:
        reason = "none of its layers" if not built else f"several of its layers ({', '.join(built)})"
        raise TemplateError(
            f"{what}: {value} is a layer path, and {reason} has a local build (function_environment.LOCAL_LAYER_BUILDS)"
        )
    return str(layer_builds[built[0]].joinpath(*path.relative_to(LAYERS_DIR).parts))


class ProcessEnvironment:
    """The variables applied to `os.environ`, and taken back as they were."""

    def __init__(self, variables: Mapping[str, str]) -> None:
        self.variables = dict(variables)
        self._before: dict[str, str | None] = {}

    def apply(self) -> None:
        for name, value in self.variables.items():
            self._before.setdefault(name, os.environ.get(name))
            os.environ[name] = value

    def restore(self) -> None:
        """Put back what the process held before `apply`, for variables nobody changed since
        (another stack applied later keeps its values)."""
        for name, before in self._before.items():
            if os.environ.get(name) != self.variables[name]:
                continue
            if before is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = before
        self._before.clear()

"""The core function's Lambda handler, imported by path, and the REST proxy events it is given."""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

__all__ = ["ROOT", "load_core_handler", "rest_event", "lambda_context", "core_rest"]

ROOT = Path(__file__).resolve().parents[2]
_APP = ROOT / "functions" / "core_api" / "app.py"
_SAMPLE_EVENT = ROOT / "events" / "core_list_companies.json"


def load_core_handler() -> Any:
    """functions/core_api/app.py's `handler` (Mangum), built as the Lambda runtime builds it."""
    spec = importlib.util.spec_from_file_location("bench_core_api_app", _APP)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.handler


def core_rest(handler: Any) -> Any:
    """The CoreRest object behind the handler's /rest routes (its `records` is the RecordService)."""
    for route in handler.app.routes:
        owner = getattr(route.endpoint, "__self__", None)
        if owner is not None and hasattr(owner, "records"):
            return owner
    raise LookupError("no /rest route found in the core app")


def rest_event(workspace_id: str, path: str, query: dict[str, str]) -> dict[str, Any]:
    """A REST API proxy event (the shape of events/core_list_companies.json) for GET `path`, as
    API Gateway sends it after the authorizer accepted an Admin key of the workspace."""
    event = copy.deepcopy(json.loads(_SAMPLE_EVENT.read_text(encoding="utf-8")))
    event["path"] = path
    event["pathParameters"] = {"proxy": path.removeprefix("/rest/")}
    event["queryStringParameters"] = dict(query) or None
    event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} or None
    event["requestContext"]["path"] = f"/{event['requestContext']['stage']}{path}"
    event["requestContext"]["authorizer"].update(workspaceId=workspace_id, role="Admin", keyName="Bench key")
    return event


def lambda_context() -> Any:
    return SimpleNamespace(
        function_name="CoreApiFunction", function_version="$LATEST", memory_limit_in_mb=1024,
        aws_request_id="00000000-0000-4000-8000-000000000000",
        invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:CoreApiFunction",
        get_remaining_time_in_millis=lambda: 29_000,
    )

import io
import json
import logging

from tenantapi import observability
from tenantapi.observability import instrumented


class _Context:
    function_name = "CoreApiFunction"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:CoreApiFunction"
    memory_limit_in_mb = 1024
    aws_request_id = "req-1"


EVENT = {"requestContext": {"requestId": "gw-42", "authorizer": {"workspaceId": "ws-1", "keyId": "key-1", "role": "Admin"}}}


def test_a_log_line_carries_the_request_id_and_the_callers_ids_and_no_event():
    stream = io.StringIO()
    previous = observability.logger.registered_handler.setStream(stream)

    @instrumented
    def handler(event, context):
        logging.getLogger("tenantapi").warning("something worth a look")
        return {"statusCode": 200}

    try:
        assert handler(EVENT, _Context()) == {"statusCode": 200}
    finally:
        observability.logger.registered_handler.setStream(previous)
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if "something" in line]
    assert lines, "the engine's logger writes through the Powertools formatter"
    line = lines[0]
    assert line["correlation_id"] == "gw-42"
    assert line["workspace_id"] == "ws-1" and line["key_id"] == "key-1"
    assert "authorizer" not in json.dumps(line)


def test_tracing_stays_off_outside_lambda_or_when_disabled(monkeypatch):
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "false")
    assert observability._tracing() is False
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "CoreApiFunction")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    assert observability._tracing() is False
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "false")
    assert observability._tracing() is True

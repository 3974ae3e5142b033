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


def test_each_invocation_reports_the_dynamodb_capacity_its_calls_consumed(capsys, monkeypatch):
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")  # the test session turns EMF output off
    import boto3
    from moto import mock_aws

    from tenantapi.storage.capacity import CapacityMeter

    with mock_aws():
        meter = CapacityMeter()
        dynamodb = meter.attach(boto3.client("dynamodb", region_name="us-east-1"))
        dynamodb.create_table(
            TableName="metered", BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        )  # fmt: skip
        assert meter.take() == (0.0, 0.0), "control-plane calls consume nothing"
        dynamodb.put_item(TableName="metered", Item={"pk": {"S": "a"}})
        dynamodb.get_item(TableName="metered", Key={"pk": {"S": "a"}}, ConsistentRead=True)
        read, write = meter.take()
        assert read > 0 and write > 0
        assert meter.take() == (0.0, 0.0), "take starts the meter again"

        observability.capacity.take()
        observability.metrics.clear_metrics()  # what earlier tests' invocations left unflushed

        @instrumented
        def handler(event, context):
            observability.capacity.read += 2.5  # what the process's metered client adds up
            observability.capacity.write += 1.0
            return {"statusCode": 200}

        capsys.readouterr()
        handler(EVENT, _Context())
    emf = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    metrics = {m["Name"] for blob in emf for d in blob["_aws"]["CloudWatchMetrics"] for m in d["Metrics"]}
    assert {"ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits"} <= metrics
    values = {k: v for blob in emf for k, v in blob.items() if k.startswith("Consumed")}
    assert values == {"ConsumedReadCapacityUnits": [2.5], "ConsumedWriteCapacityUnits": [1.0]}


def test_with_metrics_disabled_nothing_is_recorded_or_printed_and_enabled_metrics_keep_the_cold_start(capsys, monkeypatch):
    from aws_lambda_powertools.metrics.provider import cold_start

    from tenantapi.observability import count

    @instrumented
    def handler(event, context):
        count("Served")
        return {"statusCode": 200}

    observability.metrics.clear_metrics()  # what earlier tests' invocations left unflushed
    monkeypatch.setattr(cold_start, "is_cold_start", True)
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    capsys.readouterr()
    # Powertools prints the cold-start metric, and a metric's 100 values, even when disabled.
    for _ in range(105):
        handler(EVENT, _Context())
    assert '"_aws"' not in capsys.readouterr().out

    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")  # on Lambda
    handler(EVENT, _Context())
    emf = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert [blob["ColdStart"] for blob in emf if "ColdStart" in blob] == [[1.0]]
    assert [blob["Served"] for blob in emf if "Served" in blob] == [[1.0]], "nothing is kept from disabled invocations"

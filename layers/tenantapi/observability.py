"""Logs and metrics of the functions (README, "In the AWS console"), with Powertools.

Traces (X-Ray, Powertools Tracer) are on when the template's `Tracing` parameter is Active.
Logs are JSON, one line per event, with the API Gateway request id as correlation id and the
workspace and key ids of the caller appended; never a secret (the authorizer context carries none,
and the event itself is not logged). Metrics are CloudWatch EMF lines: cold starts, schema cache
hits and misses, 429s, and the DynamoDB read and write capacity each invocation consumed; with
POWERTOOLS_METRICS_DISABLED (`make run`, the tests) none is recorded or printed. The engine logs
through the standard "tenantapi" logger, which the Powertools Logger of the same service name
formats.
"""

from __future__ import annotations

import os
import warnings
from functools import wraps
from typing import Any, Callable

from aws_lambda_powertools.logging import Logger, correlation_paths
from aws_lambda_powertools.metrics import Metrics, MetricUnit
from aws_lambda_powertools.metrics.functions import is_metrics_disabled

from .storage.capacity import meter as capacity

__all__ = ["logger", "metrics", "instrumented", "count"]

SERVICE = os.environ.get("POWERTOOLS_SERVICE_NAME", "tenantapi")
logger = Logger(service=SERVICE)
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "tenantapi"), service=SERVICE)

Handler = Callable[[dict[str, Any], Any], Any]

# An invocation that counted nothing (an authorizer call, a refused request) is normal here.
warnings.filterwarnings("ignore", message="No application metrics to publish")


def _tracing() -> bool:
    # X-Ray's SDK costs a few hundred milliseconds of import: load it only where traces are
    # wanted (the template's Tracing parameter sets POWERTOOLS_TRACE_DISABLED) and can be sent.
    disabled = os.environ.get("POWERTOOLS_TRACE_DISABLED", "true").lower() == "true"
    return not disabled and "AWS_LAMBDA_FUNCTION_NAME" in os.environ


def instrumented(handler: Handler) -> Handler:
    """A Lambda handler with correlated JSON logs, the caller's ids in every line, metrics
    flushed (with a cold-start metric and the DynamoDB capacity consumed) at the end of each invocation, and, when tracing is on,
    an X-Ray segment per invocation with DynamoDB calls as subsegments."""

    @wraps(handler)
    def run(event: dict[str, Any], context: Any) -> Any:
        authorizer = ((event or {}).get("requestContext") or {}).get("authorizer") or {}
        logger.append_keys(workspace_id=authorizer.get("workspaceId"), key_id=authorizer.get("keyId"))
        capacity.take()  # what the init consumed is not this invocation's
        try:
            return handler(event, context)
        finally:
            read, write = capacity.take()
            if read:
                count("ConsumedReadCapacityUnits", read)
            if write:
                count("ConsumedWriteCapacityUnits", write)

    traced: Handler = run
    if _tracing():
        from aws_lambda_powertools.tracing import Tracer  # patches botocore: DynamoDB subsegments

        traced = Tracer(service=SERVICE).capture_lambda_handler(run)
    flushed = metrics.log_metrics(capture_cold_start_metric=True)(traced)

    @wraps(handler)
    def with_metrics(event: dict[str, Any], context: Any) -> Any:
        # With metrics disabled Powertools skips the flush, yet prints the cold-start metric
        # (single_metric) and, once a metric holds 100 values that no flush cleared, the whole set
        # (add_metric): so no metric is recorded or flushed at all. Read at each invocation, as
        # Powertools reads the variable at each flush.
        return traced(event, context) if is_metrics_disabled() else flushed(event, context)

    return logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False)(with_metrics)


def count(name: str, value: float = 1) -> None:
    """Add to a count metric of this invocation (flushed by `instrumented`); nothing when
    POWERTOOLS_METRICS_DISABLED is set."""
    if not is_metrics_disabled():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)

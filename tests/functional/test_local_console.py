"""What the local stack prints while it serves (`make run`'s console): one line per request and
the functions' errors, never an EMF metric line (metrics are off locally)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from aws_lambda_powertools.metrics.provider import cold_start
from tenantapi_tools.local.gateway import LocalGateway

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.11
    Timeout: 10
Resources:
  MeteredFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: metered/
      Handler: app.handler
      Events:
        Any:
          Type: Api
          Properties:
            Path: /{proxy+}
            Method: GET
"""

# An instrumented handler, as the template's functions are: it counts a metric on every call and
# fails on /fail.
HANDLER = """\
from tenantapi.observability import count, instrumented


@instrumented
def handler(event, context):
    count("Served")
    if event["path"] == "/fail":
        raise RuntimeError("the handler failed")
    return {"statusCode": 200, "body": "ok"}
"""


@pytest.fixture
def gateway(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalGateway]:
    (tmp_path / "metered").mkdir()
    (tmp_path / "metered" / "app.py").write_text(HANDLER, encoding="utf-8")
    (tmp_path / "template.yaml").write_text(TEMPLATE, encoding="utf-8")
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")  # as make run sets it
    # A cold start of this process, whatever earlier tests invoked: the cold-start metric is due.
    monkeypatch.setattr(cold_start, "is_cold_start", True)
    with LocalGateway(tmp_path / "template.yaml") as local:
        yield local


def test_with_metrics_disabled_the_console_has_the_request_log_and_errors_and_no_emf_line(
    gateway: LocalGateway, capfd: pytest.CaptureFixture[str]
) -> None:
    # Past 100 values of one metric Powertools prints the set even when metrics are disabled.
    statuses = [gateway.handle("GET", "/ok", "", [], b"")[0] for _ in range(105)]
    failed = gateway.handle("GET", "/fail", "", [], b"")
    assert set(statuses) == {200} and failed[0] == 502

    out, err = capfd.readouterr()
    assert '"_aws"' not in out + err, "an EMF metric line reached the console"
    assert err.count("GET /ok 200 ") == 105 and "GET /fail 502 " in err
    assert "[MeteredFunction] invocation failed:" in err and "RuntimeError: the handler failed" in err

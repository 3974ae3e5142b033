"""`make run`: DynamoDB Local, the tables, a demo workspace and key, and the local gateway.

Environment: PORT (gateway, default 3000) and DDB_PORT (DynamoDB Local, default 8000), the local
stack's own; PARAMETER_OVERRIDES, the template's parameters as `sam deploy --parameter-overrides`
takes them (e.g. "AuthorizerTtlSeconds=0 RateLimitPerMinute=500"): the gateway and the functions
get the settings template.yaml gives them on AWS. Data is kept under .data/ between runs; SIGINT or
SIGTERM stops both servers.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

from tenantapi.auth.keys import KeyStore
from tenantapi.usage_plans import UsageKeyPlans
from tenantapi.workspaces import create_workspace, find_workspace

from .dynamodb_local import DynamoDBLocal, MissingTool, ensure_installed
from .gateway import LocalGateway, serve
from .parameters import parse_parameter_overrides
from .tables import create_tables
from .template import DEFAULT_TEMPLATE, TemplateError

ROOT = DEFAULT_TEMPLATE.parent
DEMO_WORKSPACE = "demo"


def _banner(port: int, ddb_endpoint: str, workspace_id: str, secret: str) -> str:
    base = f"http://127.0.0.1:{port}"
    return f"""
tenantapi is serving workspace '{DEMO_WORKSPACE}' ({workspace_id}) at {base}

Admin key (shown once):
  export TENANTAPI_KEY={secret}

For the tenantapi CLI in another shell:
  export AWS_ENDPOINT_URL_DYNAMODB={ddb_endpoint} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1

Try:
  curl -s {base}/rest/companies -H "Authorization: Bearer $TENANTAPI_KEY"
  curl -s -X POST {base}/rest/people -H "Authorization: Bearer $TENANTAPI_KEY" -H "Content-Type: application/json" \\
       -d '{{"name":{{"firstName":"Ada","lastName":"Lovelace"}},"city":"London"}}'

Playground (paste the key into the page): {base}/rest/playground (REST), {base}/graphql (GraphQL)

Ctrl-C stops the gateway and DynamoDB Local.
"""


def main() -> int:
    port = int(os.environ.get("PORT", "3000"))
    ddb_port = int(os.environ.get("DDB_PORT", "8000"))
    if os.environ.get("AUTHORIZER_TTL_SECONDS"):
        # The template's parameter is the one setting of the authorizer cache, locally as on AWS.
        print('make run: AUTHORIZER_TTL_SECONDS is now PARAMETER_OVERRIDES="AuthorizerTtlSeconds=N"', file=sys.stderr)
        return 1
    # Local credentials: DynamoDB Local accepts any; they must only be present.
    # POWERTOOLS_METRICS_DISABLED: no CloudWatch locally, so no EMF lines in the terminal.
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "local"), ("AWS_SECRET_ACCESS_KEY", "local"), ("AWS_DEFAULT_REGION", "us-east-1"),
        ("POWERTOOLS_METRICS_DISABLED", "true"),
    ):
        os.environ.setdefault(name, value)
    try:
        ensure_installed()
        overrides = parse_parameter_overrides(os.environ.get("PARAMETER_OVERRIDES", ""))
        # Before anything starts: a template the local stack cannot run is refused at once.
        # Each usage key is metered in its workspace's plan, as API Gateway does (`set-plan` moves it).
        gateway = LocalGateway(Path(DEFAULT_TEMPLATE), parameter_overrides=overrides, key_plans=UsageKeyPlans())
    except (MissingTool, TemplateError) as error:
        print(f"make run: {error}", file=sys.stderr)
        return 1
    data_dir = ROOT / ".data" / "dynamodb"
    data_dir.mkdir(parents=True, exist_ok=True)
    ddb = DynamoDBLocal(port=ddb_port, db_path=data_dir).start()
    server = None
    try:
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = ddb.endpoint
        create_tables()
        head = find_workspace(DEMO_WORKSPACE) or create_workspace(DEMO_WORKSPACE)
        _, secret = KeyStore().create(head.id, role="Admin", name="make run", usage_key=head.usage_key)
        server = serve(gateway, "127.0.0.1", port)
        print(_banner(port, ddb.endpoint, head.id, secret), flush=True)
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        stop.wait()
        print("stopping…", flush=True)
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
        gateway.close()
        ddb.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

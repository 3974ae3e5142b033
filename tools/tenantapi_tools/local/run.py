"""`make run`: DynamoDB Local, the tables, a demo workspace and key, and the local gateway.

Environment: PORT (gateway, default 3000), DDB_PORT (DynamoDB Local, default 8000),
AUTHORIZER_TTL_SECONDS (authorizer cache TTL; default: the template's ReauthorizeEvery).
Data is kept under .data/ between runs; SIGINT or SIGTERM stops both servers.
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
from .tables import create_tables
from .template import DEFAULT_TEMPLATE

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
    ttl_env = os.environ.get("AUTHORIZER_TTL_SECONDS")
    authorizer_ttl = float(ttl_env) if ttl_env else None
    try:
        ensure_installed()
    except MissingTool as error:
        print(f"make run: {error}", file=sys.stderr)
        return 1
    # Local credentials: DynamoDB Local accepts any; they must only be present.
    # POWERTOOLS_METRICS_DISABLED: no CloudWatch locally, so no EMF lines in the terminal.
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "local"), ("AWS_SECRET_ACCESS_KEY", "local"), ("AWS_DEFAULT_REGION", "us-east-1"),
        ("POWERTOOLS_METRICS_DISABLED", "true"),
    ):
        os.environ.setdefault(name, value)
    data_dir = ROOT / ".data" / "dynamodb"
    data_dir.mkdir(parents=True, exist_ok=True)
    ddb = DynamoDBLocal(port=ddb_port, db_path=data_dir).start()
    server = None
    try:
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = ddb.endpoint
        create_tables()
        head = find_workspace(DEMO_WORKSPACE) or create_workspace(DEMO_WORKSPACE)
        _, secret = KeyStore().create(head.id, role="Admin", name="make run", usage_key=head.usage_key)
        # Each usage key is metered in its workspace's plan, as API Gateway does (`set-plan` moves it).
        gateway = LocalGateway(Path(DEFAULT_TEMPLATE), authorizer_ttl=authorizer_ttl, key_plans=UsageKeyPlans())
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
        ddb.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

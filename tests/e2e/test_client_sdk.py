"""The official `twenty-client-sdk` against the local server: it fetches the core SDL through its
metadata client (`applicationCoreGraphqlSchema` on POST /metadata), generates its typed core
client with its own generator, and runs a query through that client on POST /graphql.

The package is installed with npm under `.tools/client-sdk/` (once; the pinned version below is
the only place it is named). The SDK declares Node ^24.5 as its engine; it installs and runs on
Node 20 as well (npm only warns).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

CLIENT_SDK_VERSION = "2.43.0"

ROOT = Path(__file__).resolve().parents[2]
SDK_PREFIX = ROOT / ".tools" / "client-sdk"
SCRIPT = Path(__file__).resolve().parent / "client_sdk" / "generate_and_query.mjs"
INSTALL_TIMEOUT = 300
RUN_TIMEOUT = 180


def _installed_version() -> str | None:
    manifest = SDK_PREFIX / "node_modules" / "twenty-client-sdk" / "package.json"
    try:
        return str(json.loads(manifest.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


@pytest.fixture(scope="session")
def client_sdk() -> Path:
    """The npm prefix holding twenty-client-sdk at CLIENT_SDK_VERSION, installed if missing."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        pytest.fail("npm (with node) is not installed: the twenty-client-sdk test needs it (make test requires both)")
    if _installed_version() != CLIENT_SDK_VERSION:
        SDK_PREFIX.mkdir(parents=True, exist_ok=True)
        command = [
            npm, "install", "--prefix", str(SDK_PREFIX), f"twenty-client-sdk@{CLIENT_SDK_VERSION}",
            "--no-audit", "--no-fund", "--loglevel=error",
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False)
        assert done.returncode == 0, f"npm install failed:\n{done.stdout}\n{done.stderr}"
        assert _installed_version() == CLIENT_SDK_VERSION
    return SDK_PREFIX


def test_the_generated_core_client_reads_a_person(client_sdk: Path, new_tenant, gateway_url: str, tmp_path: Path) -> None:
    tenant = new_tenant("client-sdk")
    first_name = f"Ada-{uuid.uuid4().hex[:8]}"
    created = tenant.client.post("/rest/people", json={"name": {"firstName": first_name, "lastName": "Lovelace"}})
    assert created.status_code == 201, created.text
    person_id = created.json()["data"]["createPerson"]["id"]

    env = {
        **os.environ,
        "TWENTY_CLIENT_SDK_DIR": str(client_sdk),
        "TWENTY_API_URL": gateway_url.rstrip("/"),
        "TWENTY_API_KEY": tenant.secret,
        "OUTPUT_DIR": str(tmp_path / "core-client"),
    }
    for name in ("TWENTY_APP_ACCESS_TOKEN", "TWENTY_APP_APPLICATION_ACCESS_TOKEN"):
        env.pop(name, None)  # the SDK prefers these to TWENTY_API_KEY
    done = subprocess.run(
        ["node", str(SCRIPT)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
    )
    assert done.returncode == 0, f"node failed:\n{done.stdout}\n{done.stderr}"

    output = json.loads(done.stdout.strip().splitlines()[-1])
    assert output["sdlLength"] > 0
    nodes = {edge["node"]["id"]: edge["node"] for edge in output["people"]["edges"]}
    assert nodes[person_id]["name"] == {"firstName": first_name}
    assert (tmp_path / "core-client" / "index.mjs").is_file()

"""DynamoDB Local: install checks, start and stop by PID, persistence, 127.0.0.1 only."""

from __future__ import annotations

import os
import re
import shutil
import socket
import sys
from pathlib import Path

import boto3
import pytest
from tenantapi_tools.local.dynamodb_local import (
    DynamoDBLocal,
    DynamoDBLocalError,
    MissingTool,
    ensure_installed,
    free_port,
)


def _client(endpoint: str):  # noqa: ANN202 - boto3 clients have no static type
    return boto3.client("dynamodb", endpoint_url=endpoint)


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _outward_address() -> str | None:
    """This machine's address on its default route, or None without one (a UDP connect sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


def test_start_answers_and_stop_ends_the_process(tmp_path: Path) -> None:
    server = DynamoDBLocal(port=free_port(), log_path=tmp_path / "dynamodb-local.log")
    with server:
        pid = server.pid
        assert pid is not None and _is_running(pid)
        assert server.endpoint == f"http://127.0.0.1:{server.port}"
        assert _client(server.endpoint).list_tables()["TableNames"] == []
    assert server.pid is None
    assert not _is_running(pid)
    server.stop()  # stopping twice is harmless


def test_output_goes_to_the_log_file(dynamodb_local: DynamoDBLocal) -> None:
    assert "DynamoDB Local listening on 127.0.0.1" in dynamodb_local.log_path.read_text()


def _listening_addresses(port: int) -> set[str]:
    """The local addresses (the kernel's hex form) of every socket listening on `port`, read from
    Linux's socket tables, so the check needs no second network interface."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as rows:
            next(rows)  # the header
            for row in rows:
                local, state = row.split()[1], row.split()[3]
                address, _, hex_port = local.partition(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    found.add(address)
    return found


# 127.0.0.1 as IPv4, as IPv4-mapped IPv6, and ::1, in the byte order of /proc/net/tcp*.
_LOOPBACK = {"0100007F", "0000000000000000FFFF00000100007F", "00000000000000000000000001000000"}


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's socket tables")
def test_listens_on_127_0_0_1_only(dynamodb_local: DynamoDBLocal) -> None:
    listening = _listening_addresses(dynamodb_local.port)
    assert listening and listening <= _LOOPBACK, listening
    address = _outward_address()
    if address is not None:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((address, dynamodb_local.port), timeout=5).close()
    socket.create_connection(("127.0.0.1", dynamodb_local.port), timeout=5).close()


def test_data_survives_a_restart_with_db_path(tmp_path: Path) -> None:
    port = free_port()
    with DynamoDBLocal(port=port, db_path=tmp_path / "data") as server:
        client = _client(server.endpoint)
        client.create_table(
            TableName="kept",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        client.put_item(TableName="kept", Item={"pk": {"S": "a"}, "n": {"N": "1"}})
    with DynamoDBLocal(port=port, db_path=tmp_path / "data") as server:
        item = _client(server.endpoint).get_item(TableName="kept", Key={"pk": {"S": "a"}})["Item"]
    assert item == {"pk": {"S": "a"}, "n": {"N": "1"}}
    assert (tmp_path / "data" / "shared-local-instance.db").is_file()


def test_a_port_in_use_is_refused_before_starting() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = DynamoDBLocal(port=taken.getsockname()[1])
        with pytest.raises(DynamoDBLocalError, match="is in use"):
            server.start()
    assert server.pid is None


class _StandIn(DynamoDBLocal):
    """Runs a Python snippet instead of java, to see how start() treats a server that misbehaves."""

    def __init__(self, code: str, log_path: Path) -> None:
        super().__init__(port=free_port(), log_path=log_path)
        self.code = code

    def command(self, lib: Path) -> list[str]:
        return [sys.executable, "-c", self.code]


def test_a_server_that_exits_raises_with_its_output(tmp_path: Path) -> None:
    server = _StandIn("print('cannot open the database'); raise SystemExit(3)", tmp_path / "out.log")
    with pytest.raises(DynamoDBLocalError, match=r"(?s)exited with status 3:.*cannot open the database"):
        server.start()
    assert server.pid is None


def test_a_server_that_never_answers_is_killed_after_the_timeout(tmp_path: Path) -> None:
    server = _StandIn("import os, time; print('stuck', os.getpid(), flush=True); time.sleep(120)", tmp_path / "out.log")
    with pytest.raises(DynamoDBLocalError, match=r"did not answer on http://127\.0\.0\.1:\d+ within 1s") as raised:
        server.start(timeout=1)
    pid = int(re.search(r"stuck (\d+)", str(raised.value)).group(1))  # type: ignore[union-attr]
    assert server.pid is None and not _is_running(pid)


def test_missing_java_is_named_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(MissingTool) as raised:
        ensure_installed(tmp_path / "tools")
    message = str(raised.value)
    assert message.startswith("java not found: install a Java development kit 17+")
    assert "\n" not in message
    with pytest.raises(MissingTool, match="^java not found"):
        DynamoDBLocal(port=free_port(), tools_dir=tmp_path / "tools").start()


def test_missing_npm_is_named_when_the_jar_is_not_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("java", "javac"):
        found = shutil.which(tool)
        assert found, f"{tool} is needed to run this test"
        (bin_dir / tool).symlink_to(found)
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(MissingTool, match=r"^npm not found: install Node\.js and npm"):
        ensure_installed(tmp_path / "tools")

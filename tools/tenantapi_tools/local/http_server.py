"""The socket side of the local gateway: a threaded HTTP/1.1 server on 127.0.0.1.

It only frames requests and responses; every decision is `LocalGateway.handle`'s.
"""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Mapping
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol
from urllib.parse import urlsplit

__all__ = ["GatewayHTTPServer", "RequestHandler", "Response", "serve"]

# Status, headers and body: what the server writes back for one request.
Response = tuple[int, list[tuple[str, str]], bytes]


class RequestHandler(Protocol):
    """What the server hands each framed request to (LocalGateway)."""

    def handle(
        self,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str] | list[tuple[str, str]],
        body: bytes,
        *,
        source_ip: str = ...,
    ) -> Response: ...

# Reading stops one byte past API Gateway's 10 MB payload limit: enough for the gateway to refuse.
_READ_LIMIT = 10 * 1024 * 1024 + 1
# An idle keep-alive connection, or a client that stops sending, is dropped after this long.
_SOCKET_TIMEOUT_SECONDS = 60.0
_SHUTDOWN_JOIN_SECONDS = 5.0


class _RequestTooLong(Exception):
    pass


class _GatewayRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as clients expect from API Gateway
    timeout = _SOCKET_TIMEOUT_SECONDS
    server: GatewayHTTPServer

    def _serve(self) -> None:
        target = urlsplit(self.path) if "://" in self.path else None
        path, _, query = (target.path + "?" + target.query if target else self.path).partition("?")
        try:
            body = self._read_body()
        except _RequestTooLong:
            body = b"\0" * _READ_LIMIT  # the gateway answers REQUEST_TOO_LARGE
            self.close_connection = True  # the rest of the body is still on the wire
        except ValueError:
            self.send_error(400, "Bad Request")  # an unreadable Content-Length or chunk size
            return
        try:
            status, headers, payload = self.server.gateway.handle(
                self.command, path or "/", query, list(self.headers.items()), body, source_ip=self.client_address[0]
            )
        except Exception:  # noqa: BLE001 - a fault of the emulation itself must not kill the connection silently
            traceback.print_exc(file=sys.stderr)
            status, headers, payload = 500, [("Content-Type", "application/json")], b'{"message":"Internal server error"}'
        self.send_response_only(status)
        self.send_header("Date", formatdate(usegmt=True))
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        if length > _READ_LIMIT:
            raise _RequestTooLong
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            size = int(self.rfile.readline(1024).split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            total += size
            if total > _READ_LIMIT:
                raise _RequestTooLong
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        # The gateway logs each request itself, without query strings or secrets.
        pass


class GatewayHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], gateway: RequestHandler) -> None:
        super().__init__(address, _GatewayRequestHandler)
        self.gateway = gateway
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()

    def shutdown(self) -> None:
        """Stop serving, close the socket and wait (bounded) for the serving thread."""
        super().shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(_SHUTDOWN_JOIN_SECONDS)


def serve(gateway: RequestHandler, host: str = "127.0.0.1", port: int = 3000) -> GatewayHTTPServer:
    """Start serving `gateway` on host:port (0: any free port) in a daemon thread; the caller
    calls `.shutdown()`. The gateway serves at the root, as `sam local start-api` does."""
    server = GatewayHTTPServer((host, port), gateway)
    server.start()
    return server

"""A local HTTP server in place of api.twilio.com: it answers what a test scripts (Twilio's
documented error bodies, list pages) or misbehaves (hangs, drops the connection), and records
every request it read."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from tests.contracts.twilio_contract import ContractRequest


@dataclass
class Received:
    method: str
    path: str
    query: list[tuple[str, str]]
    form: list[tuple[str, str]]
    authorization: str | None = None

    def as_contract_request(self) -> ContractRequest:
        return ContractRequest(self.method, self.path, self.query, self.form, self.authorization)

    def field(self, name: str) -> str | None:
        values = [value for key, value in self.form + self.query if key == name]
        return values[0] if values else None


@dataclass
class Answer:
    """What the server does with the next requests: reply, `hang` past the read timeout, or
    `drop` the connection after reading the request."""

    status: int = 200
    body: object = field(default_factory=dict)
    behaviour: str = "reply"


class _Handler(BaseHTTPRequestHandler):
    server: SeamHTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        url = urlsplit(self.path)
        self.server.received.append(
            Received(
                self.command,
                url.path,
                parse_qsl(url.query),
                parse_qsl(raw),
                self.headers.get("Authorization"),
            )
        )
        answer = self.server.answer
        if answer.behaviour == "hang":
            # The request is in; the answer never comes (until the test ends).
            self.server.release.wait(10)
            self.close_connection = True
            return
        if answer.behaviour == "drop":
            self.close_connection = True
            return
        body = answer.body if isinstance(answer.body, str) else json.dumps(answer.body)
        payload = body.encode()
        self.send_response(answer.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = _handle
    do_POST = _handle


class SeamHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answer = Answer()
        self.received: list[Received] = []
        self.release = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> SeamHTTPServer:
        threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()


def closed_port_url() -> str:
    """A loopback port nobody listens on: connection refused, nothing sent."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class FullBacklog:
    """A listening socket whose accept queue is full: Linux drops further SYNs, so a connect
    times out without the request ever being sent."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(0)
        self.port = self.listener.getsockname()[1]
        self.fillers: list[socket.socket] = []
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", self.port))
            self.fillers.append(filler)
        time.sleep(0.1)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def drops_connects(self) -> bool:
        with socket.socket() as probe:
            probe.settimeout(0.3)
            try:
                probe.connect(("127.0.0.1", self.port))
            except TimeoutError:
                return True
            except OSError:
                return False
        return False

    def close(self) -> None:
        for sock in [*self.fillers, self.listener]:
            sock.close()

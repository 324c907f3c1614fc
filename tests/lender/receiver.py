"""A lender's receiver on loopback for the tests: a small threaded HTTP server that records every
request (headers and body) and answers from a script (500, 500, 200, ...), as a real one would."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    @property
    def event_id(self) -> str:
        return self.headers["X-Event-Id"]


@dataclass
class Receiver:
    url: str
    # Answers in order, then `then` for every later request. An answer is a status, or
    # (status, body, headers), or "hang" (hold the request until `release` is set).
    script: list = field(default_factory=list)
    then: int = 200
    received: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Event = field(default_factory=threading.Event)

    def event_ids(self) -> list[str]:
        return [r.event_id for r in self.received]

    def delivered_ids(self) -> set[str]:
        """What a receiver that deduplicates on X-Event-Id has taken in."""
        return set(self.event_ids())


@contextmanager
def receiver(script: list | None = None, then: int = 200) -> Iterator[Receiver]:
    lock = threading.Lock()
    state = Receiver(url="", script=list(script or []), then=then)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                state.received.append(Received(self.path, dict(self.headers), body))
                answer = state.script.pop(0) if state.script else state.then
            state.arrived.set()
            if answer == "hang":
                state.release.wait(timeout=30)
                answer = 200
            status, text, headers = (
                answer if isinstance(answer, tuple) else (answer, f"status {answer}", {})
            )
            payload = text.encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:  # quiet test output
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/lender/events"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()

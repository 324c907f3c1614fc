"""Runs ../shared/bin/twilio-mock (Stoplight Prism serving Twilio's OpenAPI contract) for tests."""

from __future__ import annotations

import collections
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MOCK = ROOT.parent / "shared" / "bin" / "twilio-mock"
# The first start installs Prism from npm into a cache, which takes a while.
STARTUP_TIMEOUT = 120
READY_LINE = "Prism is listening"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TwilioMock:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.output: collections.deque[str] = collections.deque(maxlen=200)
        self.process: subprocess.Popen | None = None

    def start(self) -> str | None:
        """Start and wait until ready. Returns None, or why it could not start."""
        if not MOCK.exists():
            return f"the Twilio contract mock is not beside the checkout ({MOCK.name} missing)"
        self.process = subprocess.Popen(
            [str(MOCK), str(self.port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            # Its own process group, so stopping it also stops what npm or Prism started.
            start_new_session=True,
        )
        ready = threading.Event()
        # Prism logs every route at start and every request after: the pipe must be drained
        # for as long as it runs, or Prism blocks on a full pipe.
        threading.Thread(target=self._drain, args=(ready,), daemon=True).start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not ready.wait(0.2):
            if self.process.poll() is not None:
                return f"twilio-mock exited with {self.process.returncode}: {self.tail()}"
            if time.monotonic() > deadline:
                self.stop()
                return f"twilio-mock not ready after {STARTUP_TIMEOUT} s: {self.tail()}"
        return None

    def _drain(self, ready: threading.Event) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line.rstrip())
            if READY_LINE in line:
                ready.set()

    def tail(self) -> str:
        return " | ".join(list(self.output)[-8:])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

"""The Twilio-shaped loopback server (collections_app/devtools/twilio_server.py), in a thread of
the test process, with every request checked against Twilio's published contract.

A request that breaks the contract is answered like a Twilio 400 (no resource created) and
recorded in `violations`; the test fixture fails a test that leaves any it did not expect. The
server's own answers are checked too, so they stay shaped like Twilio's.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl

from aiohttp import web

from collections_app.devtools.twilio_server import make_app, reset_counts
from tests.contracts.twilio_contract import (
    ContractRequest,
    ContractResponse,
    twilio_contract,
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ContractTwilioServer:
    def __init__(self) -> None:
        self.contract = twilio_contract()
        self.violations: list[str] = []
        self.bad_answers: list[str] = []
        self.requests: list[ContractRequest] = []
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self.url = ""

    def start(self) -> ContractTwilioServer:
        ready = threading.Event()
        threading.Thread(target=self._serve, args=(ready,), daemon=True).start()
        if not ready.wait(10):
            raise RuntimeError("the contract server did not start")
        return self

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._runner = web.AppRunner(make_app(middlewares=(self._check,)), access_log=None)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        ready.set()
        self._loop.run_forever()

    @web.middleware
    async def _check(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        raw = (await request.read()).decode()
        received = ContractRequest(
            method=request.method,
            path=request.path,
            query=list(request.query.items()),
            form=parse_qsl(raw, keep_blank_values=True),
            authorization=request.headers.get("Authorization"),
            content_type=request.content_type,
        )
        if request.path.startswith("/_"):  # the server's own /_stats and /_reset
            return await handler(request)
        self.requests.append(received)
        problems = self.contract.request_violations(received)
        if problems:
            where = f"{request.method} {request.path}"
            self.violations.extend(f"{where}: {p}" for p in problems)
            return web.json_response(
                {"code": None, "message": "; ".join(problems), "status": 400}, status=400
            )
        response = await handler(request)
        assert isinstance(response, web.Response)
        answer = ContractResponse(response.status, response.body or b"")
        self.bad_answers.extend(self.contract.response_violations(received, answer))
        return response

    def take_violations(self) -> list[str]:
        taken, self.violations[:] = list(self.violations), []
        return taken

    def reset(self) -> None:
        self.violations.clear()
        self.bad_answers.clear()
        self.requests.clear()
        reset_counts(self.url)

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)

"""A loopback HTTP server shaped like Twilio's Messages and Calls endpoints, for the kill test,
the dispatch benchmark and the simulator. It counts every request it receives per outbox
message (the `m` query parameter of the status callback URL), so "sent exactly once" is counted
at the receiving end, and it can answer slowly (`--latency`) like a real provider.

    python -m collections_app.devtools.twilio_server --port 8765 --latency 0.2

Only ever bound to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import secrets
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from urllib.parse import parse_qs, urlsplit

from aiohttp import web

_SENT: list[dict[str, str]] = []
LATENCY = web.AppKey("latency", float)
_PER_MESSAGE: Counter[str] = Counter()


def _error(code: int, message: str, status: int = 400) -> web.Response:
    body = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return web.json_response(body, status=status)


def _key(callback: str) -> str:
    values = parse_qs(urlsplit(callback).query).get("m")
    return values[0] if values else ""


async def _create(request: web.Request, prefix: str) -> web.Response:
    form = await request.post()
    to = form.get("To", "")
    if not to:
        return _error(21604, "A 'To' phone number is required.")
    if prefix == "SM" and not form.get("Body"):
        return _error(21602, "Message body is required.")
    if not (form.get("From") or form.get("MessagingServiceSid")):
        return _error(21603, "A 'From' phone number is required.")
    latency = request.app[LATENCY]
    if latency:
        await asyncio.sleep(latency)
    sid = prefix + secrets.token_hex(16)
    now = dt.datetime.now(dt.UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    record = {
        "sid": sid,
        "to": str(to),
        "from": str(form.get("From", "")) or None,
        "body": str(form.get("Body", "")),
        "status": "queued",
        "date_created": now,
        "date_sent": now,
        "messaging_service_sid": str(form.get("MessagingServiceSid", "")) or None,
        "account_sid": request.match_info["account"],
        "direction": "outbound-api",
        "api_version": "2010-04-01",
        "num_segments": "1",
        "price": None,
        "price_unit": "USD",
        "uri": f"/2010-04-01/Accounts/{request.match_info['account']}/Messages/{sid}.json",
    }
    _SENT.append(record)
    _PER_MESSAGE[_key(str(form.get("StatusCallback", "")))] += 1
    return web.json_response(record, status=201)


async def create_message(request: web.Request) -> web.Response:
    return await _create(request, "SM")


async def create_call(request: web.Request) -> web.Response:
    return await _create(request, "CA")


async def list_messages(request: web.Request) -> web.Response:
    to = request.query.get("To")
    found = [r for r in _SENT if to is None or r["to"] == to]
    key = "calls" if request.path.endswith("Calls.json") else "messages"
    # The 2010 API's list page (ListMessageResponse / ListCallResponse): everything on one page.
    page = {
        key: found,
        "end": max(len(found) - 1, 0),
        "first_page_uri": request.path_qs,
        "next_page_uri": None,
        "page": 0,
        "page_size": len(found),
        "previous_page_uri": None,
        "start": 0,
        "uri": request.path_qs,
    }
    return web.json_response(page)


async def stats(request: web.Request) -> web.Response:
    return web.json_response(
        {
            "received": len(_SENT),
            "messages": len(_PER_MESSAGE),
            "duplicates": sum(1 for n in _PER_MESSAGE.values() if n > 1),
            "per_message": dict(_PER_MESSAGE),
        }
    )


async def reset(request: web.Request) -> web.Response:
    _SENT.clear()
    _PER_MESSAGE.clear()
    return web.json_response({"ok": True})


def make_app(latency: float = 0.0, middlewares: tuple = ()) -> web.Application:
    """The server's routes; `middlewares` lets the tests check each request against Twilio's
    published contract (tests/contracts/)."""
    app = web.Application(middlewares=middlewares)
    app[LATENCY] = latency
    base = "/2010-04-01/Accounts/{account}"
    app.router.add_post(f"{base}/Messages.json", create_message)
    app.router.add_get(f"{base}/Messages.json", list_messages)
    app.router.add_post(f"{base}/Calls.json", create_call)
    app.router.add_get(f"{base}/Calls.json", list_messages)
    app.router.add_get("/_stats", stats)
    app.router.add_post("/_reset", reset)
    return app


def spawn(port: int, latency: float, cwd: str | None = None) -> tuple[subprocess.Popen, str]:
    """This server in a process of its own on `port`; returns it and its URL once it answers."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "collections_app.devtools.twilio_server",
            "--port",
            str(port),
            "--latency",
            str(latency),
        ],
        cwd=cwd,
        stdout=subprocess.PIPE,
        text=True,
    )
    proc.stdout.readline()  # {"listening": ...}
    url = f"http://127.0.0.1:{port}"
    fetch_stats(url)  # waits until it answers
    return proc, url


def fetch_stats(url: str) -> dict:
    """What the server at `url` has received: {"received", "duplicates", ...}."""
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"{url}/_stats", timeout=5) as response:  # noqa: S310
                return json.loads(response.read())
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the Twilio-shaped server at {url} does not answer")


def reset_counts(url: str) -> None:
    request = urllib.request.Request(f"{url}/_reset", method="POST")  # noqa: S310
    urllib.request.urlopen(request, timeout=10)  # noqa: S310


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per request")
    args = parser.parse_args()
    print(json.dumps({"listening": f"http://127.0.0.1:{args.port}"}), flush=True)
    web.run_app(
        make_app(args.latency),
        host="127.0.0.1",
        port=args.port,
        print=None,
        backlog=4096,
        access_log=None,
    )


if __name__ == "__main__":
    main()

"""One POST to a lender endpoint: the only place that talks HTTP to the lender's systems."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import requests

# Enough of an answer to see what the receiver said, not a page of HTML.
EXCERPT_BYTES = 1000
USER_AGENT = "collections-engine-webhooks/1"


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no answer (refused, timed out, reset)
    excerpt: str = ""
    retry_after: str = ""
    error: str = ""


@functools.cache
def _session() -> requests.Session:
    # One per process (Celery prefork: one thread each): connections to a receiver are reused.
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    return session


def post(
    url: str, *, body: bytes, headers: dict[str, str], connect_timeout: float, read_timeout: float
) -> Answer:
    """POST `body`; never raises for what the network or the receiver does."""
    try:
        response = _session().post(
            url,
            data=body,
            headers={"Content-Type": "application/json", **headers},
            timeout=(connect_timeout, read_timeout),
            # A redirect is not a delivery: it is retried as an error, never followed (a
            # 30x to an internal address must not get our signed body).
            allow_redirects=False,
            stream=True,
        )
    except requests.Timeout as exc:
        return Answer(None, error=f"timeout: {exc}"[:500])
    except requests.RequestException as exc:
        return Answer(None, error=f"{type(exc).__name__}: {exc}"[:500])
    try:
        raw = response.raw.read(EXCERPT_BYTES, decode_content=True) or b""
    except Exception as exc:  # the answer's status came; its body broke off
        raw = f"(body unreadable: {type(exc).__name__})".encode()
    finally:
        response.close()
    return Answer(
        response.status_code,
        excerpt=raw.decode("utf-8", "replace"),
        retry_after=response.headers.get("Retry-After", ""),
    )

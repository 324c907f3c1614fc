"""SMS through Twilio's Messages API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings

from collections_app.channels.base import Channel, ChannelError, OutgoingMessage
from collections_app.channels.twilio_client import (
    async_twilio_client,
    close_async_twilio_clients,
    twilio_client,
)
from collections_app.channels.twilio_errors import not_configured, twilio_errors

# Lookups (the sweeper asking "did this interrupted send arrive?") list by To and From with no
# date filter and compare DateCreated here: Twilio's DateSent and StartTime filters leave out a
# message or call still queued at Twilio (not yet sent or dialled), and missing one would send it
# twice. A borrower gets a handful of messages a day, so the list for one number is short and
# one page of LOOKUP_LIMIT holds it; a full page is inconclusive (what lies past it cannot be
# ruled out) and the message becomes `unknown`, for a person.
LOOKUP_LIMIT = 200


# A message SID is SM… (MM… when Twilio sends it as MMS); a call SID is CA….
MESSAGE_SID_PREFIXES = ("SM", "MM")


def provider_sid(resource: Any, prefixes: tuple[str, ...]) -> str:
    """The SID of a created resource. A 2xx without one still means Twilio has it."""
    sid = getattr(resource, "sid", None) or ""
    if not sid.startswith(prefixes):
        raise ChannelError(
            f"Twilio accepted the request but returned no SID: {sid!r}", unknown=True
        )
    return sid


class TwilioSMSChannel(Channel):
    can_lookup = True

    def _sender(self) -> dict[str, str]:
        # A Messaging Service picks the sender from its pool (and handles STOP for the account).
        if settings.TWILIO_MESSAGING_SERVICE_SID:
            return {"messaging_service_sid": settings.TWILIO_MESSAGING_SERVICE_SID}
        if settings.TWILIO_FROM_NUMBER:
            return {"from_": settings.TWILIO_FROM_NUMBER}
        raise not_configured("set TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER")

    def _params(self, message: OutgoingMessage) -> dict[str, str]:
        params = {"to": message.to, "body": message.body, **self._sender()}
        if message.status_callback_url:
            params["status_callback"] = message.status_callback_url
        return params

    def send(self, message: OutgoingMessage) -> str:
        params = self._params(message)
        with twilio_errors():
            created = twilio_client().messages.create(**params)
        return provider_sid(created, MESSAGE_SID_PREFIXES)

    async def asend(self, message: OutgoingMessage) -> str:
        params = self._params(message)
        with twilio_errors():
            created = await async_twilio_client().messages.create_async(**params)
        return provider_sid(created, MESSAGE_SID_PREFIXES)

    async def aclose(self) -> None:
        """End of a batch: close the running loop's aiohttp session."""
        await close_async_twilio_clients()

    def lookup(self, message: OutgoingMessage, since: datetime) -> str | None:
        filters: dict[str, Any] = {"to": message.to}
        sender = self._sender()
        if "from_" in sender:
            filters["from_"] = sender["from_"]
        listed = list_since(twilio_client().messages, filters, since)
        body = message.body.strip()
        for record in listed:
            sid = record.sid or ""
            # A Messaging Service may append text (an opt-out line), never change ours.
            if sid.startswith(MESSAGE_SID_PREFIXES) and (record.body or "").strip().startswith(
                body
            ):
                return sid
        return None


def list_since(resource: Any, filters: dict[str, Any], since: datetime) -> list[Any]:
    """The records of a Twilio list (messages or calls) matching `filters` that were created at
    or after `since`, from one page of LOOKUP_LIMIT. Raises an `unknown` ChannelError when the
    page is full (the list may go on past it)."""
    with twilio_errors():
        records = list(resource.page(**filters, page_size=LOOKUP_LIMIT))
    if len(records) >= LOOKUP_LIMIT:
        raise ChannelError(
            f"more than {LOOKUP_LIMIT} records for {filters.get('to')}: cannot rule out a send",
            unknown=True,
        )
    # A DateCreated missing or unreadable (the SDK then keeps the raw string) rules nothing out.
    return [
        r for r in records if not isinstance(r.date_created, datetime) or r.date_created >= since
    ]

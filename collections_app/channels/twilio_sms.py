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

# One borrower gets a handful of messages a day: the newest page holds any we could have sent,
# so lookups read one page and never follow `next_page_uri`.
LOOKUP_PAGE_SIZE = 50


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
        filters: dict[str, Any] = {"to": message.to, "date_sent_after": since}
        sender = self._sender()
        if "from_" in sender:
            filters["from_"] = sender["from_"]
        with twilio_errors():
            found = list(twilio_client().messages.page(**filters, page_size=LOOKUP_PAGE_SIZE))
        body = message.body.strip()
        for listed in found:
            sid = listed.sid or ""
            # A Messaging Service may append text (an opt-out line), never change ours.
            if sid.startswith(MESSAGE_SID_PREFIXES) and (listed.body or "").strip().startswith(
                body
            ):
                return sid
        return None

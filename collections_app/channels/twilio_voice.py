"""Voice calls through Twilio's Calls API. Twilio fetches the call's TwiML from
`message.answer_url` (collections_app.web.voice) once it knows who answered."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from twilio.twiml.voice_response import VoiceResponse

from collections_app.channels.base import Channel, OutgoingMessage
from collections_app.channels.twilio_client import (
    async_twilio_client,
    close_async_twilio_clients,
    twilio_client,
)
from collections_app.channels.twilio_errors import not_configured, twilio_errors
from collections_app.channels.twilio_sms import list_since, provider_sid

STATUS_CALLBACK_EVENTS = ["initiated", "ringing", "answered", "completed"]


class TwilioVoiceChannel(Channel):
    can_lookup = True

    def _from(self) -> str:
        if not settings.TWILIO_FROM_NUMBER:
            # Messaging Services do not place calls: a caller id number is required.
            raise not_configured("set TWILIO_FROM_NUMBER to place calls")
        return settings.TWILIO_FROM_NUMBER

    def _params(self, message: OutgoingMessage) -> dict[str, Any]:
        if not message.answer_url:
            raise not_configured("a call needs an answer_url (where Twilio fetches its TwiML)")
        params: dict[str, Any] = {
            "to": message.to,
            "from_": self._from(),
            "url": message.answer_url,
            "method": "POST",
            # Answering-machine detection that waits for the greeting to end, so the message
            # left on a machine (third-party safe, see web/voice.py) is recorded whole.
            "machine_detection": "DetectMessageEnd",
        }
        if message.record:
            # The TwiML says so first where the profile requires it (web/voice.py).
            params["record"] = True
        if message.status_callback_url:
            params["status_callback"] = message.status_callback_url
            params["status_callback_method"] = "POST"
            params["status_callback_event"] = STATUS_CALLBACK_EVENTS
        return params

    def send(self, message: OutgoingMessage) -> str:
        params = self._params(message)
        with twilio_errors():
            created = twilio_client().calls.create(**params)
        return provider_sid(created, ("CA",))

    async def asend(self, message: OutgoingMessage) -> str:
        params = self._params(message)
        with twilio_errors():
            created = await async_twilio_client().calls.create_async(**params)
        return provider_sid(created, ("CA",))

    async def aclose(self) -> None:
        """End of a batch: close the running loop's aiohttp session."""
        await close_async_twilio_clients()

    def bridge(self, *, agent_phone: str, to: str, record: bool = False) -> str:
        """Click-to-call: ring the agent's own phone, and once they answer dial `to` with our
        caller id, so the borrower sees our number and never the agent's. The TwiML travels
        with the request: nothing has to be fetched from us, so it works without a public URL.
        Call it only after the gate allowed the call (services/calls.py call_bridge)."""
        response = VoiceResponse()
        # A recorded call (the profile says so) is recorded from the borrower's answer; the
        # agent's script opens with the disclosure (outreach/call_scripts.py).
        if record:
            dial = response.dial(caller_id=self._from(), record="record-from-answer")
        else:
            dial = response.dial(caller_id=self._from())
        dial.number(to)
        with twilio_errors():
            created = twilio_client().calls.create(
                to=agent_phone, from_=self._from(), twiml=str(response)
            )
        return provider_sid(created, ("CA",))

    def lookup(self, message: OutgoingMessage, since: datetime) -> str | None:
        """The first call to this number from ours since `since`.

        A call has no body to match on; the compliance gate lets one contact per borrower
        through at a time, so a call to the number since the claim is this message's call.
        """
        listed = list_since(twilio_client().calls, {"to": message.to, "from_": self._from()}, since)
        calls = [call for call in listed if (call.sid or "").startswith("CA")]
        if not calls:
            return None
        # The earliest is the one our interrupted send placed.
        return min(calls, key=lambda call: _created(call, since)).sid


def _created(call: Any, default: datetime) -> datetime:
    return call.date_created if isinstance(call.date_created, datetime) else default

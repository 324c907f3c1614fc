"""The simulator's SMS/voice provider: a Channel registered as "sim".

It accepts every request and answers with a Twilio-shaped SID, as Twilio's API does; whether the
message then reaches the borrower is decided by the borrower's persona and told to the engine the
way Twilio tells it, through status callbacks (see webhooks.py). SIDs are numbered, not random,
so a seed gives the same run.
"""

from __future__ import annotations

import itertools

from collections_app.channels import PROVIDERS
from collections_app.channels.base import Channel, OutgoingMessage

_counter = itertools.count(1)


def reset() -> None:
    global _counter
    _counter = itertools.count(1)


def sid(prefix: str) -> str:
    """A fresh SID in Twilio's shape (two letters, 32 hex digits)."""
    return f"{prefix}{next(_counter):032x}"


class SimChannel(Channel):
    def send(self, message: OutgoingMessage) -> str:
        return sid("CA" if self.kind == "voice" else "SM")

    async def asend(self, message: OutgoingMessage) -> str:
        # No thread hop: nothing blocks, and the SID order stays the order of the batch.
        return self.send(message)


PROVIDERS["sms"]["sim"] = "collections_app.simulation.provider.SimChannel"
PROVIDERS["voice"]["sim"] = "collections_app.simulation.provider.SimChannel"

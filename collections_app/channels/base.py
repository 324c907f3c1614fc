from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


class ChannelError(Exception):
    """A send that did not go through.

    permanent: retrying cannot help (invalid number, recipient opted out, hard bounce); the
    contact point is marked unusable. unknown: the request may have reached the provider (timeout
    after sending), so it must not be resent blindly.
    """

    def __init__(
        self, message: str, *, permanent: bool = False, unknown: bool = False, code: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.unknown = unknown
        self.code = code


@dataclass(frozen=True)
class OutgoingMessage:
    """What a channel needs to send one message, already rendered and compliance-checked."""

    to: str
    body: str
    language: str = "en"
    subject: str = ""
    html_body: str = ""
    # Where the provider posts delivery status for this message.
    status_callback_url: str = ""
    # Voice: where the provider fetches the call's TwiML when the call is answered.
    answer_url: str = ""
    # Our row's key: lets a provider (or a file) tie the send back to the outbox row.
    idempotency_key: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    # Voice: the profile records this call (the gate set it on the contact attempt).
    record: bool = False


class Channel:
    """One provider for one kind of channel.

    `send` / `asend` hand one message to the provider and return the provider's id, or raise
    ChannelError. `lookup` asks the provider whether it already has a message we may have sent
    (a worker died mid-request): the sweeper uses it to check instead of resending blindly.
    """

    # True when the provider can answer `lookup`; otherwise an interrupted send is `unknown`.
    can_lookup = False

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def send(self, message: OutgoingMessage) -> str:
        raise NotImplementedError

    async def asend(self, message: OutgoingMessage) -> str:
        """Async send for batch workers; providers with an async client override it."""
        import asyncio

        return await asyncio.to_thread(self.send, message)

    async def aclose(self) -> None:
        """Release connections the async client holds (end of a batch)."""
        return None

    def lookup(self, message: OutgoingMessage, since: datetime) -> str | None:
        """The provider's id of `message` if the provider received it since `since`."""
        raise NotImplementedError(f"{type(self).__name__} cannot look messages up")

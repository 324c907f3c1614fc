"""The outbound message's statuses and the one table of moves between them.

Like `states.py` for cases: one table, and everything that changes a message's status looks its
move up here. The only writer is `services/messages.py`; a structural test fails when a second
one appears. A provider's delivery events may arrive late, twice or out of order, so they move a
message forward only: their moves are generated from `RANK`, and a cancelled message has no rank
(no callback revives it).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    UNDELIVERED = "undelivered", _("Undelivered")
    FAILED = "failed", _("Failed")
    UNKNOWN = "unknown", _("Unknown (may have been sent)")
    CANCELLED = "cancelled", _("Cancelled")


S = MessageStatus

# How far a message has got. A provider event moves a message only to a higher rank, so the last
# word is the furthest one, whatever the order of arrival. `unknown` ranks with `sending`: a
# callback settles it. Not here, so never moved by a provider: `cancelled`.
RANK: dict[str, int] = {
    S.QUEUED: 0,
    S.SENDING: 1,
    S.UNKNOWN: 1,
    S.SENT: 2,
    S.DELIVERED: 3,
    S.UNDELIVERED: 3,
    S.FAILED: 3,
}
# Where a provider's word is final: the contact ledger learns the outcome.
FINAL = frozenset({S.DELIVERED, S.UNDELIVERED, S.FAILED})


@dataclass(frozen=True)
class MessageMove:
    name: str
    sources: tuple[str, ...]
    # None: the status stays as it is (only the move's fields are written).
    target: str | None
    # The fields the move writes besides `status` (services/messages.py writes exactly these).
    writes: tuple[str, ...]
    # The move gives up the send: the gate's reservation of the attempt no longer counts.
    releases_reservation: bool = False
    # The request went out at `sent_at`: the reservation is dated then, not at the claim.
    dates_reservation: bool = False
    # What the move is for, for developers (no screen shows it, so it is not translated).
    help_text: str = ""


ERROR = ("error_code", "error_message")
PROVIDER = ("provider", "provider_id", "sent_at", *ERROR)

_WORKER_MOVES = (
    MessageMove(
        "claim",
        (S.QUEUED,),
        S.SENDING,
        ("claimed_at", "send_token", "to_address", "subject", "body", "html_body", *ERROR),
        # i18n: not for people (documents the move for developers; no screen shows it)
        help_text="The gate allowed it: rendered, reserved, handed to a send worker.",
    ),
    MessageMove(
        "defer",
        (S.QUEUED,),
        S.QUEUED,
        ("scheduled_at", *ERROR),
        # i18n: not for people (documents the move for developers; no screen shows it)
        help_text="The gate said not yet: it waits for the earliest allowed time.",
    ),
    MessageMove(
        "cancel",
        (S.QUEUED,),
        S.CANCELLED,
        ERROR,
        # i18n: not for people (documents the move for developers; no screen shows it)
        help_text="Never to be sent: a rule forbids it, or the case or borrower stopped it.",
    ),
    MessageMove(
        "requeue",
        (S.SENDING,),
        S.QUEUED,
        ("send_token", "claimed_at", "scheduled_at", *ERROR),
        releases_reservation=True,
        # i18n: not for people (documents the move for developers; no screen shows it)
        help_text="Not sent on this claim (lost, not started, a transient error): back through "
        "the gate, after a delay.",
    ),
    MessageMove(
        "fail",
        (S.QUEUED, S.SENDING),
        S.FAILED,
        ERROR,
        releases_reservation=True,
        # i18n: not for people (documents the move for developers; no screen shows it)
        help_text="Cannot be sent: no template, a permanent provider error, too many tries.",
    ),
    MessageMove(
        "sent",
        (S.SENDING,),
        S.SENT,
        PROVIDER,
        dates_reservation=True,
        # i18n: not for people (documents the move for developers; no screen shows it)
        help_text="The provider accepted it.",
    ),
    MessageMove(
        "sent_after_callback",
        tuple(s for s, rank in RANK.items() if rank > RANK[S.SENDING]),
        None,
        PROVIDER,
        dates_reservation=True,
        # i18n: not for people (documents the move for developers; no screen shows it)
        help_text="The provider accepted it and has reported on it already: the worker adds the "
        "provider's id and the time, the status stays where the callback put it.",
    ),
    MessageMove(
        "unknown",
        (S.SENDING,),
        S.UNKNOWN,
        ERROR,
        # i18n: not for people (documents the move for developers; no screen shows it)
        help_text="It may or may not have reached the provider: a person checks, nothing resends.",
    ),
)


def provider_move_name(target: str) -> str:
    return f"provider_{target}"


def _provider_moves() -> tuple[MessageMove, ...]:
    """One move per status a provider can report, from every status ranked lower."""
    return tuple(
        MessageMove(
            provider_move_name(target),
            tuple(s for s, rank in RANK.items() if rank < RANK[target]),
            target,
            ("provider_id", "sent_at", "delivered_at", "error_code"),
            # i18n: not for people (documents the move for developers; no screen shows it)
            help_text=f"The provider reported {target}.",
        )
        for target in (S.SENT, S.DELIVERED, S.UNDELIVERED, S.FAILED)
    )


MOVES: dict[str, MessageMove] = {m.name: m for m in (*_WORKER_MOVES, *_provider_moves())}


class MoveNotAllowed(ValueError):
    """A move the table does not have from the message's status."""


def is_allowed(move: str, source: str) -> bool:
    found = MOVES.get(move)
    return found is not None and source in found.sources


def allowed_moves(source: str) -> dict[str, str]:
    """{move name: target} for every move out of `source`."""
    return {m.name: m.target for m in MOVES.values() if source in m.sources}

"""One timeline per case: everything that happened to it, newest first, with who and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from collections_app.models import CaseEvent, CollectionCase
from collections_app.money import format_money

# A case page shows this many entries; the full audit trail is one link away.
TIMELINE_LIMIT = 50
SYSTEM = "system"


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    kind: str  # a stable key for styling and tests: transition, message, reply, denied, ...
    label: str
    who: str
    text: str
    status: str = ""


def _money_text(event: CaseEvent, currency: str) -> str | None:
    """Payments and promises said from their data, with the currency (events written before
    reasons carried it read the same)."""
    data = event.data or {}
    if event.kind == CaseEvent.Kind.PAYMENT and "amount" in data:
        currency = data.get("currency") or currency
        values = {
            "amount": format_money(data["amount"], currency),
            "payment": data.get("external_id", ""),
            "overdue": format_money(data.get("amount_overdue_after"), currency),
        }
        text = _("Payment %(payment)s of %(amount)s received") % values
        if data.get("amount_overdue_after") is not None:
            text += "; " + _("%(overdue)s still overdue") % values
        return f"{text}: {event.reason}" if event.reason else text
    if event.kind == CaseEvent.Kind.PROMISE and "amount" in data and "due_date" in data:
        return _("Promised %(amount)s by %(due_date)s") % {
            "amount": format_money(data["amount"], currency),
            "due_date": data["due_date"],
        }
    return None


def _event_text(event: CaseEvent, currency: str = "") -> str:
    money = _money_text(event, currency)
    if money is not None:
        return money
    if event.kind == CaseEvent.Kind.TRANSITION:
        moved = f"{event.from_state} → {event.to_state}"
        return f"{moved}: {event.reason}" if event.reason else moved
    extra = []
    data = event.data or {}
    # Calls: the outcome and any keypad input (IVR) the webhook stored with the event.
    for key in ("channel", "outcome", "digits", "body"):
        if data.get(key) and str(data[key]) not in event.reason:
            extra.append(f"{key}: {data[key]}")
    return "; ".join([event.reason, *extra]) if event.reason else "; ".join(extra)


def person_label(user: object | None) -> str:
    """Who did it, as colleagues know them: the full name, else the username; None: system."""
    if user is None:
        return SYSTEM
    return user.get_full_name() or user.get_username()


def _from_events(case: CollectionCase, limit: int) -> list[TimelineEntry]:
    events = case.events.select_related("actor").order_by("-created_at", "-id")[:limit]
    currency = case.loan.currency
    return [
        TimelineEntry(
            at=e.created_at,
            kind=e.kind,
            label=e.get_kind_display(),
            who=person_label(e.actor if e.actor_id else None),
            text=_event_text(e, currency),
        )
        for e in events
    ]


def _from_messages(case: CollectionCase, limit: int) -> list[TimelineEntry]:
    messages = case.messages.select_related("created_by").order_by("-created_at", "-id")[:limit]
    return [
        TimelineEntry(
            at=m.created_at,
            kind="message",
            label=f"{m.get_channel_display()} message",
            who=person_label(m.created_by if m.created_by_id else None),
            text=" ".join(filter(None, [m.template_key, f"({m.step})" if m.step else ""])),
            status=m.get_status_display(),
        )
        for m in messages
    ]


def _from_denials(case: CollectionCase, limit: int) -> list[TimelineEntry]:
    denials = case.decisions.filter(allowed=False).order_by("-decided_at", "-id")[:limit]
    entries = []
    for d in denials:
        when = (
            f"; allowed again from {d.next_allowed_at:%Y-%m-%d %H:%M} UTC"
            if (d.next_allowed_at)
            else ""
        )
        entries.append(
            TimelineEntry(
                at=d.decided_at,
                kind="denied",
                label=f"{d.get_channel_display()} blocked",
                who="compliance gate",
                text=f"rule {d.rule}: {d.detail}{when}",
                status=f"{d.profile_code} v{d.profile_version}",
            )
        )
    return entries


def case_timeline(
    case: CollectionCase, *, limit: int = TIMELINE_LIMIT
) -> tuple[list[TimelineEntry], bool]:
    """The newest `limit` entries, and whether there are older ones.

    Three bounded queries (audit events, outbox messages, compliance denials), each served by
    an index on (case, time), merged in memory: the page costs the same at any case age."""
    merged = [
        *_from_events(case, limit + 1),
        *_from_messages(case, limit + 1),
        *_from_denials(case, limit + 1),
    ]
    merged.sort(key=lambda e: e.at, reverse=True)
    return merged[:limit], len(merged) > limit

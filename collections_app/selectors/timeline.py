"""One timeline per case, and one per borrower (all their cases merged): everything that
happened, newest first, with who and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from collections_app.models import Borrower, CaseEvent, CollectionCase, ContactDecision
from collections_app.money import format_money
from collections_app.phrases import STORED_KEY, shown, shown_text

# A case page shows this many entries; the full audit trail is one link away.
TIMELINE_LIMIT = 50
# The borrower page pages through its merged timeline this far (each page re-reads the newest
# page x limit rows of each source: bounded); older entries are in each case's audit trail.
BORROWER_TIMELINE_MAX_PAGES = 20
SAME_MOMENT = dt.timedelta(seconds=2)


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    kind: str  # a stable key for styling and tests: transition, message, reply, denied, ...
    label: str
    who: str
    text: str
    status: str = ""
    case_id: int | None = None  # which case it belongs to (the borrower timeline shows it)
    # The borrower timeline shows one entry recorded on several cases at once (an opt-out, a
    # hold: the borrower's, written on each open case) once, with the other cases here.
    also_cases: tuple[int, ...] = ()


def _separator() -> str:
    """Between the parts of one entry: "; " in English, "；" in Chinese."""
    return pgettext("between parts of a sentence", "; ")


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
            text += _separator() + _("%(overdue)s still overdue") % values
        reason = event_reason(event)
        return f"{text}: {reason}" if reason else text
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
    reason = event_reason(event)
    if event.kind == CaseEvent.Kind.TRANSITION:
        moved = f"{_stage_word(event.from_state)} → {_stage_word(event.to_state)}"
        return f"{moved}: {reason}" if reason else moved
    extra = []
    data = event.data or {}
    # Calls: the outcome and any keypad input (IVR) the webhook stored with the event.
    words = _data_words()
    for key in ("channel", "outcome", "digits", "body"):
        if data.get(key) and str(data[key]) not in reason:
            extra.append(f"{words[key]}: {data[key]}")
    return _separator().join([reason, *extra]) if reason else _separator().join(extra)


def event_reason(event: CaseEvent) -> str:
    """The event's reason in the reader's language: from the phrase its data kept (phrases.py),
    else as stored (older rows, a person's own words)."""
    return shown(event.reason, (event.data or {}).get(STORED_KEY))


def _stage_word(state: str) -> str:
    """A stage as the timeline says it (lower case, as in a sentence); an unknown one as is."""
    return str(stage_in_sentence(state))


def stage_in_sentence(state: str) -> Promise | str:
    """A stage as a sentence says it (lower case), lazy: a phrase's value (phrases.py) stored in
    English and said in each reader's language; an unknown one as is."""
    words = {
        "reminder": pgettext_lazy("stage in a sentence", "reminder"),
        "negotiation": pgettext_lazy("stage in a sentence", "negotiation"),
        "escalation": pgettext_lazy("stage in a sentence", "escalation"),
        "legal": pgettext_lazy("stage in a sentence", "legal"),
        "paused": pgettext_lazy("stage in a sentence", "paused"),
        "resolved": pgettext_lazy("stage in a sentence", "resolved"),
        "written_off": pgettext_lazy("stage in a sentence", "written off"),
    }
    return words.get(state, state)


def _data_words() -> dict[str, str]:
    """The names of what a call or reply stored with its event, as the timeline shows them."""
    return {
        "channel": pgettext("timeline detail", "channel"),
        "outcome": pgettext("timeline detail", "outcome"),
        "digits": pgettext("timeline detail", "digits"),
        "body": pgettext("timeline detail", "body"),
    }


def person_label(user: object | None) -> str:
    """Who did it, as colleagues know them: the full name, else the username; None: system."""
    if user is None:
        return _("system")
    return user.get_full_name() or user.get_username()


def _from_events(events: QuerySet[CaseEvent], limit: int) -> list[TimelineEntry]:
    # The loan for its currency: a borrower's timeline mixes loans in several currencies.
    events = events.select_related("actor", "case__loan").order_by("-created_at", "-id")[:limit]
    return [
        TimelineEntry(
            at=e.created_at,
            kind=e.kind,
            label=e.get_kind_display(),
            who=person_label(e.actor if e.actor_id else None),
            text=_event_text(e, e.case.loan.currency),
            case_id=e.case_id,
        )
        for e in events
    ]


def _from_messages(messages: QuerySet, limit: int) -> list[TimelineEntry]:
    messages = messages.select_related("created_by").order_by("-created_at", "-id")[:limit]
    return [
        TimelineEntry(
            at=m.created_at,
            kind="message",
            label=_("%(channel)s message") % {"channel": m.get_channel_display()},
            who=person_label(m.created_by if m.created_by_id else None),
            text=" ".join(filter(None, [m.template_key, f"({m.step})" if m.step else ""])),
            status=m.get_status_display(),
            case_id=m.case_id,
        )
        for m in messages
    ]


def _from_denials(decisions: QuerySet[ContactDecision], limit: int) -> list[TimelineEntry]:
    denials = decisions.filter(allowed=False).order_by("-decided_at", "-id")[:limit]
    entries = []
    for d in denials:
        # The stored detail is English; a detail without values is said in the reader's
        # language (one with values stays English: the row keeps no phrase).
        values = {"rule": d.rule, "detail": shown_text(d.detail)}
        if d.next_allowed_at:
            values["when"] = f"{d.next_allowed_at:%Y-%m-%d %H:%M}"
            text = _("rule %(rule)s: %(detail)s; allowed again from %(when)s UTC") % values
        else:
            text = _("rule %(rule)s: %(detail)s") % values
        entries.append(
            TimelineEntry(
                at=d.decided_at,
                kind="denied",
                label=_("%(channel)s blocked") % {"channel": d.get_channel_display()},
                who=_("compliance gate"),
                text=text,
                status=f"{d.profile_code} v{d.profile_version}",
                case_id=d.case_id,
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
        *_from_events(case.events.all(), limit + 1),
        *_from_messages(case.messages.all(), limit + 1),
        *_from_denials(case.decisions.all(), limit + 1),
    ]
    merged.sort(key=lambda e: e.at, reverse=True)
    return merged[:limit], len(merged) > limit


def borrower_timeline(
    borrower: Borrower,
    case_ids: list[int],
    *,
    page: int = 1,
    limit: int = TIMELINE_LIMIT,
) -> tuple[list[TimelineEntry], bool]:
    """One page (1-based, at most BORROWER_TIMELINE_MAX_PAGES) of the timeline merging all of
    `borrower`'s cases (`case_ids`, which the caller has already read), and whether there is a
    next page. The same three bounded queries as a case's, whatever the number of cases: the
    events and messages by the cases' (case, time) indexes, the denials by the borrower's
    (borrower, time) index (a denial for no case, the borrower's own, is theirs too)."""
    page = min(max(page, 1), BORROWER_TIMELINE_MAX_PAGES)
    upto = page * limit + 1
    merged = [
        *_from_events(CaseEvent.objects.filter(case_id__in=case_ids), upto),
        *_from_messages(borrower.messages.filter(case_id__in=case_ids), upto),
        *_from_denials(borrower.decisions.all(), upto),
    ]
    merged.sort(key=lambda e: e.at, reverse=True)
    merged = _one_per_borrower_event(merged)
    start = (page - 1) * limit
    return merged[start : start + limit], len(merged) > start + limit


def _one_per_borrower_event(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """Entries alike but for their case (the same kind, words and who, written within
    SAME_MOMENT of each other, as a service writes one row per open case) are one thing that
    happened to the borrower: kept once, naming every case."""
    kept: dict[tuple, int] = {}
    out: list[TimelineEntry] = []
    for entry in entries:
        alike = (entry.kind, entry.label, entry.who, entry.text, entry.status)
        at = kept.get(alike)
        if (
            entry.case_id is not None
            and at is not None
            and abs(out[at].at - entry.at) <= SAME_MOMENT
            and entry.case_id != out[at].case_id
            and entry.case_id not in out[at].also_cases
        ):
            out[at] = replace(out[at], also_cases=(*out[at].also_cases, entry.case_id))
            continue
        kept[alike] = len(out)
        out.append(entry)
    return out

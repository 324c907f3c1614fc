"""Case states, the one transition table, and what entering each state does.

The django-fsm decorators on `CollectionCase` are generated from `TRANSITIONS`, and the bulk path
of the nightly run (which updates with `QuerySet.update` and so bypasses django-fsm) checks the
same table. One table, two paths: a test asserts they agree.

What a move does besides changing `state` is declared here too, so both paths do the same: the
fields a move sets on the case row (`entry_fields`, applied by the FSM methods and by the bulk
UPDATE) and the effects of entering a state (`entry_effects`, carried out for many moves at once
by services/case_entry.py, which both paths call).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    REMINDER = "reminder", _("Reminder")
    NEGOTIATION = "negotiation", _("Negotiation")
    ESCALATION = "escalation", _("Escalation")
    LEGAL = "legal", _("Legal")
    PAUSED = "paused", _("Paused")
    RESOLVED = "resolved", _("Resolved")
    WRITTEN_OFF = "written_off", _("Written off")


# Cases we still work: outreach and the nightly run act on these.
ACTIVE_STATES = (
    CaseState.REMINDER,
    CaseState.NEGOTIATION,
    CaseState.ESCALATION,
    CaseState.LEGAL,
)
# A loan may have one open case at a time; a paused case is still open.
OPEN_STATES = (*ACTIVE_STATES, CaseState.PAUSED)
CLOSED_STATES = (CaseState.RESOLVED, CaseState.WRITTEN_OFF)


class PauseReason(models.TextChoices):
    DISPUTE = "dispute", _("Dispute")
    BANKRUPTCY = "bankruptcy", _("Bankruptcy")
    HARDSHIP = "hardship", _("Hardship hold")
    CEASE_COMMUNICATION = "cease_communication", _("Cease communication")
    DECEASED = "deceased", _("Deceased")
    ATTORNEY = "attorney", _("Represented by an attorney")


# Requests about the person, not the loan: pausing one case for one of these records the
# borrower's ContactHold of the same kind (the values are ContactHold kinds), which pauses
# every other open case of the borrower and blocks every contact at the gate.
BORROWER_LEVEL_PAUSES = frozenset(
    {
        PauseReason.CEASE_COMMUNICATION,
        PauseReason.ATTORNEY,
        PauseReason.BANKRUPTCY,
        PauseReason.DECEASED,
    }
)


class CloseReason(models.TextChoices):
    PAID = "paid", _("Paid in full")
    SETTLED = "settled", _("Settled")
    UNCOLLECTABLE = "uncollectable", _("Uncollectable")
    BANKRUPTCY = "bankruptcy", _("Bankruptcy discharge")
    DECEASED = "deceased", _("Deceased")
    FRAUD = "fraud", _("Fraud / identity theft")
    # The lender reported the loan current (or paid off) again: nothing is owed now.
    CURRENT = "current", _("Brought current by the lender")


@dataclass(frozen=True)
class CaseTransition:
    name: str
    sources: tuple[str, ...]
    # None: the target is decided by the method (resume returns to the state the case left).
    target: str | None
    # Needed when a person triggers it; the system (nightly run, webhooks) acts without one.
    permission: str
    # What a person reads: the button and its explanation (lazy, in the reader's language).
    label: str | Promise
    help_text: str | Promise = ""


TRANSITIONS: dict[str, CaseTransition] = {
    t.name: t
    for t in (
        CaseTransition(
            "start_negotiation",
            (CaseState.REMINDER, CaseState.ESCALATION),
            CaseState.NEGOTIATION,
            "collections_app.negotiate_case",
            _("Start negotiation"),
            _("The borrower engaged: promise to pay or payment plan."),
        ),
        CaseTransition(
            "escalate",
            (CaseState.REMINDER, CaseState.NEGOTIATION),
            CaseState.ESCALATION,
            "collections_app.escalate_case",
            _("Escalate"),
            _("No engagement, or a broken promise."),
        ),
        CaseTransition(
            "refer_to_legal",
            (CaseState.ESCALATION,),
            CaseState.LEGAL,
            "collections_app.refer_case_to_legal",
            _("Refer to legal"),
            _("Hand the case to a partner law firm."),
        ),
        CaseTransition(
            "pause",
            ACTIVE_STATES,
            CaseState.PAUSED,
            "collections_app.pause_case",
            _("Pause"),
            _("Dispute, bankruptcy, hardship hold or cease-communication: stops all outreach."),
        ),
        CaseTransition(
            "resume",
            (CaseState.PAUSED,),
            None,
            "collections_app.resume_case",
            _("Resume"),
            _("Back to the stage the case was paused in."),
        ),
        CaseTransition(
            "resolve",
            OPEN_STATES,
            CaseState.RESOLVED,
            "collections_app.resolve_case",
            _("Resolve"),
            _("Paid in full or settled."),
        ),
        CaseTransition(
            "write_off",
            OPEN_STATES,
            CaseState.WRITTEN_OFF,
            "collections_app.write_off_case",
            _("Write off"),
            _("Stop collecting; the balance is written off."),
        ),
    )
}


def allowed_targets(source: str) -> dict[str, str | None]:
    """{transition name: target} for every transition out of `source`."""
    return {t.name: t.target for t in TRANSITIONS.values() if source in t.sources}


def is_allowed(name: str, source: str) -> bool:
    transition = TRANSITIONS.get(name)
    return transition is not None and source in transition.sources


class Effect(enum.StrEnum):
    """What entering a state does beyond the case row (services/case_entry.py carries it out)."""

    # A person takes over: the least-loaded agent serving the borrower, unless one has it.
    ASSIGN_AGENT = "assign_agent"
    # Nothing may wait in the outbox for a case nobody is collecting.
    CANCEL_OUTREACH = "cancel_outreach"
    # A borrower-level pause reason becomes the borrower's hold (every loan, at the gate).
    HOLD_BORROWER = "hold_borrower"
    # The referral notice goes out the day a person referred the case, and only then.
    SEND_REFERRAL_NOTICE = "send_referral_notice"
    # Leaving escalation settles the open legal proposal: approved by a referral, else withdrawn.
    SETTLE_LEGAL_PROPOSAL = "settle_legal_proposal"
    # Back from a pause: say on the timeline which of the borrower's holds still block contact.
    NOTE_STANDING_HOLDS = "note_standing_holds"


ON_ENTRY: dict[str, frozenset[Effect]] = {
    CaseState.REMINDER: frozenset(),
    CaseState.NEGOTIATION: frozenset({Effect.ASSIGN_AGENT}),
    CaseState.ESCALATION: frozenset(),
    CaseState.LEGAL: frozenset({Effect.SEND_REFERRAL_NOTICE}),
    CaseState.PAUSED: frozenset({Effect.CANCEL_OUTREACH, Effect.HOLD_BORROWER}),
    CaseState.RESOLVED: frozenset({Effect.CANCEL_OUTREACH}),
    CaseState.WRITTEN_OFF: frozenset({Effect.CANCEL_OUTREACH}),
}


def entry_effects(source: str, target: str, pause_reason: str = "") -> frozenset[Effect]:
    """The effects of the move source -> target (none for a move that stays put)."""
    if source == target:
        return frozenset()
    effects = set(ON_ENTRY[target])
    if target == CaseState.PAUSED and pause_reason not in BORROWER_LEVEL_PAUSES:
        effects.discard(Effect.HOLD_BORROWER)
    if source == CaseState.ESCALATION:
        effects.add(Effect.SETTLE_LEGAL_PROPOSAL)
    if source == CaseState.PAUSED and target in ACTIVE_STATES:
        # Back where it was, not a new entry: the borrower was told of the referral already.
        effects.discard(Effect.SEND_REFERRAL_NOTICE)
        effects.add(Effect.NOTE_STANDING_HOLDS)
    return frozenset(effects)


def entry_fields(
    name: str,
    *,
    source: str,
    now: dt.datetime,
    pause_reason: str = "",
    close_reason: str = "",
) -> dict[str, Any]:
    """The case-row fields transition `name` from `source` sets (besides `state`).

    One definition for the django-fsm methods and the bulk UPDATE. A case that is not worked
    has nothing due, so pausing and closing clear `next_action_at` (the nightly run sets it again
    once the case is active)."""
    if name == "pause":
        return {
            "paused_from": source,
            "pause_reason": pause_reason or PauseReason.DISPUTE,
            "next_action_at": None,
        }
    if name == "resume":
        return {"paused_from": "", "pause_reason": ""}
    if name in ("resolve", "write_off"):
        default = CloseReason.PAID if name == "resolve" else CloseReason.UNCOLLECTABLE
        return {"close_reason": close_reason or default, "closed_at": now, "next_action_at": None}
    return {}

"""Case states and the one transition table.

The django-fsm decorators on `CollectionCase` are generated from `TRANSITIONS`, and the bulk path
of the nightly run (which updates with `QuerySet.update` and so bypasses django-fsm) checks the
same table. One table, two paths: a test asserts they agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class CaseState(models.TextChoices):
    REMINDER = "reminder", "Reminder"
    NEGOTIATION = "negotiation", "Negotiation"
    ESCALATION = "escalation", "Escalation"
    LEGAL = "legal", "Legal"
    PAUSED = "paused", "Paused"
    RESOLVED = "resolved", "Resolved"
    WRITTEN_OFF = "written_off", "Written off"


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
    DISPUTE = "dispute", "Dispute"
    BANKRUPTCY = "bankruptcy", "Bankruptcy"
    HARDSHIP = "hardship", "Hardship hold"
    CEASE_COMMUNICATION = "cease_communication", "Cease communication"
    DECEASED = "deceased", "Deceased"


class CloseReason(models.TextChoices):
    PAID = "paid", "Paid in full"
    SETTLED = "settled", "Settled"
    UNCOLLECTABLE = "uncollectable", "Uncollectable"
    BANKRUPTCY = "bankruptcy", "Bankruptcy discharge"
    DECEASED = "deceased", "Deceased"
    FRAUD = "fraud", "Fraud / identity theft"


@dataclass(frozen=True)
class CaseTransition:
    name: str
    sources: tuple[str, ...]
    # None: the target is decided by the method (resume returns to the state the case left).
    target: str | None
    # Needed when a person triggers it; the system (nightly run, webhooks) acts without one.
    permission: str
    label: str
    help_text: str = ""


TRANSITIONS: dict[str, CaseTransition] = {
    t.name: t
    for t in (
        CaseTransition(
            "start_negotiation",
            (CaseState.REMINDER, CaseState.ESCALATION),
            CaseState.NEGOTIATION,
            "collections_app.negotiate_case",
            "Start negotiation",
            "The borrower engaged: promise to pay or payment plan.",
        ),
        CaseTransition(
            "escalate",
            (CaseState.REMINDER, CaseState.NEGOTIATION),
            CaseState.ESCALATION,
            "collections_app.escalate_case",
            "Escalate",
            "No engagement, or a broken promise.",
        ),
        CaseTransition(
            "refer_to_legal",
            (CaseState.ESCALATION,),
            CaseState.LEGAL,
            "collections_app.refer_case_to_legal",
            "Refer to legal",
            "Hand the case to a partner law firm.",
        ),
        CaseTransition(
            "pause",
            ACTIVE_STATES,
            CaseState.PAUSED,
            "collections_app.pause_case",
            "Pause",
            "Dispute, bankruptcy, hardship hold or cease-communication: stops all outreach.",
        ),
        CaseTransition(
            "resume",
            (CaseState.PAUSED,),
            None,
            "collections_app.resume_case",
            "Resume",
            "Back to the stage the case was paused in.",
        ),
        CaseTransition(
            "resolve",
            OPEN_STATES,
            CaseState.RESOLVED,
            "collections_app.resolve_case",
            "Resolve",
            "Paid in full or settled.",
        ),
        CaseTransition(
            "write_off",
            OPEN_STATES,
            CaseState.WRITTEN_OFF,
            "collections_app.write_off_case",
            "Write off",
            "Stop collecting; the balance is written off.",
        ),
    )
}


def allowed_targets(source: str) -> dict[str, str | None]:
    """{transition name: target} for every transition out of `source`."""
    return {t.name: t.target for t in TRANSITIONS.values() if source in t.sources}


def is_allowed(name: str, source: str) -> bool:
    transition = TRANSITIONS.get(name)
    return transition is not None and source in transition.sources

"""Services that open, move, assign and annotate collection cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_app.db import insert_models
from collections_app.lender.emitters import cases_opened_emit
from collections_app.models import CaseEvent, CollectionCase, Loan
from collections_app.phrases import phrase, with_stored
from collections_app.selectors.debt_status import SuitForbidden
from collections_app.services.case_entry import CaseMove, cases_enter
from collections_app.services.escalation_writes import bulk_insert
from collections_app.services.events import case_event_record, case_event_transition
from collections_app.states import TRANSITIONS

# What a transition may change on the in-memory case (states.entry_fields, and assignment).
_RESTORED_ON_FAILURE = (
    "paused_from",
    "pause_reason",
    "close_reason",
    "closed_at",
    "next_action_at",
    "assigned_agent_id",
)


class UnknownTransition(ValueError):
    pass


def case_open(
    *,
    loan: Loan,
    amount_overdue: Decimal,
    overdue_since: dt.date,
    actor: AbstractBaseUser | None = None,
) -> CollectionCase:
    """Open a case for an overdue loan. The database allows one open case per loan."""
    with transaction.atomic():
        (case,) = cases_open(
            openings=[
                CaseOpening(
                    loan_id=loan.pk, amount_overdue=amount_overdue, overdue_since=overdue_since
                )
            ],
            actor=actor,
        )
    return case


@dataclass(frozen=True)
class CaseOpening:
    """One case to open: `case_open`'s arguments, for `cases_open` to do many at once."""

    loan_id: int
    amount_overdue: Decimal
    overdue_since: dt.date
    data: Mapping[str, Any] = field(default_factory=dict)
    reason: str = ""


def cases_open(
    *,
    openings: Sequence[CaseOpening],
    actor: AbstractBaseUser | None = None,
    now: dt.datetime | None = None,
) -> list[CollectionCase]:
    """`case_open` for many loans at once: one INSERT of cases, one of their OPENED events (the
    same rows case_open writes, with `data` added to the event). Call it in a transaction, with
    the loans locked (the database allows one open case per loan)."""
    if not openings:
        return []
    now = now or timezone.now()
    cases = [
        CollectionCase(
            loan_id=o.loan_id,
            amount_overdue=o.amount_overdue,
            overdue_since=o.overdue_since,
            opened_at=now,
        )
        for o in openings
    ]
    # COPY on PostgreSQL (a portfolio import opens hundreds of thousands), bulk_create elsewhere.
    insert_models(cases)
    bulk_insert(
        CaseEvent,
        [
            {
                "case_id": case.pk,
                "kind": CaseEvent.Kind.OPENED,
                "from_state": case.state,
                "to_state": case.state,
                "actor_id": actor.pk if actor is not None else None,
                "reason": str(o.reason),
                "data": with_stored(
                    {
                        "amount_overdue": o.amount_overdue,
                        "overdue_since": o.overdue_since,
                        **o.data,
                    },
                    o.reason,
                ),
                "created_at": now,
            }
            for case, o in zip(cases, openings, strict=True)
        ],
        now,
    )
    cases_opened_emit(cases=cases, now=now)
    return cases


def _field_values(case: CollectionCase) -> dict[str, Any]:
    return {
        f.name: getattr(case, f.attname) for f in case._meta.concrete_fields if not f.primary_key
    }


def case_transition(
    *,
    case: CollectionCase,
    name: str,
    actor: AbstractBaseUser | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    **kwargs: Any,
) -> CollectionCase:
    """Apply transition `name` and write its audit row, atomically.

    `actor=None` is the system (nightly run, webhooks). A person must hold the transition's
    permission. Raises `PermissionDenied`, `django_fsm.TransitionNotAllowed` (not from this
    state) or `django_fsm.ConcurrentTransition` (someone else moved the case since it was read);
    on any of them nothing is written.
    """
    spec = TRANSITIONS.get(name)
    if spec is None:
        raise UnknownTransition(name)
    if actor is not None and not actor.has_perm(spec.permission):
        raise PermissionDenied(
            _("%(user)s may not %(action)s cases") % {"user": actor, "action": spec.label.lower()}
        )

    from_state = case.state
    snapshot = {f: getattr(case, f) for f in _RESTORED_ON_FAILURE}
    try:
        with transaction.atomic():
            before = _field_values(case)
            getattr(case, name)(**kwargs)
            # Only what the transition changed: a case object read before a payment (or the
            # nightly run) must not write its stale amount, segment or next action back.
            changed = [f for f, v in _field_values(case).items() if v != before[f]]
            case.save(update_fields=sorted({*changed, "state", "updated_at"}))
            case_event_transition(
                case=case,
                from_state=from_state,
                to_state=case.state,
                actor=actor,
                reason=reason,
                data={"transition": name, **kwargs, **(data or {})},
            )
            # The effects of entering the new state: the same function the nightly run calls.
            entered = cases_enter(
                moves=[
                    CaseMove(
                        case_id=case.pk,
                        transition=name,
                        source=from_state,
                        target=case.state,
                        params=kwargs,
                        reason=reason,
                    )
                ],
                actor=actor,
            )
            if case.pk in entered.assigned:
                case.assigned_agent_id = entered.assigned[case.pk]
    except Exception as error:
        # Leave the in-memory object as the database still has it.
        CollectionCase.state.field.set_state(case, from_state)
        for field, value in snapshot.items():
            setattr(case, field, value)
        if isinstance(error, SuitForbidden):
            _record_suit_refusal(case, name, actor, error)
        raise
    return case


def _record_suit_refusal(
    case: CollectionCase, name: str, actor: AbstractBaseUser | None, error: SuitForbidden
) -> None:
    """A refused move into legal is a decision: the timeline keeps it with its reason."""
    text = phrase(
        "%(action)s refused: %(reason)s", action=TRANSITIONS[name].label, reason=error.reason
    )
    case_event_record(
        case=case,
        kind=CaseEvent.Kind.COMPLIANCE,
        actor=actor,
        reason=text,
        data={"transition": name, "refused": "time_barred", **error.status.as_data()},
    )


def case_assign(
    *, case: CollectionCase, agent: AbstractBaseUser | None, actor: AbstractBaseUser | None
) -> CollectionCase:
    """Give the case, and with it the borrower's other open cases (one agent per borrower), to
    `agent`; the writes are services/assignment.py's."""
    from collections_app.services.assignment import borrower_cases_assign

    borrower_cases_assign(case=case, agent=agent, actor=actor)
    case.assigned_agent = agent
    return case


def case_add_note(*, case: CollectionCase, text: str, actor: AbstractBaseUser | None) -> CaseEvent:
    if not text.strip():
        raise ValueError(_("A note needs some text"))
    return case_event_record(case=case, kind=CaseEvent.Kind.NOTE, actor=actor, reason=text)


def case_schedule_next_action(*, case: CollectionCase, at: dt.datetime) -> CollectionCase:
    """When someone should next work the case (a callback the borrower asked for): the case
    shows in "Due today" on that day. The caller's own timeline entry says why (a call's
    wrap-up); this writes none, so one action is one entry."""
    if at.tzinfo is None:
        raise ValueError("next_action_at must be timezone-aware")
    case.next_action_at = at
    case.save(update_fields=["next_action_at", "updated_at"])
    return case

"""What entering a state does, for many moves at once: the one place both paths call.

A person's move (services/cases.case_transition, through django-fsm) and the nightly run's
(services/escalation_batch, grouped guarded UPDATEs through `cases_move` here) write the state
their own way, then hand their moves to `cases_enter`, which carries out the effects states.py
declares for each (`entry_effects`): assign an agent on entering negotiation, cancel queued
outreach on pause and close, record a borrower-level hold, send the referral notice on a
referral, settle an open legal proposal on leaving escalation, and say on the timeline which
holds still stand when a case comes back from a pause; and every move is told to the lender
(case.state_changed, lender/emitters.py). Each effect is one set-based step over all the moves
that need it, so a night of thousands of moves costs a few statements.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from collections_app.lender.emitters import case_moves_emit
from collections_app.models import Borrower, CaseEvent, CollectionCase, ContactHold
from collections_app.phrases import choice_label, english, phrase, with_stored
from collections_app.selectors.debt_status import (
    SuitForbidden,
    suit_forbidden_among,
    suit_refusal,
)
from collections_app.services.consents import STOPPING_HOLDS
from collections_app.services.escalation_writes import bulk_insert
from collections_app.states import (
    ACTIVE_STATES,
    BORROWER_LEVEL_PAUSES,
    CaseState,
    Effect,
    entry_effects,
    entry_fields,
    is_allowed,
)


class CasesChangedMeanwhile(RuntimeError):
    """A guarded update touched fewer rows than expected: the caller's transaction rolls back."""


@dataclass(frozen=True)
class CaseMove:
    """One case moving `source` -> `target` by `transition`."""

    case_id: int
    transition: str
    source: str
    target: str
    # The transition's arguments (pause_reason, close_reason), as django-fsm gets them.
    params: Mapping[str, str] = field(default_factory=dict)
    reason: str = ""
    # Extra audit data for the transition event (the nightly run's policy and rule).
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def effects(self) -> frozenset[Effect]:
        return entry_effects(self.source, self.target, self.params.get("pause_reason", ""))


@dataclass
class EntryOutcome:
    assigned: dict[int, int] = field(default_factory=dict)  # case id -> agent id
    cancelled_messages: int = 0
    holds_placed: list[int] = field(default_factory=list)
    notices_queued: int = 0


def _actor_id(actor: AbstractBaseUser | None) -> int | None:
    return actor.pk if actor is not None else None


def cases_move(
    *,
    moves: Sequence[CaseMove],
    actor: AbstractBaseUser | None = None,
    now: dt.datetime | None = None,
) -> EntryOutcome:
    """The bulk path: write many moves with grouped UPDATEs guarded by the source state (so a
    concurrent change is never overwritten: CasesChangedMeanwhile, and the caller's
    transaction rolls back), one transition event each, then their entry effects. Refuses a
    move the transition table does not allow, as django-fsm would. Call it in a transaction."""
    if not moves:
        return EntryOutcome()
    now = now or timezone.now()
    groups: dict[tuple, list[int]] = defaultdict(list)
    for move in moves:
        if not is_allowed(move.transition, move.source):
            raise TransitionNotAllowed(f"{move.transition} not allowed from {move.source}")
    # 12 CFR 1006.26(b): the django-fsm methods refuse legal for a time-barred debt; so does
    # the bulk path (callers drop such moves first: selectors.debt_status.suit_forbidden_among).
    barred = suit_forbidden_among(
        [m.case_id for m in moves if m.target == CaseState.LEGAL], timezone.localdate(now)
    )
    if barred:
        status = next(iter(barred.values()))
        raise SuitForbidden(suit_refusal(status), status)
    for move in moves:
        fields = entry_fields(move.transition, source=move.source, now=now, **move.params)
        groups[(move.source, move.target, tuple(sorted(fields.items())))].append(move.case_id)
    for (source, target, fields), ids in groups.items():
        updated = CollectionCase.objects.filter(pk__in=ids, state=source).update(
            state=target, updated_at=now, **dict(fields)
        )
        if updated != len(ids):
            raise CasesChangedMeanwhile(f"{len(ids) - updated} cases changed state meanwhile")
    bulk_insert(
        CaseEvent,
        [
            dict(
                case_id=m.case_id,
                kind=CaseEvent.Kind.TRANSITION,
                from_state=m.source,
                to_state=m.target,
                actor_id=_actor_id(actor),
                reason=str(m.reason),
                data=with_stored({"transition": m.transition, **m.params, **m.data}, m.reason),
                created_at=now,
            )
            for m in moves
        ],
        now,
    )
    return cases_enter(moves=moves, actor=actor, now=now)


def cases_enter(
    *,
    moves: Sequence[CaseMove],
    actor: AbstractBaseUser | None = None,
    now: dt.datetime | None = None,
) -> EntryOutcome:
    """The effects of entering each move's target, after the state is written (both paths call
    this in the transaction that wrote it)."""
    now = now or timezone.now()
    outcome = EntryOutcome()
    # Every move is news to the lender: case.state_changed, in bulk for a night's moves.
    case_moves_emit(moves=moves, actor=actor, now=now)
    by_effect: dict[Effect, list[CaseMove]] = defaultdict(list)
    for move in moves:
        for effect in move.effects:
            by_effect[effect].append(move)
    if not by_effect:
        return outcome
    # Local imports: these services move cases themselves (a hold pauses the other loans).
    from collections_app.services import legal

    if by_effect[Effect.SETTLE_LEGAL_PROPOSAL]:
        legal.legal_proposals_settle(
            moves=by_effect[Effect.SETTLE_LEGAL_PROPOSAL], actor=actor, now=now
        )
    if by_effect[Effect.CANCEL_OUTREACH]:
        outcome.cancelled_messages = _cancel_outreach(by_effect[Effect.CANCEL_OUTREACH])
    if by_effect[Effect.HOLD_BORROWER]:
        outcome.holds_placed = _hold_borrowers(by_effect[Effect.HOLD_BORROWER], actor)
    if by_effect[Effect.ASSIGN_AGENT]:
        from collections_app.services.assignment import cases_auto_assign

        outcome.assigned = cases_auto_assign(
            case_ids=[m.case_id for m in by_effect[Effect.ASSIGN_AGENT]], now=now
        )
    if by_effect[Effect.SEND_REFERRAL_NOTICE]:
        outcome.notices_queued = legal.referral_notices_queue(
            case_ids=[m.case_id for m in by_effect[Effect.SEND_REFERRAL_NOTICE]], now=now
        )
    if by_effect[Effect.NOTE_STANDING_HOLDS]:
        _note_standing_holds(by_effect[Effect.NOTE_STANDING_HOLDS], now)
    return outcome


def _cancel_outreach(moves: list[CaseMove]) -> int:
    from collections_app.services.messages import messages_cancel

    # The message lifecycle's own cancel, one statement per target state (a lender's sync may
    # resolve thousands of cases in one call).
    by_target: dict[str, list[int]] = defaultdict(list)
    for move in moves:
        by_target[move.target].append(move.case_id)
    return sum(
        messages_cancel(case_ids=ids, reason=f"case {target}") for target, ids in by_target.items()
    )


def _hold_borrowers(moves: list[CaseMove], actor: AbstractBaseUser | None) -> list[int]:
    """A borrower-level pause reason is the borrower's hold: record it once (hold_place cancels
    the borrower's queued messages and pauses their other loans)."""
    from collections_app.services.consents import hold_place

    borrower_of = dict(
        CollectionCase.objects.filter(pk__in=[m.case_id for m in moves]).values_list(
            "pk", "loan__borrower_id"
        )
    )
    standing = set(
        ContactHold.objects.filter(
            borrower_id__in=set(borrower_of.values()),
            kind__in=BORROWER_LEVEL_PAUSES,
            released_at__isnull=True,
        ).values_list("borrower_id", "kind")
    )
    placed = []
    for move in sorted(moves, key=lambda m: m.case_id):
        key = (borrower_of[move.case_id], move.params["pause_reason"])
        if key in standing:
            continue
        standing.add(key)
        hold = hold_place(
            borrower=Borrower.objects.get(pk=key[0]),
            kind=key[1],
            source=f"case {move.case_id} paused",
            note=move.reason,
            actor=actor,
        )
        placed.append(hold.pk)
    return placed


def borrower_cases_pause(
    *, borrower_id: int, kind: str, hold: ContactHold, actor: AbstractBaseUser | None = None
) -> int:
    """Pause every active case of the borrower for a borrower-level hold (the system's move,
    with the hold cited). Returns how many cases were paused."""
    with transaction.atomic():
        active = list(
            CollectionCase.objects.select_for_update()
            .filter(loan__borrower_id=borrower_id, state__in=ACTIVE_STATES)
            .order_by("pk")
            .values_list("pk", "state")
        )
        cases_move(
            moves=[
                CaseMove(
                    case_id=pk,
                    transition="pause",
                    source=state,
                    target=CaseState.PAUSED,
                    params={"pause_reason": kind},
                    reason=phrase(
                        "%(hold)s recorded for the borrower: every loan is held",
                        hold=choice_label(hold, "kind"),
                    ),
                    data={"hold": hold.pk},
                )
                for pk, state in active
            ],
            actor=None,
        )
    return len(active)


def _note_standing_holds(moves: list[CaseMove], now: dt.datetime) -> None:
    """Resuming a case never releases the borrower's holds (that is compliance's decision):
    say so on the timeline, where the person who resumed it looks."""
    borrower_of = dict(
        CollectionCase.objects.filter(pk__in=[m.case_id for m in moves]).values_list(
            "pk", "loan__borrower_id"
        )
    )
    kinds: dict[int, list[str]] = defaultdict(list)
    for borrower_id, label in (
        (h.borrower_id, choice_label(h, "kind"))
        for h in ContactHold.objects.filter(
            borrower_id__in=set(borrower_of.values()),
            kind__in=STOPPING_HOLDS,
            released_at__isnull=True,
        ).order_by("pk")
    ):
        kinds[borrower_id].append(label)
    bulk_insert(
        CaseEvent,
        [
            dict(
                case_id=m.case_id,
                kind=CaseEvent.Kind.COMPLIANCE,
                from_state=m.target,
                to_state=m.target,
                reason=str(text := _holds_standing(kinds[borrower_of[m.case_id]])),
                data=with_stored(
                    {"standing_holds": [english(k) for k in kinds[borrower_of[m.case_id]]]}, text
                ),
                created_at=now,
            )
            for m in moves
            if kinds.get(borrower_of[m.case_id])
        ],
        now,
    )


def _holds_standing(labels: list[str]) -> str:
    """The timeline's note that a resumed case's borrower is still held: one hold's label is
    said in each reader's language; several are listed as stored (English)."""
    holds = labels[0] if len(labels) == 1 else ", ".join(english(label) for label in labels)
    return phrase(
        "The borrower's holds still stand (%(holds)s): contact stays blocked "
        "until compliance releases them.",
        holds=holds,
    )

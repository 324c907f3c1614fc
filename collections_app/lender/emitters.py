"""What each service tells the lender: the payload of every kind, in one place.

Each function is called by the service that makes the change, inside its transaction, and
writes nothing (not even its lookups) when no endpoint subscribes to the kind. Payloads name
things by the lender's own ids (`loan_id`, `borrower_id`, `payment_id` are their external ids)
beside ours (`case_id`, `promise_id`, `plan_id`, `hold_id`), and carry facts, never free text
a person or a borrower typed (a reason, a reply, a note): those may hold anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from collections_app.db import any_of
from collections_app.lender.events import LenderEventSpec, lender_events_emit_many, wanted
from collections_app.models import (
    ChannelConsent,
    CollectionCase,
    ContactHold,
    Dispute,
    LenderEventKind,
    Payment,
    PaymentPlan,
    PaymentReversal,
    PromiseToPay,
    Settlement,
)
from collections_app.states import CLOSED_STATES

if TYPE_CHECKING:
    from collections_app.services.case_entry import CaseMove

Kind = LenderEventKind
CENTS = Decimal("0.01")


@dataclass(frozen=True)
class CaseRef:
    case_id: int
    loan_pk: int
    loan_id: str
    borrower_id: str
    currency: str

    def as_data(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "loan_id": self.loan_id, "borrower_id": self.borrower_id}


def case_refs(case_ids: Iterable[int]) -> dict[int, CaseRef]:
    """The lender's ids of each case's loan and borrower: one query for any number of cases."""
    rows = CollectionCase.objects.filter(any_of(CollectionCase, "pk", set(case_ids))).values_list(
        "pk", "loan_id", "loan__external_id", "loan__borrower__external_id", "loan__currency"
    )
    return {row[0]: CaseRef(*row) for row in rows}


def _money(amount: Decimal) -> str:
    """As the books keep it (two places), whatever the caller's Decimal looked like."""
    return str(Decimal(amount).quantize(CENTS))


def _by(actor: AbstractBaseUser | None) -> str:
    return "user" if actor is not None else "system"


def case_moves_emit(
    *,
    moves: Sequence[CaseMove],
    actor: AbstractBaseUser | None,
    now: dt.datetime,
) -> int:
    """case.state_changed for each move (a person's, the nightly run's, a hold's), and
    loan.case_closed for a move that closes the case."""
    if not moves:
        return 0
    subscribed = wanted([Kind.CASE_STATE_CHANGED, Kind.LOAN_CASE_CLOSED])
    if not subscribed:
        return 0
    refs = case_refs(m.case_id for m in moves)
    stamp = now.isoformat()
    changed = [
        LenderEventSpec(
            kind=Kind.CASE_STATE_CHANGED,
            payload={
                **refs[m.case_id].as_data(),
                "from_state": m.source,
                "to_state": m.target,
                "transition": m.transition,
                "pause_reason": m.params.get("pause_reason", ""),
                "close_reason": m.params.get("close_reason", ""),
                "by": _by(actor),
                # The nightly run's policy rule; "" for a person's move.
                "rule": str(m.data.get("rule", "")),
            },
            dedupe_key=f"case.state_changed:{m.case_id}:{m.target}:{stamp}",
            case_id=m.case_id,
            loan_id=refs[m.case_id].loan_pk,
            occurred_at=now,
        )
        for m in moves
    ]
    closed = [
        LenderEventSpec(
            kind=Kind.LOAN_CASE_CLOSED,
            payload={
                **refs[m.case_id].as_data(),
                "state": m.target,
                "close_reason": m.params.get("close_reason", ""),
            },
            # A case closes once: its id is the fact's key.
            dedupe_key=f"loan.case_closed:{m.case_id}",
            case_id=m.case_id,
            loan_id=refs[m.case_id].loan_pk,
            occurred_at=now,
        )
        for m in moves
        if m.target in CLOSED_STATES
    ]
    return lender_events_emit_many(events=changed + closed, now=now, subscribed=subscribed)


def cases_opened_emit(*, cases: Sequence[CollectionCase], now: dt.datetime) -> int:
    """loan.case_opened for each case opened (a loan reported past due, a reversal that makes
    a loan paid off owe again, a case opened by hand)."""
    if not cases:
        return 0
    subscribed = wanted([Kind.LOAN_CASE_OPENED])
    if not subscribed:
        return 0
    refs = case_refs(c.pk for c in cases)
    return lender_events_emit_many(
        events=[
            LenderEventSpec(
                kind=Kind.LOAN_CASE_OPENED,
                payload={
                    **refs[c.pk].as_data(),
                    "amount_overdue": _money(c.amount_overdue),
                    "currency": refs[c.pk].currency,
                    "overdue_since": c.overdue_since,
                },
                dedupe_key=f"loan.case_opened:{c.pk}",
                case_id=c.pk,
                loan_id=refs[c.pk].loan_pk,
                occurred_at=now,
            )
            for c in cases
        ],
        now=now,
        subscribed=subscribed,
    )


def _case_event_emit(
    *,
    kind: str,
    case_id: int,
    payload: Callable[[Any], dict[str, Any]],
    dedupe_key: str,
    occurred_at: dt.datetime,
) -> int:
    """One event about one case, when an endpoint wants its kind: the lender's ids for the case
    (`case_refs`) beside what `payload(ref)` says."""
    subscribed = wanted([kind])
    if not subscribed:
        return 0
    ref = case_refs([case_id])[case_id]
    return lender_events_emit_many(
        events=[
            LenderEventSpec(
                kind=kind,
                payload={**ref.as_data(), **payload(ref)},
                dedupe_key=dedupe_key,
                case_id=case_id,
                loan_id=ref.loan_pk,
                occurred_at=occurred_at,
            )
        ],
        subscribed=subscribed,
    )


def promise_created_emit(*, promise: PromiseToPay, actor: AbstractBaseUser | None) -> int:
    return _case_event_emit(
        kind=Kind.PROMISE_CREATED,
        case_id=promise.case_id,
        payload=lambda ref: {
            "promise_id": promise.pk,
            "amount": _money(promise.amount),
            "currency": ref.currency,
            "due_date": promise.due_date,
            "by": _by(actor),
        },
        dedupe_key=f"promise.created:{promise.pk}",
        occurred_at=promise.created_at,
    )


@dataclass(frozen=True)
class SettledPromise:
    promise_id: int
    case_id: int
    status: str  # kept, broken
    amount: Decimal
    amount_paid: Decimal
    due_date: dt.date


def promises_settled_emit(*, settled: Sequence[SettledPromise], now: dt.datetime) -> int:
    """promise.kept / promise.broken, for one payment's promises or a night's batch."""
    if not settled:
        return 0
    kinds = {
        PromiseToPay.Status.KEPT: Kind.PROMISE_KEPT,
        PromiseToPay.Status.BROKEN: Kind.PROMISE_BROKEN,
    }
    subscribed = wanted(list(kinds.values()))
    told = [s for s in settled if kinds[s.status] in subscribed]
    if not told:
        return 0
    refs = case_refs(s.case_id for s in told)
    return lender_events_emit_many(
        events=[
            LenderEventSpec(
                kind=kinds[s.status],
                payload={
                    **refs[s.case_id].as_data(),
                    "promise_id": s.promise_id,
                    "amount": _money(s.amount),
                    "amount_paid": _money(s.amount_paid),
                    "currency": refs[s.case_id].currency,
                    "due_date": s.due_date,
                },
                dedupe_key=f"{kinds[s.status]}:{s.promise_id}",
                case_id=s.case_id,
                loan_id=refs[s.case_id].loan_pk,
                occurred_at=now,
            )
            for s in told
        ],
        now=now,
        subscribed=subscribed,
    )


def plan_created_emit(
    *,
    plan: PaymentPlan,
    installments: Sequence[tuple[dt.date, Decimal]],
    actor: AbstractBaseUser | None,
) -> int:
    subscribed = wanted([Kind.PLAN_CREATED])
    if not subscribed:
        return 0
    ref = case_refs([plan.case_id])[plan.case_id]
    return lender_events_emit_many(
        events=[
            LenderEventSpec(
                kind=Kind.PLAN_CREATED,
                payload={
                    **ref.as_data(),
                    "plan_id": plan.pk,
                    "currency": ref.currency,
                    "total": _money(sum((amount for _, amount in installments), Decimal("0"))),
                    "installments": [
                        {"sequence": i, "due_date": due, "amount": _money(amount)}
                        for i, (due, amount) in enumerate(installments, start=1)
                    ],
                    "by": _by(actor),
                },
                dedupe_key=f"plan.created:{plan.pk}",
                case_id=plan.case_id,
                loan_id=ref.loan_pk,
                occurred_at=plan.created_at,
            )
        ],
        subscribed=subscribed,
    )


def opt_out_emit(*, consent: ChannelConsent, borrower_external_id: str) -> int:
    """consent.opted_out: about the person (every loan of theirs), so no case or loan."""
    subscribed = wanted([Kind.CONSENT_OPTED_OUT])
    if not subscribed:
        return 0
    return lender_events_emit_many(
        events=[
            LenderEventSpec(
                kind=Kind.CONSENT_OPTED_OUT,
                payload={
                    "borrower_id": borrower_external_id,
                    "channel": consent.channel,
                    "source": consent.source,
                    "requested_at": consent.requested_at,
                    "recorded_at": consent.recorded_at,
                },
                dedupe_key=f"consent.opted_out:{consent.pk}:{consent.recorded_at.isoformat()}",
                occurred_at=consent.recorded_at,
            )
        ],
        subscribed=subscribed,
    )


def _hold_data(hold: ContactHold, borrower_external_id: str) -> dict[str, Any]:
    return {
        "hold_id": hold.pk,
        "borrower_id": borrower_external_id,
        "kind": hold.kind,
        "source": hold.source,
        "placed_at": hold.recorded_at,
    }


def hold_placed_emit(*, hold: ContactHold, borrower_external_id: str) -> int:
    """hold.placed for every hold; a dispute hold is also dispute.opened (a receiver that only
    follows disputes subscribes to that one)."""
    kinds = [Kind.HOLD_PLACED]
    if hold.kind == ContactHold.Kind.DISPUTE:
        kinds.append(Kind.DISPUTE_OPENED)
    subscribed = wanted(kinds)
    if not subscribed:
        return 0
    data = _hold_data(hold, borrower_external_id)
    return lender_events_emit_many(
        events=[
            LenderEventSpec(
                kind=kind,
                payload=data,
                dedupe_key=f"{kind}:{hold.pk}",
                occurred_at=hold.recorded_at,
            )
            for kind in subscribed
        ],
        subscribed=subscribed,
    )


def dispute_recorded_emit(*, dispute: Dispute, actor: AbstractBaseUser | None) -> int:
    """dispute.opened for a dispute recorded on one debt (services/disputes.py): the loan's case,
    its type, when it came and when the answer is due. (A dispute hold, borrower-wide, is told
    by hold_placed_emit with its hold_id instead.)"""
    return _case_event_emit(
        kind=Kind.DISPUTE_OPENED,
        case_id=dispute.case_id,
        payload=lambda ref: {
            "dispute_id": dispute.pk,
            "kind": dispute.kind,
            "received_on": dispute.received_on,
            "received_via": dispute.received_via,
            "response_due_on": dispute.response_due_on,
            "by": _by(actor),
        },
        dedupe_key=f"dispute.opened:debt:{dispute.pk}",
        occurred_at=dispute.recorded_at,
    )


def hold_released_emit(*, hold: ContactHold, borrower_external_id: str) -> int:
    subscribed = wanted([Kind.HOLD_RELEASED])
    if not subscribed:
        return 0
    return lender_events_emit_many(
        events=[
            LenderEventSpec(
                kind=Kind.HOLD_RELEASED,
                payload={**_hold_data(hold, borrower_external_id), "released_at": hold.released_at},
                dedupe_key=f"hold.released:{hold.pk}",
                occurred_at=hold.released_at or timezone.now(),
            )
        ],
        subscribed=subscribed,
    )


def payment_recorded_emit(*, payment: Payment, case: CollectionCase | None) -> int:
    subscribed = wanted([Kind.PAYMENT_RECORDED])
    if not subscribed:
        return 0
    loan = payment.loan
    return lender_events_emit_many(
        events=[
            LenderEventSpec(
                kind=Kind.PAYMENT_RECORDED,
                payload={
                    "payment_id": payment.external_id,
                    "loan_id": loan.external_id,
                    "borrower_id": loan.borrower.external_id,
                    "case_id": case.pk if case is not None else None,
                    "amount": _money(payment.amount),
                    "currency": payment.currency,
                    "received_at": payment.received_at,
                    "outstanding_balance_after": _money(loan.outstanding_balance),
                    "amount_overdue_after": _money(case.amount_overdue)
                    if case is not None
                    else None,
                },
                dedupe_key=f"payment.recorded:{payment.external_id}",
                case_id=case.pk if case is not None else None,
                loan_id=loan.pk,
                occurred_at=payment.recorded_at,
            )
        ],
        subscribed=subscribed,
    )


def payment_reversed_emit(*, reversal: PaymentReversal, detail: Mapping[str, Any]) -> int:
    """payment.reversed: the payment, why, and the case the amount is owed on again."""
    subscribed = wanted([Kind.PAYMENT_REVERSED])
    if not subscribed:
        return 0
    payment = reversal.payment
    loan = payment.loan
    case_id = detail.get("reopened_case") or detail.get("case")
    return lender_events_emit_many(
        events=[
            LenderEventSpec(
                kind=Kind.PAYMENT_REVERSED,
                payload={
                    "payment_id": payment.external_id,
                    "loan_id": loan.external_id,
                    "borrower_id": loan.borrower.external_id,
                    "case_id": case_id,
                    "amount": _money(payment.amount),
                    "currency": payment.currency,
                    "reason": reversal.reason,
                    "reversed_at": reversal.reversed_at,
                    "outstanding_balance_after": _money(loan.outstanding_balance),
                },
                dedupe_key=f"payment.reversed:{payment.external_id}",
                case_id=case_id,
                loan_id=loan.pk,
                occurred_at=reversal.recorded_at,
            )
        ],
        subscribed=subscribed,
    )


def _settlement_data(settlement: Settlement, ref: CaseRef) -> dict[str, Any]:
    return {
        **ref.as_data(),
        "settlement_id": settlement.pk,
        "currency": settlement.currency,
        "balance": _money(settlement.balance),
        "amount": _money(settlement.amount),
        "discount_percent": str(settlement.discount_percent),
        "method": settlement.method,
        "installment_count": settlement.installment_count,
        "plan_id": settlement.plan_id,
    }


def settlement_agreed_emit(*, settlement: Settlement) -> int:
    """settlement.agreed: the borrower accepted an approved settlement (or paid towards it)."""
    subscribed = wanted([Kind.SETTLEMENT_AGREED])
    if not subscribed:
        return 0
    ref = case_refs([settlement.case_id])[settlement.case_id]
    return lender_events_emit_many(
        events=[
            LenderEventSpec(
                kind=Kind.SETTLEMENT_AGREED,
                payload={
                    **_settlement_data(settlement, ref),
                    "pay_by": settlement.first_due if settlement.method == "lump_sum" else None,
                    "approved_by_second_person": settlement.needs_approval,
                },
                dedupe_key=f"settlement.agreed:{settlement.pk}",
                case_id=settlement.case_id,
                loan_id=ref.loan_pk,
                occurred_at=settlement.accepted_at or timezone.now(),
            )
        ],
        subscribed=subscribed,
    )


def settlement_paid_emit(*, settlement: Settlement) -> int:
    """settlement.paid: paid in full; what was forgiven, in the balance's parts."""
    subscribed = wanted([Kind.SETTLEMENT_PAID])
    if not subscribed:
        return 0
    ref = case_refs([settlement.case_id])[settlement.case_id]
    return lender_events_emit_many(
        events=[
            LenderEventSpec(
                kind=Kind.SETTLEMENT_PAID,
                payload={
                    **_settlement_data(settlement, ref),
                    "amount_paid": _money(settlement.amount_paid),
                    "forgiven": _money(settlement.forgiven_amount or 0),
                    "forgiven_principal": _money(settlement.forgiven_principal or 0),
                    "forgiven_interest": _money(settlement.forgiven_interest or 0),
                    "forgiven_fees": _money(settlement.forgiven_fees or 0),
                },
                dedupe_key=f"settlement.paid:{settlement.pk}",
                case_id=settlement.case_id,
                loan_id=ref.loan_pk,
                occurred_at=settlement.paid_at or timezone.now(),
            )
        ],
        subscribed=subscribed,
    )

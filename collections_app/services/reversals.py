"""A payment the lender took back (NSF, chargeback): everything the payment did, undone.

`services/payments.payment_record` keeps what each payment took off (the balance's parts and the
case's amount overdue on the payment row, its promise shares as PromiseAllocation, its
installment shares as InstallmentAllocation); a reversal puts back exactly that:

- the loan's balance goes back up, and the case's amount overdue;
- a case the payment closed as paid in full stays closed (a closed case never reopens): a new
  case is opened for the amount owed again, and both timelines say so;
- a promise the payment had kept is kept no longer: broken, or open again while its deadline
  has not passed and its case is open (a promise is never broken before its deadline);
- plan installments it paid are unpaid, and a plan it completed is active again.
- a settlement it counted towards no longer counts it; one it completed is undone
  (services/settlements.settlement_payment_reversed): cancelled, what it forgave owed again and
  collected with the payment on an open case.

Called through services/lender.payment_reverse.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collections_app.lender.balances import Balance
from collections_app.lender.emitters import payment_reversed_emit
from collections_app.lender.records import ReversalRecord
from collections_app.lender.results import CREATED, UNCHANGED, LenderDataError, UpsertResult
from collections_app.models import (
    CaseEvent,
    CollectionCase,
    InstallmentAllocation,
    Loan,
    Payment,
    PaymentPlan,
    PaymentReversal,
    PlanInstallment,
    PromiseAllocation,
    PromiseToPay,
)
from collections_app.models.loans import BALANCE_FIELDS
from collections_app.phrases import phrase
from collections_app.policies.promises import KEPT, promise_outcome
from collections_app.problems import Problem
from collections_app.selectors.timeline import stage_in_sentence
from collections_app.services.cases import CaseOpening, cases_open
from collections_app.services.events import case_event_record
from collections_app.services.policies import policy_promise_terms
from collections_app.services.settlements import settlement_payment_reversed
from collections_app.states import OPEN_STATES, CaseState, CloseReason

ZERO = Decimal("0")


def _reason_word(reason: str) -> Promise:
    """Lazy: a phrase's value, stored in English and said in each reader's language."""
    return {
        "nsf": gettext_lazy("NSF"),
        "chargeback": gettext_lazy("chargeback"),
        "other": gettext_lazy("other"),
    }[reason]


def reversal_record(*, record: ReversalRecord, source: str) -> UpsertResult:
    """Reverse the payment once; a second reversal of it changes nothing."""
    with transaction.atomic():
        payment = Payment.objects.filter(external_id=record.payment_external_id).first()
        if payment is None:
            raise LenderDataError([Problem("payment_external_id", _("no payment has this id"))])
        # The loan first, as payment_record locks it: a payment and a reversal of the same
        # loan take turns.
        loan = Loan.objects.select_for_update().get(pk=payment.loan_id)
        existing = PaymentReversal.objects.filter(payment=payment).first()
        if existing is not None:
            return UpsertResult(UNCHANGED, existing, {"reversed_at": existing.reversed_at})
        if record.reversed_at < payment.received_at:
            raise LenderDataError([Problem("reversed_at", _("is before the payment was received"))])
        reversal = PaymentReversal.objects.create(
            payment=payment,
            reason=record.reason,
            reversed_at=record.reversed_at,
            note=record.note,
            source=source,
        )
        label = phrase(
            "Payment %(payment)s reversed (%(reason)s)",
            payment=payment.external_id,
            reason=_reason_word(record.reason),
        )
        base = {"source": source, "payment_id": payment.pk, "reversal_id": reversal.pk}
        loan.set_balance(
            loan.balance
            + Balance(payment.applied_principal, payment.applied_interest, payment.applied_fees)
        )
        loan.save(update_fields=[*BALANCE_FIELDS, "updated_at"])
        detail: dict[str, Any] = {}
        # A settlement the payment had paid is undone first: what it forgave is owed again.
        forgiven_again = settlement_payment_reversed(payment=payment, label=label)
        if forgiven_again is not None:
            loan.refresh_from_db()
            detail["settlement_undone"] = True
        _amount_owed_again(payment, loan, label, base, detail, forgiven_again)
        _promises_unkept(payment, label, base, detail)
        _installments_unpaid(payment, label, base, detail)
        payment_reversed_emit(reversal=reversal, detail=detail)
    return UpsertResult(CREATED, reversal, detail)


def _amount_owed_again(
    payment: Payment,
    loan: Loan,
    label: str,
    base: dict,
    detail: dict[str, Any],
    forgiven_again: Decimal | None = None,
) -> None:
    """`forgiven_again`: the overdue a settlement this payment had paid forgave, owed again."""
    if payment.case_id is None:
        return  # it came in while no case was open: it lowered the balance only
    case = CollectionCase.objects.select_for_update().get(pk=payment.case_id)
    amount = payment.applied_overdue + (forgiven_again or ZERO)
    detail["case"] = case.pk
    if case.state in OPEN_STATES:
        case.amount_overdue += amount
        case.save(update_fields=["amount_overdue", "updated_at"])
        case_event_record(
            case=case,
            kind=CaseEvent.Kind.REVERSAL,
            reason=phrase(
                "%(label)s: %(amount)s overdue again (%(overdue)s in all)",
                label=label,
                amount=amount,
                overdue=case.amount_overdue,
            ),
            data={**base, "amount": amount, "amount_overdue_after": case.amount_overdue},
        )
        return
    paid_off = case.state == CaseState.RESOLVED and (
        case.close_reason == CloseReason.PAID
        or (case.close_reason == CloseReason.SETTLED and forgiven_again is not None)
    )
    if not paid_off or amount == ZERO:
        case_event_record(
            case=case,
            kind=CaseEvent.Kind.REVERSAL,
            reason=phrase(
                "%(label)s; the case stays %(state)s",
                label=label,
                state=stage_in_sentence(case.state),
            ),
            data={**base, "amount": amount},
        )
        return
    # Closed as paid in full, and now it is not: the debt is collected on an open case (the
    # loan's, or a new one; a closed case never reopens).
    other = (
        CollectionCase.objects.select_for_update().filter(loan=loan, state__in=OPEN_STATES).first()
    )
    if other is not None:
        other.amount_overdue += amount
        other.save(update_fields=["amount_overdue", "updated_at"])
        case_event_record(
            case=other,
            kind=CaseEvent.Kind.REVERSAL,
            reason=phrase(
                "%(label)s on case #%(case)s: %(amount)s overdue again (%(overdue)s in all)",
                label=label,
                case=case.pk,
                amount=amount,
                overdue=other.amount_overdue,
            ),
            data={**base, "amount": amount, "previous_case": case.pk},
        )
    else:
        (other,) = cases_open(
            openings=[
                CaseOpening(
                    loan_id=loan.pk,
                    amount_overdue=amount,
                    # The same debt, never paid: its days past due count from when it was due.
                    overdue_since=case.overdue_since,
                    data={**base, "previous_case": case.pk},
                    reason=phrase(
                        "%(label)s on case #%(case)s, which it had paid in full",
                        label=label,
                        case=case.pk,
                    ),
                )
            ]
        )
    detail["reopened_case"] = other.pk
    case_event_record(
        case=case,
        kind=CaseEvent.Kind.REVERSAL,
        reason=phrase(
            "%(label)s: the case was closed as paid; %(amount)s is collected on case #%(case)s",
            label=label,
            amount=amount,
            case=other.pk,
        ),
        data={**base, "amount": amount, "next_case": other.pk},
    )


def _promises_unkept(payment: Payment, label: str, base: dict, detail: dict[str, Any]) -> None:
    shares = dict(
        PromiseAllocation.objects.filter(payment=payment).values_list("promise_id", "amount")
    )
    if not shares:
        return
    today = timezone.localdate()
    now = timezone.now()
    unkept = []
    for promise in (
        PromiseToPay.objects.select_for_update()
        .select_related("case")
        .filter(pk__in=list(shares))
        .order_by("pk")
    ):
        share = shares[promise.pk]
        promise.amount_paid -= share
        words = {"label": label, "promise": promise.pk, "share": share}
        if promise.status != PromiseToPay.Status.KEPT:
            reason = phrase(
                "%(label)s: its %(share)s no longer counts towards promise #%(promise)s", **words
            )
        else:
            terms = policy_promise_terms(case=promise.case)
            outcome = promise_outcome(
                amount=promise.amount,
                paid=promise.amount_paid,
                due_date=promise.due_date,
                terms=terms,
                today=today,
            )
            if outcome == KEPT:
                reason = phrase("%(label)s: promise #%(promise)s is still kept", **words)
            elif outcome is None and promise.case.state in OPEN_STATES:
                promise.status, promise.resolved_at = PromiseToPay.Status.ACTIVE, None
                reason = phrase(
                    "%(label)s: promise #%(promise)s no longer kept; open again until %(deadline)s",
                    **{**words, "deadline": terms.deadline(promise.due_date)},
                )
                unkept.append(promise.pk)
            else:
                promise.status, promise.resolved_at = PromiseToPay.Status.BROKEN, now
                reason = phrase("%(label)s: promise #%(promise)s no longer kept", **words)
                unkept.append(promise.pk)
        promise.save(update_fields=["amount_paid", "status", "resolved_at"])
        case_event_record(
            case=promise.case,
            kind=CaseEvent.Kind.PROMISE,
            reason=reason,
            data={
                **base,
                "promise_id": promise.pk,
                "status": promise.status,
                "amount_paid_after": promise.amount_paid,
            },
        )
    if unkept:
        detail["promises_no_longer_kept"] = unkept


def _installments_unpaid(payment: Payment, label: str, base: dict, detail: dict[str, Any]) -> None:
    allocations = list(
        InstallmentAllocation.objects.filter(payment=payment)
        .select_related("installment__plan__case")
        .order_by("installment__plan_id", "installment__sequence")
    )
    plans: dict[int, PaymentPlan] = {}
    for allocation in allocations:
        installment = PlanInstallment.objects.select_for_update().get(pk=allocation.installment_id)
        installment.paid_amount -= allocation.amount
        if installment.paid_amount < installment.amount:
            installment.status = (
                PlanInstallment.Status.PENDING
                if installment.status == PlanInstallment.Status.PAID
                else installment.status
            )
        installment.save(update_fields=["paid_amount", "status"])
        plans[allocation.installment.plan_id] = allocation.installment.plan
    for plan in plans.values():
        again = plan.status == PaymentPlan.Status.COMPLETED and plan.case.state in OPEN_STATES
        if again:
            plan.status = PaymentPlan.Status.ACTIVE
            plan.save(update_fields=["status"])
        case_event_record(
            case=plan.case,
            kind=CaseEvent.Kind.PLAN,
            reason=phrase(
                "%(label)s: no longer paid towards plan %(plan)s, which is active again",
                label=label,
                plan=plan.pk,
            )
            if again
            else phrase(
                "%(label)s: no longer paid towards plan %(plan)s", label=label, plan=plan.pk
            ),
            data={**base, "plan": plan.pk, "status": plan.status},
        )
    if plans:
        detail["plans"] = list(plans)

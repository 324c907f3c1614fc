"""Payments, promises to pay and payment plans."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_app.lender.balances import balance_paid
from collections_app.lender.emitters import (
    SettledPromise,
    payment_recorded_emit,
    plan_created_emit,
    promise_created_emit,
    promises_settled_emit,
)
from collections_app.models import (
    CaseEvent,
    CollectionCase,
    InstallmentAllocation,
    Loan,
    Payment,
    PaymentPlan,
    PlanInstallment,
    PromiseAllocation,
    PromiseToPay,
)
from collections_app.models.loans import BALANCE_FIELDS
from collections_app.money import format_money
from collections_app.outreach.outbox import outbox_cancel_for_case
from collections_app.phrases import choice_label, phrase
from collections_app.policies.engagement import StageMove, stage_after_engagement
from collections_app.policies.plans import plan_offer_problems, plan_schedule
from collections_app.policies.promises import KEPT, OpenPromise, allocate_payment, promise_outcome
from collections_app.services.cases import case_transition
from collections_app.services.events import case_event_record
from collections_app.services.policies import policy_payment_terms, policy_promise_terms
from collections_app.states import OPEN_STATES, CaseState, CloseReason

ZERO = Decimal("0")
# Settlement statuses in play (services/settlements.py owns them; read here only).
_OPEN_SETTLEMENT = ("proposed", "approved", "accepted")
NEGOTIATE_PERMISSION = "collections_app.negotiate_case"


def payment_record(
    *,
    loan: Loan,
    external_id: str,
    amount: Decimal,
    currency: str,
    received_at: dt.datetime,
    source: str = "",
) -> tuple[Payment, bool]:
    """Record a lender payment once. Returns (payment, created).

    The same lender payment id sent twice has one effect. The payment lowers the balance (fees,
    then interest, then principal: lender/balances.py) and the overdue amount, is allocated once
    across the active promises it counts towards (policies/promises.py), counts towards plan
    installments, and resolves the case when nothing is overdue any more. What it took off each
    is kept on the payment and its allocations, so a reversal puts back exactly that.
    `source`: where it came from ("api:<integration>", "webhook:payments", ...).
    """
    if amount <= ZERO:
        raise ValidationError(_("A payment amount must be positive."))
    with transaction.atomic():
        loan = Loan.objects.select_for_update().get(pk=loan.pk)
        existing = Payment.objects.filter(external_id=external_id).first()
        if existing is not None:
            return existing, False
        if currency != loan.currency:
            raise ValidationError(
                _("Payment currency %(currency)s does not match the loan's %(loan_currency)s.")
                % {"currency": currency, "loan_currency": loan.currency}
            )
        case = (
            CollectionCase.objects.select_for_update()
            .filter(loan=loan, state__in=OPEN_STATES)
            .first()
        )
        paid = balance_paid(loan.balance, amount)
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    external_id=external_id,
                    loan=loan,
                    case=case,
                    amount=amount,
                    currency=currency,
                    received_at=received_at,
                    source=source,
                    applied_fees=paid.fees,
                    applied_interest=paid.interest,
                    applied_principal=paid.principal,
                    applied_overdue=min(amount, case.amount_overdue) if case else ZERO,
                )
        except IntegrityError:
            # Another worker recorded the same payment id between our check and insert.
            return Payment.objects.get(external_id=external_id), False

        loan.set_balance(loan.balance - paid)
        loan.save(update_fields=[*BALANCE_FIELDS, "updated_at"])
        if case is not None:
            _apply_payment_to_case(case=case, payment=payment)
        else:
            payment_recorded_emit(payment=payment, case=None)
    return payment, True


def _apply_payment_to_case(*, case: CollectionCase, payment: Payment) -> None:
    case.amount_overdue -= payment.applied_overdue
    case.save(update_fields=["amount_overdue", "updated_at"])
    # Told before what it leads to (promises kept, the case resolved): the lender gets them in
    # the order they happened.
    payment_recorded_emit(payment=payment, case=case)
    case_event_record(
        case=case,
        kind=CaseEvent.Kind.PAYMENT,
        data={
            "payment_id": payment.pk,
            "external_id": payment.external_id,
            "amount": payment.amount,
            "currency": payment.currency,
            "amount_overdue_after": case.amount_overdue,
            **({"source": payment.source} if payment.source else {}),
        },
    )
    _apply_to_promises(case=case, payment=payment)
    _apply_to_plan(case=case, payment=payment)
    # A message asking for money already paid must not go out.
    outbox_cancel_for_case(case=case, reason=f"payment {payment.external_id} received")
    # A settlement paid in full closes the case as settled (and records what was forgiven).
    # Imported here: services/settlements.py builds its plans with this module.
    from collections_app.services.settlements import settlement_payment_apply

    settlement_payment_apply(case=case, payment=payment)
    if case.state in OPEN_STATES and case.amount_overdue == ZERO:
        case_transition(
            case=case, name="resolve", reason=phrase("Paid in full"), close_reason=CloseReason.PAID
        )


def _apply_to_promises(*, case: CollectionCase, payment: Payment) -> None:
    """Allocate the payment once: the open promise due first takes what is still owed on it,
    the next the remainder. Each share is stored (PromiseAllocation) and told on the timeline."""
    promises = {
        p.pk: p
        for p in case.promises.select_for_update()
        .filter(status=PromiseToPay.Status.ACTIVE)
        .order_by("due_date", "id")
    }
    if not promises:
        return
    terms = policy_promise_terms(case=case)
    received_on = timezone.localtime(payment.received_at).date()
    shares = allocate_payment(
        amount=payment.amount,
        received_at=payment.received_at,
        received_on=received_on,
        promises=[
            OpenPromise(p.pk, p.amount, p.amount_paid, p.due_date, p.created_at)
            for p in promises.values()
        ],
        terms=terms,
    )
    now = timezone.now()
    kept: list[SettledPromise] = []
    PromiseAllocation.objects.bulk_create(
        PromiseAllocation(payment=payment, promise_id=promise_id, amount=share, created_at=now)
        for promise_id, share in shares
    )
    for promise_id, share in shares:
        promise = promises[promise_id]
        promise.amount_paid += share
        case_event_record(
            case=case,
            kind=CaseEvent.Kind.PROMISE,
            reason=phrase(
                "Payment %(payment)s %(share)s applied to promise #%(promise)s "
                "(%(paid)s of %(amount)s paid)",
                payment=payment.external_id,
                share=format_money(share, payment.currency),
                promise=promise.pk,
                paid=format_money(promise.amount_paid, payment.currency),
                amount=format_money(promise.amount, payment.currency),
            ),
            data={
                "promise_id": promise.pk,
                "payment_id": payment.pk,
                "external_id": payment.external_id,
                "applied": share,
                "amount_paid_after": promise.amount_paid,
            },
        )
        outcome = promise_outcome(
            amount=promise.amount,
            paid=promise.amount_paid,
            due_date=promise.due_date,
            terms=terms,
            today=received_on,
        )
        if outcome == KEPT:
            promise.status = PromiseToPay.Status.KEPT
            promise.resolved_at = now
            case_event_record(
                case=case,
                kind=CaseEvent.Kind.PROMISE,
                reason=phrase(
                    "Promise #%(promise)s kept: %(paid)s of %(amount)s paid",
                    promise=promise.pk,
                    paid=format_money(promise.amount_paid, payment.currency),
                    amount=format_money(promise.amount, payment.currency),
                ),
                data={"promise_id": promise.pk, "status": promise.status},
            )
            kept.append(
                SettledPromise(
                    promise.pk,
                    case.pk,
                    promise.status,
                    promise.amount,
                    promise.amount_paid,
                    promise.due_date,
                )
            )
        promise.save(update_fields=["amount_paid", "status", "resolved_at"])
    promises_settled_emit(settled=kept, now=now)


def _apply_to_plan(*, case: CollectionCase, payment: Payment) -> None:
    """Pay the oldest open installments of the active plan first (each share kept as an
    InstallmentAllocation, for a reversal)."""
    plan = case.plans.filter(status=PaymentPlan.Status.ACTIVE).first()
    if plan is None:
        return
    remaining = payment.amount
    installments = plan.installments.select_for_update().exclude(status=PlanInstallment.Status.PAID)
    shares = []
    for installment in installments.order_by("sequence"):
        if remaining <= ZERO:
            break
        applied = min(remaining, installment.amount - installment.paid_amount)
        installment.paid_amount += applied
        remaining -= applied
        if installment.paid_amount >= installment.amount:
            installment.status = PlanInstallment.Status.PAID
        installment.save(update_fields=["paid_amount", "status"])
        if applied > ZERO:
            shares.append(
                InstallmentAllocation(payment=payment, installment=installment, amount=applied)
            )
    InstallmentAllocation.objects.bulk_create(shares)
    if not plan.installments.exclude(status=PlanInstallment.Status.PAID).exists():
        plan.status = PaymentPlan.Status.COMPLETED
        plan.save(update_fields=["status"])
        case_event_record(
            case=case,
            kind=CaseEvent.Kind.PLAN,
            reason=phrase("Plan completed"),
            data={"plan": plan.pk},
        )


def stage_set_by(case: CollectionCase) -> int | None:
    """The user who moved the case into its current stage, or None when the system did (the
    nightly run, a webhook) or it was opened in it. Read from the last transition on the
    timeline (index on case, created_at)."""
    last = (
        CaseEvent.objects.filter(case_id=case.pk, kind=CaseEvent.Kind.TRANSITION)
        .order_by("-created_at", "-id")
        .values_list("to_state", "actor_id")
        .first()
    )
    if last is None or last[0] != case.state:
        return None
    return last[1]


def _engage(
    *, case: CollectionCase, actor: AbstractBaseUser | None, reason: str, kind: str
) -> StageMove:
    """What the borrower's engagement does to the stage (policies/engagement.py decides)."""
    stage_setter = stage_set_by(case) if case.state in OPEN_STATES else None
    move = stage_after_engagement(state=case.state, stage_set_by_person=stage_setter is not None)
    if move is StageMove.NEGOTIATE:
        # Credited to the person who recorded it when they may move cases to negotiation
        # (agents and supervisors may); otherwise (the API, a role without it) the system.
        by = actor if actor is not None and actor.has_perm(NEGOTIATE_PERMISSION) else None
        case_transition(case=case, name="start_negotiation", actor=by, reason=reason)
    elif move is StageMove.WAIT_FOR_SUPERVISOR:
        case_event_record(
            case=case,
            kind=kind,
            actor=actor,
            reason=phrase(
                "The case stays in %(stage)s: a person moved it there, so a supervisor decides "
                "its stage (queue: Promise on an escalated case).",
                stage=choice_label(case, "state"),
            ),
            data={"stage_waits_for_supervisor": True, "stage_set_by": stage_setter},
        )
    return move


def promise_create(
    *,
    case: CollectionCase,
    amount: Decimal,
    due_date: dt.date,
    actor: AbstractBaseUser | None = None,
    today: dt.date | None = None,
) -> PromiseToPay:
    """Record a promise to pay. It is engagement: the case moves to negotiation, unless a person
    set its stage (policies/engagement.py: then the stage waits for a supervisor)."""
    today = today or timezone.localdate()
    if amount <= ZERO:
        raise ValidationError(_("A promise needs a positive amount."))
    if amount > case.amount_overdue:
        raise ValidationError(
            _("The promise (%(amount)s) is more than the amount overdue (%(overdue)s).")
            % {"amount": amount, "overdue": case.amount_overdue}
        )
    if due_date < today:
        raise ValidationError(_("A promise cannot be due in the past."))
    if case.state not in OPEN_STATES or case.state == CaseState.PAUSED:
        raise ValidationError(
            _("Cannot record a promise on a %(state)s case.") % {"state": case.get_state_display()}
        )
    with transaction.atomic():
        promise = PromiseToPay.objects.create(
            case=case, amount=amount, due_date=due_date, created_by=actor
        )
        case_event_record(
            case=case,
            kind=CaseEvent.Kind.PROMISE,
            actor=actor,
            reason=phrase(
                "Promised %(amount)s by %(due_date)s",
                amount=format_money(amount, case.loan.currency),
                due_date=due_date,
            ),
            data={"promise_id": promise.pk, "amount": amount, "due_date": due_date},
        )
        promise_created_emit(promise=promise, actor=actor)
        _engage(
            case=case, actor=actor, reason=phrase("Promise to pay"), kind=CaseEvent.Kind.PROMISE
        )
    return promise


def plan_create(
    *,
    case: CollectionCase,
    installments: list[tuple[dt.date, Decimal]],
    actor: AbstractBaseUser | None = None,
    frequency: str = "",
    note: str = "",
) -> PaymentPlan:
    """Agree a payment plan; it replaces any active one. The one writer of plans: the case
    page's offers (plan_agree) and the lender's API both come here. `note`: what the plan is
    for, on the timeline (a settlement's plan says so)."""
    if not installments:
        raise ValidationError(_("A plan needs at least one installment."))
    if any(amount <= ZERO for _, amount in installments):
        raise ValidationError(_("Every installment needs a positive amount."))
    dates = [due for due, _ in installments]
    if dates != sorted(dates) or len(set(dates)) != len(dates):
        raise ValidationError(_("Installment dates must be distinct and in order."))
    if case.state not in OPEN_STATES or case.state == CaseState.PAUSED:
        raise ValidationError(
            _("Cannot agree a plan on a %(state)s case.") % {"state": case.get_state_display()}
        )
    with transaction.atomic():
        case.plans.filter(status=PaymentPlan.Status.ACTIVE).update(
            status=PaymentPlan.Status.CANCELLED
        )
        plan = PaymentPlan.objects.create(case=case, created_by=actor, frequency=frequency)
        PlanInstallment.objects.bulk_create(
            PlanInstallment(plan=plan, sequence=i, due_date=due, amount=amount)
            for i, (due, amount) in enumerate(installments, start=1)
        )
        total = sum((amount for _, amount in installments), ZERO)
        reason = phrase(
            "Plan of %(count)s instalments, %(total)s in all, %(first)s to %(last)s",
            count=len(installments),
            total=format_money(total, case.loan.currency),
            first=installments[0][0],
            last=installments[-1][0],
        )
        case_event_record(
            case=case,
            kind=CaseEvent.Kind.PLAN,
            actor=actor,
            reason=phrase("%(reason)s (%(note)s)", reason=reason, note=note) if note else reason,
            data={
                "plan": plan.pk,
                "installments": [[d, a] for d, a in installments],
                "total": total,
                **({"frequency": frequency} if frequency else {}),
            },
        )
        plan_created_emit(plan=plan, installments=installments, actor=actor)
        _engage(
            case=case, actor=actor, reason=phrase("Payment plan agreed"), kind=CaseEvent.Kind.PLAN
        )
    return plan


def plan_agree(
    *,
    case: CollectionCase,
    count: int,
    frequency: str,
    first_due: dt.date,
    actor: AbstractBaseUser | None,
    total: Decimal | None = None,
    counts: tuple[int, ...] | None = None,
    today: dt.date | None = None,
    note: str = "",
) -> PaymentPlan:
    """A plan the policy offers for this case: `count` instalments, `frequency`, the first due
    on `first_due`, summing exactly to `total` (the amount overdue unless given: a settlement's
    plan passes its settled amount, and its own `counts`). Raises ValidationError, saying why,
    for a plan outside the policy."""
    today = today or timezone.localdate()
    if total is None and case.settlements.filter(status__in=_OPEN_SETTLEMENT).exists():
        # The settlement decides what is paid and how; a plan for the whole amount beside it
        # would replace the settlement's own plan.
        raise ValidationError(
            _("This case has an open settlement: cancel it before agreeing another plan.")
        )
    total = case.amount_overdue if total is None else total
    terms = policy_payment_terms(case=case).plans
    if counts is not None:
        terms = replace(terms, installment_counts=counts)
    if total <= ZERO:
        raise ValidationError(_("Nothing is owed on this case: there is nothing to plan."))
    problems = plan_offer_problems(
        terms=terms,
        total=total,
        count=count,
        frequency=frequency,
        first_due=first_due,
        today=today,
        currency=case.loan.currency,
    )
    if problems:
        raise ValidationError(problems)
    schedule = plan_schedule(
        total=total,
        count=count,
        first_due=first_due,
        frequency=frequency,
        remainder=terms.remainder,
    )
    return plan_create(
        case=case, installments=schedule, actor=actor, frequency=frequency, note=note
    )


def plan_cancel(*, plan: PaymentPlan, actor: AbstractBaseUser | None, reason: str) -> bool:
    """End an active plan (its settlement was cancelled). False when it was not active."""
    with transaction.atomic():
        changed = PaymentPlan.objects.filter(pk=plan.pk, status=PaymentPlan.Status.ACTIVE).update(
            status=PaymentPlan.Status.CANCELLED
        )
        if changed:
            plan.status = PaymentPlan.Status.CANCELLED
            case_event_record(
                case=plan.case,
                kind=CaseEvent.Kind.PLAN,
                actor=actor,
                reason=phrase("Plan #%(plan)s cancelled: %(reason)s", plan=plan.pk, reason=reason),
                data={"plan": plan.pk, "status": PaymentPlan.Status.CANCELLED},
            )
    return bool(changed)

"""Settlements: the one owner of their lifecycle. Every path (the case page, the approval queue,
a payment arriving, the nightly run) changes a settlement through a function here.

- offer: an agent or supervisor offers to settle the balance for less. A discount within the
  offering person's limit (the policy's max_discount_percent for their roles) is approved at
  once; above it the offer waits for a second person (four-eyes) whose limit covers it; above
  every role's limit it is refused.
- approve / reject: only another person than the one who offered, with the permission and a
  high-enough limit; both people and times are kept.
- accept: the borrower agreed; paid through a plan, the plan's instalments sum to the settled
  amount. A payment towards an approved settlement accepts it too.
- paid: the payments since the offer reach the settled amount. What is still owed is forgiven
  (recorded on the settlement in its parts and on the timeline, then taken off the loan) and the
  case is resolved as settled.
- cancelled (by a person), expired (not accepted in time, not paid by its date, or its plan
  defaulted; found by the nightly run) and rejected end it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import ROUND_UP, Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_app.lender.balances import Balance
from collections_app.lender.emitters import settlement_agreed_emit, settlement_paid_emit
from collections_app.models import CaseEvent, CollectionCase, Loan, Payment, PaymentPlan
from collections_app.models.loans import BALANCE_FIELDS
from collections_app.models.settlements import Settlement
from collections_app.phrases import phrase
from collections_app.policies.payment_terms import PaymentTerms
from collections_app.policies.plans import plan_offer_problems
from collections_app.services.cases import case_transition
from collections_app.services.events import case_event_record
from collections_app.services.payments import plan_agree, plan_cancel
from collections_app.services.policies import policy_payment_terms
from collections_app.states import OPEN_STATES, CaseState, CloseReason

OFFER_PERMISSION = "collections_app.offer_settlement"
APPROVE_PERMISSION = "collections_app.approve_settlement"
OPEN = (Settlement.Status.PROPOSED, Settlement.Status.APPROVED, Settlement.Status.ACCEPTED)
# Payments count towards these: an approved offer the borrower pays is accepted by paying.
PAYABLE = (Settlement.Status.APPROVED, Settlement.Status.ACCEPTED)
CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")
OFFER_STATES = tuple(s for s in OPEN_STATES if s != CaseState.PAUSED)


def settlement_balance(case: CollectionCase) -> Decimal:
    """What a settlement settles: the loan's whole balance (the amount overdue when the lender
    reported no balance)."""
    return case.loan.outstanding_balance or case.amount_overdue


def discount_limit(user: AbstractBaseUser, terms: PaymentTerms) -> Decimal:
    """The highest discount (percent) this person may give alone: the best of their roles'. A
    superuser has the highest any role has, not more."""
    if getattr(user, "is_superuser", False):
        return terms.settlements.highest_limit
    roles = list(user.groups.values_list("name", flat=True))
    return terms.settlements.limit_for(roles)


def settled_amount(balance: Decimal, discount_percent: Decimal) -> Decimal:
    """The balance less the discount, rounded up to the cent: never more off than offered."""
    return (balance * (HUNDRED - discount_percent) / HUNDRED).quantize(CENT, rounding=ROUND_UP)


def discount_of(balance: Decimal, amount: Decimal) -> Decimal:
    """The discount (percent, two places, rounded up) that settling `balance` for `amount` is."""
    return ((balance - amount) * HUNDRED / balance).quantize(CENT, rounding=ROUND_UP)


def _record(
    settlement: Settlement,
    reason: str,
    actor: AbstractBaseUser | None,
    **data: object,
) -> None:
    case_event_record(
        case=settlement.case,
        kind=CaseEvent.Kind.SETTLEMENT,
        actor=actor,
        reason=reason,
        data={"settlement": settlement.pk, "status": settlement.status, **data},
    )


def _money(amount: Decimal, currency: str) -> str:
    return f"{amount} {currency}"


def _method_problems(
    *,
    terms: PaymentTerms,
    amount: Decimal,
    method: str,
    installment_count: int | None,
    frequency: str,
    first_due: dt.date | None,
    today: dt.date,
    currency: str,
) -> list[str]:
    if first_due is None:
        return [_("Say when the payment (or the first instalment) is due.")]
    if method == Settlement.Method.LUMP_SUM:
        latest = today + dt.timedelta(days=terms.settlements.pay_within_days)
        if first_due < today:
            return [_("The payment cannot be due in the past.")]
        if first_due > latest:
            return [
                _("A settlement paid in one sum must be paid within %(days)s days (by %(date)s).")
                % {"days": terms.settlements.pay_within_days, "date": latest}
            ]
        return []
    if method != Settlement.Method.PLAN:
        return [_("Choose one payment or instalments.")]
    plans = replace(terms.plans, installment_counts=terms.settlements.installment_counts)
    return plan_offer_problems(
        terms=plans,
        total=amount,
        count=installment_count or 0,
        frequency=frequency,
        first_due=first_due,
        today=today,
        currency=currency,
    )


def settlement_offer(
    *,
    case: CollectionCase,
    actor: AbstractBaseUser,
    discount_percent: Decimal,
    method: str = Settlement.Method.LUMP_SUM,
    first_due: dt.date | None = None,
    installment_count: int | None = None,
    frequency: str = "",
    today: dt.date | None = None,
) -> Settlement:
    """Offer to settle the case's balance at `discount_percent` off. Approved at once within
    the actor's limit; otherwise it waits for a second person. Raises ValidationError with what
    is wrong (nothing is written then), PermissionDenied without the permission."""
    if not actor.has_perm(OFFER_PERMISSION):
        raise PermissionDenied(_("You may not offer settlements."))
    today = today or timezone.localdate()
    with transaction.atomic():
        # Only the case row (`of`): payment_record locks the loan before the case.
        case = (
            CollectionCase.objects.select_for_update(of=("self",))
            .select_related("loan")
            .get(pk=case.pk)
        )
        if case.state not in OFFER_STATES:
            raise ValidationError(
                _("A settlement cannot be offered on a %(state)s case.")
                % {"state": case.get_state_display()}
            )
        if case.settlements.filter(status__in=OPEN).exists():
            raise ValidationError(
                _("This case already has an open settlement; cancel it before offering another.")
            )
        terms = policy_payment_terms(case=case)
        balance = settlement_balance(case)
        currency = case.loan.currency
        if balance <= ZERO:
            raise ValidationError(_("Nothing is owed on this case: there is nothing to settle."))
        discount_percent = Decimal(discount_percent)
        if not ZERO < discount_percent < HUNDRED:
            raise ValidationError(_("The discount must be more than 0 % and less than 100 %."))
        highest = terms.settlements.highest_limit
        if discount_percent > highest:
            raise ValidationError(
                _("A discount of %(discount)s %% is more than anyone may approve (%(limit)s %%).")
                % {"discount": discount_percent, "limit": highest}
            )
        amount = settled_amount(balance, discount_percent)
        problems = _method_problems(
            terms=terms,
            amount=amount,
            method=method,
            installment_count=installment_count,
            frequency=frequency,
            first_due=first_due,
            today=today,
            currency=currency,
        )
        if problems:
            raise ValidationError(problems)
        limit = discount_limit(actor, terms)
        needs_approval = discount_percent > limit
        settlement = Settlement.objects.create(
            case=case,
            status=Settlement.Status.PROPOSED if needs_approval else Settlement.Status.APPROVED,
            currency=currency,
            balance=balance,
            amount=amount,
            discount_percent=discount_percent,
            method=method,
            installment_count=installment_count if method == Settlement.Method.PLAN else None,
            frequency=frequency if method == Settlement.Method.PLAN else "",
            first_due=first_due,
            offer_valid_until=today + dt.timedelta(days=terms.settlements.offer_valid_days),
            proposed_by=actor,
            proposer_limit_percent=limit,
            needs_approval=needs_approval,
        )
        words = {
            "amount": _money(amount, currency),
            "balance": _money(balance, currency),
            "discount": discount_percent,
            "forgiven": _money(balance - amount, currency),
            "limit": limit,
        }
        if needs_approval:
            reason = phrase(
                "Settlement offered: %(amount)s for a balance of %(balance)s (%(discount)s %% "
                "off, %(forgiven)s forgiven); above the offerer's limit of %(limit)s %%, it "
                "waits for a second person's approval",
                **words,
            )
        else:
            reason = phrase(
                "Settlement offered: %(amount)s for a balance of %(balance)s (%(discount)s %% "
                "off, %(forgiven)s forgiven), within the offerer's limit of %(limit)s %%",
                **words,
            )
        _record(
            settlement,
            reason,
            actor,
            amount=amount,
            balance=balance,
            discount_percent=discount_percent,
            method=method,
        )
    return settlement


def _locked(settlement: Settlement) -> Settlement:
    # Only the settlement row: payment_record locks the loan, then the case, then this.
    return (
        Settlement.objects.select_for_update(of=("self",))
        .select_related("case__loan")
        .get(pk=settlement.pk)
    )


def settlement_approve(
    *, settlement: Settlement, actor: AbstractBaseUser, note: str = ""
) -> Settlement:
    """The second person approves: another user than the offerer, whose limit covers it."""
    if not actor.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied(_("You may not approve settlements."))
    with transaction.atomic():
        settlement = _locked(settlement)
        _decision_checks(settlement, actor)
        terms = policy_payment_terms(case=settlement.case)
        limit = discount_limit(actor, terms)
        if settlement.discount_percent > limit:
            raise ValidationError(
                _(
                    "A discount of %(discount)s %% is above your limit of %(limit)s %%: someone "
                    "with a higher limit must approve it."
                )
                % {"discount": settlement.discount_percent, "limit": limit}
            )
        settlement.status = Settlement.Status.APPROVED
        settlement.decided_by = actor
        settlement.decided_at = timezone.now()
        settlement.decision_note = note[:300]
        settlement.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        _record(
            settlement,
            phrase(
                "Settlement #%(id)s approved by %(approver)s (offered by %(offerer)s)",
                id=settlement.pk,
                approver=actor.get_username(),
                offerer=settlement.proposed_by.get_username(),
            ),
            actor,
            approver=actor.pk,
            offerer=settlement.proposed_by_id,
        )
    return settlement


def settlement_reject(*, settlement: Settlement, actor: AbstractBaseUser, note: str) -> Settlement:
    if not actor.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied(_("You may not approve settlements."))
    if not note.strip():
        raise ValidationError(_("Say why the settlement is rejected."))
    with transaction.atomic():
        settlement = _locked(settlement)
        _decision_checks(settlement, actor)
        now = timezone.now()
        settlement.status = Settlement.Status.REJECTED
        settlement.decided_by = actor
        settlement.decided_at = now
        settlement.decision_note = note[:300]
        settlement.ended_at = now
        settlement.save(
            update_fields=["status", "decided_by", "decided_at", "decision_note", "ended_at"]
        )
        _record(
            settlement,
            phrase(
                "Settlement #%(id)s rejected by %(approver)s: %(note)s",
                id=settlement.pk,
                approver=actor.get_username(),
                note=note,
            ),
            actor,
        )
    return settlement


def _decision_checks(settlement: Settlement, actor: AbstractBaseUser) -> None:
    if settlement.status != Settlement.Status.PROPOSED:
        raise ValidationError(
            _("Settlement #%(id)s is %(status)s: there is nothing to decide.")
            % {"id": settlement.pk, "status": settlement.get_status_display().lower()}
        )
    if settlement.proposed_by_id == actor.pk:
        raise ValidationError(
            _("You offered this settlement: a second person must approve or reject it.")
        )


def settlement_accept(
    *, settlement: Settlement, actor: AbstractBaseUser | None, today: dt.date | None = None
) -> Settlement:
    """The borrower agreed. Paid through a plan, the plan is agreed now, its instalments summing
    to what is still to pay of the settled amount."""
    today = today or timezone.localdate()
    with transaction.atomic():
        settlement = _locked(settlement)
        if settlement.status != Settlement.Status.APPROVED:
            raise ValidationError(
                _("Settlement #%(id)s is %(status)s; only an approved one can be accepted.")
                % {"id": settlement.pk, "status": settlement.get_status_display().lower()}
            )
        if today > settlement.offer_valid_until:
            raise ValidationError(
                _("The offer was valid until %(date)s; offer a new one.")
                % {"date": settlement.offer_valid_until}
            )
        if settlement.method == Settlement.Method.PLAN:
            first_due = max(settlement.first_due or today, today)
            plan = plan_agree(
                case=settlement.case,
                count=settlement.installment_count or 0,
                frequency=settlement.frequency,
                first_due=first_due,
                actor=actor,
                total=settlement.remaining,
                counts=policy_payment_terms(case=settlement.case).settlements.installment_counts,
                today=today,
                note=phrase("settlement #%(id)s", id=settlement.pk),
            )
            settlement.plan = plan
        _mark_accepted(settlement, actor, phrase("accepted by the borrower"))
    return settlement


def _mark_accepted(settlement: Settlement, actor: AbstractBaseUser | None, how: str) -> None:
    settlement.status = Settlement.Status.ACCEPTED
    settlement.accepted_at = timezone.now()
    settlement.save(update_fields=["status", "accepted_at", "plan"])
    how_paid = (
        phrase(
            "in %(count)s instalments (plan #%(plan)s)",
            count=settlement.installment_count,
            plan=settlement.plan_id,
        )
        if settlement.method == Settlement.Method.PLAN
        else phrase("in one payment by %(date)s", date=settlement.first_due)
    )
    _record(
        settlement,
        phrase(
            "Settlement #%(id)s %(how)s: %(amount)s to pay %(paid)s",
            id=settlement.pk,
            how=how,
            amount=_money(settlement.amount, settlement.currency),
            paid=how_paid,
        ),
        actor,
        plan=settlement.plan_id,
    )
    settlement_agreed_emit(settlement=settlement)


def settlement_cancel(
    *, settlement: Settlement, actor: AbstractBaseUser | None, reason: str
) -> Settlement:
    """End an open settlement (the borrower declined, the offer was wrong). Its plan ends too."""
    if actor is not None and not actor.has_perm(OFFER_PERMISSION):
        raise PermissionDenied(_("You may not change settlements."))
    if not reason.strip():
        raise ValidationError(_("Say why the settlement is cancelled."))
    with transaction.atomic():
        settlement = _locked(settlement)
        if settlement.status not in OPEN:
            raise ValidationError(
                _("Settlement #%(id)s is %(status)s already.")
                % {"id": settlement.pk, "status": settlement.get_status_display().lower()}
            )
        _end(settlement, Settlement.Status.CANCELLED, reason, actor)
    return settlement


def _end(settlement: Settlement, status: str, reason: str, actor: AbstractBaseUser | None) -> None:
    settlement.status = status
    settlement.ended_at = timezone.now()
    settlement.end_reason = reason[:300]
    settlement.save(update_fields=["status", "ended_at", "end_reason"])
    if settlement.plan is not None and settlement.plan.status == PaymentPlan.Status.ACTIVE:
        plan_cancel(
            plan=settlement.plan,
            actor=actor,
            reason=phrase("settlement #%(id)s ended", id=settlement.pk),
        )
    if status == Settlement.Status.CANCELLED:
        text = phrase("Settlement #%(id)s cancelled: %(reason)s", id=settlement.pk, reason=reason)
    else:
        text = phrase("Settlement #%(id)s expired: %(reason)s", id=settlement.pk, reason=reason)
    _record(settlement, text, actor)


def settlement_payment_apply(*, case: CollectionCase, payment: Payment) -> Settlement | None:
    """Count a payment towards the case's settlement (called by payment_record, in its
    transaction, the loan locked). Paid in full: the rest is forgiven and the case is resolved
    as settled. Returns the settlement the payment counted towards, if any."""
    settlement = (
        Settlement.objects.select_for_update()
        .filter(case=case, status__in=PAYABLE, proposed_at__lte=payment.received_at)
        .first()
    )
    if settlement is None:
        return None
    settlement.case = case
    if settlement.status == Settlement.Status.APPROVED:
        _mark_accepted(settlement, None, phrase("accepted by paying"))
    settlement.amount_paid += payment.amount
    settlement.payment_ids = [*settlement.payment_ids, payment.pk]
    settlement.save(update_fields=["amount_paid", "payment_ids"])
    _record(
        settlement,
        phrase(
            "Payment %(payment)s of %(amount)s counted towards settlement #%(id)s "
            "(%(paid)s of %(total)s paid)",
            payment=payment.external_id,
            amount=_money(payment.amount, payment.currency),
            id=settlement.pk,
            paid=settlement.amount_paid,
            total=_money(settlement.amount, settlement.currency),
        ),
        None,
        payment=payment.pk,
        amount_paid=settlement.amount_paid,
    )
    if settlement.amount_paid >= settlement.amount:
        _paid(settlement, case)
    return settlement


def _paid(settlement: Settlement, case: CollectionCase) -> None:
    """What is still owed is forgiven: recorded in its parts on the settlement and the timeline,
    then taken off the loan (the lender's next report sets the balance as it really is)."""
    loan = Loan.objects.select_for_update().get(pk=case.loan_id)
    forgiven = loan.balance
    now = timezone.now()
    settlement.status = Settlement.Status.PAID
    settlement.paid_at = now
    settlement.ended_at = now
    settlement.forgiven_amount = forgiven.total
    settlement.forgiven_principal = forgiven.principal
    settlement.forgiven_interest = forgiven.interest
    settlement.forgiven_fees = forgiven.fees
    settlement.forgiven_overdue = case.amount_overdue
    settlement.save(
        update_fields=[
            "status",
            "paid_at",
            "ended_at",
            "forgiven_amount",
            "forgiven_principal",
            "forgiven_interest",
            "forgiven_fees",
            "forgiven_overdue",
        ]
    )
    loan.set_balance(Balance())
    loan.save(update_fields=[*BALANCE_FIELDS, "updated_at"])
    overdue_forgiven = case.amount_overdue
    case.amount_overdue = ZERO
    case.save(update_fields=["amount_overdue", "updated_at"])
    words = {
        "id": settlement.pk,
        "paid": _money(settlement.amount_paid, settlement.currency),
        "forgiven": _money(forgiven.total, settlement.currency),
    }
    _record(
        settlement,
        phrase("Settlement #%(id)s paid in full (%(paid)s); %(forgiven)s forgiven", **words),
        None,
        amount_paid=settlement.amount_paid,
        forgiven=forgiven.total,
        forgiven_principal=forgiven.principal,
        forgiven_interest=forgiven.interest,
        forgiven_fees=forgiven.fees,
        amount_overdue_forgiven=overdue_forgiven,
    )
    settlement_paid_emit(settlement=settlement)
    # Nothing is owed any more: a plan still running (the settlement's, paid ahead, or an
    # earlier one) ends with it.
    for plan in case.plans.filter(status=PaymentPlan.Status.ACTIVE):
        plan_cancel(
            plan=plan,
            actor=None,
            reason=phrase("settlement #%(id)s paid", id=settlement.pk),
        )
    case_transition(
        case=case,
        name="resolve",
        reason=phrase("Settled: %(paid)s paid, %(forgiven)s forgiven", **words),
        close_reason=CloseReason.SETTLED,
        data={"settlement": settlement.pk, "forgiven": str(forgiven.total)},
    )


def settlements_lapse(
    *, id_range: tuple[int, int], today: dt.date, actor: AbstractBaseUser | None = None
) -> int:
    """The nightly run's part: settlements of cases in `id_range` that can no longer be paid as
    agreed expire (an offer not accepted by its date, a single payment not made by its date, a
    plan that defaulted, a case closed meanwhile). Returns how many."""
    lapsing = (
        # Only the settlement rows (the plan is an outer join, which cannot be locked).
        Settlement.objects.select_for_update(of=("self",))
        .select_related("case__loan", "plan")
        .filter(case_id__gte=id_range[0], case_id__lte=id_range[1], status__in=OPEN)
        .filter(
            Q(
                status__in=[Settlement.Status.PROPOSED, Settlement.Status.APPROVED],
                offer_valid_until__lt=today,
            )
            | Q(
                status=Settlement.Status.ACCEPTED,
                method=Settlement.Method.LUMP_SUM,
                first_due__lt=today,
            )
            | Q(
                status=Settlement.Status.ACCEPTED,
                plan__status__in=[PaymentPlan.Status.DEFAULTED, PaymentPlan.Status.CANCELLED],
            )
            | ~Q(case__state__in=OPEN_STATES)
        )
    )
    count = 0
    with transaction.atomic():
        for settlement in lapsing:
            _end(settlement, Settlement.Status.EXPIRED, _lapse_reason(settlement, today), actor)
            count += 1
    return count


def _lapse_reason(settlement: Settlement, today: dt.date) -> str:
    if settlement.case.state not in OPEN_STATES:
        return phrase("the case was closed")
    if settlement.status != Settlement.Status.ACCEPTED:
        return phrase("not accepted by %(date)s", date=settlement.offer_valid_until)
    if settlement.method == Settlement.Method.LUMP_SUM:
        return phrase(
            "%(remaining)s %(currency)s not paid by %(date)s",
            remaining=settlement.remaining,
            currency=settlement.currency,
            date=settlement.first_due,
        )
    if settlement.plan is not None and settlement.plan.status == PaymentPlan.Status.CANCELLED:
        return phrase("its plan #%(plan)s was replaced", plan=settlement.plan_id)
    return phrase("its plan #%(plan)s defaulted", plan=settlement.plan_id)


def settlement_payment_reversed(*, payment: Payment, label: str) -> Decimal | None:
    """A payment that counted towards a settlement was reversed (called by
    services/reversals.py, in its transaction, the loan locked). It no longer counts. If it had
    completed the settlement, the settlement was not paid after all: it is cancelled and what
    was forgiven is owed again (back on the loan, in its parts). Returns the amount overdue
    forgiven with it, which the reversal collects again with the payment's own, or None."""
    if payment.case_id is None:
        return None
    counted = [
        s
        for s in Settlement.objects.select_for_update(of=("self",))
        .select_related("case")
        .filter(
            case_id=payment.case_id,
            status__in=[Settlement.Status.ACCEPTED, Settlement.Status.PAID],
        )
        if payment.pk in s.payment_ids
    ]
    if not counted:
        return None
    settlement = counted[0]
    settlement.amount_paid -= payment.amount
    settlement.payment_ids = [pk for pk in settlement.payment_ids if pk != payment.pk]
    settlement.save(update_fields=["amount_paid", "payment_ids"])
    if settlement.status != Settlement.Status.PAID:
        _record(
            settlement,
            phrase(
                "%(label)s: it no longer counts towards settlement #%(id)s (%(paid)s paid)",
                label=label,
                id=settlement.pk,
                paid=settlement.amount_paid,
            ),
            None,
            payment=payment.pk,
        )
        return None
    loan = Loan.objects.select_for_update().get(pk=settlement.case.loan_id)
    loan.set_balance(
        loan.balance
        + Balance(
            settlement.forgiven_principal or ZERO,
            settlement.forgiven_interest or ZERO,
            settlement.forgiven_fees or ZERO,
        )
    )
    loan.save(update_fields=[*BALANCE_FIELDS, "updated_at"])
    reason = phrase(
        "%(label)s: settlement #%(id)s was not paid after all; the %(forgiven)s forgiven is "
        "owed again",
        label=label,
        id=settlement.pk,
        forgiven=_money(settlement.forgiven_amount or ZERO, settlement.currency),
    )
    settlement.status = Settlement.Status.CANCELLED
    settlement.ended_at = timezone.now()
    settlement.end_reason = reason[:300]
    settlement.save(update_fields=["status", "ended_at", "end_reason"])
    _record(settlement, reason, None, payment=payment.pk, forgiven_again=settlement.forgiven_amount)
    return settlement.forgiven_overdue or ZERO

"""The validation notice of 12 CFR 1006.34, owed by a third-party collector (the profile's
`collector_role`): generated from the case, in the borrower's language, as the email's text and
as a PDF letter; queued as a legally required message; its validation period recorded when it is
provided, which holds back demands meanwhile (compliance/rules.py `validation_period`).

The itemization date is the charge-off date when the lender reported one, else the day before
the case's debt became overdue (the last statement's due date, 1006.34(b)(3)). The engine keeps
no history of the balance's parts, so interest and fees since that date are those the lender
reports in the loan's `lender_data` ("interest_since_itemization", "fees_since_itemization"),
zero otherwise; payments since are the payments received after it; the amount on the
itemization date is the current amount plus payments and credits less interest and fees.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext

from collections_app.compliance.holidays import validation_period_end
from collections_app.models import CollectionCase, JurisdictionProfile, ValidationNotice
from collections_app.models.compliance import CollectorRole

VALIDATION_KEY = "validation-notice"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Itemization:
    currency: str
    itemization_date: dt.date
    itemization_amount: Decimal
    interest_since: Decimal
    fees_since: Decimal
    payments_since: Decimal
    credits_since: Decimal
    current_amount: Decimal


def _reported(data: dict, key: str) -> Decimal:
    try:
        return Decimal(str(data.get(key) or "0")).quantize(Decimal("0.01"))
    except InvalidOperation:
        return ZERO


def itemization(case: CollectionCase) -> Itemization:
    loan = case.loan
    date = loan.charge_off_date or (case.overdue_since - dt.timedelta(days=1))
    paid = loan.payments.filter(received_at__date__gt=date).aggregate(s=Sum("amount"))["s"]
    payments = (paid or ZERO).quantize(Decimal("0.01"))
    data = loan.lender_data or {}
    interest = _reported(data, "interest_since_itemization")
    fees = _reported(data, "fees_since_itemization")
    credits = _reported(data, "credits_since_itemization")
    current = loan.outstanding_balance
    return Itemization(
        currency=loan.currency,
        itemization_date=date,
        itemization_amount=current + payments + credits - interest - fees,
        interest_since=interest,
        fees_since=fees,
        payments_since=payments,
        credits_since=credits,
        current_amount=current,
    )


def is_third_party(case: CollectionCase) -> bool:
    profile = JurisdictionProfile.objects.filter(
        code=case.loan.borrower.jurisdiction, is_current=True
    ).first()
    return profile is not None and profile.collector_role == CollectorRole.THIRD_PARTY


def _money(amount: Decimal, currency: str) -> str:
    return f"{currency} {amount:,.2f}"


def notice_sections(
    case: CollectionCase, item: Itemization, provided_on: dt.date
) -> list[tuple[str, list[str]]]:
    """The notice as (heading, lines), in the active language (call under the borrower's)."""
    borrower = case.loan.borrower
    ends = validation_period_end(provided_on, borrower.jurisdiction)
    creditor = (case.loan.lender_data or {}).get("creditor") or (
        settings.CREDITOR_NAME or settings.COMPANY_NAME
    )
    m = item.currency
    date = ends.isoformat()
    return [
        (
            gettext("%(company)s is a debt collector.") % {"company": settings.COMPANY_NAME},
            [
                gettext(
                    "We are trying to collect a debt that you owe to %(creditor)s. We will use "
                    "any information you give us to help collect the debt."
                )
                % {"creditor": creditor},
                gettext("Date of this notice: %(date)s") % {"date": provided_on.isoformat()},
                gettext("To: %(name)s") % {"name": borrower.name},
                gettext("Account: %(account)s") % {"account": case.loan.external_id},
            ],
        ),
        (
            gettext("Our information shows:"),
            [
                gettext("As of %(date)s, you owed: %(amount)s")
                % {
                    "date": item.itemization_date.isoformat(),
                    "amount": _money(item.itemization_amount, m),
                },
                gettext("Between %(date)s and today:")
                % {"date": item.itemization_date.isoformat()},
                gettext("You were charged this amount in interest: + %(amount)s")
                % {"amount": _money(item.interest_since, m)},
                gettext("You were charged this amount in fees: + %(amount)s")
                % {"amount": _money(item.fees_since, m)},
                gettext("You paid or were credited this amount toward the debt: - %(amount)s")
                % {"amount": _money(item.payments_since + item.credits_since, m)},
                gettext("Total amount of the debt now: %(amount)s")
                % {"amount": _money(item.current_amount, m)},
            ],
        ),
        (
            gettext("How can you dispute the debt?"),
            [
                gettext(
                    "Call or write to us by %(date)s to dispute all or part of the debt. If you "
                    "do not, we will assume that our information is correct."
                )
                % {"date": date},
                gettext(
                    "If you write to us by %(date)s, we must stop collection on any amount you "
                    "dispute until we send you information that shows you owe the debt. You may "
                    "use the form below or write to us without the form."
                )
                % {"date": date},
            ],
        ),
        (
            gettext("What else can you do?"),
            [
                gettext(
                    "Write to ask for the name and address of the original creditor, if "
                    "different from the current creditor. If you write by %(date)s, we must stop "
                    "collection until we send you that information."
                )
                % {"date": date},
                gettext("Call us: %(number)s") % {"number": settings.COMPANY_CALLBACK_NUMBER},
                gettext("Write to us: %(address)s")
                % {"address": settings.COMPANY_MAILING_ADDRESS or settings.COMPANY_NAME},
                gettext(
                    "Go to www.cfpb.gov/debt-collection to learn more about your rights under "
                    "federal law."
                ),
            ],
        ),
        (
            gettext("How do you want to respond?"),
            [
                gettext("Check all that apply:"),
                gettext("[ ] I want to dispute the debt because I think this is not my debt."),
                gettext("[ ] I want to dispute the debt because I think the amount is wrong."),
                gettext("[ ] I want to dispute the debt for other reasons."),
                gettext("[ ] I want you to send me the name and address of the original creditor."),
                gettext("[ ] I enclosed this amount: ________"),
            ],
        ),
    ]


def notice_text(case: CollectionCase, item: Itemization, provided_on: dt.date) -> str:
    """The email's text of the notice, in the borrower's language."""
    with translation.override(case.loan.borrower.preferred_language):
        parts = []
        for heading, lines in notice_sections(case, item, provided_on):
            parts.append("\n".join([heading, *lines]))
        return "\n\n".join(parts)


def notice_subject(case: CollectionCase) -> str:
    with translation.override(case.loan.borrower.preferred_language):
        return gettext("Notice about your debt (account %(account)s)") % {
            "account": case.loan.external_id
        }


def validation_notice_queue(
    case: CollectionCase, *, actor: AbstractBaseUser | None = None, channel: str = "email"
) -> ValidationNotice:
    """Generate the case's validation notice and queue its email (legally required). Once per
    case: a second call returns the notice already generated."""
    from collections_app.outreach.outbox import outbox_enqueue

    existing = case.validation_notices.order_by("-created_at", "-pk").first()
    if existing is not None:
        return existing
    borrower = case.loan.borrower
    if channel == "email" and not borrower.email:
        raise ValidationError(
            {"channel": gettext("The borrower has no email address: mail the letter instead.")}
        )
    item = itemization(case)
    with transaction.atomic():
        message = None
        if channel == "email":
            message, _created = outbox_enqueue(
                case=case,
                channel="email",
                template_key=VALIDATION_KEY,
                step=VALIDATION_KEY,
                scheduled_at=timezone.now(),
                actor=actor,
                key=f"{case.pk}:{VALIDATION_KEY}",
                legally_required=True,
            )
        return ValidationNotice.objects.create(
            case=case,
            message=message,
            language=borrower.preferred_language,
            currency=item.currency,
            itemization_date=item.itemization_date,
            itemization_amount=item.itemization_amount,
            interest_since=item.interest_since,
            fees_since=item.fees_since,
            payments_since=item.payments_since,
            credits_since=item.credits_since,
            current_amount=item.current_amount,
        )


def validation_notices_ensure(cases: list[CollectionCase]) -> list[ValidationNotice]:
    """A third-party debt's first message brings its validation notice along (1006.34(a)(1):
    in the initial communication or within five days of it): the dispatcher calls this for each
    batch, and the notice is queued by email when the borrower has an address (the next batch
    sends it). Without one nothing is queued: the letter is to be mailed (admin: Validation
    notices). Demands wait meanwhile (compliance/rules.py `validation_period`). Two queries for
    a batch of first-party debts."""
    third = set(
        JurisdictionProfile.objects.filter(
            is_current=True, collector_role=CollectorRole.THIRD_PARTY
        ).values_list("code", flat=True)
    )
    due = {c.pk: c for c in cases if c.loan.borrower.jurisdiction in third}
    if not due:
        return []
    have = set(
        ValidationNotice.objects.filter(case_id__in=list(due)).values_list("case_id", flat=True)
    )
    return [
        validation_notice_queue(case)
        for pk, case in due.items()
        if pk not in have and case.loan.borrower.email
    ]


def stored_itemization(notice: ValidationNotice) -> Itemization:
    return Itemization(
        currency=notice.currency,
        itemization_date=notice.itemization_date,
        itemization_amount=notice.itemization_amount,
        interest_since=notice.interest_since,
        fees_since=notice.fees_since,
        payments_since=notice.payments_since,
        credits_since=notice.credits_since,
        current_amount=notice.current_amount,
    )


def validation_notice_provided(notice: ValidationNotice, on: dt.date) -> ValidationNotice:
    """The notice went out on `on` (its email claimed for sending, its letter mailed): the
    validation period starts, and ends on the date the notice states."""
    notice.provided_on = on
    notice.period_ends_on = validation_period_end(on, notice.case.loan.borrower.jurisdiction)
    notice.save(update_fields=["provided_on", "period_ends_on"])
    return notice


def within_five_days(case: CollectionCase, notice: ValidationNotice) -> bool | None:
    """1006.34(a)(1): with the initial communication or within five days after it. None while
    the notice has not gone out."""
    if notice.provided_on is None:
        return None
    first = case.contacts.exclude(outcome="not_sent").order_by("occurred_at").first()
    if first is None:
        return True
    return notice.provided_on <= timezone.localdate(first.occurred_at) + dt.timedelta(days=5)

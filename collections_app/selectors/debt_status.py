"""Whether cases' debts are time-barred, read from the database for compliance/limitations.py.

One function for one case (`case_debt_status`) and one for many (`cases_debt_status`, a fixed
number of queries: the nightly run's batches and bulk referrals use it), so both paths of a
move decide alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed

from collections_app.compliance.limitations import (
    TIME_BARRED,
    UNKNOWN,
    WITHIN,
    DebtDates,
    DebtStatus,
    debt_status,
)
from collections_app.models import CollectionCase, JurisdictionProfile, Payment
from collections_app.states import ACTIVE_STATES

# The events a limitation period runs from, as a sentence names them.
EVENT_LABELS = {
    "default": _("first day past due"),
    "last_payment": _("last payment"),
    "charge_off": _("charge-off"),
}


def _rules_by_code(codes: Collection[str]) -> dict[str, dict]:
    return dict(
        JurisdictionProfile.objects.filter(code__in=list(codes), is_current=True).values_list(
            "code", "limitation_rules"
        )
    )


def _last_payments(loan_ids: Collection[int]) -> dict[int, dt.date]:
    """The day of each loan's last payment recorded here that the lender did not take back
    (a returned payment restarts nothing), in TIME_ZONE as the nightly run counts dates."""
    rows = (
        Payment.objects.filter(loan_id__in=list(loan_ids), reversal__isnull=True)
        .values("loan_id")
        .annotate(last=Max("received_at"))
        .values_list("loan_id", "last")
    )
    return {loan_id: timezone.localdate(last) for loan_id, last in rows if last is not None}


def cases_debt_status(
    case_ids: Collection[int], today: dt.date | None = None
) -> dict[int, DebtStatus]:
    """The debt status of each case (ids of cases that do not exist are left out)."""
    today = today or timezone.localdate()
    rows = list(
        CollectionCase.objects.filter(pk__in=list(case_ids)).values_list(
            "pk",
            "overdue_since",
            "loan_id",
            "loan__last_payment_date",
            "loan__charge_off_date",
            "loan__origination_state",
            "loan__borrower__region",
            "loan__borrower__jurisdiction",
        )
    )
    rules = _rules_by_code({r[7] for r in rows})
    paid = _last_payments({r[2] for r in rows})
    out = {}
    for pk, overdue_since, loan_id, reported, charge_off, origination, region, code in rows:
        last = max((d for d in (reported, paid.get(loan_id)) if d is not None), default=None)
        dates = DebtDates(
            default=overdue_since,
            last_payment=last,
            charge_off=charge_off,
            origination_region=origination or "",
            borrower_region=region or "",
        )
        out[pk] = debt_status(rules.get(code), dates, today)
    return out


def case_debt_status(case: CollectionCase, today: dt.date | None = None) -> DebtStatus:
    if case.pk is None:  # an admin preview's unsaved sample case: not a real debt
        return DebtStatus(WITHIN)
    return cases_debt_status([case.pk], today)[case.pk]


def suit_refusal(status: DebtStatus) -> str:
    """Why no suit (legal referral, threat of suit) is allowed for this debt: a stored phrase."""
    from collections_app.phrases import phrase

    if status.status == TIME_BARRED:
        return phrase(
            "The debt is time-barred: the last day to sue was %(last_day)s (%(years)s years "
            "from the %(event)s on %(start)s, rule of %(region)s); 12 CFR 1006.26(b)",
            last_day=status.last_day.isoformat() if status.last_day else "",
            years=status.years,
            event=EVENT_LABELS.get(status.start_event, status.start_event),
            start=status.start_date.isoformat() if status.start_date else "",
            region=status.region or "-",
        )
    if status.why == "no_date":
        return phrase(
            "The debt cannot be shown to be within its limitation period: no date it runs "
            "from is known (record the last payment or charge-off date)"
        )
    return phrase(
        "The debt cannot be shown to be within its limitation period: the profile has no "
        "rule for %(region)s (add it to the profile's statute of limitations)",
        region=status.region or "-",
    )


class SuitForbidden(TransitionNotAllowed):
    """A move into legal refused: the debt is time-barred, or not shown not to be."""

    def __init__(self, reason: str, status: DebtStatus) -> None:
        super().__init__(str(reason))
        self.reason = reason
        self.status = status


def legal_entry_check(case: CollectionCase, today: dt.date | None = None) -> None:
    """Raise SuitForbidden when `case` may not enter legal (the model's transition methods call
    this, so every path through django-fsm refuses alike)."""
    status = case_debt_status(case, today)
    if status.suit_forbidden:
        raise SuitForbidden(suit_refusal(status), status)


def suit_forbidden_among(
    case_ids: Collection[int], today: dt.date | None = None
) -> dict[int, DebtStatus]:
    """The cases among `case_ids` that may not enter legal, with their status (set-based: the
    nightly run's batches and every bulk move)."""
    if not case_ids:
        return {}
    return {
        pk: status
        for pk, status in cases_debt_status(case_ids, today).items()
        if status.suit_forbidden
    }


def _worse(a: DebtStatus, b: DebtStatus) -> DebtStatus:
    """The status a message about both debts must obey: time-barred (with its disclosure)
    before unknown before within."""
    rank = {TIME_BARRED: 0, UNKNOWN: 1, WITHIN: 2}
    return a if rank[a.status] <= rank[b.status] else b


def messages_debt_status(
    messages: Collection, combined: Collection[int], today: dt.date
) -> dict[int, DebtStatus]:
    """{message id: the debt status its words must obey}. A message for one loan: its case's.
    A message for several of the borrower's loans (`combined`: their message ids, outreach per
    borrower): the worst of those loans' (active cases in the anchor case's stage, as
    outreach/combined.py counts them), so no loan of it is threatened with a suit it is
    barred from."""
    messages = list(messages)
    shared = [m for m in messages if m.pk in combined]
    related: list[tuple[int, int, str]] = []
    if shared:
        related = list(
            CollectionCase.objects.filter(
                loan__borrower_id__in={m.borrower_id for m in shared}, state__in=ACTIVE_STATES
            ).values_list("pk", "loan__borrower_id", "state")
        )
    statuses = cases_debt_status({m.case_id for m in messages} | {r[0] for r in related}, today)
    worst: dict[tuple[int, str], DebtStatus] = {}
    for pk, borrower_id, state in related:
        key = (borrower_id, state)
        worst[key] = _worse(worst[key], statuses[pk]) if key in worst else statuses[pk]
    out = {}
    for m in messages:
        own = statuses[m.case_id]
        group = worst.get((m.borrower_id, m.case.state)) if m.pk in combined else None
        out[m.pk] = _worse(own, group) if group is not None else own
    return out

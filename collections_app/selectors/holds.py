"""What stops or limits contact with a borrower right now, as a person reads it: the banner at
the top of the case page (and the borrower page), `restrictions_banner.html`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from collections_app.models import Borrower, ChannelConsent, CollectionCase, ContactHold, Dispute
from collections_app.phrases import shown, stored_of
from collections_app.services.disputes import UNRESOLVED
from collections_app.services.pii import can_view_pii, mask_text

# What each hold kind stops, in the words of the gate's rules (compliance/rules.py).
_HOLD_STOPS = {
    ContactHold.Kind.CEASE_COMMUNICATION: gettext_lazy(
        "All contact on every loan, except notices the law requires."
    ),
    ContactHold.Kind.DISPUTE: gettext_lazy(
        "All collection contact on every loan until it is answered."
    ),
    ContactHold.Kind.BANKRUPTCY: gettext_lazy("All collection contact on every loan."),
    ContactHold.Kind.DECEASED: gettext_lazy("All contact on every loan."),
    ContactHold.Kind.ATTORNEY: gettext_lazy(
        "All contact with the borrower: contact the attorney only."
    ),
    ContactHold.Kind.NO_CALLS_AT_WORK: gettext_lazy("Calls to the work number."),
}


@dataclass(frozen=True)
class Restriction:
    kind: str  # stable key: "hold", "dispute", "opt_out"
    code: str  # the hold kind, the dispute status, the channel
    label: str
    since: dt.datetime | dt.date
    recorded_by: str
    stops: str
    detail: str = ""
    # Severe ones (everything stops) are red; partial ones (a channel, calls at work) amber.
    severe: bool = True
    hold_id: int | None = None
    dispute_id: int | None = None
    due: dt.date | None = None
    overdue: bool = False


_ATTORNEY_SLOT = "\x00attorney\x00"


def _attorney_line(hold: ContactHold) -> str:
    """12 CFR 1006.6(b)(2): while a borrower is represented, the attorney is who we talk to.
    The free text (which may hold anything) is masked like every detail; the firm's phone and
    email go in the slot after masking (_attorney_reach)."""
    if not (hold.attorney_contact or hold.attorney_phone or hold.attorney_email):
        return _("Attorney: no contact recorded yet; record the firm's name and phone or email.")
    slot = _ATTORNEY_SLOT if hold.attorney_phone or hold.attorney_email else ""
    contact = ", ".join(p for p in (hold.attorney_contact, slot) if p)
    return _("Contact the attorney, not the borrower: %(contact)s") % {"contact": contact}


def _attorney_reach(hold: ContactHold, known: tuple[str, str]) -> str:
    """The firm's structured phone and email, unless one is the borrower's own (then masked)."""
    parts = [
        mask_text(value, known) if value in known else value
        for value in (hold.attorney_phone, hold.attorney_email)
        if value
    ]
    return ", ".join(parts)


def _who(user: AbstractBaseUser | None, fallback: str) -> str:
    return user.get_username() if user is not None else fallback


def active_restrictions(
    borrower: Borrower,
    case: CollectionCase | None = None,
    *,
    viewer: AbstractBaseUser | None = None,
) -> list[Restriction]:
    """The borrower's standing holds and opt-outs, and the unanswered disputes of `case` (or of
    every loan, on the borrower page: case None), most severe first. Three queries. Addresses
    in a hold's details are masked unless `viewer` may see personal data."""
    show_pii = viewer is not None and can_view_pii(viewer)
    known = (borrower.phone, borrower.email)
    out: list[Restriction] = []
    for hold in (
        ContactHold.objects.filter(borrower=borrower, released_at__isnull=True)
        .select_related("recorded_by")
        .order_by("recorded_at", "pk")
    ):
        details = []
        if hold.kind == ContactHold.Kind.ATTORNEY:
            details.append(_attorney_line(hold))
        elif hold.attorney_contact:
            details.append(_("Attorney: %(contact)s") % {"contact": hold.attorney_contact})
        if hold.bankruptcy_case_number:
            details.append(
                _("Bankruptcy case number: %(number)s") % {"number": hold.bankruptcy_case_number}
            )
        if hold.work_phone:
            details.append(_("Work number: %(phone)s") % {"phone": hold.work_phone})
        detail = pgettext("between parts of a sentence", "; ").join(details)
        if not show_pii:
            detail = mask_text(detail, (*known, hold.work_phone))
        if hold.kind == ContactHold.Kind.ATTORNEY:
            # The firm's own phone and email, shown to every role: the agent must reach them.
            detail = detail.replace(_ATTORNEY_SLOT, _attorney_reach(hold, known))
        out.append(
            Restriction(
                kind="hold",
                code=hold.kind,
                label=str(hold.get_kind_display()),
                since=hold.recorded_at,
                recorded_by=_who(hold.recorded_by, hold.source),
                stops=str(_HOLD_STOPS.get(hold.kind, "")),
                detail=detail,
                severe=hold.kind != ContactHold.Kind.NO_CALLS_AT_WORK,
                hold_id=hold.pk,
            )
        )
    disputes = Dispute.objects.filter(status__in=UNRESOLVED).select_related("recorded_by", "case")
    disputes = (
        disputes.filter(case=case)
        if case is not None
        else disputes.filter(case__loan__borrower=borrower)
    )
    for dispute in disputes.order_by("received_on", "pk"):
        is_open = dispute.status == Dispute.Status.OPEN
        out.append(
            Restriction(
                kind="dispute",
                code=dispute.status,
                label=_("Dispute of case %(case)s: %(kind)s (%(status)s)")
                % {
                    "case": dispute.case_id,
                    "kind": dispute.get_kind_display(),
                    "status": dispute.get_status_display(),
                },
                since=dispute.received_on,
                recorded_by=_who(dispute.recorded_by, _("system")),
                stops=_(
                    "All outreach about this debt except the verification and the dispute "
                    "response, until the verification is sent."
                )
                if is_open
                else _("Nothing now: the verification was sent; the dispute awaits its outcome."),
                severe=is_open,
                dispute_id=dispute.pk,
                due=dispute.response_due_on,
                overdue=dispute.is_overdue,
            )
        )
    for consent in ChannelConsent.objects.filter(
        borrower=borrower, status=ChannelConsent.Status.OPTED_OUT
    ).order_by("channel"):
        out.append(
            Restriction(
                kind="opt_out",
                code=consent.channel,
                label=_("Opted out of %(channel)s") % {"channel": consent.get_channel_display()},
                since=consent.recorded_at,
                recorded_by=str(consent.get_source_display()),
                stops=_("Every %(channel)s contact on every loan.")
                % {"channel": consent.get_channel_display()},
                severe=False,
            )
        )
    if case is not None and case.pk is not None:
        out += _time_barred(case)
    out.sort(key=lambda r: not r.severe)  # stable: severe first, each group in its order
    return out


def _time_barred(case: CollectionCase) -> list[Restriction]:
    """A time-barred debt limits what may be said (12 CFR 1006.26(b)): shown on its case."""
    from collections_app.compliance.limitations import TIME_BARRED
    from collections_app.selectors.debt_status import case_debt_status, suit_refusal

    status = case_debt_status(case)
    if status.status != TIME_BARRED or status.last_day is None:
        return []
    return [
        Restriction(
            kind="debt",
            code=TIME_BARRED,
            label=_("Time-barred debt"),
            since=status.last_day + dt.timedelta(days=1),
            recorded_by=_("the statute of limitations"),
            stops=_("Any referral to legal and any threat of suit; messages carry the disclosure."),
            detail=shown(str(text := suit_refusal(status)), stored_of(text)),
            severe=False,
        )
    ]

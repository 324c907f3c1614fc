"""Opt-outs, opt-ins and holds: recorded with source and time, honoured at once.

Honoured twice over: the gate reads them at send time, and queued messages they forbid are
cancelled here, in the same transaction, so nothing waits in the outbox to be denied later.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from collections_app.lender.emitters import hold_placed_emit, hold_released_emit, opt_out_emit
from collections_app.models import (
    Borrower,
    CaseEvent,
    ChannelConsent,
    CollectionCase,
    ContactHold,
)
from collections_app.outreach.outbox import outbox_cancel_for_borrower
from collections_app.phrases import choice_label, phrase
from collections_app.services.events import case_event_record
from collections_app.states import BORROWER_LEVEL_PAUSES, OPEN_STATES

# Holds after which no collection message may wait in the outbox.
STOPPING_HOLDS = {
    ContactHold.Kind.CEASE_COMMUNICATION,
    ContactHold.Kind.DISPUTE,
    ContactHold.Kind.BANKRUPTCY,
    ContactHold.Kind.DECEASED,
    ContactHold.Kind.ATTORNEY,
}


def _audit_on_open_cases(
    borrower: Borrower, reason: str, data: dict, actor: AbstractBaseUser | None
) -> None:
    for case in CollectionCase.objects.filter(loan__borrower=borrower, state__in=OPEN_STATES):
        case_event_record(
            case=case, kind=CaseEvent.Kind.CONSENT, actor=actor, reason=reason, data=data
        )


def _consent_record(
    *,
    borrower: Borrower,
    channel: str,
    status: str,
    source: str,
    requested_at: dt.datetime | None,
    note: str,
    actor: AbstractBaseUser | None,
) -> ChannelConsent:
    now = timezone.now()
    with transaction.atomic():
        consent, _created = ChannelConsent.objects.update_or_create(
            borrower=borrower,
            channel=channel,
            defaults={
                "status": status,
                "source": source,
                "recorded_at": now,
                "requested_at": requested_at or now,
                "note": note[:300],
            },
        )
        data: dict[str, object] = {"channel": channel, "status": status}
        if status == ChannelConsent.Status.OPTED_OUT:
            data["cancelled_messages"] = outbox_cancel_for_borrower(
                borrower=borrower, channel=channel, reason=f"opted out of {channel}"
            )
            opt_out_emit(consent=consent, borrower_external_id=borrower.external_id)
        if status == ChannelConsent.Status.OPTED_OUT:
            said = phrase("Opted out of %(channel)s (%(source)s)", channel=channel, source=source)
        else:
            said = phrase("Opted in to %(channel)s (%(source)s)", channel=channel, source=source)
        _audit_on_open_cases(borrower, said, data, actor)
    return consent


def consent_opt_out(
    *,
    borrower: Borrower,
    channel: str,
    source: str,
    requested_at: dt.datetime | None = None,
    note: str = "",
    actor: AbstractBaseUser | None = None,
) -> ChannelConsent:
    """Stop `channel` for the borrower now; its queued messages are cancelled."""
    return _consent_record(
        borrower=borrower,
        channel=channel,
        status=ChannelConsent.Status.OPTED_OUT,
        source=source,
        requested_at=requested_at,
        note=note,
        actor=actor,
    )


def consent_opt_in(
    *,
    borrower: Borrower,
    channel: str,
    source: str,
    requested_at: dt.datetime | None = None,
    note: str = "",
    actor: AbstractBaseUser | None = None,
) -> ChannelConsent:
    return _consent_record(
        borrower=borrower,
        channel=channel,
        status=ChannelConsent.Status.OPTED_IN,
        source=source,
        requested_at=requested_at,
        note=note,
        actor=actor,
    )


def hold_place(
    *,
    borrower: Borrower,
    kind: str,
    source: str,
    note: str = "",
    attorney_contact: str = "",
    work_phone: str = "",
    bankruptcy_case_number: str = "",
    attorney_phone: str = "",
    attorney_email: str = "",
    actor: AbstractBaseUser | None = None,
) -> ContactHold:
    """`attorney_*`: for an attorney hold, the firm and where to reach it. Communication about
    the debt goes to the attorney, by an agent (12 CFR 1006.6(b)(2)); the gate refuses the
    borrower, and every case of theirs shows the attorney's contact (selectors/holds.py)."""
    with transaction.atomic():
        hold = ContactHold.objects.create(
            borrower=borrower,
            kind=kind,
            source=source,
            note=note,
            attorney_contact=attorney_contact,
            attorney_phone=attorney_phone.strip(),
            attorney_email=attorney_email.strip(),
            work_phone=work_phone,
            bankruptcy_case_number=bankruptcy_case_number,
            recorded_by=actor,
        )
        cancelled = 0
        if kind in STOPPING_HOLDS:
            cancelled = outbox_cancel_for_borrower(borrower=borrower, reason=f"{kind} hold")
        _audit_on_open_cases(
            borrower,
            phrase(
                "%(kind)s recorded (%(source)s)", kind=choice_label(hold, "kind"), source=source
            ),
            {"hold": hold.pk, "kind": kind, "cancelled_messages": cancelled},
            actor,
        )
        hold_placed_emit(hold=hold, borrower_external_id=borrower.external_id)
        if kind in BORROWER_LEVEL_PAUSES:
            # About the person, not one loan: every loan stops, not only the one it came in on.
            from collections_app.services.case_entry import borrower_cases_pause

            borrower_cases_pause(borrower_id=borrower.pk, kind=kind, hold=hold, actor=actor)
    return hold


def hold_release(
    *, hold: ContactHold, reason: str, actor: AbstractBaseUser | None = None
) -> ContactHold:
    with transaction.atomic():
        hold = ContactHold.objects.select_for_update().get(pk=hold.pk)
        if hold.released_at is not None:
            return hold
        hold.released_at = timezone.now()
        hold.released_reason = reason[:300]
        hold.save(update_fields=["released_at", "released_reason"])
        _audit_on_open_cases(
            hold.borrower,
            phrase("%(kind)s released: %(reason)s", kind=choice_label(hold, "kind"), reason=reason),
            {"hold": hold.pk, "kind": hold.kind, "released": True},
            actor,
        )
        hold_released_emit(hold=hold, borrower_external_id=hold.borrower.external_id)
    return hold

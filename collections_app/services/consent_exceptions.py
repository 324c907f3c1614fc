"""Consent exceptions: a borrower's agreement that lifts one contact rule within its scope and
time (models/consent.py), recorded with who recorded it, when and how it was given; the gate
(compliance/consent_rules.py) honours it only inside that scope and span, and every decision it
allows records that it was used (ContactDecision.consent_exception).

- `call_frequency`: Reg F 12 CFR 1006.14(b)(3)(i), consent given directly to us: it lifts the
  7-calls-in-7-days and conversation limits for calls about the debt, for at most 7 days from
  when it was given (a longer span is cut to that).
- `contact_hours`: the CN guideline's "unless the debtor agreed": contact at the time the
  borrower agreed to, outside the allowed hours (12 hours at most: an agreed time, not a
  standing permission).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_app.models import (
    Borrower,
    CallLog,
    CaseEvent,
    CollectionCase,
    ConsentException,
)
from collections_app.models.consent import FREQUENCY_CONSENT_DAYS
from collections_app.phrases import phrase
from collections_app.services.events import case_event_record

HOURS_CONSENT_LONGEST = dt.timedelta(hours=12)


def consent_exception_record(
    *,
    borrower: Borrower,
    kind: str,
    given_at: dt.datetime,
    method: str,
    valid_from: dt.datetime | None = None,
    valid_until: dt.datetime | None = None,
    case: CollectionCase | None = None,
    channel: str = "voice",
    note: str = "",
    call: CallLog | None = None,
    actor: AbstractBaseUser | None = None,
) -> ConsentException:
    """Record a consent the borrower gave. Raises ValidationError for one the rules do not
    allow (a future `given_at`, an empty span, a frequency consent for anything but calls, an
    hours consent longer than 12 hours)."""
    now = timezone.now()
    valid_from, valid_until = consent_exception_check(
        borrower=borrower,
        kind=kind,
        given_at=given_at,
        method=method,
        valid_from=valid_from,
        valid_until=valid_until,
        case=case,
        channel=channel,
    )
    with transaction.atomic():
        row = ConsentException.objects.create(
            borrower=borrower,
            case=case,
            kind=kind,
            channel=channel,
            given_at=given_at,
            method=method,
            valid_from=valid_from,
            valid_until=valid_until,
            note=note[:300],
            call=call,
            recorded_by=actor,
            recorded_at=now,
        )
        cases = [case] if case else CollectionCase.objects.filter(loan__borrower=borrower)
        for each in cases:
            case_event_record(
                case=each,
                kind=CaseEvent.Kind.CONSENT,
                actor=actor,
                reason=phrase(
                    "Consent exception recorded: %(kind)s, given %(given)s, valid until %(until)s",
                    kind=row.kind,
                    given=f"{given_at:%Y-%m-%d %H:%M} UTC",
                    until=f"{valid_until:%Y-%m-%d %H:%M} UTC",
                ),
                data={"consent_exception": row.pk, "method": method},
            )
    return row


def consent_exception_revoke(
    *, exception: ConsentException, actor: AbstractBaseUser | None = None
) -> ConsentException:
    """The borrower took it back: from now on the gate no longer honours it."""
    with transaction.atomic():
        locked = ConsentException.objects.select_for_update().get(pk=exception.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            cases = (
                [locked.case]
                if locked.case
                else CollectionCase.objects.filter(loan__borrower_id=locked.borrower_id)
            )
            for each in cases:
                case_event_record(
                    case=each,
                    kind=CaseEvent.Kind.CONSENT,
                    actor=actor,
                    reason=phrase("Consent exception %(id)s revoked", id=locked.pk),
                    data={"consent_exception": locked.pk},
                )
    return locked


def consent_exception_check(
    *,
    borrower: Borrower,
    kind: str,
    given_at: dt.datetime,
    method: str,
    valid_from: dt.datetime | None = None,
    valid_until: dt.datetime | None = None,
    case: CollectionCase | None = None,
    channel: str = "voice",
    **_other: object,
) -> tuple[dt.datetime, dt.datetime]:
    """The span the consent covers (a frequency consent cut to its 7 days), or a
    ValidationError keyed by field for one the rules do not allow."""
    now = timezone.now()
    valid_from = valid_from or given_at
    if kind not in ConsentException.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of consent exception.")})
    if method not in ConsentException.Method.values:
        raise ValidationError({"method": _("Say how the borrower gave it.")})
    if given_at > now:
        raise ValidationError({"given_at": _("A consent cannot be given in the future.")})
    if case is not None and case.loan.borrower_id != borrower.pk:
        raise ValidationError({"case": _("The case is another borrower's.")})
    if kind == ConsentException.Kind.CALL_FREQUENCY:
        if channel != "voice":
            raise ValidationError({"channel": _("This consent is about calls only.")})
        longest = given_at + dt.timedelta(days=FREQUENCY_CONSENT_DAYS)
        valid_until = min(valid_until or longest, longest)
    else:
        if valid_until is None:
            raise ValidationError({"valid_until": _("Say until when the borrower agreed.")})
        if valid_until - valid_from > HOURS_CONSENT_LONGEST:
            raise ValidationError(
                {
                    "valid_until": _(
                        "An agreed time outside the allowed hours lasts 12 hours at most."
                    )
                }
            )
    if valid_until <= valid_from:
        raise ValidationError({"valid_until": _("It must end after it starts.")})
    return valid_from, valid_until

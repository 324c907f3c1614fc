"""A case whose borrower can be verified, and the fixed clock the call tests run on."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from collections_app.lender.verification import date_of_birth_digest, id_digits_digest
from collections_app.models import CollectionCase
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory

LA = ZoneInfo("America/Los_Angeles")
SHANGHAI = ZoneInfo("Asia/Shanghai")
DOB = dt.date(1990, 4, 2)
ID_DIGITS = "6789"
PHONE = "+14155550142"


def local(zone: ZoneInfo, *args: int) -> dt.datetime:
    """An aware instant given as a wall-clock time in `zone`."""
    return dt.datetime(*args, tzinfo=zone)


# A Tuesday morning in California (inside 08:00-21:00) and the same evening at 21:30.
MORNING = local(LA, 2026, 12, 1, 10, 0)
EVENING = local(LA, 2026, 12, 1, 21, 30)


def verifiable_case(
    *, jurisdiction: str = "US", language: str = "en", phone: str = PHONE, **case: object
) -> CollectionCase:
    zone = "Asia/Shanghai" if jurisdiction == "CN" else "America/Los_Angeles"
    borrower = BorrowerFactory(
        name="Avery Johnson" if language == "en" else "王伟",
        phone=phone,
        time_zone=zone,
        jurisdiction=jurisdiction,
        preferred_language=language,
    )
    borrower.date_of_birth_digest = date_of_birth_digest(borrower.external_id, DOB)
    borrower.id_digits_digest = id_digits_digest(borrower.external_id, ID_DIGITS)
    borrower.save()
    currency = "CNY" if jurisdiction == "CN" else "USD"
    return CaseFactory(loan=LoanFactory(borrower=borrower, currency=currency), **case)

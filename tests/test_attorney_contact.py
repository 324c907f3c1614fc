"""A borrower represented by an attorney: the gate refuses the borrower (as before), and every
case of theirs tells whoever works it to contact the attorney instead, with the firm's phone
and email in full, even to an agent who sees the borrower's own details masked
(12 CFR 1006.6(b)(2))."""

import pytest

from collections_app.selectors.holds import active_restrictions
from collections_app.services.consents import hold_place
from tests.factories import CaseFactory, make_user

pytestmark = pytest.mark.django_db


def _attorney_detail(case, **contact) -> str:
    borrower = case.loan.borrower
    hold_place(borrower=borrower, kind="attorney", source="letter", **contact)
    agent = make_user("agent1", "agent")
    (restriction,) = [r for r in active_restrictions(borrower, case, viewer=agent)]
    return restriction.detail


def test_the_case_says_contact_the_attorney_with_the_firms_phone_and_email() -> None:
    case = CaseFactory()
    detail = _attorney_detail(
        case,
        attorney_contact="Kim Law LLP",
        attorney_phone="+14155550111",
        attorney_email="kim@kimlaw.example",
    )
    assert detail == (
        "Contact the attorney, not the borrower: Kim Law LLP, +14155550111, kim@kimlaw.example"
    )


def test_the_borrowers_own_number_typed_as_the_attorneys_stays_masked() -> None:
    case = CaseFactory()
    phone = case.loan.borrower.phone
    detail = _attorney_detail(case, attorney_contact="Kim Law LLP", attorney_phone=phone)
    assert phone not in detail and detail.startswith("Contact the attorney, not the borrower")


def test_an_attorney_hold_without_a_contact_asks_for_one() -> None:
    detail = _attorney_detail(CaseFactory())
    assert "no contact recorded yet" in detail

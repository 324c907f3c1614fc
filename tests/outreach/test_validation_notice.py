"""The validation notice end to end: a third-party profile, the notice queued, rendered in the
borrower's language, claimed (its period recorded), a demand held back meanwhile, the
debt-collector disclosure on every message, the PDF letter with a Chinese name."""

import datetime as dt
import re
import zlib

import pytest
from django.utils import timezone

from collections_app.compliance.holidays import validation_period_end
from collections_app.models import (
    ContactDecision,
    ContactHold,
    JurisdictionProfile,
    MessageTemplate,
    OutboundMessage,
    ValidationNotice,
)
from collections_app.models.compliance import CollectorRole
from collections_app.outreach.dispatch import dispatch_batch
from collections_app.outreach.gate import gate_contact
from collections_app.services.validation_letter import validation_letter_pdf
from collections_app.services.validation_notices import (
    validation_notice_queue,
    validation_notices_ensure,
    within_five_days,
)
from tests.outreach.conftest import enqueue, make_case

pytestmark = pytest.mark.django_db


def third_party(code: str = "US") -> None:
    JurisdictionProfile.objects.filter(code=code, is_current=True).update(
        collector_role=CollectorRole.THIRD_PARTY
    )


def test_the_notice_goes_out_with_its_itemization_and_dates_and_starts_the_period(
    daytime_zone: str,
) -> None:
    third_party()
    case = make_case(daytime_zone)
    notice = validation_notice_queue(case)
    dispatch_batch(ids=[notice.message_id])
    message = OutboundMessage.objects.get(pk=notice.message_id)
    assert message.status == OutboundMessage.Status.SENDING, message.error_message
    notice.refresh_from_db()
    today = timezone.localdate()
    assert notice.provided_on == today
    assert notice.period_ends_on == validation_period_end(today, "US")
    body = message.body
    assert f"by {notice.period_ends_on.isoformat()} to dispute" in body
    assert "USD 1,200.00" in body  # the current amount
    assert "original creditor" in body
    assert "This is a communication from a debt collector" in body
    decision = ContactDecision.objects.get(message=message)
    assert (decision.legally_required, decision.required_notice) == (True, "validation_notice")
    # It went out in the initial communication (1006.34(a)(1)).
    assert within_five_days(case, notice) is True


def test_a_demand_waits_until_the_period_ends(daytime_zone: str) -> None:
    third_party()
    case = make_case(daytime_zone)
    notice = validation_notice_queue(case)
    dispatch_batch(ids=[notice.message_id])
    MessageTemplate.objects.filter(key="reminder-notice").update(overshadows_validation=True)
    demand = enqueue(case, "sms")
    dispatch_batch(ids=[demand.pk])
    demand.refresh_from_db()
    notice.refresh_from_db()
    assert demand.status == OutboundMessage.Status.QUEUED
    assert demand.error_code == "validation_period"
    assert timezone.localdate(demand.scheduled_at) > notice.period_ends_on - dt.timedelta(days=1)
    # A message not flagged as a demand goes, with the short disclosure.
    MessageTemplate.objects.filter(key="reminder-notice").update(overshadows_validation=False)
    other = enqueue(case, "sms", step="s2")
    dispatch_batch(ids=[other.pk])
    other.refresh_from_db()
    assert other.status == OutboundMessage.Status.SENDING
    assert "This communication is from a debt collector." in other.body


def test_a_demand_waits_on_a_third_party_debt_whose_notice_has_not_gone_out(
    daytime_zone: str,
) -> None:
    third_party()
    case = make_case(daytime_zone)
    MessageTemplate.objects.filter(key="reminder-notice").update(overshadows_validation=True)
    demand = enqueue(case, "sms")
    dispatch_batch(ids=[demand.pk])
    demand.refresh_from_db()
    assert (demand.status, demand.error_code) == (
        OutboundMessage.Status.QUEUED,
        "validation_period",
    )


def test_first_party_messages_carry_no_disclosure_and_no_period(daytime_zone: str) -> None:
    case = make_case(daytime_zone)
    MessageTemplate.objects.filter(key="reminder-notice").update(overshadows_validation=True)
    message = enqueue(case, "sms")
    dispatch_batch(ids=[message.pk])
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENDING
    assert "debt collector" not in message.body


def test_the_notice_does_not_pass_a_cease_request_but_the_decision_says_it_was_required(
    daytime_zone: str,
) -> None:
    third_party()
    case = make_case(daytime_zone)
    ContactHold.objects.create(
        borrower=case.loan.borrower, kind="cease_communication", source="borrower"
    )
    result = gate_contact(
        case=case, channel="email", legally_required=True, required_notice="validation_notice"
    )
    assert (result.allowed, result.decision.rule) == (False, "cease_communication")
    assert result.record.legally_required is True
    verification = gate_contact(
        case=case, channel="email", legally_required=True, required_notice="dispute_verification"
    )
    assert verification.allowed
    assert verification.attempt.legally_required is True


def test_the_chinese_notice_and_letter(daytime_zone: str) -> None:
    third_party()
    case = make_case(daytime_zone, name="张伟", preferred_language="zh-Hans")
    notice = validation_notice_queue(case)
    dispatch_batch(ids=[notice.message_id])
    message = OutboundMessage.objects.get(pk=notice.message_id)
    assert "张伟" in message.body
    pdf = validation_letter_pdf(notice, dt.date(2026, 12, 21))
    assert pdf.startswith(b"%PDF")
    # The Chinese font is embedded, and its character map has the name's characters (a
    # character no font had would print as nothing and not be in any map).
    assert b"DroidSansFallback" in pdf
    maps = _streams(pdf)
    assert all(f"{ord(ch):04X}" in maps for ch in "张伟债务")


def _streams(pdf: bytes) -> str:
    """Every stream of the PDF inflated, upper-case (the ToUnicode maps are in them)."""
    out = []
    for chunk in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            out.append(zlib.decompress(chunk).decode("latin-1"))
        except zlib.error:
            out.append(chunk.decode("latin-1"))
    return "".join(out).upper()


def test_a_third_party_debts_first_message_brings_its_notice_along(daytime_zone: str) -> None:
    third_party()
    case = make_case(daytime_zone)
    dispatch_batch(ids=[enqueue(case, "sms").pk])
    dispatch_batch(ids=[enqueue(case, "sms", step="s2").pk])
    notices = list(case.validation_notices.all())
    assert len(notices) == 1
    assert notices[0].message.template_key == "validation-notice"
    assert notices[0].message.legally_required is True
    # First party: nothing is added.
    first = make_case(daytime_zone, jurisdiction="CN")
    dispatch_batch(ids=[enqueue(first, "sms").pk])
    assert not first.validation_notices.exists()


def test_compliance_downloads_the_letter_and_it_is_recorded_mailed(client, daytime_zone) -> None:
    from django.urls import reverse

    from tests.factories import make_user

    third_party()
    case = make_case(daytime_zone, email="")
    notice = validation_notices_ensure([case])
    assert notice == []  # no email: nothing queued, the letter is to be mailed
    notice = ValidationNotice.objects.create(
        case=case, language="en", currency="USD", itemization_date=dt.date(2026, 1, 1),
        itemization_amount=1200, interest_since=0, fees_since=0, payments_since=0,
        credits_since=0, current_amount=1200,
    )  # fmt: skip
    client.force_login(make_user("officer", "compliance"))
    url = reverse("admin:collections_app_validationnotice_changelist")
    response = client.post(url, {"action": "mail_letter", "_selected_action": [notice.pk]})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    notice.refresh_from_db()
    assert notice.provided_on == timezone.localdate()
    assert notice.period_ends_on == validation_period_end(timezone.localdate(), "US")
    # An agent may not.
    client.force_login(make_user("agent1", "agent"))
    assert (
        client.post(url, {"action": "mail_letter", "_selected_action": [notice.pk]}).status_code
        == 403
    )

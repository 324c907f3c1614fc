"""Consent against the database: the lender's recorded consent per number, consent exceptions
recorded and used by the gate, the recording flag and disclosure (TwiML, call script)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from twilio.request_validator import RequestValidator

from collections_app.models import (
    CallLog,
    ConsentException,
    ContactAttempt,
    ContactDecision,
    ContactPoint,
)
from collections_app.outreach.call_scripts import render_call_script
from collections_app.outreach.gate import gate_contact
from collections_app.outreach.sender import outgoing, recorded_calls
from collections_app.services.calls import call_check
from collections_app.services.consent_exceptions import (
    consent_exception_record,
    consent_exception_revoke,
)
from tests.channels.outbox import outbox_message
from tests.compliance.builders import local
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory, make_user

pytestmark = pytest.mark.django_db
NOON_NY = local("America/New_York", 2026, 6, 10, 12, 0)
LATE_SH = local("Asia/Shanghai", 2026, 6, 10, 22, 30)
TOKEN = "consent-test-token"
PUBLIC = "https://collections.example.com"


def us_case(region: str = "NY"):
    borrower = BorrowerFactory(time_zone="America/New_York", region=region)
    return CaseFactory(loan=LoanFactory(borrower=borrower))


def cn_case():
    borrower = BorrowerFactory(
        time_zone="Asia/Shanghai",
        jurisdiction="CN",
        region="GD",
        phone="+8613800138000",
        preferred_language="zh-Hans",
        name="王小明",
    )
    return CaseFactory(loan=LoanFactory(borrower=borrower, currency="CNY"))


def phone_point(case, type_: str, consent: str = "") -> None:
    borrower = case.loan.borrower
    ContactPoint.objects.create(
        borrower=borrower,
        kind="phone",
        address=borrower.phone,
        type=type_,
        consent=consent,
        is_primary=True,
    )


# --- prerecorded voice ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "consent", "allowed"),
    [
        ("mobile", "", False),
        ("mobile", "revoked", False),
        ("mobile", "prior_express_consent", True),
        ("home", "", True),
        (None, None, False),  # the lender never sent the number
    ],
)
def test_automated_voice_uses_the_consent_the_lender_recorded(type_, consent, allowed) -> None:
    case = us_case()
    if type_ is not None:
        phone_point(case, type_, consent)
    message = outbox_message(case, "voice")
    result = gate_contact(case=case, channel="voice", message=message, at=NOON_NY)
    assert result.allowed is allowed
    record = ContactDecision.objects.get()
    assert record.rule == ("" if allowed else "prerecorded_voice_consent")


def test_without_consent_an_agent_may_still_call_the_mobile() -> None:
    case = us_case()
    phone_point(case, "mobile")
    refused = gate_contact(
        case=case, channel="voice", message=outbox_message(case, "voice"), at=NOON_NY
    )
    assert refused.decision.rule == "prerecorded_voice_consent"
    agent = make_user("caller", "agent")
    call = call_check(case=case, agent=agent, number=case.loan.borrower.phone, at=NOON_NY)
    assert call.status == CallLog.Status.OPEN


# --- consent exceptions -----------------------------------------------------------------------


def seven_calls(case, before: dt.datetime) -> None:
    borrower = case.loan.borrower
    ContactAttempt.objects.bulk_create(
        ContactAttempt(
            borrower=borrower,
            case=case,
            channel="voice",
            address=borrower.phone,
            occurred_at=before - dt.timedelta(days=6) + i * dt.timedelta(hours=20),
            outcome="unanswered",
        )
        for i in range(7)
    )


def test_the_decision_records_the_consent_exception_it_used() -> None:
    case = us_case()
    seven_calls(case, NOON_NY)
    denied = gate_contact(case=case, channel="voice", at=NOON_NY)
    assert denied.decision.rule == "call_attempts_7d"
    agent = make_user("caller", "agent")
    given = NOON_NY - dt.timedelta(days=1)
    recorded_at = given + dt.timedelta(minutes=5)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("collections_app.services.consent_exceptions.timezone.now", lambda: recorded_at)
        row = consent_exception_record(
            borrower=case.loan.borrower,
            case=case,
            kind="call_frequency",
            given_at=given,
            method="inbound_call",
            valid_until=given + dt.timedelta(days=30),
            note="Call me tomorrow at noon.",
            actor=agent,
        )
    # The span is cut to the seven days the rule allows.
    assert row.valid_until == given + dt.timedelta(days=7)
    assert row.recorded_by == agent
    allowed = gate_contact(case=case, channel="voice", at=NOON_NY)
    assert allowed.allowed
    assert allowed.record.consent_exception == row
    assert f"exception {row.pk}" in allowed.record.detail
    # Outside its seven days it no longer helps.
    later = gate_contact(case=case, channel="voice", at=given + dt.timedelta(days=7, minutes=1))
    assert later.record.consent_exception is None
    # Revoked: the gate stops honouring it.
    consent_exception_revoke(exception=row, actor=agent)
    again = gate_contact(case=case, channel="voice", at=NOON_NY + dt.timedelta(minutes=1))
    # (the call just allowed, its outcome not known yet, counts as a possible conversation)
    assert not again.allowed and again.record.consent_exception is None
    assert again.decision.rule in ("call_attempts_7d", "conversation_cooldown")


def test_cn_late_call_only_with_the_debtors_agreement(monkeypatch) -> None:
    case = cn_case()
    assert gate_contact(case=case, channel="voice", at=LATE_SH).decision.rule == "quiet_hours"
    monkeypatch.setattr(
        "collections_app.services.consent_exceptions.timezone.now",
        lambda: LATE_SH - dt.timedelta(hours=3),
    )
    row = consent_exception_record(
        borrower=case.loan.borrower,
        case=case,
        kind="contact_hours",
        given_at=LATE_SH - dt.timedelta(hours=4),
        method="on_our_call",
        valid_from=LATE_SH - dt.timedelta(minutes=30),
        valid_until=LATE_SH + dt.timedelta(minutes=30),
    )
    result = gate_contact(case=case, channel="voice", at=LATE_SH)
    assert result.allowed and result.record.consent_exception == row
    # CN records its calls: the attempt says so.
    assert result.attempt.recorded


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"given_at": dt.timedelta(hours=1)}, "given_at"),  # in the future
        ({"kind": "contact_hours", "valid_until": dt.timedelta(hours=13)}, "valid_until"),
        ({"kind": "contact_hours"}, "valid_until"),  # no end given
        ({"channel": "sms"}, "channel"),  # frequency consent is about calls
        ({"method": "telepathy"}, "method"),
    ],
)
def test_a_consent_the_rules_do_not_allow_is_refused(fields, field) -> None:
    case = us_case()
    from django.utils import timezone

    now = timezone.now()
    values = {"kind": "call_frequency", "given_at": now, "method": "inbound_call"}
    for key, value in fields.items():
        values[key] = now + value if isinstance(value, dt.timedelta) else value
    with pytest.raises(ValidationError) as problem:
        consent_exception_record(borrower=case.loan.borrower, case=case, **values)
    assert field in problem.value.message_dict
    assert not ConsentException.objects.exists()


# --- recording --------------------------------------------------------------------------------


def answer(client, message) -> ET.Element:
    path = reverse("twilio-voice-answer", args=[message.pk])
    params = {"CallSid": "CA" + "1" * 32, "AnsweredBy": "human", "To": message.to_address}
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + path, params)
    response = client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314 (our own view's answer)


@pytest.mark.parametrize(
    ("make", "recorded", "first_words"),
    [
        (cn_case, True, "本次通话将被录音。"),
        (lambda: us_case("CA"), True, "This call is recorded."),  # two-party-consent state
        (lambda: us_case("NY"), True, None),  # one-party state: not required
        (lambda: us_case(""), True, "This call is recorded."),  # region unknown
        (lambda: us_case("CA"), False, None),  # not recorded
    ],
)
def test_a_recorded_call_says_so_first_where_required(
    client, settings, make, recorded, first_words
) -> None:
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.PUBLIC_BASE_URL = PUBLIC
    case = make()
    message = outbox_message(case, "voice")
    borrower = case.loan.borrower
    ContactAttempt.objects.create(
        borrower=borrower,
        case=case,
        message=message,
        channel="voice",
        address=borrower.phone,
        occurred_at=NOON_NY,
        recorded=recorded,
    )
    says = [say.text for say in answer(client, message).iter("Say")]
    if first_words is None:
        assert not any("recorded" in (s or "") or "录音" in (s or "") for s in says)
    else:
        assert says[0] == first_words
    # The call is recorded at the provider exactly when the attempt says so.
    assert (message.pk in recorded_calls([message])) is recorded
    assert outgoing(message, record=message.pk in recorded_calls([message])).record is recorded


def test_the_gate_records_cn_calls_and_not_us_calls_by_default() -> None:
    cn = cn_case()
    noon_sh = local("Asia/Shanghai", 2026, 6, 10, 12, 0)
    assert gate_contact(case=cn, channel="voice", at=noon_sh).attempt.recorded
    us = us_case("CA")
    assert not gate_contact(case=us, channel="voice", at=NOON_NY).attempt.recorded


def test_the_agents_script_opens_with_the_recording_disclosure() -> None:
    agent = make_user("caller", "agent")
    cn = cn_case()
    assert render_call_script(cn, agent).recording_disclosure == "本次通话将被录音。"
    assert render_call_script(us_case("CA"), agent).recording_disclosure == ""
    noon_sh = local("Asia/Shanghai", 2026, 6, 10, 12, 0)
    call = call_check(case=cn, agent=agent, number=cn.loan.borrower.phone, at=noon_sh)
    assert call.recorded


def test_compliance_records_a_consent_exception_in_admin(client) -> None:
    from tests.html_forms import form_data

    case = us_case()
    client.force_login(make_user("officer", "compliance"))
    url = reverse("admin:collections_app_consentexception_add")
    data = form_data(client.get(url).content.decode(), "consentexception_form")
    data |= {
        "borrower": str(case.loan.borrower.pk),
        "case": str(case.pk),
        "kind": "contact_hours",
        "channel": "voice",
        "given_at_0": "2026-06-01",
        "given_at_1": "10:00",
        "method": "on_our_call",
        "valid_from_0": "2026-06-01",
        "valid_from_1": "21:00",
        "valid_until_0": "2026-06-02",
        "valid_until_1": "21:00",
    }
    page = client.post(url, data).content.decode()
    # 24 hours outside the allowed hours: refused beside the field.
    assert "12 hours at most" in page and not ConsentException.objects.exists()
    data |= {"valid_until_0": "2026-06-01", "valid_until_1": "22:00"}
    assert client.post(url, data).status_code == 302
    row = ConsentException.objects.get()
    assert row.recorded_by.username == "officer" and row.kind == "contact_hours"

"""Borrower replies: keywords in English and Chinese, auto-replies, consents, cases, agents."""

import pytest

from collections_app.models import (
    CaseEvent,
    ChannelConsent,
    CollectionCase,
    ContactHold,
    OutboundMessage,
    WebhookEvent,
)
from collections_app.services.consents import consent_opt_out
from collections_app.states import CaseState
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory
from tests.helpers import bring_to, without_phrase
from tests.webhooks.conftest import post_twilio, process_all, sent_message, sms_inbound_form

PATH = "/webhooks/twilio/sms/inbound/"
pytestmark = pytest.mark.django_db


def make_case(jurisdiction: str = "US", language: str = "en"):
    borrower = BorrowerFactory(jurisdiction=jurisdiction, preferred_language=language)
    return CaseFactory(loan=LoanFactory(borrower=borrower))


def reply(client, case, body: str, **extra):
    return post_twilio(client, PATH, sms_inbound_form(case.loan.borrower.phone, body, **extra))


US_OPT_OUT = [
    "STOP",
    "stop",
    " Stop ",
    "STOPALL",
    "QUIT",
    "END",
    "REVOKE",
    "OPT OUT",
    "OPTOUT",
    "CANCEL",
    "UNSUBSCRIBE",
    "\uff33\uff34\uff2f\uff30",  # full-width STOP, as some phone keyboards type it
    "stop.",
]
CN_OPT_OUT = ["退订", "TD", "td", "T", "t", "STOP", " 退订 "]


@pytest.mark.parametrize("word", US_OPT_OUT)
def test_us_opt_out_words_end_sms_and_cancel_queued_sms(client, word) -> None:
    case = make_case("US")
    queued = sent_message(case, status="queued")

    response = reply(client, case, word)
    process_all()

    assert response.status_code == 200
    assert "no more text messages" in response.content.decode()
    consent = ChannelConsent.objects.get(borrower=case.loan.borrower, channel="sms")
    assert (consent.status, consent.source) == ("opted_out", "borrower_reply")
    assert consent.requested_at is not None
    assert OutboundMessage.objects.get(pk=queued.pk).status == "cancelled"


@pytest.mark.parametrize("word", CN_OPT_OUT)
def test_cn_opt_out_words_end_sms(client, word) -> None:
    case = make_case("CN", "zh-Hans")
    response = reply(client, case, word)
    process_all()
    assert "您已退订短信" in response.content.decode()
    consent = ChannelConsent.objects.get(borrower=case.loan.borrower, channel="sms")
    assert consent.status == "opted_out"


def test_t_alone_is_not_an_opt_out_for_a_us_borrower(client) -> None:
    case = make_case("US")
    reply(client, case, "T")
    process_all()
    assert not ChannelConsent.objects.filter(borrower=case.loan.borrower).exists()
    assert CaseEvent.objects.filter(case=case, kind="reply", data__needs_agent=True).exists()


def test_stop_inside_a_sentence_goes_to_an_agent_not_an_opt_out(client) -> None:
    case = make_case()
    reply(client, case, "please stop calling my mother")
    process_all()
    assert not ChannelConsent.objects.exists()
    case.refresh_from_db()
    assert case.next_action_at is not None


@pytest.mark.parametrize(
    ("word", "language"), [("START", "en"), ("unstop", "en"), ("开始", "zh-Hans")]
)
def test_start_opts_back_in(client, word, language) -> None:
    case = make_case(language=language)
    consent_opt_out(borrower=case.loan.borrower, channel="sms", source="borrower_reply")
    response = reply(client, case, word)
    process_all()
    consent = ChannelConsent.objects.get(borrower=case.loan.borrower, channel="sms")
    assert consent.status == "opted_in"
    assert "<Message>" in response.content.decode()


@pytest.mark.parametrize(
    ("word", "language", "expected"),
    [
        ("HELP", "en", "for help call +14155550000"),
        ("info", "en", "for help call"),
        ("帮助", "zh-Hans", "如需帮助请致电"),
    ],
)
def test_help_is_answered_with_help_text(client, settings, word, language, expected) -> None:
    settings.COMPANY_CALLBACK_NUMBER = "+14155550000"
    case = make_case(language=language)
    response = reply(client, case, word)
    assert expected in response.content.decode()
    process_all()
    assert not ChannelConsent.objects.exists()


@pytest.mark.parametrize(
    ("word", "language"), [("PAY", "en"), ("pay", "en"), ("还款", "zh-Hans"), ("付款", "zh-Hans")]
)
def test_pay_is_answered_with_the_payment_link(client, settings, word, language) -> None:
    settings.PAYMENT_URL_TEMPLATE = "https://pay.example.com/loans/{loan_id}"
    case = make_case(language=language)
    response = reply(client, case, word)
    assert f"https://pay.example.com/loans/{case.loan.external_id}" in response.content.decode()


@pytest.mark.parametrize(
    "body",
    [
        "PLAN",
        "Can I get a payment plan?",
        "I promise to pay friday",
        "installments please",
        "分期",
        "我想要还款计划",
        "我承诺下周还",
        "可以协商吗",
    ],
)
def test_plan_and_promise_words_move_the_case_to_negotiation_with_an_agent_task(
    client, body
) -> None:
    case = make_case()
    response = reply(client, case, body)
    process_all()

    assert "<Message>" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.NEGOTIATION
    assert case.next_action_at is not None
    task = CaseEvent.objects.get(case=case, kind="reply")
    assert task.data["needs_agent"] is True and task.data["intent"] == "negotiate"


def test_plan_word_on_a_legal_case_makes_a_task_without_a_transition(client) -> None:
    case = bring_to(make_case(), CaseState.LEGAL)
    reply(client, case, "plan")
    process_all()
    case.refresh_from_db()
    assert case.state == CaseState.LEGAL
    assert CaseEvent.objects.filter(case=case, kind="reply", data__needs_agent=True).exists()


@pytest.mark.parametrize(
    "body", ["DISPUTE", "I dispute this debt", "异议", "我有异议", "这不是我的欠款"]
)
def test_dispute_places_a_dispute_hold(client, body) -> None:
    case = make_case()
    queued = sent_message(case, status="queued")
    reply(client, case, body)
    process_all()
    hold = ContactHold.objects.get(borrower=case.loan.borrower)
    assert hold.kind == "dispute" and hold.released_at is None
    assert OutboundMessage.objects.get(pk=queued.pk).status == "cancelled"
    assert CaseEvent.objects.filter(case=case, kind="reply", data__intent="dispute").exists()


@pytest.mark.parametrize("body", ["Who is this?", "我下周发工资", "", "😀"])
def test_other_text_goes_to_the_agent_inbox_without_an_auto_reply(client, body) -> None:
    case = make_case()
    response = reply(client, case, body)
    process_all()
    assert response.content.decode().endswith("<Response />")
    event = CaseEvent.objects.get(case=case, kind="reply")
    assert without_phrase(event.data) == {
        "needs_agent": True,
        "intent": "other",
        "body": body,
        "message_sid": event.data["message_sid"],
    }
    case.refresh_from_db()
    assert case.state == CaseState.REMINDER and case.next_action_at is not None


def test_reply_goes_to_the_most_recent_open_case(client) -> None:
    borrower = BorrowerFactory()
    older = CaseFactory(loan=LoanFactory(borrower=borrower))
    newer = CaseFactory(loan=LoanFactory(borrower=borrower))
    CollectionCase.objects.filter(pk=older.pk).update(opened_at=newer.opened_at.replace(year=2020))
    reply(client, newer, "hello")
    process_all()
    assert CaseEvent.objects.filter(case=newer, kind="reply").exists()
    assert not CaseEvent.objects.filter(case=older, kind="reply").exists()


def test_unknown_number_gets_no_account_details_and_is_stored(client) -> None:
    response = post_twilio(client, PATH, sms_inbound_form("+19995550000", "PAY"))
    assert response.status_code == 200
    assert response.content.decode().endswith("<Response />")
    process_all()
    assert "no borrower" in WebhookEvent.objects.get().error


def test_a_retried_inbound_message_is_answered_once_and_counted_once(client) -> None:
    case = make_case()
    form = sms_inbound_form(case.loan.borrower.phone, "HELP")
    first = post_twilio(client, PATH, form)
    second = post_twilio(client, PATH, form)
    assert "<Message>" in first.content.decode()
    assert second.content.decode().endswith("<Response />")
    assert WebhookEvent.objects.count() == 1


def test_a_replayed_old_stop_does_not_undo_a_later_start(client) -> None:
    # Twilio signs no timestamp: a captured request replayed later is the same MessageSid.
    case = make_case()
    stop = sms_inbound_form(case.loan.borrower.phone, "STOP")
    post_twilio(client, PATH, stop)
    post_twilio(client, PATH, sms_inbound_form(case.loan.borrower.phone, "START"))
    process_all()

    replay = post_twilio(client, PATH, stop)
    process_all()

    assert replay.status_code == 200
    consent = ChannelConsent.objects.get(borrower=case.loan.borrower, channel="sms")
    assert consent.status == "opted_in"
    assert WebhookEvent.objects.count() == 2

"""The TwiML Twilio fetches when an outbound call connects, for a person and for a machine."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from twilio.request_validator import RequestValidator

from collections_app.models import CaseEvent, OutboundMessage
from collections_app.web.voice import voice_answer_url
from tests.channels.outbox import outbox_message
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory

TOKEN = "voice-test-auth-token"
PUBLIC = "https://collections.example.com"
# Words that would tell a third party what the call is about.
DEBT_WORDS_EN = ["debt", "loan", "past due", "overdue", "payment", "owe", "300"]
DEBT_WORDS_ZH = ["欠款", "贷款", "还款", "逾期", "300"]


@pytest.fixture(autouse=True)
def voice_settings(settings) -> None:
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.PUBLIC_BASE_URL = PUBLIC
    settings.COMPANY_NAME = "Acme Finance"
    settings.COMPANY_CALLBACK_NUMBER = "+18005550100"


def call_params(message: OutboundMessage, answered_by: str) -> dict[str, str]:
    # The fields Twilio posts to a call's Url (TwiML voice request, with AMD).
    return {
        "AccountSid": "AC" + "0" * 32,
        "ApiVersion": "2010-04-01",
        "CallSid": "CA" + "1" * 32,
        "CallStatus": "in-progress",
        "Direction": "outbound-api",
        "From": "+14155550199",
        "To": message.to_address,
        "Called": message.to_address,
        "Caller": "+14155550199",
        "AnsweredBy": answered_by,
        "MachineDetectionDuration": "4210",
    }


def post_signed(client, message_id: int, params: dict, token: str = TOKEN, signature=None):
    path = reverse("twilio-voice-answer", args=[message_id])
    if signature is None:
        signature = RequestValidator(token).compute_signature(PUBLIC + path, params)
    headers = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature else {}
    return client.post(path, params, **headers)


def parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)  # noqa: S314 (our own view's answer)


def spoken(root: ET.Element) -> str:
    return " ".join(say.text or "" for say in root.iter("Say"))


@pytest.fixture
def en_call(db) -> OutboundMessage:
    borrower = BorrowerFactory(name="Alex Morgan", preferred_language="en")
    return outbox_message(CaseFactory(loan=LoanFactory(borrower=borrower)), "voice")


@pytest.fixture
def zh_call(db) -> OutboundMessage:
    borrower = BorrowerFactory(name="王小明", preferred_language="zh-Hans", jurisdiction="CN")
    loan = LoanFactory(borrower=borrower, currency="CNY")
    return outbox_message(CaseFactory(loan=loan), "voice")


def test_the_answer_url_is_public_and_names_the_message(en_call) -> None:
    assert voice_answer_url(en_call.pk) == (f"{PUBLIC}/webhooks/twilio/voice/answer/{en_call.pk}/")


def test_a_person_is_first_asked_whether_they_are_the_borrower(client, en_call) -> None:
    root = parse(post_signed(client, en_call.pk, call_params(en_call, "human")))

    (gather,) = root.findall("Gather")
    assert gather.get("numDigits") == "1"
    assert gather.get("method") == "POST"
    assert gather.get("action") == (
        f"{PUBLIC}/webhooks/twilio/voice/gather/?message={en_call.pk}&step=identity"
    )
    (question,) = gather.findall("Say")
    assert question.get("language") == "en-US"
    assert question.text == (
        "This is Acme Finance with a call for Alex Morgan. If you are Alex Morgan, press 1. "
        "If you are not, press 2."
    )
    # Until they say so, nothing about the debt: no key pressed gets the machine's message.
    assert not [word for word in DEBT_WORDS_EN if word in spoken(root).lower()]
    after = [el.tag for el in root][1:]
    assert after == ["Say", "Hangup"]
    assert root.findall("Say")[0].text.startswith("This is a message for Alex from Acme Finance")


def test_a_chinese_speaking_person_is_asked_in_chinese(client, zh_call) -> None:
    root = parse(post_signed(client, zh_call.pk, call_params(zh_call, "human")))

    (gather,) = root.findall("Gather")
    assert {say.get("language") for say in root.iter("Say")} == {"zh-CN"}
    text = spoken(gather)
    assert "王小明" in text and "请按1" in text and "请按2" in text
    assert not [word for word in DEBT_WORDS_ZH if word in spoken(root)]


@pytest.mark.parametrize(
    "answered_by",
    ["machine_end_beep", "machine_end_silence", "machine_end_other", "fax", "unknown"],
)
def test_a_machine_gets_only_a_message_safe_for_anyone_to_hear(client, en_call, answered_by):
    root = parse(post_signed(client, en_call.pk, call_params(en_call, answered_by)))

    assert root.find("Gather") is None
    assert root.find("Hangup") is not None
    text = spoken(root)
    assert text == (
        "This is a message for Alex from Acme Finance. "
        "Please call us back at 1 8 0 0 5 5 5 0 1 0 0."
    )
    assert not [word for word in DEBT_WORDS_EN if word in text.lower()]


def test_a_chinese_machine_gets_the_safe_message_in_chinese(client, zh_call) -> None:
    root = parse(post_signed(client, zh_call.pk, call_params(zh_call, "machine_end_beep")))

    (say,) = root.iter("Say")
    assert say.get("language") == "zh-CN"
    assert "王小明" in say.text and "Acme Finance" in say.text
    assert not [word for word in DEBT_WORDS_ZH if word in say.text]


@pytest.mark.parametrize(
    "how", ["missing", "another token", "tampered params"], ids=lambda how: how.replace(" ", "-")
)
def test_an_unsigned_request_is_refused_and_changes_nothing(client, en_call, how) -> None:
    params = call_params(en_call, "human")
    before = OutboundMessage.objects.values().get(pk=en_call.pk)
    events = CaseEvent.objects.count()

    if how == "missing":
        response = post_signed(client, en_call.pk, params, signature="")
    elif how == "another token":
        response = post_signed(client, en_call.pk, params, token="not-our-token")
    else:
        signature = RequestValidator(TOKEN).compute_signature(
            PUBLIC + reverse("twilio-voice-answer", args=[en_call.pk]), params
        )
        params["AnsweredBy"] = "machine_end_beep"
        response = post_signed(client, en_call.pk, params, signature=signature)

    assert response.status_code == 403
    assert b"<Say" not in response.content
    assert OutboundMessage.objects.values().get(pk=en_call.pk) == before
    assert CaseEvent.objects.count() == events


def test_without_an_auth_token_nothing_is_accepted(client, en_call, settings) -> None:
    params = call_params(en_call, "human")
    signature = RequestValidator("").compute_signature(
        PUBLIC + reverse("twilio-voice-answer", args=[en_call.pk]), params
    )
    settings.TWILIO_AUTH_TOKEN = ""
    assert post_signed(client, en_call.pk, params, signature=signature).status_code == 403


def test_an_unknown_message_gets_an_empty_response_not_an_error(client, db) -> None:
    params = {"CallSid": "CA" + "2" * 32, "AnsweredBy": "human", "To": "+14155550100"}
    root = parse(post_signed(client, 999_999, params))
    assert root.tag == "Response" and list(root) == []


def test_it_answers_only_post(client, en_call) -> None:
    response = client.get(reverse("twilio-voice-answer", args=[en_call.pk]))
    assert response.status_code == 405

"""What the channels put on the wire, and how lookup reads Twilio's list pages, at the HTTP seam."""

import datetime as dt
from unittest import mock

import pytest

from collections_app.channels import OutgoingMessage, get_channel
from collections_app.channels.twilio_client import TWILIO_API, RewritingHttpClient, form_fields
from tests.channels.conftest import ACCOUNT_SID, FROM_NUMBER, MESSAGING_SERVICE_SID, run_async
from tests.channels.seam import Answer

SID = "SM" + "0" * 31 + "1"
CALL_SID = "CA" + "0" * 31 + "1"
SINCE = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)
MESSAGE = OutgoingMessage(
    to="+14155550100",
    body="Your payment of 300.00 USD is past due.",
    status_callback_url="https://collections.example.com/webhooks/twilio/sms/status/?message=7",
    answer_url="https://collections.example.com/webhooks/twilio/voice/answer/7/",
)
MESSAGES_PATH = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
CALLS_PATH = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json"


def message_record(sid: str, body: str, date_sent: str = "Sun, 29 Nov 2026 02:01:07 +0000"):
    return {
        "sid": sid,
        "account_sid": ACCOUNT_SID,
        "to": MESSAGE.to,
        "from": FROM_NUMBER,
        "body": body,
        "status": "delivered",
        "direction": "outbound-api",
        "date_created": date_sent,
        "date_sent": date_sent,
        "date_updated": date_sent,
        "num_segments": "1",
        "api_version": "2010-04-01",
        "uri": f"{MESSAGES_PATH[:-5]}/{sid}.json",
    }


def list_page(key: str, records: list, path: str) -> dict:
    # Twilio's 2010 API list shape (ListMessageResponse / ListCallResponse in the contract).
    return {
        key: records,
        "end": max(len(records) - 1, 0),
        "first_page_uri": f"{path}?PageSize=50&Page=0",
        "next_page_uri": None,
        "page": 0,
        "page_size": 50,
        "previous_page_uri": None,
        "start": 0,
        "uri": f"{path}?PageSize=50&Page=0",
    }


def test_an_sms_carries_sender_callback_and_body(seam) -> None:
    seam.answer = Answer(status=201, body=message_record(SID, MESSAGE.body))
    assert get_channel("sms").send(MESSAGE) == SID
    (request,) = seam.received
    assert (request.method, request.path) == ("POST", MESSAGES_PATH)
    assert request.field("To") == MESSAGE.to
    assert request.field("From") == FROM_NUMBER
    assert request.field("Body") == MESSAGE.body
    assert request.field("StatusCallback") == MESSAGE.status_callback_url


def test_a_messaging_service_replaces_the_sender_number(seam, settings) -> None:
    settings.TWILIO_MESSAGING_SERVICE_SID = MESSAGING_SERVICE_SID
    seam.answer = Answer(status=201, body=message_record(SID, MESSAGE.body))
    run_async(lambda: get_channel("sms").asend(MESSAGE))
    (request,) = seam.received
    assert request.field("MessagingServiceSid") == MESSAGING_SERVICE_SID
    assert request.field("From") is None


def test_a_call_asks_for_machine_detection_and_every_progress_event(seam) -> None:
    seam.answer = Answer(status=201, body={"sid": CALL_SID, "status": "queued"})
    assert get_channel("voice").send(MESSAGE) == CALL_SID
    (request,) = seam.received
    assert request.path == CALLS_PATH
    assert request.field("Url") == MESSAGE.answer_url
    assert request.field("Method") == "POST"
    assert request.field("MachineDetection") == "DetectMessageEnd"
    assert request.field("StatusCallback") == MESSAGE.status_callback_url
    events = [value for key, value in request.form if key == "StatusCallbackEvent"]
    assert events == ["initiated", "ringing", "answered", "completed"]


def test_on_api_twilio_com_arrays_are_repeated_fields_as_twilio_expects() -> None:
    client = RewritingHttpClient(TWILIO_API, 1, 1, 1)
    with mock.patch("twilio.http.http_client.TwilioHttpClient.request") as parent:
        client.request("POST", f"{TWILIO_API}/x.json", data={"E": ["a", "b"], "To": "+1"})
    (_method, url), kwargs = parent.call_args
    assert url == f"{TWILIO_API}/x.json"
    assert kwargs["data"] == [("E", "a"), ("E", "b"), ("To", "+1")]
    assert form_fields({"E": ("a",)}) == [("E", "a")]


def test_sms_lookup_finds_the_sid_by_body(seam) -> None:
    seam.answer = Answer(
        body=list_page(
            "messages",
            [
                message_record("SM" + "b" * 32, "Another reminder"),
                # A Messaging Service may append its opt-out line to ours.
                message_record(SID, MESSAGE.body + "\nReply STOP to unsubscribe."),
            ],
            MESSAGES_PATH,
        )
    )
    assert get_channel("sms").lookup(MESSAGE, SINCE) == SID
    (request,) = seam.received
    assert (request.method, request.path) == ("GET", MESSAGES_PATH)
    assert request.field("To") == MESSAGE.to
    assert request.field("From") == FROM_NUMBER
    # No DateSent filter: it would leave out a message still queued at Twilio.
    assert [key for key, _ in request.query if key.startswith("Date")] == []


def test_sms_lookup_finds_a_message_still_queued_at_twilio(seam) -> None:
    queued = message_record(SID, MESSAGE.body) | {
        "status": "queued",
        "date_sent": None,
        "date_created": "Sun, 29 Nov 2026 02:00:30 +0000",
    }
    seam.answer = Answer(body=list_page("messages", [queued], MESSAGES_PATH))
    assert get_channel("sms").lookup(MESSAGE, SINCE) == SID


def test_sms_lookup_ignores_the_same_text_sent_before_the_attempt(seam) -> None:
    earlier = message_record(SID, MESSAGE.body, date_sent="Sun, 29 Nov 2026 01:59:00 +0000")
    seam.answer = Answer(body=list_page("messages", [earlier], MESSAGES_PATH))
    assert get_channel("sms").lookup(MESSAGE, SINCE) is None


def test_a_list_too_long_to_read_to_the_end_is_unknown_not_absent(seam) -> None:
    from collections_app.channels import ChannelError
    from collections_app.channels.twilio_sms import LOOKUP_LIMIT

    older = [
        message_record("SM" + f"{i:032x}", "Older", date_sent="Sat, 28 Nov 2026 09:00:00 +0000")
        for i in range(LOOKUP_LIMIT)
    ]
    seam.answer = Answer(body=list_page("messages", older, MESSAGES_PATH))
    with pytest.raises(ChannelError) as error:
        get_channel("sms").lookup(MESSAGE, SINCE)
    assert error.value.unknown
    (request,) = seam.received
    assert request.field("PageSize") == str(LOOKUP_LIMIT)


def test_sms_lookup_finds_nothing_when_no_body_matches(seam) -> None:
    seam.answer = Answer(
        body=list_page("messages", [message_record(SID, "Something else")], MESSAGES_PATH)
    )
    assert get_channel("sms").lookup(MESSAGE, SINCE) is None


def test_call_lookup_returns_the_earliest_call_since(seam) -> None:
    def call(sid: str, created: str) -> dict:
        return {"sid": sid, "to": MESSAGE.to, "from": FROM_NUMBER, "date_created": created}

    later, earlier = "CA" + "c" * 32, "CA" + "d" * 32
    seam.answer = Answer(
        body=list_page(
            "calls",
            [
                call(later, "Sun, 29 Nov 2026 02:09:00 +0000"),
                call(earlier, "Sun, 29 Nov 2026 02:01:00 +0000"),
            ],
            CALLS_PATH,
        )
    )
    assert get_channel("voice").lookup(MESSAGE, SINCE) == earlier
    (request,) = seam.received
    # No StartTime filter: a call still queued at Twilio has not started.
    assert [key for key, _ in request.query if key.startswith("StartTime")] == []
    assert request.field("From") == FROM_NUMBER


def test_call_lookup_ignores_calls_placed_before_the_attempt(seam) -> None:
    before = {
        "sid": CALL_SID,
        "to": MESSAGE.to,
        "from": FROM_NUMBER,
        "date_created": "Sun, 29 Nov 2026 01:50:00 +0000",
    }
    seam.answer = Answer(body=list_page("calls", [before], CALLS_PATH))
    assert get_channel("voice").lookup(MESSAGE, SINCE) is None


def test_lookup_errors_are_classified_like_sends(seam) -> None:
    from collections_app.channels import ChannelError

    seam.answer = Answer(status=429, body={"code": 20429, "message": "Too Many Requests"})
    with pytest.raises(ChannelError) as error:
        get_channel("sms").lookup(MESSAGE, SINCE)
    assert error.value.code == "20429" and not error.value.permanent

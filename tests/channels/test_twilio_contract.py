"""SMS and calls through the real twilio SDK to a loopback server that checks every request
against Twilio's published contract (tests/contracts/): a request that breaks it is answered
400, which must come back as a permanent ChannelError; the fixture fails any test whose
requests broke it unexpectedly."""

import datetime as dt

import pytest

from collections_app.channels import ChannelError, OutgoingMessage, get_channel
from collections_app.channels.twilio_client import async_twilio_client
from collections_app.channels.twilio_sms import TwilioSMSChannel
from collections_app.channels.twilio_voice import TwilioVoiceChannel
from tests.channels.conftest import MESSAGING_SERVICE_SID, run_async

SMS = OutgoingMessage(
    to="+14155550100",
    body="您好，您的还款已逾期。Reply STOP to opt out.",
    status_callback_url="https://collections.example.com/webhooks/twilio/sms/status/?message=1",
)
CALL = OutgoingMessage(
    to="+14155550100",
    body="",
    answer_url="https://collections.example.com/webhooks/twilio/voice/answer/1/",
    status_callback_url="https://collections.example.com/webhooks/twilio/voice/status/?message=1",
)
# Twilio's contract wants a URI here; nothing else is wrong with these requests.
BAD_SMS = OutgoingMessage(to="+14155550100", body="Hello", status_callback_url="not a url")
BAD_CALL = OutgoingMessage(to="+14155550100", body="", answer_url="not a url")


def assert_message_sid(sid: str) -> None:
    assert sid.startswith("SM") and len(sid) == 34, sid


def test_twilio_is_the_provider_when_settings_say_so(on_contract) -> None:
    assert isinstance(get_channel("sms"), TwilioSMSChannel)
    assert isinstance(get_channel("voice"), TwilioVoiceChannel)


def test_it_sends_an_sms_the_contract_accepts(on_contract) -> None:
    assert_message_sid(get_channel("sms").send(SMS))


def test_it_sends_an_sms_through_a_messaging_service(on_contract, settings) -> None:
    settings.TWILIO_MESSAGING_SERVICE_SID = MESSAGING_SERVICE_SID
    assert_message_sid(get_channel("sms").send(SMS))


def test_it_sends_an_sms_with_the_async_client(on_contract) -> None:
    channel = get_channel("sms")
    sids = run_async(lambda: _gather(channel.asend(SMS), channel.asend(SMS), channel.asend(SMS)))
    for sid in sids:
        assert_message_sid(sid)


async def _gather(*coroutines):
    import asyncio

    return await asyncio.gather(*coroutines)


def test_it_places_a_call_the_contract_accepts(on_contract) -> None:
    # Url, MachineDetection, StatusCallbackEvent (an array) must all pass the contract.
    sid = get_channel("voice").send(CALL)
    assert sid.startswith("CA") and len(sid) == 34


def test_it_places_a_call_with_the_async_client(on_contract) -> None:
    async def call_then_close():
        channel = get_channel("voice")
        sid = await channel.asend(CALL)
        session = async_twilio_client().http_client.session
        await channel.aclose()  # what a batch does at its end
        return sid, session

    sid, session = run_async(call_then_close)
    assert sid.startswith("CA") and len(sid) == 34
    assert session.closed


@pytest.mark.parametrize(
    "kind, message", [("sms", BAD_SMS), ("voice", BAD_CALL)], ids=["sms", "voice"]
)
def test_a_request_that_breaks_the_contract_is_a_permanent_error(
    on_contract, kind, message
) -> None:
    with pytest.raises(ChannelError) as error:
        get_channel(kind).send(message)
    assert error.value.permanent and not error.value.unknown
    assert error.value.code == "400"
    (violation,) = on_contract.take_violations()
    assert "is not a 'uri'" in violation


def test_a_request_that_breaks_the_contract_is_permanent_async_too(on_contract) -> None:
    with pytest.raises(ChannelError) as error:
        run_async(lambda: get_channel("sms").asend(BAD_SMS))
    assert error.value.permanent and error.value.code == "400"
    assert len(on_contract.take_violations()) == 1


@pytest.mark.parametrize("kind, message", [("sms", SMS), ("voice", CALL)], ids=["sms", "voice"])
def test_lookup_asks_in_a_way_the_contract_accepts(on_contract, kind, message) -> None:
    since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    sid = get_channel(kind).send(message)
    # The list request passed the contract (a refused one raises ChannelError) and found it.
    assert get_channel(kind).lookup(message, since) == sid
    assert [r.method for r in on_contract.requests] == ["post", "get"]

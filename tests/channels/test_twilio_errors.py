"""Provider errors at the HTTP seam: a local server answers Twilio's documented error bodies, or
misbehaves, and each outcome must come out as permanent, transient or unknown, sync and async."""

import time

import pytest

from collections_app.channels import ChannelError, OutgoingMessage, get_channel
from tests.channels.conftest import point_twilio_at, run_async
from tests.channels.seam import Answer, FullBacklog, closed_port_url

SMS = OutgoingMessage(to="+14155550100", body="Hello", status_callback_url="https://x.test/cb")
CALL = OutgoingMessage(to="+14155550100", body="", answer_url="https://x.test/answer/1/")


def twilio_error(code: int, status: int, message: str) -> Answer:
    return Answer(
        status=status,
        body={
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
    )


def send(kind: str, mode: str) -> str:
    channel = get_channel(kind)
    message = SMS if kind == "sms" else CALL
    if mode == "sync":
        return channel.send(message)
    return run_async(lambda: channel.asend(message))


PERMANENT, TRANSIENT, UNKNOWN = (True, False), (False, False), (False, True)
# case: (what the server does, (permanent, unknown), the code kept on the error)
CASES = {
    "21610 opted out": (twilio_error(21610, 400, "Unsubscribed recipient"), PERMANENT, "21610"),
    "21211 invalid number": (twilio_error(21211, 400, "Invalid 'To' number"), PERMANENT, "21211"),
    "21614 not mobile": (twilio_error(21614, 400, "'To' is not a mobile"), PERMANENT, "21614"),
    "21612 cannot route": (twilio_error(21612, 400, "Not reachable"), PERMANENT, "21612"),
    "20003 bad credentials": (twilio_error(20003, 401, "Authenticate"), PERMANENT, "20003"),
    "20429 too many": (twilio_error(20429, 429, "Too Many Requests"), TRANSIENT, "20429"),
    "500 server error": (twilio_error(20500, 500, "Internal Server Error"), TRANSIENT, "20500"),
    "503 not json": (Answer(status=503, body="<html>Unavailable</html>"), TRANSIENT, "503"),
    "read timeout": (Answer(behaviour="hang"), UNKNOWN, "read-timeout"),
    "dropped after the request": (Answer(behaviour="drop"), UNKNOWN, "disconnected"),
}


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("kind", ["sms", "voice"])
@pytest.mark.parametrize("case", list(CASES))
def test_it_classifies_what_twilio_answers(seam, kind, mode, case) -> None:
    answer, (permanent, unknown), code = CASES[case]
    seam.answer = answer

    with pytest.raises(ChannelError) as error:
        send(kind, mode)

    assert (error.value.permanent, error.value.unknown) == (permanent, unknown), error.value
    assert error.value.code == code
    # The request did reach the server: these are answers (or silences) to a sent request.
    assert len(seam.received) == 1


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_closed_port_is_transient(settings, mode) -> None:
    point_twilio_at(settings, closed_port_url())
    with pytest.raises(ChannelError) as error:
        send("sms", mode)
    assert not error.value.permanent and not error.value.unknown, error.value
    assert error.value.code == "connect-failed"


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_connect_timeout_is_transient(settings, mode) -> None:
    backlog = FullBacklog()
    try:
        if not backlog.drops_connects():
            pytest.skip("this kernel does not drop connects to a full accept queue")
        point_twilio_at(settings, backlog.url)
        started = time.monotonic()
        with pytest.raises(ChannelError) as error:
            send("sms", mode)
    finally:
        backlog.close()
    assert not error.value.permanent and not error.value.unknown, error.value
    assert error.value.code == "connect-timeout"
    assert time.monotonic() - started < 3  # the connect timeout, not the read timeout's wait


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("kind", ["sms", "voice"])
def test_without_a_sender_nothing_is_sent_and_it_is_retryable(seam, settings, kind, mode):
    settings.TWILIO_FROM_NUMBER = ""
    with pytest.raises(ChannelError) as error:
        send(kind, mode)
    assert (error.value.permanent, error.value.unknown) == (False, False)
    assert error.value.code == "not-configured"
    assert seam.received == []


def test_a_call_without_an_answer_url_is_not_placed(seam) -> None:
    with pytest.raises(ChannelError) as error:
        get_channel("voice").send(OutgoingMessage(to="+14155550100", body=""))
    assert error.value.code == "not-configured" and not error.value.unknown
    assert seam.received == []


def test_every_code_fits_the_outbox_error_code_column() -> None:
    from collections_app.models import OutboundMessage

    width = OutboundMessage._meta.get_field("error_code").max_length
    codes = [code for _answer, _kind, code in CASES.values()]
    codes += ["connect-failed", "connect-timeout", "not-configured"]
    assert max(len(code) for code in codes) <= width


def test_a_2xx_without_a_sid_is_unknown(seam) -> None:
    # Twilio has the message; a retry would send it twice.
    seam.answer = Answer(status=201, body={"status": "queued"})
    with pytest.raises(ChannelError) as error:
        get_channel("sms").send(SMS)
    assert error.value.unknown

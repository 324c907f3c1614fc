import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from collections_app.channels import PROVIDERS, ChannelError
from collections_app.channels.base import Channel, OutgoingMessage
from collections_app.devtools.portfolio import ZONES
from collections_app.devtools.portfolio import daytime_zone as daytime_zone_now
from collections_app.outreach.outbox import outbox_enqueue
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory


@pytest.fixture(autouse=True)
def _file_provider(settings, tmp_path):
    """Every outreach test sends through the file provider into its own folder."""
    settings.SMS_PROVIDER = "file"
    settings.VOICE_PROVIDER = "file"
    settings.PROVIDER_OUTBOX_DIR = tmp_path / "outbox"
    settings.RATE_LIMIT_REDIS_URL = ""
    return settings.PROVIDER_OUTBOX_DIR


@pytest.fixture
def daytime_zone() -> str:
    """A zone where it is now well inside 08:00-21:00 (tests run at any hour)."""
    return daytime_zone_now(dt.time(8, 10), dt.time(20, 50))


@pytest.fixture
def nighttime_zone() -> str:
    for zone in ZONES:
        local = timezone.now().astimezone(ZoneInfo(zone)).time()
        if local < dt.time(7, 0) or local >= dt.time(21, 30):
            return zone
    raise AssertionError("no night-time zone found")


def make_case(zone: str, **borrower):
    borrower.setdefault("jurisdiction", "US")
    return CaseFactory(loan=LoanFactory(borrower=BorrowerFactory(time_zone=zone, **borrower)))


def enqueue(case, channel: str = "sms", key: str = "reminder-notice", step: str = "s1", **kw):
    message, _ = outbox_enqueue(
        case=case,
        channel=channel,
        template_key=key,
        step=step,
        scheduled_at=kw.pop("scheduled_at", timezone.now() - dt.timedelta(seconds=1)),
        **kw,
    )
    return message


class ScriptedChannel(Channel):
    """Stands in for a provider's network: answers each send with the next scripted result."""

    script: list[object] = []
    sent: list[OutgoingMessage] = []

    def send(self, message: OutgoingMessage) -> str:
        result = ScriptedChannel.script.pop(0) if ScriptedChannel.script else "SMok"
        if isinstance(result, ChannelError):
            raise result
        ScriptedChannel.sent.append(message)
        return str(result)


@pytest.fixture
def scripted(settings, monkeypatch):
    monkeypatch.setitem(PROVIDERS["sms"], "scripted", "tests.outreach.conftest.ScriptedChannel")
    settings.SMS_PROVIDER = "scripted"
    ScriptedChannel.script = []
    ScriptedChannel.sent = []
    return ScriptedChannel

"""`make run` on a fresh clone: the demo runs today's nightly escalation when it starts, and the
dispatcher has something to send within minutes, at any hour of the day, inside the contact rules.

What `make run` loads, in its order: the simulated portfolio of the 20 days before DAY (once for
the module, about 2.5 s, rolled back after), then per test, at a frozen time on DAY, the
hand-made demo (`load_demo` with its defaults) and the startup escalation run the way the
Makefile calls it; then the real dispatcher task, with the file providers writing into a
temporary var/outbox/ and var/mail/.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command

from collections_app.compliance.report import compliance_report
from collections_app.models import Borrower, EscalationRun, OutboundMessage
from collections_app.simulation.clock import SimClock, simulated_time
from collections_app.tasks import dispatch_outbox

pytestmark = pytest.mark.django_db

# A winter day (the mainland US on standard time); the zones that bridge the UTC hours where
# nothing else is open (Guam, Shanghai, Puerto Rico) keep no daylight saving time.
DAY = dt.date(2026, 1, 13)
ROOT = Path(__file__).resolve().parent.parent
# The Makefile's simulated portfolio (its --until-today, on DAY, starts 20 days before).
SIMULATED = ["--borrowers", "60", "--days", "20", "--seed", "7"]


@pytest.fixture(scope="module")
def simulated_past(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[None]:
    """The simulated portfolio `make run` loads first, once for the module (about 2.5 s); each
    test runs in a savepoint inside this transaction, rolled back at the end."""
    from django.db import transaction

    from collections_app.models import JurisdictionProfile
    from tests.conftest import _reseed

    start = (DAY - dt.timedelta(days=20)).isoformat()
    out = tmp_path_factory.mktemp("simulation")
    with django_db_blocker.unblock(), transaction.atomic():
        if not JurisdictionProfile.objects.exists():  # a transactional test flushed them
            _reseed()
        call_command(
            "simulate",
            *SIMULATED,
            "--start",
            start,
            "--quiet",
            "--out",
            str(out),
            stdout=io.StringIO(),
        )
        yield
        transaction.set_rollback(True)


@pytest.fixture
def var(simulated_past, settings, tmp_path: Path) -> Iterator[Path]:
    """The embedded providers `make run` uses, writing under a temporary var/."""
    from config.celery import app

    settings.SMS_PROVIDER = "file"
    settings.VOICE_PROVIDER = "file"
    settings.PROVIDER_OUTBOX_DIR = tmp_path / "outbox"
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.RATE_LIMIT_REDIS_URL = ""
    settings.VOICE_CALLS_PER_SECOND = 1000.0  # the provider's pace, not a contact rule
    # The dispatcher hands allowed messages to send tasks; run them here, as a worker would.
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield tmp_path
    finally:
        app.conf.task_always_eager = eager


def start(at: dt.datetime) -> str:
    """What `make run` does to the database before the web, worker and beat start."""
    out = io.StringIO()
    with simulated_time(SimClock(at)):
        call_command("load_demo", stdout=out)
        call_command("run_escalation", quiet=True, stdout=out)
    return out.getvalue()


def dispatch(at: dt.datetime) -> dict:
    with simulated_time(SimClock(at)):
        return dispatch_outbox()


def written(var: Path) -> tuple[list[dict], list[str]]:
    """The JSON lines under outbox/ (SMS, calls) and the emails' Message-IDs under mail/ (the
    file backend writes one file per connection, with every message sent through it)."""
    lines = [
        json.loads(line)
        for path in sorted((var / "outbox").glob("*.jsonl"))
        for line in path.read_text().splitlines()
    ]
    mails = [
        line
        for path in sorted((var / "mail").glob("*.log"))
        for line in path.read_text().splitlines()
        if line.startswith("Message-ID:")
    ]
    return lines, mails


@pytest.mark.parametrize("hour", range(24))
def test_the_first_dispatch_after_start_sends_at_every_utc_hour(var: Path, hour: int) -> None:
    at = dt.datetime.combine(DAY, dt.time(hour), dt.UTC)
    start(at)
    assert Borrower.objects.filter(external_id__startswith="SIM-").count() == 60
    assert Borrower.objects.filter(external_id__startswith="DEMO-").count() == 40
    # Beat's first dispatch comes within a minute of the start.
    result = dispatch(at + dt.timedelta(seconds=30))

    assert result["allowed"] > 0, f"nothing due and allowed at {at:%H:%M} UTC: {result}"
    lines, mails = written(var)
    assert len(lines) + len(mails) == result["allowed"]
    assert OutboundMessage.objects.filter(status="sent").count() == result["allowed"]
    # Nothing went out against the rules: the independent re-check of the contact ledger
    # (the compliance report's auditor: local windows, caps, holds) finds no violation.
    assert compliance_report(DAY, DAY).violations == []


def test_the_one_gap_of_the_day_lasts_two_minutes_and_the_gate_holds_it(var: Path) -> None:
    """13:58-14:00 UTC: Shanghai's window closes at 22:00 local (14:00 UTC) and a send must
    leave the window open for OUTBOX_CLAIM_TTL (2 minutes) after the decision; Puerto Rico's
    10:00 (UTC-4, the earliest US zone) is 14:00 UTC. No US zone is nearer, so the demo waits."""
    at = dt.datetime.combine(DAY, dt.time(13, 58), dt.UTC)
    start(at)

    closing = dispatch(at)
    assert closing["allowed"] == 0 and closing["rescheduled"] > 0  # to tomorrow's 08:00
    assert dispatch(at + dt.timedelta(minutes=1))["allowed"] == 0
    assert dispatch(at + dt.timedelta(minutes=2))["allowed"] > 0
    assert compliance_report(DAY, DAY).violations == []


def test_a_second_start_runs_nothing_twice(var: Path) -> None:
    at = dt.datetime.combine(DAY, dt.time(3), dt.UTC)
    first = start(at)
    queued = set(OutboundMessage.objects.values_list("idempotency_key", flat=True))
    assert dispatch(at + dt.timedelta(seconds=30))["allowed"] > 0

    # An hour later `make run` starts again on the same database (same date).
    later = at + dt.timedelta(hours=1)
    second = start(later)
    dispatch(later + dt.timedelta(seconds=30))

    assert "Loaded 40 demo borrowers" in first and "messages queued" in first
    assert "Demo portfolio already loaded" in second
    assert f"Escalation run {DAY}: already done, nothing to do." in second
    assert EscalationRun.objects.filter(run_date=DAY).count() == 1
    assert set(OutboundMessage.objects.values_list("idempotency_key", flat=True)) == queued
    lines, mails = written(var)
    sent = OutboundMessage.objects.filter(status="sent")
    assert len(lines) + len(mails) == sent.count(), "a message went to the provider twice"
    assert len({line["idempotency_key"] for line in lines}) == len(lines)


def test_make_run_loads_the_demo_then_runs_today_then_says_how_to_log_in() -> None:
    """The steps above are the Makefile's: the simulated past first (its nightly runs must not
    see the hand-made cases, opened today), then the hand-made demo, today's run, the login."""
    shown = subprocess.run(
        ["make", "-n", "demo"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    commands = re.findall(r"manage\.py (\w+)([^\n]*)", shown)
    names = [name for name, _ in commands]
    assert names.index("simulate") < names.index("load_demo") < names.index("run_escalation")
    assert names[-1] == "ensure_demo_admin"  # its line is the last before the processes start
    escalation = dict(commands)["run_escalation"]
    assert "--quiet" in escalation and "--date" not in escalation  # today, whatever the hour
    assert " ".join([*SIMULATED, "--until-today"]) in dict(commands)["simulate"]


def test_the_demo_lenders_consent_lets_its_automated_calls_go(var: Path) -> None:
    # Every demo number is a mobile with the consent given at application (as the simulator's):
    # without it the gate cancels every automated call (TCPA) and the demo shows no calls.
    at = dt.datetime.combine(DAY, dt.time(15), dt.UTC)  # daytime in the US zones
    start(at)
    for hour in range(0, 24, 3):
        dispatch(at + dt.timedelta(hours=hour, seconds=30))

    from collections_app.models import ContactDecision, ContactPoint

    demo = Borrower.objects.filter(external_id__startswith="DEMO-")
    assert (
        ContactPoint.objects.filter(borrower__in=demo, consent="prior_express_consent").count()
        == 40
    )
    assert not ContactDecision.objects.filter(rule="prerecorded_voice_consent").exists()
    assert ContactDecision.objects.filter(channel="voice", allowed=True).exists()

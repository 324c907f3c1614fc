"""The simulator drives the real engine; its summary's invariants hold, and a seed repeats."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from collections_app.models import CollectionCase, OutboundMessage, Payment, WebhookEvent
from collections_app.simulation.portfolio import assign_personas, parse_mix
from collections_app.simulation.report import chart_svg
from collections_app.simulation.runner import SimConfig, simulate
from collections_app.states import CaseState

SMALL = SimConfig(borrowers=60, days=20, seed=7)


@pytest.fixture(scope="module")
def first_run(django_db_setup, django_db_blocker):
    """One small simulation for the module (it takes a few seconds), rolled back after."""
    from django.db import transaction

    from collections_app.models import JurisdictionProfile
    from tests.conftest import _reseed

    with django_db_blocker.unblock(), transaction.atomic():
        if not JurisdictionProfile.objects.exists():  # a transactional test flushed them
            _reseed()
        result = simulate(SMALL)
        facts = {
            "states": list(CollectionCase.objects.values_list("state", flat=True)),
            "paid": Payment.objects.aggregate(s=Sum("amount"))["s"],
            "statuses": set(OutboundMessage.objects.values_list("status", flat=True)),
            "unprocessed": WebhookEvent.objects.filter(processed_at__isnull=True).count(),
            "webhooks": WebhookEvent.objects.count(),
        }
        transaction.set_rollback(True)
    return result["summary"], facts


def test_no_compliance_violations_and_every_webhook_accepted(first_run):
    summary, facts = first_run
    assert summary["compliance_violations"] == 0
    assert summary["webhooks_refused"] == 0
    # Callbacks, replies and payments went through the webhooks and were all processed.
    assert facts["webhooks"] > 100
    assert facts["unprocessed"] == 0


def test_every_case_in_a_valid_state_and_counts_add_up(first_run):
    summary, facts = first_run
    assert set(facts["states"]) <= set(CaseState.values)
    assert sum(summary["cases_by_final_state"].values()) == SMALL.borrowers
    assert all(sum(day.values()) == SMALL.borrowers for day in summary["cases_by_state_per_day"])
    assert len(summary["cases_by_state_per_day"]) == SMALL.days


def test_money_conserved(first_run):
    summary, facts = first_run
    assert summary["money_conserved"] is True
    recovered = sum(Decimal(v) for v in summary["amount_recovered"].values())
    assert recovered == facts["paid"] > 0
    assert summary["payments_accepted"] == summary["payments_recorded"] > 0


def test_personas_reacted_to_what_was_sent(first_run):
    summary, _ = first_run
    by = summary["by_persona"]
    # Forgetful borrowers pay after the first reminder: all resolved within 20 days.
    assert by["forgetful"].get("state:resolved") == summary["personas"]["forgetful"]
    # Disputers replied DISPUTE: the engine holds them.
    assert by["disputer"].get("segment:disputing") == summary["personas"]["disputer"]
    # Unreachable numbers fail at the carrier, reported by status callback.
    assert summary["messages_by_channel_and_status"]["sms"].get("failed", 0) > 0
    assert summary["promises"]["kept"] > 0 and summary["promises"]["broken"] > 0
    assert "day_15" in summary["segmentation"]


@pytest.mark.django_db
def test_same_seed_same_summary(first_run, tmp_path: Path):
    out = tmp_path / "run"
    call_command("simulate", borrowers=60, days=20, seed=7, out=str(out), quiet=True)
    again = json.loads((out / "summary.json").read_text())
    assert again == json.loads(json.dumps(first_run[0]))
    assert (out / "chart.svg").read_text().startswith("<svg")


def test_clock_is_restored(first_run):
    from collections_app.simulation import clock

    assert timezone.now.__code__ is clock._original_code
    assert "_collections_sim_clock" not in timezone.now.__globals__


def test_persona_shares_are_exact():
    mix = parse_mix("strategic=0.5,forgetful=0.5,hardship=0,unreachable=0,disputer=0")
    personas = assign_personas(10, mix, random.Random(1))
    assert sorted(personas) == ["forgetful"] * 5 + ["strategic"] * 5


def test_chart_has_a_line_per_state():
    svg = chart_svg([{"reminder": 3, "resolved": 0}, {"reminder": 1, "resolved": 2}], "t")
    assert svg.count("<polyline") == 7 and "resolved" in svg


@pytest.mark.django_db
def test_policy_option_simulates_that_policys_borrowers(tmp_path: Path):
    from collections_app.models import Borrower

    call_command(
        "simulate", borrowers=10, days=2, policy="cn-default", out=str(tmp_path), quiet=True
    )
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["config"]["jurisdiction"] == "CN"
    assert set(Borrower.objects.values_list("jurisdiction", flat=True)) == {"CN"}
    assert set(CollectionCase.objects.values_list("policy_key", flat=True)) == {"cn-default"}

"""Sentences stored now and read later (phrases.py): the row keeps English whoever wrote it, and
each reader sees it in their own language."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy, pgettext

from collections_app.compliance.rules import Hold, contact_decision
from collections_app.models import CaseEvent
from collections_app.phrases import joined, phrase, shown, stored_of
from collections_app.selectors.timeline import case_timeline, stage_in_sentence
from collections_app.services.events import case_event_record
from collections_app.services.payments import promise_create
from collections_app.states import CaseState
from tests.compliance.builders import local, snap


def _entry(case, kind: str):
    entries, _more = case_timeline(case)
    return next(e for e in entries if e.kind == kind)


@pytest.mark.django_db
def test_a_reason_written_in_chinese_is_stored_in_english_and_read_in_each_language(
    case, agent
) -> None:
    agent.user_permissions.clear()  # the system moves the stage: the reason is the writer's
    with translation.override("zh-hans"):
        promise_create(
            case=case,
            amount=Decimal("10.00"),
            due_date=timezone.localdate() + dt.timedelta(days=3),
            actor=agent,
        )
    moved = case.events.get(kind=CaseEvent.Kind.TRANSITION)
    assert moved.reason == "Promise to pay"  # the engine's language, not the writer's
    assert moved.data["i18n"] == {"msgid": "Promise to pay", "params": {}}

    with translation.override("zh-hans"):
        assert _entry(case, "transition").text.endswith(": 承诺还款")
    with translation.override("en"):
        assert _entry(case, "transition").text == "reminder → negotiation: Promise to pay"


@pytest.mark.django_db
def test_a_word_given_as_a_lazy_value_is_translated_when_shown(case) -> None:
    with translation.override("zh-hans"):
        reason = phrase(
            "Legal referral proposal withdrawn: the case moved to %(state)s",
            state=stage_in_sentence(CaseState.NEGOTIATION),
        )
        case_event_record(case=case, kind=CaseEvent.Kind.LEGAL, reason=reason)
    event = case.events.get(kind=CaseEvent.Kind.LEGAL)
    assert event.reason == "Legal referral proposal withdrawn: the case moved to negotiation"

    with translation.override("zh-hans"):
        text = _entry(case, "legal").text
        word = pgettext("stage in a sentence", "negotiation")
        assert text == f"转入法律程序的提议已撤回：案件已转为{word}"
        assert "negotiation" not in text
    with translation.override("en"):
        assert _entry(case, "legal").text == event.reason


@pytest.mark.django_db
def test_phrases_inside_phrases_and_pieces_joined_are_each_said_again(case) -> None:
    with translation.override("zh-hans"):
        label = phrase(
            "Payment %(payment)s reversed (%(reason)s)",
            payment="P-1",
            reason=gettext_lazy("NSF"),
        )
        reason = joined(
            " — ",
            [phrase("%(label)s: promise #%(promise)s is still kept", label=label, promise=7), "ok"],
        )
        case_event_record(case=case, kind=CaseEvent.Kind.REVERSAL, reason=reason)
    event = case.events.get(kind=CaseEvent.Kind.REVERSAL)
    assert event.reason == "Payment P-1 reversed (NSF): promise #7 is still kept — ok"

    with translation.override("zh-hans"):
        text = _entry(case, "reversal").text
    assert "余额不足" in text and "NSF" not in text and text.endswith(" — ok")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "stored",
    [
        {"msgid": "A sentence no catalogue has: %(what)s", "params": {"what": "x"}},
        # The message id is known but the values are not the ones it takes.
        {"msgid": "Opted out of %(channel)s (%(source)s)", "params": {"channel": "sms"}},
        {"msgid": "Opted out of %(channel)s (%(source)s)", "params": "not a dict"},
        {"join": " — ", "parts": [{"no": "text"}]},
        "not a phrase",
    ],
)
def test_a_stored_phrase_that_cannot_be_said_again_falls_back_to_the_stored_text(
    case, stored
) -> None:
    case_event_record(
        case=case, kind=CaseEvent.Kind.NOTE, reason="As stored", data={"i18n": stored}
    )
    with translation.override("zh-hans"):
        assert _entry(case, "note").text == "As stored"
        assert shown("As stored", {"msgid": 3}) == "As stored"


@pytest.mark.parametrize(
    ("holds", "at"),
    [
        ((Hold("deceased"),), local("America/New_York", 2026, 6, 1, 12, 0)),
        ((), local("America/New_York", 2026, 6, 1, 3, 0)),  # quiet hours: with values
    ],
)
def test_a_refusal_detail_is_english_and_said_again_in_the_agents_language(holds, at) -> None:
    with translation.override("zh-hans"):
        decision = contact_decision(snap(channel="sms", holds=holds), "sms", at)
        said = shown(decision.detail, stored_of(decision.detail))
    assert not decision.allowed
    assert decision.detail.isascii()  # what ContactDecision.detail stores: English
    assert not said.isascii()  # what the agent reads: Chinese

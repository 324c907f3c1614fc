"""No message threatens suit on a time-barred debt (12 CFR 1006.26(b)): a template flagged as
mentioning legal action is refused for it, with the reason on the message and the timeline;
the escalation wording says what happens next without a suit; and the disclosure the borrower's
profile names is added to every message about a time-barred debt."""

import datetime as dt

import pytest
from django.utils import timezone

from collections_app.models import CaseEvent, MessageTemplate, OutboundMessage
from collections_app.outreach import copy
from collections_app.outreach.dispatch import dispatch_batch
from collections_app.outreach.outbox import borrower_idempotency_key, outbox_enqueue
from collections_app.outreach.rendering import TemplateRenderError, render_template
from collections_app.states import CaseState
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory
from tests.helpers import bring_to

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
BARRED_SINCE = TODAY - dt.timedelta(days=3 * 366)  # NY: 3 years (CPLR 214-i)
DISCLOSURE = copy.TIME_BARRED_DISCLOSURES["time_barred"]


def _case(*, overdue_since, language="en", region="NY", state=CaseState.ESCALATION, **borrower):
    borrower = BorrowerFactory(preferred_language=language, region=region, **borrower)
    case = bring_to(CaseFactory(loan=LoanFactory(borrower=borrower)), state)
    case.overdue_since = overdue_since
    case.save(update_fields=["overdue_since"])
    return case


def _template(key: str, channel: str, language: str = "en") -> MessageTemplate:
    return MessageTemplate.objects.get(key=key, channel=channel, language=language)


def test_the_shipped_legal_wording_is_flagged_and_nothing_else() -> None:
    flagged = set(
        MessageTemplate.objects.filter(threatens_suit=True).values_list("stage", flat=True)
    )
    assert flagged == {"legal"}


def test_a_suit_threat_template_is_refused_for_a_time_barred_debt() -> None:
    suit = MessageTemplate.objects.create(
        key="final-demand",
        channel="sms",
        language="en",
        stage="",
        body="Pay {{ amount_due }} or we will take you to court.",
        threatens_suit=True,
    )
    within = _case(overdue_since=TODAY - dt.timedelta(days=40))
    assert "court" in render_template(suit, within).body
    barred = _case(overdue_since=BARRED_SINCE)
    with pytest.raises(TemplateRenderError, match="time-barred"):
        render_template(suit, barred)
    # unknown (a state without a rule): not shown within its period, refused too
    unknown = _case(overdue_since=TODAY - dt.timedelta(days=40), region="")
    with pytest.raises(TemplateRenderError, match="cannot be shown"):
        render_template(suit, unknown)


def test_the_dispatcher_fails_it_with_the_reason_recorded(daytime_zone) -> None:
    MessageTemplate.objects.create(
        key="final-demand", channel="sms", language="en", body="We will sue.", threatens_suit=True
    )
    barred = _case(overdue_since=BARRED_SINCE, time_zone=daytime_zone)
    message, _ = outbox_enqueue(
        case=barred,
        channel="sms",
        template_key="final-demand",
        step="manual",
        scheduled_at=timezone.now(),
    )
    dispatch_batch(ids=[message.pk])
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.FAILED
    assert "mentions legal action" in message.error_message
    assert "time-barred" in message.error_message
    assert barred.events.filter(kind=CaseEvent.Kind.CONTACT, reason__contains="time-barred")


@pytest.mark.parametrize("language", ["en", "zh-Hans"])
@pytest.mark.parametrize("channel", ["sms", "email", "voice"])
def test_escalation_wording_for_a_time_barred_debt_threatens_nothing_and_discloses(
    language, channel
) -> None:
    barred = _case(overdue_since=BARRED_SINCE, language=language)
    rendered = render_template(_template("escalation-notice", channel, language), barred)
    threat = copy.CONSEQUENCES["escalation"][language]
    assert threat not in rendered.body
    assert copy.CONSEQUENCES_NO_SUIT["escalation"][language] in rendered.body
    assert DISCLOSURE[language] in rendered.body
    if channel == "email":
        assert DISCLOSURE[language] in rendered.html_body
    if channel == "sms":  # the disclosure comes before the opt-out line, which stays last
        assert rendered.body.index(DISCLOSURE[language]) < len(rendered.body) - 30


@pytest.mark.parametrize("region", ["NY", ""])
def test_a_debt_within_its_period_or_unknown_gets_no_time_barred_disclosure(region) -> None:
    case = _case(overdue_since=TODAY - dt.timedelta(days=40), region=region)
    body = render_template(_template("escalation-notice", "sms"), case).body
    assert DISCLOSURE["en"] not in body
    if region:  # within its period: the stage's wording as before
        assert copy.CONSEQUENCES["escalation"]["en"] in body
    else:  # unknown: no threat of suit either
        assert copy.CONSEQUENCES["escalation"]["en"] not in body


def test_a_cn_time_barred_debt_gets_no_suit_threat_and_no_disclosure() -> None:
    """The CN profile names no disclosure (none is required); the threat goes all the same."""
    barred = _case(
        overdue_since=TODAY - dt.timedelta(days=3 * 366), language="zh-Hans", jurisdiction="CN"
    )
    body = render_template(_template("escalation-notice", "sms", "zh-Hans"), barred).body
    assert copy.CONSEQUENCES["escalation"]["zh-Hans"] not in body
    assert DISCLOSURE["zh-Hans"] not in body


def test_one_message_for_several_loans_obeys_the_time_barred_one(daytime_zone) -> None:
    """Outreach per borrower: the message is attached to the lowest case id, which is within
    its period; another loan it speaks for is time-barred, so it threatens no suit and
    carries the disclosure."""
    borrower = BorrowerFactory(time_zone=daytime_zone, region="NY")
    within, barred = (
        bring_to(CaseFactory(loan=LoanFactory(borrower=borrower)), CaseState.ESCALATION)
        for _ in range(2)
    )
    barred.overdue_since = BARRED_SINCE
    barred.save(update_fields=["overdue_since"])
    step = "escalation:0:sms"
    message, _ = outbox_enqueue(
        case=within,
        channel="sms",
        template_key="escalation-notice",
        step=step,
        scheduled_at=timezone.now(),
        key=borrower_idempotency_key(borrower.pk, step, "sms", TODAY),
    )
    assert dispatch_batch(ids=[message.pk]).allowed == [message.pk]
    message.refresh_from_db()
    assert "on 2 loans" in message.body
    assert copy.CONSEQUENCES["escalation"]["en"] not in message.body
    assert DISCLOSURE["en"] in message.body

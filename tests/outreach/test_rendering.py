import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from collections_app.models import MessageTemplate, PromiseToPay
from collections_app.outreach.default_templates import KEYS
from collections_app.outreach.rendering import TemplateRenderError, render_template
from collections_app.outreach.sms import sms_parts
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory
from tests.helpers import bring_to


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("", "GSM-7", 0),
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),  # 153 per part once split
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("€" * 80, "GSM-7", 1),  # extension characters cost two septets
        ("€" * 81, "GSM-7", 2),
        ("您" * 70, "UCS-2", 1),
        ("您" * 71, "UCS-2", 2),  # 67 per part once split
        ("a" * 69 + "\xa0", "UCS-2", 1),  # one non-GSM character switches the whole message
        ("😀" * 35, "UCS-2", 1),  # astral characters are two UTF-16 units
        ("😀" * 36, "UCS-2", 2),
    ],
)
def test_sms_encoding_and_segments(text: str, encoding: str, segments: int) -> None:
    parts = sms_parts(text)
    assert (parts.encoding, parts.segments) == (encoding, segments)


def case_for(language: str, jurisdiction: str):
    borrower = BorrowerFactory(
        preferred_language=language, jurisdiction=jurisdiction, name="Avery Stone"
    )
    return CaseFactory(loan=LoanFactory(borrower=borrower, currency="USD"))


@pytest.mark.django_db
@pytest.mark.parametrize("key", list(KEYS))
@pytest.mark.parametrize("language", ["en", "zh-Hans"])
@pytest.mark.parametrize("channel", ["sms", "email", "voice"])
def test_every_shipped_template_renders_with_amount_and_link(key, language, channel) -> None:
    # in the stage the template is written for (legal wording renders only for a legal case)
    case = bring_to(case_for(language, "US"), KEYS[key])
    template = MessageTemplate.objects.get(key=key, channel=channel, language=language)
    rendered = render_template(template, case)
    assert "USD 300.00" in rendered.body
    if channel == "voice":
        # A call names the way to pay without reading a link aloud.
        spoken = rendered.body.lower()
        assert any(w in spoken for w in ("payment link we sent", "call us at", "还款链接", "致电"))
        assert case.loan.external_id not in rendered.body
    else:
        assert (
            case.loan.external_id in rendered.body
            or "callback" in rendered.body
            or "+1" in rendered.body
        )
    assert "\x00" not in rendered.body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("jurisdiction", "language", "line"),
    [
        ("US", "en", "Reply STOP to opt out."),
        ("CN", "zh-Hans", "回TD退订"),
        ("CN", "en", "Reply TD"),
    ],
)
def test_every_sms_carries_the_jurisdictions_opt_out_line(jurisdiction, language, line) -> None:
    case = case_for(language, jurisdiction)
    template = MessageTemplate.objects.get(key="reminder-notice", channel="sms", language=language)
    rendered = render_template(template, case)
    assert line in rendered.body
    assert rendered.has_opt_out_notice


@pytest.mark.django_db
def test_email_has_an_unsubscribe_link_in_both_parts_and_the_headers() -> None:
    case = case_for("en", "US")
    template = MessageTemplate.objects.get(key="escalation-notice", channel="email", language="en")
    rendered = render_template(template, case)
    link = rendered.headers["List-Unsubscribe"].strip("<>")
    assert "/unsubscribe/" in link
    assert link in rendered.body
    assert link in rendered.html_body
    assert rendered.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # consequences follow the template's stage, not the case's
    assert "law firm" in rendered.body


@pytest.mark.django_db
def test_html_escapes_what_the_lender_sent() -> None:
    case = CaseFactory(loan__borrower__name="<script>x</script>")
    template = MessageTemplate.objects.get(key="reminder-notice", channel="email", language="en")
    rendered = render_template(template, case)
    assert "<script>" not in rendered.html_body
    assert "&lt;script&gt;" in rendered.html_body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "message"),
    [("Hello {{ nmae }}", "unknown variable(s) nmae"), ("Hello {% if %}", "body")],
)
def test_a_broken_template_is_a_clear_error(body: str, message: str) -> None:
    template = MessageTemplate(key="x", channel="sms", language="en", body=body)
    with pytest.raises(TemplateRenderError, match=re.escape(message)):
        render_template(template, CaseFactory())


@pytest.mark.django_db
def test_every_step_of_the_default_policies_has_its_template_in_both_languages() -> None:
    from collections_app.policies.defaults import DEFAULT_TEMPLATE_KEYS

    for key in DEFAULT_TEMPLATE_KEYS:
        channel = key.rsplit("-", 1)[1]
        stage = key.split("-", 1)[0]
        # Legal wording renders only for a case in legal; the broken-promise follow-up writes
        # about the case's broken promise, in whatever stage it is.
        case = bring_to(case_for("zh-Hans", "CN"), "reminder" if stage == "promise" else stage)
        if stage == "promise":
            PromiseToPay.objects.create(
                case=case,
                amount=Decimal("100"),
                due_date=timezone.localdate(),
                status=PromiseToPay.Status.BROKEN,
            )
        for language in ("en", "zh-Hans"):
            template = MessageTemplate.objects.get(
                key=key, channel=channel, language=language, is_active=True
            )
            assert "USD 300.00" in render_template(template, case).body


def _broken(case, amount: str, paid: str, days_ago: int) -> PromiseToPay:
    return PromiseToPay.objects.create(
        case=case,
        amount=Decimal(amount),
        amount_paid=Decimal(paid),
        due_date=timezone.localdate() - dt.timedelta(days=days_ago),
        status=PromiseToPay.Status.BROKEN,
        resolved_at=timezone.now() - dt.timedelta(days=days_ago - 3),
    )


@pytest.mark.django_db
def test_the_broken_promise_follow_up_states_what_was_promised_and_what_was_paid() -> None:
    # given: an older broken promise, and the one broken last night
    case = case_for("en", "US")
    _broken(case, "50", "0", days_ago=30)
    last = _broken(case, "100", "40", days_ago=4)
    template = MessageTemplate.objects.get(key="promise-broken-sms", language="en")
    # when
    body = render_template(template, case).body
    # then: the latest one's facts, what is still overdue, and the opt-out line
    assert f"you promised USD 100.00 by {last.due_date.isoformat()}" in body
    assert "we received USD 40.00, so the promise is recorded as missed" in body
    assert "USD 300.00 is overdue" in body
    assert body.endswith("Reply STOP to opt out.")


@pytest.mark.django_db
def test_the_follow_up_is_never_rendered_for_a_case_without_a_broken_promise() -> None:
    case = case_for("en", "US")
    PromiseToPay.objects.create(case=case, amount=Decimal("100"), due_date=timezone.localdate())
    template = MessageTemplate.objects.get(key="promise-broken-email", language="en")
    with pytest.raises(TemplateRenderError, match="no broken promise"):
        render_template(template, case)


def _promise_queries(template: MessageTemplate, case) -> int:
    with CaptureQueriesContext(connection) as queries:
        render_template(template, case)
    return sum("promisetopay" in q["sql"] for q in queries.captured_queries)


@pytest.mark.django_db
def test_the_broken_promise_is_looked_up_once_and_only_by_templates_that_use_it() -> None:
    case = case_for("en", "US")
    _broken(case, "100", "40", days_ago=4)
    reminder = MessageTemplate.objects.get(key="reminder-day0-sms", language="en")
    follow_up = MessageTemplate.objects.get(key="promise-broken-email", language="en")
    assert (_promise_queries(reminder, case), _promise_queries(follow_up, case)) == (0, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-Hans"])
@pytest.mark.parametrize("channel", ["sms", "email"])
def test_the_follow_up_previews_in_admin_with_a_sample_promise(language, channel) -> None:
    from collections_app.admin.outreach import preview_case

    template = MessageTemplate.objects.get(
        key="promise-broken-" + channel, channel=channel, language=language
    )
    rendered = render_template(template, preview_case(template))
    assert "100.00" in rendered.body and "50.00" in rendered.body

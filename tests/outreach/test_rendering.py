import re

import pytest

from collections_app.models import MessageTemplate
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
        case = bring_to(case_for("zh-Hans", "CN"), key.split("-", 1)[0])
        for language in ("en", "zh-Hans"):
            template = MessageTemplate.objects.get(
                key=key, channel=channel, language=language, is_active=True
            )
            assert "USD 300.00" in render_template(template, case).body

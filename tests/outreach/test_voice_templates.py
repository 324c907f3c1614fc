"""The shipped call templates are worded for the ear: only the middle of the call (the keypad
menu is the IVR's, asked once), no link read aloud, no text reply asked for, numbers digit by
digit."""

import pytest

from collections_app.models import MessageTemplate

pytestmark = pytest.mark.django_db


def test_templates_installed_now_carry_no_menu() -> None:
    voice = MessageTemplate.objects.filter(channel="voice")
    assert voice.exists()
    assert not [t.key for t in voice if "1" in t.body and ("Press" in t.body or "请按" in t.body)]


def test_no_call_reads_a_link_or_asks_for_a_text_reply() -> None:
    for template in MessageTemplate.objects.filter(channel="voice"):
        assert "payment_link" not in template.body, template.key
        assert "reply" not in template.body.lower() and "回复" not in template.body, template.key


def test_a_call_says_the_callback_number_digit_by_digit(settings) -> None:
    from collections_app.outreach.rendering import render_template
    from tests.factories import CaseFactory

    settings.COMPANY_CALLBACK_NUMBER = "+18005550100"
    template = MessageTemplate.objects.get(key="plan-offer", channel="voice", language="en")
    body = render_template(template, CaseFactory()).body
    assert "1 8 0 0 5 5 5 0 1 0 0" in body and "+18005550100" not in body

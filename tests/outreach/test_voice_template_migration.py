"""Migration 0021 takes the keypad menu out of shipped voice templates and nothing else."""

import importlib

import pytest
from django.apps import apps

from collections_app.models import MessageTemplate

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "collections_app.migrations.0021_voice_templates_without_the_keypad_menu"
)


def test_shipped_menus_are_stripped_and_edited_templates_kept() -> None:
    MessageTemplate.objects.filter(channel="voice").delete()
    en, zh = migration.SHIPPED_MENUS
    shipped_en = MessageTemplate.objects.create(
        key="m-en", channel="voice", language="en", body="This is Acme. You are late." + en
    )
    shipped_zh = MessageTemplate.objects.create(
        key="m-zh", channel="voice", language="zh-Hans", body="这里是Acme。" + zh
    )
    edited = MessageTemplate.objects.create(
        key="m-edit", channel="voice", language="en", body="Our own words." + en + " Thanks."
    )
    sms = MessageTemplate.objects.create(key="m-sms", channel="sms", language="en", body="x" + en)

    migration.strip_menu(apps, None)

    for template in (shipped_en, shipped_zh, edited, sms):
        template.refresh_from_db()
    assert shipped_en.body == "This is Acme. You are late."
    assert shipped_zh.body == "这里是Acme。"
    assert edited.body.endswith(" Thanks.")
    assert sms.body == "x" + en


def test_templates_installed_now_carry_no_menu() -> None:
    voice = MessageTemplate.objects.filter(channel="voice")
    assert voice.exists()
    assert not [t.key for t in voice if "1" in t.body and ("Press" in t.body or "请按" in t.body)]


reword = importlib.import_module(
    "collections_app.migrations.0024_voice_templates_worded_for_a_call"
)


def test_shipped_voice_bodies_get_the_calls_wording_and_edited_ones_stay() -> None:
    MessageTemplate.objects.filter(channel="voice").delete()
    old, new = next(iter(reword.REWORDED.items()))
    shipped = MessageTemplate.objects.create(key="w", channel="voice", language="en", body=old)
    step_copy = MessageTemplate.objects.create(
        key="reminder-day5-voice", channel="voice", language="en", body=old
    )
    edited = MessageTemplate.objects.create(
        key="e", channel="voice", language="en", body=old + " Thank you."
    )

    reword.reword(apps, None)

    for template in (shipped, step_copy, edited):
        template.refresh_from_db()
    assert shipped.body == step_copy.body == new
    assert edited.body == old + " Thank you."


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

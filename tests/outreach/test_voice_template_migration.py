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

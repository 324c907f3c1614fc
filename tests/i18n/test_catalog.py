"""The workspace in Chinese and English: nothing a person reads escapes the catalogue, the
catalogue is complete and compiled, and each person gets their own language and clock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone, translation

from collections_app.devtools import catalog
from collections_app.models import AgentProfile
from collections_app.money import format_money
from tests.factories import make_user
from tests.i18n.scan import Finding, scan_all, scan_python, scan_template


def test_every_string_a_person_reads_is_marked_for_translation() -> None:
    findings = scan_all()
    assert findings == [], "not marked for translation:\n" + "\n".join(map(str, findings))


def test_the_zh_hans_catalogue_is_complete_and_its_mo_compiled() -> None:
    problems = catalog.problems("zh_Hans")
    assert problems == [], "\n".join(problems)


def test_the_scanner_finds_what_it_should(tmp_path: Path) -> None:
    # Guards the guard: each kind of place it looks, with one unmarked and one marked string.
    source = tmp_path / "sample.py"
    source.write_text(
        "from django.db import models\n"
        "from django.utils.translation import gettext_lazy as _\n"
        "class Stage(models.TextChoices):\n"
        '    A = "a", "Plain label"\n'
        '    B = "b", _("Marked label")\n'
        "class Thing(models.Model):\n"
        '    name = models.CharField(help_text="Plain help", verbose_name=_("name"))\n'
        "def view(request):\n"
        '    messages.success(request, "Saved it")\n'
        '    raise ValidationError("Bad value")\n'
        '    code = "a_code_value"  # not where people read\n'
        '    messages.info(request, "Log line")  # i18n: not for people (a test)\n'
    )
    found = [f.text for f in _scan_file(source)]
    assert found == ["Plain label", "Plain help", "Saved it", "Bad value"]

    template = tmp_path / "page.html"
    template.write_text(
        "{% load i18n %}<h1>Plain heading</h1><p>{% translate 'Marked' %}</p>\n"
        '<input type="submit" value="Send"><span title="Hover text">{{ x }}</span>\n'
        "{% blocktranslate %}Marked {{ x }}{% endblocktranslate %}{{ y|default:'none yet' }}\n"
        "<script>var words = 'not read';</script>{# a comment #}\n"
    )
    found = [f.text for f in _scan_template_file(template)]
    assert sorted(found) == sorted(["Plain heading", "Send", "Hover text", "'none yet'"])


def _scan_file(path: Path) -> list[Finding]:
    import tests.i18n.scan as scan

    original = scan.ROOT
    scan.ROOT = path.parent
    try:
        return scan_python(path)
    finally:
        scan.ROOT = original


def _scan_template_file(path: Path) -> list[Finding]:
    import tests.i18n.scan as scan

    original = scan.ROOT
    scan.ROOT = path.parent
    try:
        return scan_template(path)
    finally:
        scan.ROOT = original


def test_the_catalogue_serves_chinese() -> None:
    with translation.override("zh-hans"):
        assert translation.gettext("Language and time zone") == "语言和时区"
    with translation.override("en"):
        assert translation.gettext("Language and time zone") == "Language and time zone"


def test_amounts_keep_their_currency_in_each_language() -> None:
    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert format_money(Decimal("1234.5"), "CNY") == "1,234.50 CNY"
            assert format_money(Decimal("1234"), "JPY") == "1,234 JPY"


@pytest.mark.django_db
def test_a_person_gets_the_language_and_zone_of_their_profile() -> None:
    agent = make_user("agent-zh", "agent")
    AgentProfile.objects.create(user=agent, language="zh-hans", time_zone="Asia/Shanghai")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(agent)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    page = response.content.decode()
    assert "时区：Asia/Shanghai" in page  # the header names the zone every time is in
    assert ">催收</a></div>" in page  # the site header


@pytest.mark.django_db
def test_without_a_choice_the_browser_language_and_the_server_zone() -> None:
    agent = make_user("agent-any", "agent")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    client.force_login(agent)

    page = client.get("/admin/").content.decode()
    assert ">催收</a></div>" in page and "时区：UTC" in page

    english = Client(HTTP_ACCEPT_LANGUAGE="en-US")
    english.force_login(agent)
    assert "Times in UTC" in english.get("/admin/").content.decode()


@pytest.mark.django_db
def test_the_preferences_page_saves_and_applies_at_once() -> None:
    person = make_user("compliance-1", "compliance")  # no profile yet: one is made
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    assert "Language and time zone" in client.get("/admin/preferences/").content.decode()

    response = client.post(
        "/admin/preferences/",
        {"language": "zh-hans", "time_zone": "America/Los_Angeles"},
        follow=True,
    )

    page = response.content.decode()
    assert "您的语言和时区已保存。" in page and "时区：America/Los_Angeles" in page
    profile = AgentProfile.objects.get(user=person)
    assert (profile.language, profile.time_zone) == ("zh-hans", "America/Los_Angeles")
    # ... and the sign-in page after signing out stays in that language (the cookie)
    client.post("/admin/logout/")
    assert "登录" in client.get("/admin/login/").content.decode()


@pytest.mark.django_db
def test_a_zone_not_in_the_list_is_refused_and_nothing_saved() -> None:
    person = make_user("agent-2", "agent")
    client = Client()
    client.force_login(person)

    response = client.post("/admin/preferences/", {"language": "xx", "time_zone": "Mars/Base"})

    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"language", "time_zone"}
    assert not AgentProfile.objects.filter(user=person, time_zone="Mars/Base").exists()


@pytest.mark.django_db
def test_times_on_a_page_are_in_the_persons_zone_with_the_zone_named() -> None:
    from django.template import Context, Template

    moment = dt.datetime(2026, 12, 1, 16, 30, tzinfo=dt.UTC)
    template = Template("{{ moment }}")
    with timezone.override("Asia/Shanghai"), translation.override("zh-hans"):
        assert template.render(Context({"moment": moment})) == "2026年12月2日 00:30 CST"
    with timezone.override("America/New_York"), translation.override("en"):
        assert template.render(Context({"moment": moment})) == "Dec. 1, 2026, 11:30 a.m. EST"


def test_django_strings_its_own_zh_hans_catalogue_lacks_are_in_ours() -> None:
    # A Django upgrade that adds admin strings without Chinese shows them here, to be added to
    # collections_app/locale_gaps.py (and one that ships them lets us drop ours).
    import django
    from babel.messages.pofile import read_po

    base = Path(django.__file__).parent
    ours = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog.read_catalog("zh_Hans")}
    missing = []
    for app in ("contrib/admin", "contrib/auth", "conf"):
        english = read_po((base / app / "locale/en/LC_MESSAGES/django.po").open("rb"))
        chinese = read_po((base / app / "locale/zh_Hans/LC_MESSAGES/django.po").open("rb"))
        translated = {
            m.id if isinstance(m.id, str) else m.id[0]
            for m in chinese
            if m.id and all([m.string] if isinstance(m.string, str) else m.string)
        }
        for message in english:
            ident = message.id if isinstance(message.id, str) else message.id[0]
            if message.id and ident not in translated and ident not in ours:
                missing.append(f"{app}: {ident!r}")
    assert missing == [], "\n".join(missing)

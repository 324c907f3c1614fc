"""Call scripts: shipped for each stage, language and profile; the disclosure a profile requires
is always there once verified; the opening, heard by anyone, cannot carry the debt."""

from __future__ import annotations

import importlib

import pytest

from collections_app.models import CallScript, JurisdictionProfile
from collections_app.outreach.call_script_defaults import default_call_scripts
from collections_app.outreach.call_scripts import render_call_script
from collections_app.outreach.rendering import TemplateRenderError
from tests.calls.world import verifiable_case
from tests.factories import make_user
from tests.helpers import bring_to

pytestmark = pytest.mark.django_db
MINI_MIRANDA = "This is an attempt to collect a debt"


@pytest.fixture
def agent():
    user = make_user("caller", "agent")
    user.first_name, user.last_name = "Sam", "Reyes"
    user.save()
    return user


def test_the_migration_ships_exactly_the_live_defaults() -> None:
    migration = importlib.import_module("collections_app.migrations.0008_agent_calls")
    assert default_call_scripts() == migration.CALL_SCRIPTS
    fields = ("jurisdiction", "stage", "language", "opening", "disclosure", "body")
    shipped = sorted(CallScript.objects.values(*fields), key=lambda r: tuple(r.values()))
    assert shipped == sorted(default_call_scripts(), key=lambda r: tuple(r.values()))
    # 2 profiles x 4 stages x 2 languages
    assert CallScript.objects.count() == 16


def test_the_us_profile_requires_the_disclosure_and_cn_does_not() -> None:
    flags = dict(
        JurisdictionProfile.objects.filter(is_current=True).values_list(
            "code", "requires_call_disclosure"
        )
    )
    assert flags["US"] is True and flags["CN"] is False


@pytest.mark.parametrize("stage", ["reminder", "negotiation", "escalation", "legal"])
def test_a_us_script_says_it_is_an_attempt_to_collect_a_debt(agent, stage) -> None:
    case = bring_to(verifiable_case(), stage)
    script = render_call_script(case, agent)
    assert script.disclosure_required
    assert MINI_MIRANDA in script.disclosure
    assert "Sam Reyes" in script.disclosure
    assert "USD 300.00" in script.body
    # Whoever answers hears none of it.
    assert "300" not in script.opening and MINI_MIRANDA not in script.opening
    assert "300" not in script.safe_message


def test_a_us_borrower_in_chinese_hears_the_disclosure_in_chinese(agent) -> None:
    script = render_call_script(verifiable_case(language="zh-Hans"), agent)
    assert "这是一次债务催收" in script.disclosure
    assert "USD 300.00" in script.body


def test_a_cn_script_names_the_collector_without_the_us_disclosure(agent) -> None:
    case = verifiable_case(jurisdiction="CN", language="zh-Hans", phone="+8613800138000")
    script = render_call_script(case, agent)
    assert not script.disclosure_required
    assert "催收人员Sam Reyes" in script.disclosure
    assert MINI_MIRANDA not in script.disclosure
    assert "CNY 300.00" in script.body


def test_a_script_edited_without_the_disclosure_still_says_it_where_required(agent) -> None:
    CallScript.objects.filter(jurisdiction="US").update(disclosure="")
    script = render_call_script(verifiable_case(), agent)
    assert MINI_MIRANDA in script.disclosure


def test_an_opening_that_quotes_the_debt_does_not_render(agent) -> None:
    CallScript.objects.filter(jurisdiction="US", stage="reminder", language="en").update(
        opening="Hi {{ first_name }}, you owe {{ amount_due }}."
    )
    with pytest.raises(TemplateRenderError):
        render_call_script(verifiable_case(), agent)


def test_the_admin_form_refuses_such_an_opening(client) -> None:
    from django.urls import reverse

    from tests.html_forms import form_data

    client.force_login(make_user("boss", "supervisor"))
    script = CallScript.objects.get(jurisdiction="US", stage="reminder", language="en")
    url = reverse("admin:collections_app_callscript_change", args=[script.pk])
    data = form_data(client.get(url).content.decode(), "callscript_form")
    data["opening"] = "Hi {{ first_name }}, you owe {{ amount_due }}."
    page = client.post(url, data)
    assert page.status_code == 200
    assert "This script cannot be rendered" in page.content.decode()
    script.refresh_from_db()
    assert "amount_due" not in script.opening

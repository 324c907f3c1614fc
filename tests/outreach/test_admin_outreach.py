import pytest
from django.urls import reverse

from collections_app.models import MessageTemplate, OutboundMessage
from tests.factories import make_user
from tests.html_forms import form_data
from tests.outreach.conftest import make_case

pytestmark = pytest.mark.django_db


def test_the_template_page_previews_encoding_and_segments(admin_client) -> None:
    template = MessageTemplate.objects.get(key="reminder-notice", channel="sms", language="zh-Hans")
    page = admin_client.get(
        reverse("admin:collections_app_messagetemplate_change", args=[template.pk])
    ).content.decode()
    assert "UCS-2" in page
    assert "segment(s)" in page
    assert "回TD退订" in page


def test_a_template_that_cannot_render_is_refused_with_the_reason(admin_client) -> None:
    template = MessageTemplate.objects.get(key="reminder-notice", channel="sms", language="en")
    url = reverse("admin:collections_app_messagetemplate_change", args=[template.pk])
    data = form_data(admin_client.get(url).content.decode(), "messagetemplate_form")
    data["body"] = "Hello {{ frist_name }}, pay {{ amount_due }}"
    page = admin_client.post(url, data).content.decode()
    assert "cannot be rendered" in page
    assert "frist_name" in page
    template.refresh_from_db()
    assert "frist_name" not in template.body


def test_send_now_goes_through_the_gate_and_shows_when_it_is_held(client, nighttime_zone) -> None:
    agent = make_user("agent-send", "agent")
    client.force_login(agent)
    case = make_case(nighttime_zone)
    url = reverse("admin:collections_app_collectioncase_send", args=[case.pk])

    page = client.post(url, {"channel": "sms", "template_key": "reminder-notice"}, follow=True)

    text = page.content.decode()
    assert "Held by the quiet_hours rule" in text
    message = OutboundMessage.objects.get(case=case)
    assert (message.status, message.step, message.created_by) == ("queued", "manual", agent)


def test_send_now_in_the_day_is_claimed_for_sending(client, daytime_zone) -> None:
    client.force_login(make_user("agent-send", "agent"))
    case = make_case(daytime_zone)
    url = reverse("admin:collections_app_collectioncase_send", args=[case.pk])
    page = client.post(url, {"channel": "email", "template_key": "reminder-notice"}, follow=True)
    assert "is being sent" in page.content.decode()
    assert OutboundMessage.objects.get(case=case).status == "sending"


def test_send_now_needs_the_permission(client, daytime_zone) -> None:
    client.force_login(make_user("legal-1", "legal"))
    case = make_case(daytime_zone)
    url = reverse("admin:collections_app_collectioncase_send", args=[case.pk])
    assert (
        client.post(url, {"channel": "sms", "template_key": "reminder-notice"}).status_code == 403
    )
    assert not OutboundMessage.objects.exists()


def test_the_case_page_offers_send_now_to_those_who_may(client, daytime_zone) -> None:
    case = make_case(daytime_zone)
    send_url = reverse("admin:collections_app_collectioncase_send", args=[case.pk])
    page_url = reverse("admin:collections_app_collectioncase_change", args=[case.pk])
    client.force_login(make_user("agent-x", "agent"))
    assert send_url in client.get(page_url).content.decode()
    client.force_login(make_user("legal-x", "legal"))
    assert send_url not in client.get(page_url).content.decode()


@pytest.mark.parametrize(
    ("language", "question", "menu"),
    [
        ("en", "If you are Avery Stone, press 1", "Press 1 to promise"),
        ("zh-Hans", "本人", "承诺还款请按1"),
    ],
)
def test_a_call_template_previews_the_whole_call_around_it(
    admin_client, language, question, menu
) -> None:
    template = MessageTemplate.objects.get(
        key="reminder-notice", channel="voice", language=language
    )
    page = admin_client.get(
        reverse("admin:collections_app_messagetemplate_change", args=[template.pk])
    ).content.decode()
    # The right-party question first, the template after keypad 1, then the menu.
    assert page.index(question) < page.index("Keypad 1") < page.index(menu)
    assert "A machine, a fax, or no key hears only" in page

"""Phone numbers and email addresses: never on a page a masked role opens, never in a list or an
export, and shown on one record's page only to a role with view_pii, each view logged once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from collections_app.models import PiiAccessLog, WebhookEvent
from tests.admin_world import EMAIL, PHONE, SECRETS, build_world
from tests.factories import make_user
from tests.test_roles_matrix import _pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def leaks(html: str) -> list[str]:
    return [secret for secret in SECRETS if secret in html]


def _workspace_pages(world) -> list[str]:
    case, borrower = world.case, world.case.loan.borrower
    cases = reverse("admin:collections_app_collectioncase_changelist")
    return [
        reverse("admin:index"),
        reverse("admin:app_list", args=["collections_app"]),
        reverse("admin:collections_app_collectioncase_change", args=[case.pk]),
        reverse("admin:collections_app_collectioncase_send", args=[case.pk]),
        reverse("admin:collections_app_collectioncase_promise", args=[case.pk]),
        reverse("admin:collections_app_collectioncase_transition", args=[case.pk, "pause"]),
        f"{cases}?q=Dana",
        f"{cases}?q={borrower.external_id}",
        f"{cases}?queue=mine",
        reverse("admin:collections_app_caseevent_changelist") + f"?case__id__exact={case.pk}",
        reverse("admin:collections_app_borrower_changelist") + "?_popup=1&_to_field=id",
        reverse("admin:collections_app_borrower_changelist") + "?q=Dana",
        reverse("admin:collections_app_outboundmessage_changelist") + "?status__exact=failed",
    ]


def test_a_masked_agent_sees_no_phone_or_email_on_any_page_it_can_open(client, world) -> None:
    agent = make_user("agent-m", "agent")
    client.force_login(agent)
    opened = []
    for page_url in [u for _, _, u in _pages(world)] + _workspace_pages(world):
        response = client.get(page_url)
        if response.status_code != 200:
            continue
        opened.append(page_url)
        assert leaks(response.content.decode()) == [], page_url
    # the walk really went through the agent's pages, the message with the number included
    message = world.objects["collections_app.outboundmessage"]
    assert reverse("admin:collections_app_outboundmessage_change", args=[message.pk]) in opened
    assert len(opened) > 25
    page = client.get(reverse("admin:collections_app_outboundmessage_change", args=[message.pk]))
    assert "+1•••••••187" in page.content.decode()
    assert not PiiAccessLog.objects.filter(user=agent).exists()


def test_send_now_tells_a_masked_agent_why_without_the_number(client, world) -> None:
    client.force_login(make_user("agent-m", "agent"))
    url = reverse("admin:collections_app_collectioncase_send", args=[world.case.pk])
    response = client.post(
        url, {"channel": "sms", "template_key": "reminder-day0-sms"}, follow=True
    )
    assert response.status_code == 200
    assert leaks(response.content.decode()) == []


@pytest.mark.parametrize("role", ["supervisor", "compliance"])
def test_lists_and_exports_are_masked_even_for_roles_that_may_see_more(client, world, role):
    user = make_user(f"u-{role}", role)
    client.force_login(user)
    for _, kind, page_url in _pages(world):
        if kind == "changelist":
            response = client.get(page_url)
            assert leaks(response.content.decode()) == [], page_url
    report = reverse("admin:collections_app_compliance_report")
    for query in ({}, {"start": "2020-01-01", "end": "2020-12-31", "format": "csv"}):
        assert leaks(client.get(report, query).content.decode()) == []
    assert not PiiAccessLog.objects.filter(user=user).exists()


def _change(world, label: str) -> str:
    obj = world.objects[label]
    app, model = label.split(".")
    return reverse(f"admin:{app}_{model}_change", args=[obj.pk])


REVEALS = [
    ("supervisor", "collections_app.collectioncase", "email,phone,timeline", PHONE),
    # The borrower page's timeline quotes the email of a reply (one row for the whole page).
    ("supervisor", "collections_app.borrower", "email,phone,timeline", EMAIL),
    ("supervisor", "collections_app.outboundmessage", "error_message,to_address", PHONE),
    ("supervisor", "collections_app.contactattempt", "address", EMAIL),
    ("supervisor", "collections_app.contactdecision", "detail", PHONE),
    ("supervisor", "collections_app.caseevent", "data,reason", EMAIL),
    ("supervisor", "collections_app.channelconsent", "note", PHONE),
    ("supervisor", "collections_app.webhookevent", "error,payload", PHONE),
    ("compliance", "collections_app.contacthold", "attorney_contact,note,work_phone", EMAIL),
]


@pytest.mark.parametrize(("role", "label", "fields", "shown"), REVEALS)
def test_each_unmasked_view_writes_exactly_one_log_row(client, world, role, label, fields, shown):
    user = make_user(f"u-{role}", role)
    client.force_login(user)
    url = _change(world, label)

    page = client.get(url)

    assert page.status_code == 200
    assert shown in page.content.decode()
    logs = list(PiiAccessLog.objects.filter(user=user))
    assert [(log.borrower, log.fields, log.path) for log in logs] == [
        (world.case.loan.borrower, fields, url)
    ]
    client.get(url)
    assert PiiAccessLog.objects.filter(user=user).count() == 2  # one per view


def test_a_stored_webhook_from_a_number_of_nobody_we_know_is_logged_without_a_borrower(
    client,
) -> None:
    event = WebhookEvent.objects.create(
        provider="twilio", kind="sms.inbound", dedupe_key="sms-inbound:SMstranger",
        payload={"form": {"From": "+14155550999", "Body": "who is this"}},
    )  # fmt: skip
    user = make_user("boss", "supervisor")
    client.force_login(user)
    url = reverse("admin:collections_app_webhookevent_change", args=[event.pk])
    assert "+14155550999" in client.get(url).content.decode()
    log = PiiAccessLog.objects.get(user=user)
    assert (log.borrower, log.fields, log.path) == (None, "payload", url)


def test_a_page_with_nothing_to_unmask_logs_nothing(client, world) -> None:
    user = make_user("boss", "supervisor")
    client.force_login(user)
    assert client.get(_change(world, "collections_app.payment")).status_code == 200
    assert client.get(_change(world, "collections_app.promisetopay")).status_code == 200
    assert not PiiAccessLog.objects.filter(user=user).exists()

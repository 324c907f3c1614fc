"""The case page in admin: transition buttons per role, transitions through the service."""

import pytest
from django.urls import reverse

from collections_app.models import CaseEvent, CollectionCase
from collections_app.services.cases import case_transition
from collections_app.states import CaseState
from tests.html_forms import form_data


def change_url(case: CollectionCase) -> str:
    return reverse("admin:collections_app_collectioncase_change", args=[case.pk])


def press(client, case: CollectionCase, transition: str, page: str | None = None):
    """Submit the case page with a transition button, as the browser would."""
    page = page or client.get(change_url(case)).content.decode()
    data = form_data(page, "collectioncase_form")
    data["_fsm_transition_to"] = transition
    return client.post(change_url(case), data, follow=True)


@pytest.mark.django_db
def test_agent_sees_only_the_buttons_of_the_agent_role(client, agent, case) -> None:
    client.force_login(agent)
    page = client.get(change_url(case)).content.decode()
    assert 'value="start_negotiation"' in page
    assert 'value="pause"' in page
    assert 'value="escalate"' not in page
    assert 'value="write_off"' not in page


@pytest.mark.django_db
def test_transition_button_moves_the_case_and_records_who(client, agent, case) -> None:
    client.force_login(agent)
    response = press(client, case, "start_negotiation")
    assert response.status_code == 200
    assert "Case is now Negotiation" in response.content.decode()
    event = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.TRANSITION).get()
    assert (event.to_state, event.actor) == (CaseState.NEGOTIATION, agent)


@pytest.mark.django_db
def test_agent_cannot_post_a_transition_their_role_lacks(client, agent, case) -> None:
    client.force_login(agent)
    press(client, case, "write_off")
    assert CollectionCase.objects.get(pk=case.pk).state == CaseState.REMINDER
    assert not CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.TRANSITION).exists()


@pytest.mark.django_db
def test_pause_asks_for_a_reason_then_applies_it(client, agent, case) -> None:
    client.force_login(agent)
    url = reverse("admin:collections_app_collectioncase_transition", args=[case.pk, "pause"])
    form = client.get(url)
    assert 'name="pause_reason"' in form.content.decode()

    client.post(url, {"pause_reason": "dispute"})

    stored = CollectionCase.objects.get(pk=case.pk)
    assert (stored.state, stored.pause_reason, stored.paused_from) == (
        CaseState.PAUSED,
        "dispute",
        CaseState.REMINDER,
    )
    assert CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.TRANSITION).actor == agent


@pytest.mark.django_db
def test_a_transition_on_a_case_that_moved_meanwhile_says_reload(client, agent, case) -> None:
    client.force_login(agent)
    page = client.get(change_url(case)).content.decode()
    case_transition(case=case, name="pause")  # someone else paused it after the page loaded
    response = press(client, case, "start_negotiation", page=page)
    assert response.status_code == 200
    assert "Reload the page" in response.content.decode()
    assert CollectionCase.objects.get(pk=case.pk).state == CaseState.PAUSED


@pytest.mark.django_db
def test_case_list_and_audit_pages_render_for_a_superuser(admin_client, case) -> None:
    case_transition(case=case, name="escalate", reason="no answer")
    assert (
        admin_client.get(reverse("admin:collections_app_collectioncase_changelist")).status_code
        == 200
    )
    page = admin_client.get(change_url(case)).content.decode()
    assert "no answer" in page  # the timeline inline shows the transition's reason
    assert (
        admin_client.get(reverse("admin:collections_app_caseevent_changelist")).status_code == 200
    )

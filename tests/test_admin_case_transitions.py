"""The transition page answers every name, stage and role with something a person can act on:
the form (or a confirmation), 403 for a role that may not, or a message on the case page.
Never a 500, never a bare 400."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collections_app.models import CaseEvent, CollectionCase
from collections_app.roles import ROLE_PERMISSIONS
from collections_app.states import TRANSITIONS, CaseState
from tests.factories import CaseFactory, make_user
from tests.helpers import bring_to
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db


def transition_url(case: CollectionCase, name: str) -> str:
    return f"/admin/collections_app/collectioncase/{case.pk}/transition/{quote(name, safe='')}/"


def change_url(case: CollectionCase) -> str:
    return reverse("admin:collections_app_collectioncase_change", args=[case.pk])


def test_an_unknown_transition_goes_back_to_the_case_with_a_message(client, agent, case) -> None:
    client.force_login(agent)
    response = client.get(transition_url(case, "teleport"))
    assert (response.status_code, response["Location"]) == (302, change_url(case))
    page = client.get(response["Location"]).content.decode()
    assert "There is no such action for a case." in page


def test_refer_to_legal_on_a_negotiation_case_says_why_and_goes_back_to_the_case(client) -> None:
    client.force_login(make_user("lawyer", "legal"))
    case = bring_to(CaseFactory(), CaseState.NEGOTIATION)

    for response in (
        client.get(transition_url(case, "refer_to_legal")),
        client.post(transition_url(case, "refer_to_legal"), {}),
    ):
        assert (response.status_code, response["Location"]) == (302, change_url(case))
    page = client.get(change_url(case)).content.decode()
    assert "Refer to legal is not possible while the case is in Negotiation." in page
    assert "No form configuration" not in page
    assert CollectionCase.objects.get(pk=case.pk).state == CaseState.NEGOTIATION


def test_a_transition_without_input_asks_to_confirm_then_applies(client, supervisor, case) -> None:
    client.force_login(supervisor)
    url = transition_url(case, "escalate")
    page = client.get(url)
    assert page.status_code == 200
    assert 'id="case-action-form"' in page.content.decode()

    response = client.post(url, form_data(page.content.decode(), "case-action-form"))

    assert (response.status_code, response["Location"]) == (302, change_url(case))
    assert CollectionCase.objects.get(pk=case.pk).state == CaseState.ESCALATION
    assert CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.TRANSITION).actor == supervisor


def test_a_transition_the_role_lacks_is_forbidden_and_changes_nothing(client, agent, case) -> None:
    client.force_login(agent)
    assert client.get(transition_url(case, "write_off")).status_code == 403
    assert (
        client.post(transition_url(case, "write_off"), {"close_reason": "paid"}).status_code == 403
    )
    assert CollectionCase.objects.get(pk=case.pk).state == CaseState.REMINDER


@pytest.mark.parametrize("role", list(ROLE_PERMISSIONS))
def test_every_transition_from_every_stage_answers_as_the_table_and_the_role_say(
    client, role: str
) -> None:
    client.force_login(make_user(f"u-{role}", role))
    for state in CaseState.values:
        case = bring_to(CaseFactory(), state)
        for name, spec in TRANSITIONS.items():
            status = client.get(transition_url(case, name)).status_code
            if spec.permission not in ROLE_PERMISSIONS[role]:
                expected = 403
            elif state in spec.sources:
                expected = 200
            else:
                expected = 302  # back to the case, with the reason
            assert status == expected, (role, state, name, status)


ODD_NAMES = [
    "",
    " ",
    "save",
    "delete",
    "__class__",
    "__init__",
    "state",
    "refresh_from_db",
    "get_available_state_transitions",
    "_meta",
    "pause;drop table",
    "PAUSE",
    "pause ",
    "%00",
    "\x00",
    "退订",
    "a" * 5000,
    "..",
]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_odd_transition_names_never_answer_5xx(client, supervisor, case, name: str) -> None:
    client.force_login(supervisor)
    client.raise_request_exception = False
    for response in (
        client.get(transition_url(case, name)),
        client.post(transition_url(case, name), {}),
        client.post(change_url(case), {"_fsm_transition_to": name}),
    ):
        assert response.status_code < 500, (name, response.status_code)
    assert CollectionCase.objects.get(pk=case.pk).state == CaseState.REMINDER


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(name=st.text(min_size=1, max_size=60))
def test_any_transition_name_never_answers_5xx(client, supervisor, case, name: str) -> None:
    client.force_login(supervisor)
    client.raise_request_exception = False
    assert client.get(transition_url(case, name)).status_code < 500
    assert client.post(change_url(case), {"_fsm_transition_to": name}).status_code < 500

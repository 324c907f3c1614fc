"""A person needs the transition's permission; the system (actor=None) does not."""

import pytest
from django.core.exceptions import PermissionDenied

from collections_app.models import CaseEvent, CollectionCase
from collections_app.roles import ROLE_PERMISSIONS
from collections_app.services.cases import case_transition
from collections_app.states import TRANSITIONS, CaseState
from tests.factories import CaseFactory, make_user
from tests.helpers import bring_to

ROLES = list(ROLE_PERMISSIONS)
MATRIX = [
    (role, name, TRANSITIONS[name].permission in ROLE_PERMISSIONS[role])
    for role in ROLES
    for name in TRANSITIONS
]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "name", "allowed"), MATRIX)
def test_each_role_can_trigger_exactly_its_transitions(role: str, name: str, allowed: bool) -> None:
    user = make_user(f"u-{role}", role)
    source = TRANSITIONS[name].sources[0]
    case = bring_to(CaseFactory(), source)

    if allowed:
        case_transition(case=case, name=name, actor=user)
        event = CaseEvent.objects.filter(case=case).latest("id")
        assert event.actor == user
        assert event.actor_label == user.username
    else:
        with pytest.raises(PermissionDenied):
            case_transition(case=case, name=name, actor=user)
        assert CollectionCase.objects.get(pk=case.pk).state == source


@pytest.mark.django_db
def test_user_without_any_role_cannot_trigger_anything(case) -> None:
    nobody = make_user("nobody")
    for name in ("start_negotiation", "escalate", "pause", "resolve", "write_off"):
        with pytest.raises(PermissionDenied):
            case_transition(case=case, name=name, actor=nobody)
    assert CollectionCase.objects.get(pk=case.pk).state == CaseState.REMINDER
    assert not CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.TRANSITION).exists()


@pytest.mark.django_db
def test_available_user_transitions_follow_the_role(case, agent, supervisor) -> None:
    agent_sees = {t.name for t in case.get_available_user_state_transitions(user=agent)}
    supervisor_sees = {t.name for t in case.get_available_user_state_transitions(user=supervisor)}
    assert agent_sees == {"start_negotiation", "pause"}
    assert supervisor_sees == {"start_negotiation", "escalate", "pause", "resolve", "write_off"}


@pytest.mark.django_db
def test_every_role_permission_exists_and_is_granted_after_migrations() -> None:
    from django.contrib.auth.models import Group

    for role, perms in ROLE_PERMISSIONS.items():
        granted = {
            f"{app}.{code}"
            for app, code in Group.objects.get(name=role).permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert granted == set(perms), role

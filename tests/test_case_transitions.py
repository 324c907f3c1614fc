"""Every allowed transition writes exactly one CaseEvent; every forbidden one raises and writes
nothing. The table is the one in collections_app.states, so a new transition is tested here."""

import pytest
from django_fsm import TransitionNotAllowed

from collections_app.models import CaseEvent, CollectionCase
from collections_app.services.cases import UnknownTransition, case_transition
from collections_app.states import TRANSITIONS, CaseState
from tests.factories import CaseFactory
from tests.helpers import bring_to

ALLOWED = [(name, source) for name, t in TRANSITIONS.items() for source in t.sources]
FORBIDDEN = [
    (name, source)
    for name, t in TRANSITIONS.items()
    for source in CaseState.values
    if source not in t.sources
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "source"), ALLOWED)
def test_allowed_transition_moves_state_and_writes_one_event(name: str, source: str) -> None:
    case = bring_to(CaseFactory(), source)
    events_before = CaseEvent.objects.filter(case=case).count()

    case_transition(case=case, name=name, reason="because")

    stored = CollectionCase.objects.get(pk=case.pk)
    expected = TRANSITIONS[name].target or PathTargets.resume_target(case)
    assert stored.state == expected
    new_events = CaseEvent.objects.filter(case=case).order_by("id")[events_before:]
    assert len(new_events) == 1
    event = new_events[0]
    assert (event.kind, event.from_state, event.to_state) == (
        CaseEvent.Kind.TRANSITION,
        source,
        expected,
    )
    assert event.actor is None
    assert event.actor_label == "system"
    assert event.reason == "because"
    assert event.data["transition"] == name


class PathTargets:
    @staticmethod
    def resume_target(case: CollectionCase) -> str:
        # The only source state that reaches `paused` in tests/helpers.py is `reminder`.
        return CaseState.REMINDER


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "source"), FORBIDDEN)
def test_forbidden_transition_raises_and_writes_nothing(name: str, source: str) -> None:
    case = bring_to(CaseFactory(), source)
    events_before = CaseEvent.objects.filter(case=case).count()

    with pytest.raises(TransitionNotAllowed):
        case_transition(case=case, name=name)

    assert CollectionCase.objects.get(pk=case.pk).state == source
    assert case.state == source
    assert CaseEvent.objects.filter(case=case).count() == events_before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state", [CaseState.REMINDER, CaseState.NEGOTIATION, CaseState.ESCALATION, CaseState.LEGAL]
)
def test_resume_returns_to_the_state_the_case_was_paused_in(state: str) -> None:
    case = bring_to(CaseFactory(), state)
    case_transition(case=case, name="pause", pause_reason="bankruptcy")
    stored = CollectionCase.objects.get(pk=case.pk)
    assert (stored.state, stored.paused_from, stored.pause_reason) == (
        CaseState.PAUSED,
        state,
        "bankruptcy",
    )

    case_transition(case=case, name="resume")

    stored = CollectionCase.objects.get(pk=case.pk)
    assert (stored.state, stored.paused_from, stored.pause_reason) == (state, "", "")


@pytest.mark.django_db
def test_closing_a_case_records_reason_and_time_and_clears_next_action(case) -> None:
    case_transition(case=case, name="write_off", close_reason="fraud")
    stored = CollectionCase.objects.get(pk=case.pk)
    assert stored.close_reason == "fraud"
    assert stored.closed_at is not None
    assert stored.next_action_at is None


@pytest.mark.django_db
def test_state_cannot_be_assigned_directly(case) -> None:
    with pytest.raises(AttributeError):
        case.state = CaseState.LEGAL


@pytest.mark.django_db
def test_unknown_transition_name_is_rejected(case) -> None:
    with pytest.raises(UnknownTransition):
        case_transition(case=case, name="delete_everything")
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.TRANSITION).count() == 0


def test_fsm_decorators_and_transition_table_agree() -> None:
    """The model's django-fsm transitions are exactly the table's (the bulk path reads the
    table), source by source."""
    from_model = {}
    for name in TRANSITIONS:
        meta = getattr(CollectionCase, name)._django_fsm
        from_model[name] = set(meta.transitions)
    assert from_model == {name: set(t.sources) for name, t in TRANSITIONS.items()}


def test_a_transition_on_a_case_read_before_a_payment_keeps_the_new_amount(agent) -> None:
    """A person's move writes only what the move changes: a case object read before a payment
    lowered the amount overdue must not write the old amount back (nor anything else it did
    not change)."""
    from decimal import Decimal

    from django.utils import timezone

    from collections_app.models import CollectionCase
    from collections_app.services.cases import case_transition
    from collections_app.services.payments import payment_record
    from tests.factories import CaseFactory

    case = CaseFactory(amount_overdue=Decimal("300.00"))
    stale = CollectionCase.objects.get(pk=case.pk)  # the page an agent has open
    payment_record(loan=case.loan, external_id="P-stale-1", amount=Decimal("100.00"),
                   currency=case.loan.currency, received_at=timezone.now())  # fmt: skip

    case_transition(case=stale, name="start_negotiation", actor=agent, reason="called")

    case.refresh_from_db()
    assert case.state == "negotiation"
    assert case.amount_overdue == Decimal("200.00")

"""One transition table, two paths: django-fsm (agents, services) and the nightly bulk path."""

import pytest
from django_fsm import TransitionNotAllowed

from collections_app.models import CaseEvent, CollectionCase, EscalationChunk
from collections_app.policies import evaluate
from collections_app.policies.stages import STAGE_RANK, Move, transition_to
from collections_app.services.cases import case_transition
from collections_app.services.escalation import escalation_chunk_process, escalation_run_start
from collections_app.states import TRANSITIONS, CaseState, is_allowed
from tests.escalation_helpers import day, make_case, run_night
from tests.factories import CaseFactory
from tests.helpers import bring_to

pytestmark = pytest.mark.django_db


def _fsm_available(state: str) -> set[str]:
    case = CollectionCase()
    CollectionCase.state.field.set_state(case, state)
    return {t.name for t in case.get_available_state_transitions()}


@pytest.mark.parametrize("state", CaseState.values)
def test_the_table_and_django_fsm_allow_the_same_transitions(state) -> None:
    allowed_by_table = {name for name in TRANSITIONS if is_allowed(name, state)}
    assert allowed_by_table == _fsm_available(state)


@pytest.mark.parametrize("source", list(STAGE_RANK))
@pytest.mark.parametrize("target", list(STAGE_RANK))
def test_every_move_the_bulk_path_may_make_the_fsm_makes_the_same_way(source, target) -> None:
    name = transition_to(source, target)
    case = bring_to(CaseFactory(), source)
    if name is None:
        # nothing in the table: the FSM has no transition from source to target either
        fsm_targets = {
            t.target for t in case.get_available_state_transitions() if t.name != "resume"
        }
        assert target not in fsm_targets or source == target
        return
    case_transition(case=case, name=name, reason="same move by the FSM")
    assert case.state == target


def test_the_nightly_moves_are_ones_the_fsm_would_make_from_the_same_state() -> None:
    # given: cases in every active stage, each far enough past due that the rules move them
    cases = {state: make_case(dpd=95, state=state) for state in STAGE_RANK}
    # when: the night, long enough after that every stage rule could fire
    run_night(day(20))
    # then: each recorded move replays on a fresh case through django-fsm to the same state
    moves = CaseEvent.objects.filter(
        case__in=cases.values(), kind=CaseEvent.Kind.TRANSITION, reason__startswith="Nightly"
    )
    assert moves.count() >= 2
    for event in moves:
        twin = bring_to(CaseFactory(), event.from_state)
        case_transition(case=twin, name=event.data["transition"])
        assert twin.state == event.to_state


def test_the_bulk_path_refuses_a_move_the_table_forbids(monkeypatch) -> None:
    # given: a policy bug that asks to refer a reminder case straight to legal
    case = make_case(dpd=40)
    monkeypatch.setattr(
        evaluate, "stage_move", lambda facts, stages: Move("refer_to_legal", "legal", "bad-rule")
    )
    with pytest.raises(TransitionNotAllowed):
        case_transition(case=CollectionCase.objects.get(pk=case.pk), name="refer_to_legal")
    run = escalation_run_start(run_date=day(1), enqueue=False)
    chunk = run.chunks.get()
    # when
    with pytest.raises(TransitionNotAllowed, match="not allowed"):
        escalation_chunk_process(chunk_id=chunk.pk)
    # then: nothing written, the chunk waits for a retry with the error recorded
    case.refresh_from_db()
    assert case.state == CaseState.REMINDER
    assert not case.events.filter(reason__startswith="Nightly").exists()
    chunk.refresh_from_db()
    assert chunk.status == EscalationChunk.Status.PENDING
    assert "not allowed" in chunk.error

"""A real Celery worker process, through the configured broker (Redis in CI), on the test
database: a bulk transition requested in one process is carried out by the worker."""

import pytest
from django.db import close_old_connections

from collections_app.models import BulkAction, CaseEvent, CollectionCase
from collections_app.services.bulk import bulk_transition_request
from collections_app.states import CaseState
from tests.factories import CaseFactory
from tests.helpers import bring_to
from tests.worker import celery_worker, wait_until


def _done(action_id: int) -> bool:
    close_old_connections()
    return BulkAction.objects.get(pk=action_id).status == BulkAction.Status.DONE


def _rerun(action_id: int) -> bool:
    close_old_connections()
    return BulkAction.objects.get(pk=action_id).result.get("moved") != 3


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_bulk_escalation_runs_in_a_real_worker(supervisor) -> None:
    # given: four reminder cases, one already in legal (not allowed), one id that does not exist
    movable = [CaseFactory() for _ in range(4)]
    stuck = bring_to(CaseFactory(), CaseState.LEGAL)
    ids = [c.pk for c in movable] + [stuck.pk, 999_999]

    with celery_worker():
        # when: a supervisor asks for the bulk escalation (enqueued on commit)
        action = bulk_transition_request(
            case_ids=ids, name="escalate", actor=supervisor, reason="No contact in 30 days"
        )
        assert wait_until(lambda: _done(action.pk), timeout=60), "worker did not finish"

    # then: the worker moved exactly the movable ones, each with its audit row by the supervisor
    action.refresh_from_db()
    assert action.result == {"moved": 4, "not_allowed": 1, "missing": 1}
    states = dict(CollectionCase.objects.filter(pk__in=ids).values_list("pk", "state"))
    assert all(states[c.pk] == CaseState.ESCALATION for c in movable)
    assert states[stuck.pk] == CaseState.LEGAL
    events = CaseEvent.objects.filter(case__in=movable, to_state=CaseState.ESCALATION)
    assert events.count() == 4
    assert set(events.values_list("actor", flat=True)) == {supervisor.pk}


@pytest.mark.needs_redis
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_on_redis_and_a_redelivered_task_does_nothing_twice(supervisor) -> None:
    """The same task delivered twice (Redis re-delivery) claims the row once."""
    from collections_app.tasks import run_bulk_action

    cases = [CaseFactory() for _ in range(3)]
    action = BulkAction.objects.create(
        transition="escalate", case_ids=[c.pk for c in cases], requested_by=supervisor
    )
    with celery_worker():
        run_bulk_action.delay(action.pk)
        run_bulk_action.delay(action.pk)
        assert wait_until(lambda: _done(action.pk), timeout=60)
        # give a second (wrong) run the time it would need to overwrite the result
        assert not wait_until(lambda: _rerun(action.pk), timeout=3)
    action.refresh_from_db()
    assert action.result == {"moved": 3, "missing": 0}
    assert CaseEvent.objects.filter(case__in=cases, kind=CaseEvent.Kind.TRANSITION).count() == 3

"""The nightly run through real Celery worker processes (filesystem broker and SQLite locally,
Redis and PostgreSQL in CI): beat's task creates the run, workers process its chunks."""

import pytest
from django.apps import apps as django_apps
from django.db import close_old_connections

from collections_app.models import CaseEvent, EscalationRun, OutboundMessage
from collections_app.policies.defaults import install_default_policies
from collections_app.services.escalation import escalation_run_start
from collections_app.states import CaseState
from tests.escalation_helpers import TODAY, day, make_case
from tests.worker import celery_worker, wait_until


def _finished(run_date=TODAY) -> bool:
    close_old_connections()
    run = EscalationRun.objects.filter(run_date=run_date).first()
    return run is not None and run.status != EscalationRun.Status.RUNNING


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_run_is_processed_by_a_real_worker() -> None:
    install_default_policies(django_apps)
    stuck = [make_case(dpd=45) for _ in range(4)]
    fresh = [make_case(dpd=1) for _ in range(3)]
    with celery_worker():
        # when: tomorrow's run is started (its chunks are queued on commit)
        run = escalation_run_start(run_date=day(1), chunk_size=2)
        assert run.chunk_count == 4
        assert wait_until(lambda: _finished(day(1)), timeout=90), "worker did not finish"
    run.refresh_from_db()
    assert run.status == EscalationRun.Status.DONE
    assert run.cases_seen == 7
    assert run.transitions == {"escalate": 4}
    for case in stuck:
        case.refresh_from_db()
        assert case.state == CaseState.ESCALATION
        assert case.events.filter(data__rule="dpd-30").count() == 1
    for case in fresh:
        case.refresh_from_db()
        assert case.state == CaseState.REMINDER
    # escalation day 0: a call and an email each; reminder day 1: nothing due
    assert OutboundMessage.objects.count() == 8


@pytest.mark.needs_postgres
@pytest.mark.needs_redis
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_two_beat_firings_on_redis_make_one_run_shared_by_parallel_workers() -> None:
    from collections_app.tasks import start_nightly_escalation

    install_default_policies(django_apps)
    cases = [make_case(dpd=3) for _ in range(10)]
    # chunks of 3 cases, so the two worker processes share the run
    with celery_worker(concurrency=2, ESCALATION_CHUNK_SIZE="3"):
        # two beat processes fire the nightly task at once
        start_nightly_escalation.delay()
        start_nightly_escalation.delay()
        assert wait_until(_finished, timeout=90), "workers did not finish the run"
    assert EscalationRun.objects.count() == 1
    run = EscalationRun.objects.get()
    assert run.status == EscalationRun.Status.DONE
    assert run.cases_seen == 10
    assert run.chunk_count == 4
    # each case got its day-0 SMS exactly once, and nothing else
    assert OutboundMessage.objects.filter(case__in=cases).count() == 10
    assert not CaseEvent.objects.filter(reason__startswith="Nightly").exists()

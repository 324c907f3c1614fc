"""A real Celery worker (the configured broker: Redis in CI) sends what a service told, after
its commit: woken once, retried through the sweeper when the receiver fails, delivered once."""

import pytest
from django.db import close_old_connections

from collections_app.lender.tasks import sweep_lender_deliveries
from collections_app.models import ContactHold, LenderEventDelivery
from collections_app.services.consents import hold_place
from tests.factories import CaseFactory
from tests.lender.conftest import make_endpoint
from tests.lender.receiver import receiver
from tests.worker import celery_worker, wait_until


def _statuses() -> list[str]:
    close_old_connections()
    return list(LenderEventDelivery.objects.values_list("status", flat=True))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_delivers_after_the_commit_and_retries_through_the_sweeper(allow_http) -> None:
    case = CaseFactory()
    with (
        receiver(script=[500, 500]) as lender,
        celery_worker(LENDER_WEBHOOK_ALLOW_HTTP="1", LENDER_WEBHOOK_RETRY_BASE_SECONDS="0.2"),
    ):
        make_endpoint(lender.url, kinds=("hold.placed",))
        hold_place(borrower=case.loan.borrower, kind=ContactHold.Kind.NO_CALLS_AT_WORK,
                   source="borrower letter")  # fmt: skip

        # woken by the commit: the first try comes without any sweep
        assert wait_until(lambda: len(lender.received) >= 1, timeout=60)

        # the retries are due by their time in the database: the sweeper (beat) wakes a drain
        def delivered() -> bool:
            sweep_lender_deliveries()
            return _statuses() == ["delivered"]

        assert wait_until(delivered, timeout=60, interval=0.5)
    assert len(lender.received) == 3
    assert len(set(lender.event_ids())) == 1
    assert list(
        LenderEventDelivery.objects.get()
        .attempt_rows.order_by("number")
        .values_list("http_status", flat=True)
    ) == [500, 500, 200]

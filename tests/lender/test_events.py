"""Events are written in the caller's transaction, one delivery per active endpoint that
subscribes to the kind; nobody subscribed, nothing written; one fact, one event."""

import pytest
from django.db import transaction

from collections_app.lender.events import (
    LenderEventSpec,
    lender_event_emit,
    lender_events_emit_many,
)
from collections_app.lender.wakeup import wake
from collections_app.models import LenderEvent, LenderEventDelivery
from tests.factories import CaseFactory
from tests.lender.conftest import make_endpoint

pytestmark = pytest.mark.django_db


def deliveries() -> set[tuple[str, str]]:
    return set(LenderEventDelivery.objects.values_list("event__kind", "endpoint__name"))


def test_one_delivery_per_active_endpoint_that_subscribes_to_the_kind() -> None:
    make_endpoint(name="everything")
    make_endpoint(name="promises only", kinds=("promise.created", "promise.kept"))
    make_endpoint(name="switched off").__class__.objects.filter(name="switched off").update(
        is_active=False
    )
    case = CaseFactory()

    lender_event_emit(kind="case.state_changed", payload={"a": 1}, case=case, dedupe_key="k1")
    lender_event_emit(kind="promise.created", payload={"b": 2}, case=case, dedupe_key="k2")

    assert deliveries() == {
        ("case.state_changed", "everything"),
        ("promise.created", "everything"),
        ("promise.created", "promises only"),
    }
    event = LenderEvent.objects.get(dedupe_key="k1")
    assert (event.case, event.loan, event.payload) == (case, case.loan, {"a": 1})
    assert LenderEventDelivery.objects.filter(status="queued").count() == 3


def test_nothing_is_written_when_no_endpoint_wants_the_kind() -> None:
    assert lender_event_emit(kind="hold.placed", payload={}, dedupe_key="k") is None
    make_endpoint(kinds=("payment.recorded",))
    assert lender_event_emit(kind="hold.placed", payload={}, dedupe_key="k") is None
    assert not LenderEvent.objects.exists()


def test_the_same_fact_told_twice_is_one_event() -> None:
    make_endpoint()
    first = lender_event_emit(kind="payment.recorded", payload={"n": 1}, dedupe_key="p:1")
    assert first is not None
    assert lender_event_emit(kind="payment.recorded", payload={"n": 2}, dedupe_key="p:1") is None
    twice = [
        LenderEventSpec("payment.recorded", {}, "p:2"),
        LenderEventSpec("payment.recorded", {}, "p:2"),
    ]
    assert lender_events_emit_many(events=twice) == 1
    assert LenderEvent.objects.count() == 2
    assert LenderEventDelivery.objects.count() == 2


def test_an_event_exists_only_if_the_change_committed() -> None:
    make_endpoint()
    with pytest.raises(RuntimeError), transaction.atomic():
        lender_event_emit(kind="hold.placed", payload={}, dedupe_key="k")
        raise RuntimeError("the service failed after emitting")
    assert not LenderEvent.objects.exists()
    assert not LenderEventDelivery.objects.exists()


def test_a_worker_is_woken_after_the_commit(django_capture_on_commit_callbacks) -> None:
    make_endpoint()
    with django_capture_on_commit_callbacks() as callbacks:
        lender_event_emit(kind="hold.placed", payload={}, dedupe_key="k")
    assert wake in callbacks


def test_an_unknown_kind_is_refused() -> None:
    make_endpoint()
    with pytest.raises(ValueError, match="unknown lender event kind"):
        lender_event_emit(kind="case.exploded", payload={}, dedupe_key="k")


def test_many_events_cost_a_fixed_number_of_statements() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_endpoint()
    make_endpoint()

    def statements(n: int, tag: str) -> int:
        specs = [LenderEventSpec("case.state_changed", {"i": i}, f"{tag}:{i}") for i in range(n)]
        with CaptureQueriesContext(connection) as queries:
            lender_events_emit_many(events=specs)
        return len(queries)

    few, many = statements(2, "few"), statements(500, "many")
    assert LenderEventDelivery.objects.count() == 2 * 502
    if connection.vendor == "postgresql":
        assert many == few  # COPY: the same statements for 2 or 500
    else:
        assert many < 40  # SQLite: bulk INSERTs in batches its parameter limit allows

"""Waking workers: one drain task per burst of callbacks (Redis), not one publish per row."""

import pytest

from collections_app.models import WebhookEvent
from collections_app.webhooks import tasks, wakeup
from collections_app.webhooks.intake import webhook_store
from tests.webhooks.conftest import sent_message, sid, sms_status_form


@pytest.fixture
def published(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.drain_webhooks, "delay", lambda *a: calls.append(("drain", a)))
    monkeypatch.setattr(
        tasks.process_webhook_event, "delay", lambda *a: calls.append(("process", a))
    )
    wakeup.forget()
    yield calls
    wakeup.forget()


def _store(key: str, payload: dict | None = None) -> int | None:
    return webhook_store(
        provider="twilio", kind="sms.status", dedupe_key=key, payload=payload or {}
    )


@pytest.mark.needs_redis
@pytest.mark.django_db
def test_a_burst_of_callbacks_publishes_one_drain_and_the_drain_rearms_it(
    published, django_capture_on_commit_callbacks
) -> None:
    wakeup.drain_starting()
    sms = sent_message(provider_id=sid())
    payload = {"form": sms_status_form(sms.provider_id, "delivered"), "query": {"m": str(sms.pk)}}
    with django_capture_on_commit_callbacks(execute=True):
        _store("a", payload)
        _store("b")
        _store("c")
    assert published == [("drain", ())]

    processed = tasks.drain_webhooks()  # clears the flag first, then processes what is stored

    assert processed == 3
    sms.refresh_from_db()
    assert sms.status == "delivered"
    assert not WebhookEvent.objects.filter(processed_at__isnull=True).exists()
    wakeup.forget()  # past this process's memory of the flag
    with django_capture_on_commit_callbacks(execute=True):
        _store("d")
    assert published == [("drain", ()), ("drain", ())]
    wakeup.drain_starting()


@pytest.mark.needs_redis
@pytest.mark.django_db
def test_a_row_stored_without_looking_at_the_flag_is_read_by_the_drains_second_pass(
    published, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    # given: this process saw the flag a moment ago, so it stores without looking again
    wakeup.drain_starting()
    with django_capture_on_commit_callbacks(execute=True):
        _store("first")
    first_pass = []
    from collections_app.webhooks.processing import webhooks_drain

    def drain_then_a_late_row(*, limit, retries):
        result = webhooks_drain(limit=limit, retries=retries)
        if not first_pass:
            first_pass.append(result.seen)
            # a row committed right after the drain's first read, its wake-up skipped
            with django_capture_on_commit_callbacks(execute=True):
                _store("late")
        return result

    monkeypatch.setattr("collections_app.webhooks.processing.webhooks_drain", drain_then_a_late_row)

    assert tasks.drain_webhooks() == 2
    assert first_pass == [1]
    assert published == [("drain", ())]  # the late row woke nobody...
    assert not WebhookEvent.objects.filter(processed_at__isnull=True).exists()  # ...yet was read
    wakeup.drain_starting()


@pytest.mark.django_db
def test_without_redis_each_row_gets_its_own_task(
    published, settings, django_capture_on_commit_callbacks
) -> None:
    settings.CELERY_BROKER_URL = "filesystem://"
    with django_capture_on_commit_callbacks(execute=True):
        first = _store("a")
        assert _store("a") is None  # a duplicate publishes nothing
    assert published == [("process", (first,))]

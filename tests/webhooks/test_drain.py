"""Waking workers: one drain task per burst of callbacks (Redis), not one publish per row."""

import pytest

from collections_app.models import WebhookEvent
from collections_app.webhooks import intake, tasks
from collections_app.webhooks.intake import webhook_store
from tests.webhooks.conftest import sent_message, sid, sms_status_form


@pytest.fixture
def published(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.drain_webhooks, "delay", lambda *a: calls.append(("drain", a)))
    monkeypatch.setattr(
        tasks.process_webhook_event, "delay", lambda *a: calls.append(("process", a))
    )
    return calls


def _store(key: str, payload: dict | None = None) -> int | None:
    return webhook_store(
        provider="twilio", kind="sms.status", dedupe_key=key, payload=payload or {}
    )


@pytest.mark.needs_redis
@pytest.mark.django_db
def test_a_burst_of_callbacks_publishes_one_drain_and_the_drain_rearms_it(
    published, django_capture_on_commit_callbacks
) -> None:
    intake.kick_clear()
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
    with django_capture_on_commit_callbacks(execute=True):
        _store("d")
    assert published == [("drain", ()), ("drain", ())]
    intake.kick_clear()


@pytest.mark.django_db
def test_without_redis_each_row_gets_its_own_task(
    published, settings, django_capture_on_commit_callbacks
) -> None:
    settings.CELERY_BROKER_URL = "filesystem://"
    with django_capture_on_commit_callbacks(execute=True):
        first = _store("a")
        assert _store("a") is None  # a duplicate publishes nothing
    assert published == [("process", (first,))]

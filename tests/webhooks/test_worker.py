"""Through a real Celery worker: a stored callback is processed after commit, once."""

import datetime as dt

import pytest
from django.db import close_old_connections

from collections_app.models import OutboundMessage, WebhookEvent
from collections_app.webhooks.intake import webhook_store
from collections_app.webhooks.processing import webhooks_sweep
from tests.webhooks.conftest import ledger_outcome, post_twilio, sent_message, sid, sms_status_form
from tests.worker import celery_worker, wait_until


def _status(message_id: int) -> str:
    close_old_connections()
    return OutboundMessage.objects.get(pk=message_id).status


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_callbacks_are_processed_by_a_real_worker_exactly_once(client, settings) -> None:
    # The worker process reads the token from its environment, not from this process.
    sms = sent_message(provider_id=sid())
    with celery_worker(TWILIO_AUTH_TOKEN=settings.TWILIO_AUTH_TOKEN):
        form = sms_status_form(sms.provider_id, "delivered")
        for _ in range(3):  # Twilio retrying the same callback
            assert (
                post_twilio(client, "/webhooks/twilio/sms/status/", form, {"m": sms.pk}).status_code
                == 204
            )
        post_twilio(
            client,
            "/webhooks/twilio/sms/status/",
            sms_status_form(sms.provider_id, "sent"),
            {"m": sms.pk},
        )
        assert wait_until(
            lambda: (
                _status(sms.pk) == "delivered"
                and not WebhookEvent.objects.filter(processed_at__isnull=True).exists()
            ),
            timeout=60,
        )
    assert WebhookEvent.objects.count() == 2
    assert set(WebhookEvent.objects.values_list("attempts", flat=True)) == {1}
    assert ledger_outcome(sms) == "delivered"
    assert _status(sms.pk) == "delivered"  # the late "sent" did not move it back


@pytest.mark.django_db(transaction=True)
def test_sweeper_processes_rows_whose_task_was_lost() -> None:
    sms = sent_message(provider_id=sid())
    payload = {"form": sms_status_form(sms.provider_id, "delivered"), "query": {"m": str(sms.pk)}}
    event_id = webhook_store(
        provider="twilio", kind="sms.status", dedupe_key="lost-hint", payload=payload, enqueue=False
    )
    assert webhooks_sweep() == 0  # too young: its task may still be on the way
    WebhookEvent.objects.filter(pk=event_id).update(
        received_at=WebhookEvent.objects.get(pk=event_id).received_at - dt.timedelta(minutes=5)
    )
    assert webhooks_sweep() == 1
    assert _status(sms.pk) == "delivered"
    assert webhooks_sweep() == 0


@pytest.mark.django_db
def test_a_failing_handler_is_retried_then_left_with_its_error(settings, monkeypatch) -> None:
    from collections_app.webhooks import handlers

    def broken(event):
        raise RuntimeError("database hiccup")

    monkeypatch.setitem(handlers.HANDLERS, "sms.status", broken)
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    webhook_store(provider="twilio", kind="sms.status", dedupe_key="k", payload={}, enqueue=False)
    WebhookEvent.objects.update(
        received_at=WebhookEvent.objects.get().received_at - dt.timedelta(hours=1)
    )
    webhooks_sweep()
    webhooks_sweep()
    webhooks_sweep()
    event = WebhookEvent.objects.get()
    assert event.attempts == 2 and event.processed_at is None
    assert "database hiccup" in event.error

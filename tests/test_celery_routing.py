"""Which queue each task lands in, read back from the broker the settings point at (the
filesystem broker locally, Redis in CI)."""

from collections.abc import Iterator

import pytest
from django.conf import settings

from collections_app.tasks import dispatch_outbox, send_messages
from config.celery import app


@pytest.fixture
def queue_counts() -> Iterator:
    names = (settings.CELERY_TASK_DEFAULT_QUEUE, settings.OUTBOX_SEND_QUEUE)
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        for queue in app.amqp.queues.values():
            queue(channel).declare()
            queue(channel).purge()

        def counts() -> dict[str, int]:
            return {name: channel.queue_declare(name).message_count for name in names}

        yield counts
        for name in names:
            channel.queue_purge(name)


def test_send_batches_go_to_the_outbox_queue_and_nothing_else(queue_counts) -> None:
    send_messages.delay([])
    assert queue_counts() == {settings.CELERY_TASK_DEFAULT_QUEUE: 0, settings.OUTBOX_SEND_QUEUE: 1}


def test_the_dispatcher_stays_on_the_default_queue(queue_counts) -> None:
    dispatch_outbox.delay()
    assert queue_counts() == {settings.CELERY_TASK_DEFAULT_QUEUE: 1, settings.OUTBOX_SEND_QUEUE: 0}

"""Webhook handlers change state through services (services/, the message lifecycle, the gate),
never by writing models themselves: this reads them (AST) and fails on a write or a row lock."""

import textwrap
from pathlib import Path

from tests.structure import writes_in

HANDLERS = Path(__file__).resolve().parents[2] / "collections_app" / "webhooks" / "handlers"


def test_no_handler_writes_a_model() -> None:
    offenders = {
        path.name: found
        for path in sorted(HANDLERS.glob("*.py"))
        if (found := writes_in(path.read_text()))
    }
    assert offenders == {}


def test_the_scan_finds_each_way_of_writing() -> None:
    samples = [
        "BadContactPoint.objects.get_or_create(borrower=b)",
        "OutboundMessage.objects.filter(pk=1).update(error_code='x')",
        "attempt.save(update_fields=['outcome'])",
        "CollectionCase.objects.select_for_update().get(pk=1)",
        "message.status = 'sent'",
    ]
    assert [s for s in samples if not writes_in(textwrap.dedent(s))] == []

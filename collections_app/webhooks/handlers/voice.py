"""Keypad input during a call: what a confirmed promise, a call-back, a dispute, a "not me" or
a "yes, it's me" changes."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from collections_app.models import CaseEvent, ContactHold, OutboundMessage, WebhookEvent
from collections_app.phrases import phrase
from collections_app.services.agent_tasks import agent_task_create
from collections_app.services.consents import hold_place
from collections_app.services.events import case_event_record
from collections_app.services.payments import promise_create
from collections_app.webhooks.handlers.base import Ignored
from collections_app.webhooks.ivr import promise_due_date
from collections_app.webhooks.selectors import open_case_of

SOURCE = "borrower_keypad"


def handle_voice_gather(event: WebhookEvent) -> str:
    query = event.payload.get("query", {})
    digits = event.payload.get("form", {}).get("Digits") or ""
    step = query.get("step") or "identity"
    action = {
        ("identity", "1"): "right_party",
        ("identity", "2"): "not_them",
        ("menu", "2"): "callback",
        ("menu", "3"): "dispute",
        ("confirm", "1"): "promise",
    }
    what = action.get((step, digits))
    if what is None:
        return f"step {step}, digits {digits!r}: nothing to record"
    message = OutboundMessage.objects.select_related("borrower").filter(
        pk=int(query.get("message") or 0)
    )
    message = message.first()
    if message is None:
        raise Ignored(f"unknown message {query.get('message')!r}")
    borrower = message.borrower
    data = {"channel": "voice", "message": message.pk, "call_sid": event.payload["form"]["CallSid"]}
    with transaction.atomic():
        case = open_case_of(borrower)
        if what == "right_party":
            # Evidence that we reached the borrower (policies/reach.py): the legal proposals'
            # guard counts these.
            if case is None:
                raise Ignored(f"borrower {borrower.pk} has no open case")
            case_event_record(
                case=case,
                kind=CaseEvent.Kind.CONTACT,
                reason=phrase("The borrower confirmed who they are on the call (keypad 1)"),
                data={**data, "right_party": True},
            )
            return f"case {case.pk}: right party confirmed"
        if what == "not_them":
            # Nothing was disclosed; agents see it on the timeline (a number that keeps reaching
            # someone else may not be the borrower's).
            if case is None:
                raise Ignored(f"borrower {borrower.pk} has no open case")
            case_event_record(
                case=case,
                kind=CaseEvent.Kind.CONTACT,
                reason=phrase(
                    "Someone other than the borrower answered the call (keypad 2); "
                    "nothing about the debt was said"
                ),
                data={**data, "right_party": False},
            )
            return f"case {case.pk}: answered by someone else"
        if what == "dispute":
            hold_place(borrower=borrower, kind=ContactHold.Kind.DISPUTE, source=SOURCE)
            if case is not None:
                agent_task_create(
                    case=case, reason=phrase("Disputed the debt on the call (keypad 3)"), data=data
                )
            return f"borrower {borrower.pk}: dispute hold"
        if case is None:
            raise Ignored(f"borrower {borrower.pk} has no open case")
        if what == "callback":
            agent_task_create(
                case=case,
                reason=phrase("Asked for a call back (keypad 2)"),
                data={**data, "callback_requested": True},
            )
            return f"case {case.pk}: call-back task"
        amount = Decimal(int(query.get("amount") or 0))
        due = promise_due_date(int(query.get("days") or 0), today=event.received_at.date())
        try:
            with transaction.atomic():
                promise = promise_create(case=case, amount=amount, due_date=due)
        except ValidationError as exc:
            # Keyed in, confirmed, but not possible (paid meanwhile, case paused): an agent calls.
            agent_task_create(
                case=case,
                reason=phrase(
                    "Keypad promise of %(amount)s by %(due)s not recorded: %(why)s",
                    amount=amount,
                    due=due,
                    why="; ".join(exc.messages),
                ),
                data=data,
            )
            return f"case {case.pk}: promise refused ({'; '.join(exc.messages)})"
    return f"case {case.pk}: promise {promise.pk}"

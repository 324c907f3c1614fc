"""A borrower's text reply: consents, holds, negotiation, and the agents' inbox."""

from __future__ import annotations

from django.db import transaction

from collections_app.models import (
    CaseEvent,
    ChannelConsent,
    ContactHold,
    WebhookEvent,
)
from collections_app.phrases import phrase
from collections_app.services.agent_tasks import agent_task_create
from collections_app.services.cases import case_transition
from collections_app.services.consents import consent_opt_in, consent_opt_out, hold_place
from collections_app.services.events import case_event_record
from collections_app.states import is_allowed
from collections_app.webhooks.handlers.base import Ignored
from collections_app.webhooks.replies import Intent, classify
from collections_app.webhooks.selectors import borrower_by_phone, open_case_of, opt_out_words

SOURCE = ChannelConsent.Source.BORROWER_REPLY


def handle_sms_inbound(event: WebhookEvent) -> str:
    form = event.payload.get("form", {})
    phone, body = form.get("From") or "", form.get("Body") or ""
    borrower = borrower_by_phone(phone)
    if borrower is None:
        raise Ignored(f"no borrower with number {phone}")
    intent = classify(body, opt_out_words(borrower))
    data = {"intent": str(intent), "body": body, "message_sid": form.get("MessageSid", "")}
    with transaction.atomic():
        case = open_case_of(borrower, for_update=True)
        if intent == Intent.OPT_OUT:
            consent_opt_out(
                borrower=borrower,
                channel="sms",
                source=SOURCE,
                requested_at=event.received_at,
                note=phrase("replied %(body)r", body=body.strip()[:40]),
            )
        elif intent == Intent.OPT_IN:
            consent_opt_in(
                borrower=borrower,
                channel="sms",
                source=SOURCE,
                requested_at=event.received_at,
                note=phrase("replied %(body)r", body=body.strip()[:40]),
            )
        elif intent == Intent.DISPUTE:
            hold_place(
                borrower=borrower, kind=ContactHold.Kind.DISPUTE, source=SOURCE, note=body[:1000]
            )
        if case is None:
            return f"borrower {borrower.pk}: {intent} (no open case)"
        if intent == Intent.NEGOTIATE and is_allowed("start_negotiation", case.state):
            case_transition(
                case=case,
                name="start_negotiation",
                reason=phrase("Borrower replied: %(body)s", body=body),
            )
        if intent in (Intent.NEGOTIATE, Intent.DISPUTE, Intent.OTHER):
            agent_task_create(case=case, reason=phrase("SMS reply: %(body)s", body=body), data=data)
        else:
            # Keyword replies are answered automatically; kept on the case for the record.
            case_event_record(
                case=case,
                kind=CaseEvent.Kind.REPLY,
                reason=phrase("SMS reply: %(body)s", body=body),
                data=data,
            )
    return f"case {case.pk}: {intent}"

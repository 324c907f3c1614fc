"""The dispatcher: claims due messages, renders them, asks the compliance gate, and hands the
allowed ones to workers in batches. Denied ones are rescheduled to the gate's next allowed slot
(never sent early) or, when waiting cannot help, cancelled with the rule that stopped them."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_app.compliance.rules import (
    DISPUTE_RESPONSE,
    DISPUTE_VERIFICATION,
    VALIDATION_NOTICE,
)
from collections_app.models import CaseEvent, MessageTemplate, OutboundMessage
from collections_app.outreach.combined import loans_totals
from collections_app.outreach.gate import ContactRequest, gate_many
from collections_app.outreach.rendering import Rendered, TemplateRenderError, render_template
from collections_app.phrases import phrase
from collections_app.selectors.debt_status import messages_debt_status
from collections_app.services.events import case_event_record
from collections_app.services.messages import MessageBatch, messages_claim_due
from collections_app.services.validation_notices import (
    VALIDATION_KEY,
    validation_notice_provided,
    validation_notices_ensure,
)

logger = logging.getLogger(__name__)


@dataclass
class DispatchResult:
    allowed: list[int] = field(default_factory=list)
    rescheduled: int = 0
    cancelled: int = 0
    failed: int = 0

    @property
    def claimed(self) -> int:
        return len(self.allowed) + self.rescheduled + self.cancelled + self.failed


def _templates() -> dict[tuple[str, str, str], MessageTemplate]:
    return {
        (t.key, t.channel, t.language): t for t in MessageTemplate.objects.filter(is_active=True)
    }


def _template_for(
    templates: dict[tuple[str, str, str], MessageTemplate], message: OutboundMessage
) -> MessageTemplate:
    language = message.borrower.preferred_language
    found = templates.get((message.template_key, message.channel, language)) or templates.get(
        (message.template_key, message.channel, "en")
    )
    if found is None:
        raise TemplateRenderError(
            _("No active %(channel)s template %(key)r in %(language)s or en")
            % {"channel": message.channel, "key": message.template_key, "language": language}
        )
    return found


def required_notice_for(message: OutboundMessage) -> str:
    """Which notice the law requires a message is (compliance/rules.py NOTICE_PASSES), from its
    template; blank for any other message, or one not queued as required."""
    from collections_app.services.dispute_notices import RESPONSE_KEY, VERIFICATION_KEY

    if not message.legally_required:
        return ""
    return {
        VALIDATION_KEY: VALIDATION_NOTICE,
        VERIFICATION_KEY: DISPUTE_VERIFICATION,
        RESPONSE_KEY: DISPUTE_RESPONSE,
    }.get(message.template_key, "")


def dispatch_batch(
    *, now: dt.datetime | None = None, limit: int | None = None, ids: list[int] | None = None
) -> DispatchResult:
    """One batch: claim, render, gate, and mark each message sending / rescheduled / cancelled
    / failed, in one transaction. Returns the ids now `sending`; the caller hands them to
    workers after commit."""
    now = now or timezone.now()
    limit = limit or settings.OUTBOX_BATCH_SIZE
    result = DispatchResult()
    margin = dt.timedelta(seconds=settings.OUTBOX_CLAIM_TTL)
    with transaction.atomic():
        messages = messages_claim_due(now=now, limit=limit, ids=ids)
        if not messages:
            return result
        templates = _templates()
        moves = MessageBatch()
        rendered: dict[int, Rendered] = {}
        overshadows: dict[int, bool] = {}
        combined = loans_totals(messages)  # one message for several loans: their totals
        # Time-barred debts (no suit threats, the state's disclosure): the batch's at once.
        debts = messages_debt_status(messages, combined, timezone.localdate(now))
        for message in messages:
            try:
                template = _template_for(templates, message)
                overshadows[message.pk] = template.overshadows_validation
                rendered[message.pk] = render_template(
                    template,
                    message.case,
                    today=timezone.localdate(now),
                    message=message,
                    loans=combined.get(message.pk),
                    debt=debts.get(message.pk),
                )
            except TemplateRenderError as exc:
                moves.fail(message, code="template", detail=str(exc))
                result.failed += 1
                case_event_record(
                    case=message.case,
                    kind=CaseEvent.Kind.CONTACT,
                    reason=phrase(
                        "%(channel)s message not sent: %(why)s",
                        channel=message.channel,
                        why=message.error_message,
                    ),
                    data={"message": message.pk, "error": "template"},
                )
        validation_notices_ensure([m.case for m in messages if not m.legally_required])
        to_gate = [m for m in messages if m.pk in rendered]
        results = gate_many(
            [
                ContactRequest(
                    case=m.case,
                    channel=m.channel,
                    message=m,
                    has_opt_out_notice=rendered[m.pk].has_opt_out_notice,
                    legally_required=m.legally_required,
                    required_notice=required_notice_for(m),
                    overshadows_validation=overshadows[m.pk],
                )
                for m in to_gate
            ],
            now,
            send_margin=margin,
        )
        for message, gate in zip(to_gate, results, strict=True):
            decision = gate.decision
            if decision.allowed:
                text = rendered[message.pk]
                moves.claim(
                    message,
                    now=now,
                    to_address=gate.attempt.address,
                    subject=text.subject,
                    body=text.body,
                    html_body=text.html_body,
                )
                result.allowed.append(message.pk)
                if message.template_key == VALIDATION_KEY:
                    # Rendered dated today: its validation period counts from today.
                    for notice in message.validation_notices.all():
                        validation_notice_provided(notice, timezone.localdate(now))
            elif decision.next_allowed_at is not None:
                moves.defer(
                    message,
                    until=decision.next_allowed_at,
                    rule=decision.rule,
                    detail=decision.detail,
                )
                result.rescheduled += 1
            else:
                moves.cancel(message, rule=decision.rule, detail=decision.detail)
                result.cancelled += 1
                case_event_record(
                    case=message.case,
                    kind=CaseEvent.Kind.COMPLIANCE,
                    reason=phrase(
                        "%(channel)s message not sent: %(why)s",
                        channel=message.channel,
                        why=decision.detail,
                    ),
                    data={"message": message.pk, "rule": decision.rule},
                )
        moves.save()
    return result


def dispatch_due(
    *, now: dt.datetime | None = None, time_budget: float = 50.0, max_batches: int | None = None
) -> DispatchResult:
    """Dispatch batches until nothing is due (or the time budget is spent), handing each
    batch's allowed messages to send tasks as soon as it commits."""
    import time

    from collections_app.tasks import send_messages

    started = time.monotonic()
    total = DispatchResult()
    batches = 0
    while time.monotonic() - started < time_budget:
        batch = dispatch_batch(now=now)
        if not batch.claimed:
            break
        size = settings.OUTBOX_SEND_BATCH
        for i in range(0, len(batch.allowed), size):
            send_messages.delay(batch.allowed[i : i + size])
        total.allowed += batch.allowed
        total.rescheduled += batch.rescheduled
        total.cancelled += batch.cancelled
        total.failed += batch.failed
        batches += 1
        if max_batches is not None and batches >= max_batches:
            break
    if total.claimed:
        logger.info(
            "dispatched %d (rescheduled %d, cancelled %d, failed %d)",
            len(total.allowed),
            total.rescheduled,
            total.cancelled,
            total.failed,
        )
    return total

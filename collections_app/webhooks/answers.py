"""The immediate answers (TwiML) to a text reply and a keypad entry: reads only, no writes."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from collections_app.models import OutboundMessage
from collections_app.outreach.links import payment_url
from collections_app.outreach.voice_script import voice_script
from collections_app.webhooks import ivr
from collections_app.webhooks.replies import Intent, classify, looks_chinese, reply_text
from collections_app.webhooks.selectors import borrower_by_phone, open_case_of, opt_out_words


def inbound_reply(form: dict[str, Any]) -> str:
    """The auto-reply due for a text, or "".

    Nobody we know gets anything about an account: an unknown number is only answered HELP (with
    no account details), since a debt must never be mentioned to a third party.
    """
    body = form.get("Body") or ""
    borrower = borrower_by_phone(form.get("From") or "")
    intent = classify(body, opt_out_words(borrower))
    if borrower is None:
        language = "zh-Hans" if looks_chinese(body) else "en"
        return reply_text(intent, language) if intent == Intent.HELP else ""
    link = ""
    if intent == Intent.PAY:
        case = open_case_of(borrower)
        link = payment_url(case.loan) if case is not None else ""
    return reply_text(intent, borrower.preferred_language, link=link)


def call_context(message: OutboundMessage | None) -> ivr.CallContext:
    """What the keypad steps need to know about the call, read from its outbox row."""
    if message is None:
        return ivr.CallContext(message_id=None)
    borrower = message.borrower
    case = open_case_of(borrower)
    return ivr.CallContext(
        message_id=message.pk,
        language=borrower.preferred_language,
        currency=case.loan.currency if case else "",
        amount_overdue=case.amount_overdue if case else None,
        name=borrower.name.strip(),
        company=settings.COMPANY_NAME,
        script=voice_script(message),
    )


def gather_twiml(payload: dict[str, Any], path: str) -> str:
    form, query = payload.get("form", {}), payload.get("query", {})
    ref = query.get("message") or ""
    message = (
        OutboundMessage.objects.select_related("borrower", "case__loan").filter(pk=int(ref)).first()
        if ref
        else None
    )
    entry = ivr.Entry(
        # No step named: the first one, the right-party question (safe for anyone to hear).
        step=query.get("step") or "identity",
        digits=form.get("Digits") or "",
        amount=int(query["amount"]) if query.get("amount") else None,
        days=int(query["days"]) if query.get("days") else None,
    )
    return ivr.respond(call_context(message), entry, path)

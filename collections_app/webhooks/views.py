"""Thin views: verify who sent it, check its shape, store it (one INSERT), answer.

Every answer is decided here without writing anything but the one row: what an event means is
worked out by a worker (processing.py). Inbound texts and keypad entries are answered with TwiML
at once, from reads only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    JsonResponse,
)
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.twiml.messaging_response import MessagingResponse

from collections_app.models import Loan
from collections_app.webhooks import parsing
from collections_app.webhooks.answers import gather_twiml, inbound_reply
from collections_app.webhooks.intake import webhook_store
from collections_app.webhooks.parsing import Malformed, Parsed
from collections_app.webhooks.signatures import payments_request_valid, twilio_request_valid

logger = logging.getLogger(__name__)
TWIML = "application/xml"


def _twilio(
    request: HttpRequest, parse: Callable[..., Parsed]
) -> tuple[Parsed | None, HttpResponse | None]:
    """Verify and parse a Twilio request; (parsed, None) or (None, the 403/400 answer)."""
    if not twilio_request_valid(request):
        logger.warning("twilio webhook %s: missing or wrong signature", request.path)
        return None, HttpResponseForbidden("invalid signature")
    try:
        return parse(request.POST, request.GET), None
    except Malformed as exc:
        logger.info("twilio webhook %s: malformed: %s", request.path, exc)
        return None, HttpResponseBadRequest(str(exc))


def _store(parsed: Parsed, provider: str) -> int | None:
    return webhook_store(
        provider=provider, kind=parsed.kind, dedupe_key=parsed.dedupe_key, payload=parsed.payload
    )


def _status_view(parse: Callable) -> Callable[[HttpRequest], HttpResponse]:
    """A status callback: verify, store, 204 (the worker applies it)."""

    @csrf_exempt
    @require_POST
    def view(request: HttpRequest) -> HttpResponse:
        parsed, refused = _twilio(request, parse)
        if refused:
            return refused
        _store(parsed, "twilio")
        return HttpResponse(status=204)

    return view


sms_status = _status_view(parsing.parse_sms_status)
voice_status = _status_view(parsing.parse_voice_status)


@csrf_exempt
@require_POST
def sms_inbound(request: HttpRequest) -> HttpResponse:
    parsed, refused = _twilio(request, parsing.parse_sms_inbound)
    if refused:
        return refused
    created = _store(parsed, "twilio") is not None
    # A retried request was answered the first time: one reply per message.
    text = inbound_reply(parsed.payload["form"]) if created else ""
    response = MessagingResponse()
    if text:
        response.message(text)
    return HttpResponse(str(response), content_type=TWIML)


@csrf_exempt
@require_POST
def voice_gather(request: HttpRequest) -> HttpResponse:
    parsed, refused = _twilio(request, parsing.parse_voice_gather)
    if refused:
        return refused
    _store(parsed, "twilio")
    # The same entry twice gets the same answer; its effect happens once (the dedupe key).
    return HttpResponse(gather_twiml(parsed.payload, request.path), content_type=TWIML)


@csrf_exempt
@require_POST
def payments(request: HttpRequest) -> HttpResponse:
    body = request.body
    if not payments_request_valid(
        request.headers.get("X-Signature", ""), body, settings.PAYMENTS_WEBHOOK_SECRET
    ):
        # i18n: not for people (a log line for operators)
        logger.warning("payments webhook: missing, wrong or expired signature")
        return HttpResponseForbidden("invalid signature")
    try:
        parsed = parsing.parse_payment(body)
    except Malformed as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    if parsed.kind == "payment.received":
        # The lender's data error (a loan we were never sent, another currency) is answered 422
        # and stored nowhere: their system shows it, and a corrected event is a new request.
        loan = Loan.objects.filter(external_id=parsed.payload["loan_id"]).only("currency").first()
        if loan is None:
            logger.warning("payments webhook: unknown loan %s", parsed.payload["loan_id"])
            return JsonResponse({"error": _("unknown loan_id")}, status=422)
        if loan.currency != parsed.payload["currency"]:
            return JsonResponse(
                {"error": _("loan currency is %(currency)s") % {"currency": loan.currency}},
                status=422,
            )
    created = _store(parsed, "payments") is not None
    return JsonResponse({"status": "accepted" if created else "duplicate"}, status=200)

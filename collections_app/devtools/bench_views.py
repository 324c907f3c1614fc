"""The webhook benchmark's baseline (benchmarks/webhooks.py): the least any Twilio status
callback view must do. Mounted at /webhooks/bench/minimal/sms/status/ only when
WEBHOOK_BENCH_MINIMAL_VIEW=1; never part of the production URLs."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator


@csrf_exempt
@require_POST
def minimal_sms_status(request: HttpRequest) -> HttpResponse:
    """Parse the form, check Twilio's HMAC, one INSERT (PostgreSQL: it casts to jsonb)."""
    url = settings.PUBLIC_BASE_URL + request.get_full_path()
    signature = request.headers.get("X-Twilio-Signature", "")
    if not RequestValidator(settings.TWILIO_AUTH_TOKEN).validate(url, request.POST, signature):
        return HttpResponseForbidden()
    sid, status = request.POST.get("MessageSid", ""), request.POST.get("MessageStatus", "")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO collections_app_webhookevent "
            "(provider, kind, dedupe_key, payload, received_at, attempts, error) "
            "VALUES (%s, %s, %s, %s::jsonb, now(), 0, '') ON CONFLICT (dedupe_key) DO NOTHING",
            ["bench", "bench.minimal", f"bench:{sid}:{status}", json.dumps(request.POST.dict())],
        )
    return HttpResponse(status=204)

"""Webhook endpoints, included under /webhooks/ (paths are stable: providers are configured
with them)."""

from django.conf import settings
from django.urls import include, path

from collections_app.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("twilio/sms/status/", views.sms_status, name="twilio-sms-status"),
    path("twilio/sms/inbound/", views.sms_inbound, name="twilio-sms-inbound"),
    path("twilio/voice/status/", views.voice_status, name="twilio-voice-status"),
    path("twilio/voice/gather/", views.voice_gather, name="twilio-voice-gather"),
    path("payments/", views.payments, name="payments"),
    # django-anymail's tracking webhooks: /webhooks/anymail/<provider>/tracking/
    path("anymail/", include("anymail.urls")),
]

if settings.WEBHOOK_BENCH_MINIMAL_VIEW:
    # Only benchmarks/webhooks.py turns this on: the baseline it compares against. Imported
    # here so production never loads it.
    from collections_app.devtools.bench_views import minimal_sms_status

    urlpatterns.append(path("bench/minimal/sms/status/", minimal_sms_status, name="bench-minimal"))

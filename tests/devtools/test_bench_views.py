"""The webhook benchmark's baseline view is a dev tool: mounted only when the benchmark asks for
it, and never part of the production views."""

from __future__ import annotations

import importlib

import pytest
from django.test import RequestFactory, override_settings

from collections_app.devtools import bench_views
from collections_app.models import WebhookEvent
from collections_app.webhooks import urls as webhook_urls
from collections_app.webhooks import views as webhook_views
from tests.webhooks.conftest import AUTH_TOKEN, PUBLIC, sid, sms_status_form, twilio_signature

PATH = "/webhooks/bench/minimal/sms/status/"


def _patterns(flag: bool) -> dict[str, object]:
    """The webhook URLs as they are built with WEBHOOK_BENCH_MINIMAL_VIEW set to `flag`."""
    try:
        with override_settings(WEBHOOK_BENCH_MINIMAL_VIEW=flag):
            module = importlib.reload(webhook_urls)
        return {str(p.pattern): p.callback for p in module.urlpatterns if hasattr(p, "callback")}
    finally:
        importlib.reload(webhook_urls)


def test_the_baseline_view_is_mounted_only_for_the_benchmark_and_lives_in_devtools() -> None:
    assert "bench/minimal/sms/status/" not in _patterns(False)
    mounted = _patterns(True)["bench/minimal/sms/status/"]
    assert mounted is bench_views.minimal_sms_status
    assert not hasattr(webhook_views, "minimal_sms_status")


def _signed_request(form: dict[str, str]):
    return RequestFactory().post(PATH, form, HTTP_X_TWILIO_SIGNATURE=twilio_signature(PATH, form))


@override_settings(TWILIO_AUTH_TOKEN=AUTH_TOKEN, PUBLIC_BASE_URL=PUBLIC)
def test_the_baseline_view_refuses_a_wrong_signature() -> None:
    request = RequestFactory().post(PATH, sms_status_form(sid(), "sent"))
    assert bench_views.minimal_sms_status(request).status_code == 403


@pytest.mark.needs_postgres
@pytest.mark.django_db
@override_settings(TWILIO_AUTH_TOKEN=AUTH_TOKEN, PUBLIC_BASE_URL=PUBLIC)
def test_the_baseline_view_stores_one_row_per_signed_callback() -> None:
    form = sms_status_form(sid(), "delivered")
    assert bench_views.minimal_sms_status(_signed_request(form)).status_code == 204
    assert bench_views.minimal_sms_status(_signed_request(form)).status_code == 204
    assert WebhookEvent.objects.filter(kind="bench.minimal").count() == 1

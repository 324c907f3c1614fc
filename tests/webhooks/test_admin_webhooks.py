"""Stored webhooks in admin: read-only, for supervisors and compliance, not agents."""

import pytest

from collections_app.webhooks.intake import webhook_store
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "status"), [("supervisor", 200), ("compliance", 200), ("agent", 403)]
)
def test_webhook_events_are_visible_to_supervisors_and_compliance(client, role, status) -> None:
    webhook_store(provider="twilio", kind="sms.status", dedupe_key="sms-status:SMx:delivered",
                  payload={}, enqueue=False)  # fmt: skip
    client.force_login(make_user(f"u-{role}", role))
    response = client.get("/admin/collections_app/webhookevent/")
    assert response.status_code == status
    if status == 200:
        assert b"sms-status:SMx:delivered" in response.content
        assert b"Add webhook event" not in response.content

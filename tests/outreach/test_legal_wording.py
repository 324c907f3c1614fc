"""Legal wording ("has been referred to our partner law firm") only reaches a referred case."""

import pytest

from collections_app.models import OutboundMessage
from collections_app.outreach.dispatch import dispatch_batch
from tests.outreach.conftest import enqueue, make_case

pytestmark = pytest.mark.django_db


def test_a_legal_notice_for_a_case_not_in_legal_is_never_sent(daytime_zone) -> None:
    # given: a reminder case, and a legal template chosen for it (an agent's "Send now")
    case = make_case(daytime_zone)
    message = enqueue(case, channel="email", key="legal-day0-email", step="manual")
    # when
    result = dispatch_batch()
    # then: failed with the reason, never handed to a sender
    assert result.allowed == []
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.FAILED
    assert "legal" in message.error_message

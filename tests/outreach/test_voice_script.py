"""What a call says once the borrower is on the line: message wording, kept with the outreach
wording (not with the providers)."""

import pytest

from collections_app.outreach.voice_script import voice_script
from tests.channels.outbox import outbox_message
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_a_rendered_call_says_its_rendered_body() -> None:
    message = outbox_message(CaseFactory(), "voice", body="Hello from the template.")
    assert voice_script(message) == "Hello from the template."


def test_a_call_without_a_rendered_body_says_the_fixed_wording_in_the_borrowers_language(
    settings,
) -> None:
    settings.COMPANY_NAME = "Acme Finance"
    case = CaseFactory(loan__borrower__name="王伟", loan__borrower__preferred_language="zh-Hans")
    script = voice_script(outbox_message(case, "voice", body=""))
    assert script.startswith("王伟您好，这里是Acme Finance")
    assert "300.00USD" in script

"""What each provider error code says about the address (one list for sends and callbacks)."""

import pytest

from collections_app.channels.address_codes import (
    OPTED_OUT_CODES,
    UNUSABLE_CODES,
    Verdict,
    verdict,
)
from collections_app.channels.twilio_errors import PERMANENT_SEND_CODES


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("21610", Verdict.OPTED_OUT),
        ("21211", Verdict.UNUSABLE),
        ("21612", Verdict.UNUSABLE),
        ("21614", Verdict.UNUSABLE),
        ("30005", Verdict.UNUSABLE),  # delivery callback: unknown handset
        ("30006", Verdict.UNUSABLE),  # delivery callback: landline
        ("550", Verdict.UNUSABLE),  # SMTP hard bounce
        ("21408", Verdict.NONE),  # our account's region permission, not the number
        ("20429", Verdict.NONE),
        ("30003", Verdict.NONE),  # handset unreachable (switched off): try again later
        ("", Verdict.NONE),
    ],
)
def test_verdict(code: str, expected: Verdict) -> None:
    assert verdict(code) == expected


def test_every_twilio_send_code_that_marks_the_number_also_stops_retries() -> None:
    # 2xxxx are answers to the send request (3xxxx come later, in delivery callbacks): one that
    # marks the number unusable or opted out must not be retried with backoff meanwhile.
    marking = {int(c) for c in UNUSABLE_CODES | OPTED_OUT_CODES if c.startswith("2")}
    assert marking and marking <= PERMANENT_SEND_CODES

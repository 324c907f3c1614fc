"""Provider error codes that say something about the address itself, in one place: the send path
(channels/twilio_errors.py, outreach/results.py) and delivery callbacks
(webhooks/handlers/status.py) read the same lists. https://www.twilio.com/docs/api/errors
"""

from __future__ import annotations

from enum import StrEnum

DESCRIPTIONS = {
    "21211": "invalid 'To' phone number",
    "21408": "permission to send to this region is not enabled",
    "21610": "recipient has opted out (replied STOP)",
    "21612": "cannot route to this number",
    "21614": "'To' number is not a mobile number",
    "30005": "unknown destination handset",
    "30006": "landline or unreachable carrier",
    "550": "mailbox unavailable (hard bounce)",
    "551": "user not local (hard bounce)",
    "553": "mailbox name not allowed (hard bounce)",
}
# The recipient opted out at the carrier (replied STOP to one of our Twilio numbers).
OPTED_OUT_CODES = frozenset({"21610"})
# The address cannot take our messages: sending again will not help. (21408 is not here: it is
# our account's geographic permission, so the number is not to blame once that is fixed.)
UNUSABLE_CODES = frozenset({"21211", "21612", "21614", "30005", "30006", "550", "551", "553"})


class Verdict(StrEnum):
    NONE = ""
    OPTED_OUT = "opted_out"
    UNUSABLE = "unusable"


def verdict(code: str) -> Verdict:
    """What a provider's error code says about the address it was sent to."""
    if code in OPTED_OUT_CODES:
        return Verdict.OPTED_OUT
    if code in UNUSABLE_CODES:
        return Verdict.UNUSABLE
    return Verdict.NONE


def describe(code: str) -> str:
    return DESCRIPTIONS.get(code, "")

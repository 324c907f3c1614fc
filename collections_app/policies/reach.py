"""Whether we ever reached the borrower: the one definition legal proposals are guarded by.

Pure. Reached means the borrower could know about the debt from us: a text or an email the
provider confirmed delivered, or a call where whoever answered said they were the borrower
(the IVR's right-party question, webhooks/ivr.py). A call that rang out, went to voicemail or
was answered by someone else, a failed or bounced message, or one still pending, is not reach.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReachFacts:
    # Texts and emails confirmed delivered (contact ledger `delivered`, or message `delivered`).
    delivered_messages: int = 0
    # Calls whose right-party check passed (keypad 1 to "are you <name>?").
    right_party_calls: int = 0

    def as_reasons(self) -> dict[str, int]:
        return {
            "delivered_messages": self.delivered_messages,
            "right_party_calls": self.right_party_calls,
        }


def was_reached(facts: ReachFacts) -> bool:
    return facts.delivered_messages > 0 or facts.right_party_calls > 0

"""How each persona reacts to what the engine actually delivered to it.

`on_delivered` is called for every message that reached the borrower (a delivered text, an
answered or ringing call, a sent email) and returns the borrower's future actions. Every choice
uses the borrower's own Random, so one borrower's luck never depends on another's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from collections_app.simulation.portfolio import SimBorrower

HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Action:
    """Something a borrower (or the back office acting on its words) does at `when`.

    kind: "reply" (text `body`), "pay" (`share` of what is overdue then, or the promise),
    "promise" (an agent records a promise the borrower made on the phone or by text: `share` of
    the overdue amount, due in `days`; `keep` decides now whether it will be paid).
    """

    when: dt.datetime
    index: int
    kind: str
    body: str = ""
    share: float = 1.0
    days: int = 0
    keep: bool = True


def answers_call(sb: SimBorrower) -> str:
    """How a call to this persona ends: "human", "machine" or "no-answer"."""
    r = sb.rng.random()
    if sb.persona == "strategic":  # picks up to talk the caller down, now and then
        return "human" if r < 0.4 else ("machine" if r < 0.7 else "no-answer")
    if sb.persona in ("hardship", "disputer"):
        return "human" if r < 0.6 else "machine"
    return "human" if r < 0.3 else ("machine" if r < 0.6 else "no-answer")


def on_delivered(
    sb: SimBorrower, *, channel: str, template_key: str, at: dt.datetime, answered: bool
) -> list[Action]:
    sb.delivered += 1
    rng, p = sb.rng, sb.persona
    later = at + HOUR * rng.randrange(1, 30)
    if sb.paid_full:
        return []
    if p == "forgetful" and sb.delivered == 1:
        return [Action(later, sb.index, "pay")]
    if p == "hardship":
        if not sb.replied and channel == "sms":
            sb.replied = True
            sb.promise_pending = True
            # The reply lands in the agents' inbox; an agent calls back the next day and
            # records what the borrower can promise.
            return [
                Action(at + HOUR, sb.index, "reply", body="Lost my job, can I pay by plan?"),
                Action(
                    at + 20 * HOUR, sb.index, "promise", share=0.3, days=5, keep=rng.random() < 0.85
                ),
            ]
        if sb.replied and not sb.promise_pending and (answered or channel == "sms"):
            sb.promise_pending = True
            keep = rng.random() < 0.85
            return [Action(at + HOUR, sb.index, "promise", share=0.3, days=5, keep=keep)]
    if p == "disputer" and not sb.replied and channel == "sms":
        sb.replied = True
        return [Action(at + 2 * HOUR, sb.index, "reply", body="I dispute this, not my debt")]
    if p == "strategic":
        if template_key.startswith("legal") and not sb.legal_seen:
            sb.legal_seen = True  # legal pressure: pays in full within days
            return [Action(at + HOUR * rng.randrange(24, 72), sb.index, "pay")]
        if answered and not sb.answered_call and not sb.promise_pending:
            sb.answered_call = True  # promises on the phone, never pays it
            sb.promise_pending = True
            return [Action(at + HOUR, sb.index, "promise", share=0.5, days=3, keep=False)]
    return []

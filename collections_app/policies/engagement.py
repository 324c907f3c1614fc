"""What a promise or a plan does to the case's stage: the one rule, as a pure function.

A promise (or a plan) is the borrower engaging, so a case in reminder or escalation moves to
negotiation: unless a person put the case in its stage. A supervisor who escalated a case (or
anyone who moved it by hand) decided its stage, and an agent recording a promise must not undo
that: the promise is recorded, the stage waits for the supervisor, and the supervisor's queue
"Promise on an escalated case" shows it.
"""

from __future__ import annotations

import enum

from collections_app.states import CaseState

# The stages a borrower's engagement moves to negotiation.
STAGES_A_PROMISE_MOVES = (CaseState.REMINDER, CaseState.ESCALATION)


class StageMove(enum.Enum):
    NONE = "none"  # the stage is not one engagement changes (already negotiation, legal, ...)
    NEGOTIATE = "negotiate"  # move to negotiation
    WAIT_FOR_SUPERVISOR = "wait"  # a person set this stage: leave it, tell the supervisor


def stage_after_engagement(*, state: str, stage_set_by_person: bool) -> StageMove:
    """`stage_set_by_person`: the transition into the current stage had an actor (a person's
    move, one at a time or in bulk), not the nightly run or a webhook."""
    if state not in STAGES_A_PROMISE_MOVES:
        return StageMove.NONE
    if stage_set_by_person:
        return StageMove.WAIT_FOR_SUPERVISOR
    return StageMove.NEGOTIATE

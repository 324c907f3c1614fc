"""One case, tonight: its segment, the move its policy calls for, the outreach due (its stage's
cadence, and the broken-promise follow-up), and when we next act. Pure: the run gathers the
inputs in batches and writes the results in bulk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from collections_app.policies.promises import follow_up_steps, promise_terms
from collections_app.policies.segmentation import Segmentation, Signals, segment_case
from collections_app.policies.selection import (
    PolicySnapshot,
    assign_variant,
    choose_policy,
)
from collections_app.policies.stages import (
    CONFIRMED_BY_A_PERSON,
    Move,
    StageFacts,
    Step,
    due_steps,
    next_step_day,
    stage_move,
)
from collections_app.policies.timezones import local_slot


class PolicyBook:
    """The current policies, read once per batch; picks a case's policy and variant."""

    def __init__(self, policies: Sequence[PolicySnapshot]) -> None:
        self.policies = list(policies)
        self.challengers: dict[str, list[PolicySnapshot]] = {}
        for p in self.policies:
            if p.variant != "champion":
                self.challengers.setdefault(p.key, []).append(p)
        self._cache: dict[tuple[str, str, str | None], PolicySnapshot | None] = {}

    def champion(
        self, jurisdiction: str, product: str, segment: str | None
    ) -> PolicySnapshot | None:
        key = (jurisdiction, product, segment)
        if key not in self._cache:
            self._cache[key] = choose_policy(
                self.policies, jurisdiction=jurisdiction, product=product, segment=segment
            )
        return self._cache[key]

    def for_case(self, case_id: int, champion: PolicySnapshot) -> PolicySnapshot:
        challengers = self.challengers.get(champion.key)
        return assign_variant(case_id, champion, challengers) if challengers else champion


@dataclass(frozen=True)
class CaseInput:
    id: int
    state: str
    days_in_stage: int
    jurisdiction: str
    product: str
    zone: str  # the borrower's IANA zone (or "" to use the policy's)
    channels: tuple[str, ...]  # channels the borrower has an address on
    promise_broken_tonight: bool = False  # the run found one of its promises broken tonight
    # The borrower's standing borrower-level holds (cease communication, attorney, bankruptcy,
    # deceased): nothing automated happens to any of their cases.
    holds: tuple[str, ...] = ()


@dataclass
class Decision:
    case_id: int
    policy: PolicySnapshot
    segmentation: Segmentation
    move: Move | None = None
    # A move a person must confirm (legal): recorded as a proposal, the case stays where it is.
    proposal: Move | None = None
    facts: StageFacts | None = None  # what the stage rules saw (a proposal's reasons)
    steps: list[tuple[Step, dt.datetime]] = field(default_factory=list)
    next_action_at: dt.datetime | None = None
    held: bool = False

    @property
    def target_state(self) -> str | None:
        return self.move.target if self.move else None


def stage_policy(
    book: PolicyBook, case_id: int, jurisdiction: str, product: str, segment: str
) -> tuple[PolicySnapshot, PolicySnapshot] | None:
    """(the policy that scores the case, the policy whose stages apply to its segment), or None
    when no policy covers it."""
    base = book.champion(jurisdiction, product, None)
    if base is None:
        return None
    scoring = book.for_case(case_id, base)
    champion = book.champion(jurisdiction, product, segment) or base
    return scoring, scoring if champion.key == base.key else book.for_case(case_id, champion)


def scheduled_steps(
    policy: PolicySnapshot,
    *,
    stage: str,
    days_in_stage: int,
    segment: str,
    zone: str,
    channels: Sequence[str],
    today: dt.date,
) -> list[tuple[Step, dt.datetime]]:
    """The stage's steps due today, each at its local time in the borrower's zone."""
    zone = zone or policy.default_time_zone or "UTC"
    switch = policy.channel_switch if segment == "unreachable" else None
    return [
        (step, local_slot(today, step.at, zone))
        for step in due_steps(
            stage=stage,
            stages=policy.stages,
            days_in_stage=days_in_stage,
            segment=segment,
            channel_switch=switch,
            channels=channels,
        )
    ]


def evaluate_case(
    case: CaseInput,
    signals: Signals,
    stage_signals: Mapping[str, Any],
    book: PolicyBook,
    today: dt.date,
) -> Decision | None:
    """None when no policy covers the case (nothing is done to it)."""
    base = book.champion(case.jurisdiction, case.product, None)
    if base is None:
        return None
    scoring = book.for_case(case.id, base)
    segmentation = segment_case(signals, scoring.segmentation)
    _, policy = stage_policy(book, case.id, case.jurisdiction, case.product, segmentation.segment)
    decision = Decision(case.id, policy, segmentation)
    # The hold list belongs with the segmentation that produced the segment (a segment-scoped
    # policy may carry stages only).
    if segmentation.segment in scoring.segmentation.get("hold", ()) or case.holds:
        decision.held = True  # e.g. an open dispute: no move, no outreach, no next action
        return decision

    facts = StageFacts(
        state=case.state,
        days_in_stage=case.days_in_stage,
        days_past_due=signals.days_past_due,
        segment=segmentation.segment,
        promises_broken=stage_signals.get("promises_broken", 0),
        missed_installments=stage_signals.get("missed_installments", 0),
        days_since_contact=signals.days_since_contact,
        amount_overdue=signals.amount_overdue,
    )
    decision.facts = facts
    decision.move = stage_move(facts, policy.stages)
    if decision.move is not None and decision.move.target in CONFIRMED_BY_A_PERSON:
        # Tonight's rules may only propose it: the case stays, and its stage's cadence goes on.
        decision.proposal, decision.move = decision.move, None
    stage = decision.move.target if decision.move else case.state
    days_in_stage = 0 if decision.move else case.days_in_stage
    if days_in_stage < 0:
        return decision
    decision.steps = scheduled_steps(
        policy,
        stage=stage,
        days_in_stage=days_in_stage,
        segment=segmentation.segment,
        zone=case.zone,
        channels=case.channels,
        today=today,
    )
    zone = case.zone or policy.default_time_zone or "UTC"
    if case.promise_broken_tonight:
        # The terms of the policy that judged the promise (the one that scores the case).
        switch = policy.channel_switch if segmentation.segment == "unreachable" else None
        for step in follow_up_steps(
            terms=promise_terms(scoring.promises),
            segment=segmentation.segment,
            channel_switch=switch,
            channels=case.channels,
        ):
            decision.steps.append((step, local_slot(today, step.at, zone)))
    if decision.steps:
        decision.next_action_at = min(at for _, at in decision.steps)
    else:
        upcoming = next_step_day(
            stage=stage,
            stages=policy.stages,
            days_in_stage=days_in_stage,
            segment=segmentation.segment,
        )
        if upcoming is not None:
            day, at = upcoming
            decision.next_action_at = local_slot(
                today + dt.timedelta(days=day - days_in_stage), at, zone
            )
    return decision

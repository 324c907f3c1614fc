"""Stage rules and outreach cadence of a policy, as pure functions.

A policy's `stages` is `{state: {"entry": [rule, ...], "cadence": [step, ...]}}`.

- An entry rule `{"rule": name, "when": {condition: value}}` moves a case INTO that stage when all
  its conditions hold; for a stage in CONFIRMED_BY_A_PERSON (legal) it only proposes the move.
  The nightly run only moves cases forward (reminder → negotiation → escalation, and proposes
  legal), one stage a night, and never a case that changed stage today: so a second
  run on the same date finds nothing to do, and two rules cannot ping-pong a case.
- The transition is looked up in states.TRANSITIONS (target + allowed source): the same table the
  django-fsm decorators are generated from, so the bulk path can only make moves the FSM allows.
- A cadence step `{"day": 2, "channel": "email", "at": "10:00"}` (optional "segments": [...],
  "template": key) is due on that day of the stage, at that local time. Its template key is
  `<stage>-day<day>-<channel>` unless given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from collections_app.states import TRANSITIONS, CaseState, is_allowed

# The nightly run moves cases up this ladder only; agents move them anywhere the table allows.
STAGE_RANK = {
    CaseState.REMINDER: 0,
    CaseState.NEGOTIATION: 1,
    CaseState.ESCALATION: 2,
    CaseState.LEGAL: 3,
}


_FURTHEST_FIRST = sorted(STAGE_RANK, key=STAGE_RANK.get, reverse=True)

# Stages a rule may only propose: a person with the legal role confirms a referral (until the
# legal stage exists, nobody is referred, or told they were, on a rule alone).
CONFIRMED_BY_A_PERSON = frozenset({CaseState.LEGAL})


@dataclass(frozen=True)
class StageFacts:
    state: str
    days_in_stage: int
    days_past_due: int
    segment: str
    promises_broken: int = 0
    missed_installments: int = 0
    days_since_contact: int = 9999
    amount_overdue: float = 0.0


@dataclass(frozen=True)
class Move:
    transition: str
    target: str
    rule: str


CONDITIONS: dict[str, Callable[[StageFacts, Any], bool]] = {
    "dpd_gte": lambda f, v: f.days_past_due >= v,
    "dpd_lt": lambda f, v: f.days_past_due < v,
    "days_in_stage_gte": lambda f, v: f.days_in_stage >= v,
    "segment_in": lambda f, v: f.segment in v,
    "segment_not_in": lambda f, v: f.segment not in v,
    "broken_promises_gte": lambda f, v: f.promises_broken >= v,
    "missed_installments_gte": lambda f, v: f.missed_installments >= v,
    "days_since_contact_gte": lambda f, v: f.days_since_contact >= v,
    "amount_overdue_gte": lambda f, v: f.amount_overdue >= v,
}


@lru_cache(maxsize=64)
def transition_to(source: str, target: str) -> str | None:
    """The transition of the one table that goes from `source` to `target`, if any."""
    for name, spec in TRANSITIONS.items():
        if spec.target == target and is_allowed(name, source):
            return name
    return None


def rule_matches(when: Mapping[str, Any], facts: StageFacts) -> bool:
    return all(CONDITIONS[name](facts, value) for name, value in when.items())


def stage_move(facts: StageFacts, stages: Mapping[str, Any]) -> Move | None:
    """The move tonight's signals call for: the furthest stage whose entry rule matches."""
    rank = STAGE_RANK.get(facts.state)
    # Never on the day the case entered its stage, nor on a date before it did (a run for a
    # past date, or finished late, sees cases opened or moved since: they were not there yet).
    if rank is None or facts.days_in_stage <= 0:
        return None
    for target in _FURTHEST_FIRST:
        if STAGE_RANK[target] <= rank:
            break
        name = transition_to(facts.state, target)
        if name is None:
            continue
        for rule in stages.get(target, {}).get("entry", ()):
            if rule_matches(rule.get("when", {}), facts):
                return Move(name, target, rule["rule"])
    return None


@dataclass(frozen=True)
class Step:
    step: str  # "reminder:0:sms": the policy step, part of the outbox idempotency key
    template_key: str
    channel: str
    at: dt.time  # preferred local time
    switched_from: str = ""


@lru_cache(maxsize=256)
def _time(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


def _applies(step: Mapping[str, Any], segment: str) -> bool:
    return not step.get("segments") or segment in step["segments"]


def step_template_key(stage: str, step: Mapping[str, Any], channel: str) -> str:
    """The template a cadence step sends on `channel` (see template_key)."""
    return template_key(step, channel, f"{stage}-day{step['day']}")


def template_key(step: Mapping[str, Any], channel: str, prefix: str) -> str:
    """A step's own "template" on its own channel, else (and always on a channel it was
    switched to) `<prefix>-<channel>`."""
    if channel == step["channel"] and step.get("template"):
        return step["template"]
    return f"{prefix}-{channel}"


def due_steps(
    *,
    stage: str,
    stages: Mapping[str, Any],
    days_in_stage: int,
    segment: str,
    channel_switch: Mapping[str, str] | None = None,
    channels: Sequence[str] | None = None,
) -> list[Step]:
    """The outreach steps due today. `channel_switch` (unreachable cases) maps a channel to the
    one to use instead; `channels` limits the result to channels the borrower has an address on."""
    steps = []
    for step in stages.get(stage, {}).get("cadence", ()):
        if step["day"] != days_in_stage:
            continue
        built = build_step(
            step,
            step_id=f"{stage}:{step['day']}",
            template_prefix=f"{stage}-day{step['day']}",
            segment=segment,
            channel_switch=channel_switch,
            channels=channels,
        )
        if built is not None:
            steps.append(built)
    return steps


def build_step(
    step: Mapping[str, Any],
    *,
    step_id: str,
    template_prefix: str,
    segment: str,
    channel_switch: Mapping[str, str] | None = None,
    channels: Sequence[str] | None = None,
) -> Step | None:
    """One configured step as it goes out for this case, or None when it does not apply (another
    segment, or no address on the channel). Cadence steps and promise follow-ups share it, so a
    switched channel and its template key mean the same everywhere."""
    if not _applies(step, segment):
        return None
    channel = original = step["channel"]
    if channel_switch and channel in channel_switch:
        channel = channel_switch[channel]
    if channels is not None and channel not in channels:
        return None
    template = template_key(step, channel, template_prefix)
    return Step(
        step=f"{step_id}:{channel}",
        template_key=template,
        channel=channel,
        at=_time(step["at"]),
        switched_from=original if channel != original else "",
    )


def next_step_day(
    *, stage: str, stages: Mapping[str, Any], days_in_stage: int, segment: str
) -> tuple[int, dt.time] | None:
    """The first cadence step after today in this stage: (day, local time), or None."""
    later = [
        (step["day"], _time(step["at"]))
        for step in stages.get(stage, {}).get("cadence", ())
        if step["day"] > days_in_stage and _applies(step, segment)
    ]
    return min(later) if later else None

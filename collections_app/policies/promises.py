"""Promises to pay, kept and broken the way a collections team means it. Pure functions of the
policy's promise terms; the services gather the rows and write the results.

A policy's `promises` is `{"grace_days": 2, "kept_threshold_percent": 90, "follow_up": [step]}`.
A key it lacks reads as DEFAULTS, so a policy saved before the terms existed behaves as shipped.

- Deadline: the due date plus `grace_days` (dates in the project's time zone, the date the
  nightly run goes by).
- What counts towards a promise: payments received from the moment it was recorded up to the
  end of its deadline day. A payment received before the promise was made is already in the
  amount overdue the promise was made against; one received after the deadline is simply a
  payment. One payment is allocated once: to the open promise due first, up to what is still
  owed on it, the remainder to the next; what is left over counts for no promise.
- Kept: paid in full (as soon as the payment that completes it arrives), or, the night after the
  deadline, at least `kept_threshold_percent` of it paid. A partly kept promise is kept; the
  shortfall stays on the case (its amount overdue already counts every payment).
- Broken: the night after the deadline, with less than the threshold paid. Never on or before
  the deadline day.
- Follow-up: each `follow_up` step (`{"channel": "sms", "at": "10:00"}`, optional `segments` and
  `template`, the fields of a cadence step without `day`) is queued the night a promise is found
  broken, keyed like any step (`promise-broken:<channel>`, once per case and night), and passes
  the compliance gate at send time. Its template is `promise-broken-<channel>`.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from collections_app.policies.stages import Step, build_step

KEPT, BROKEN = "kept", "broken"  # PromiseToPay.Status values
FOLLOW_UP = "promise-broken"  # step id and template key prefix of the follow-up
CHANNELS = ("sms", "email", "voice")
MAX_GRACE_DAYS = 30  # a promise further out is a plan (the keypad refuses more than 30 days too)

DEFAULTS: dict[str, Any] = {
    "grace_days": 2,
    "kept_threshold_percent": 90,
    "follow_up": [{"channel": "sms", "at": "10:00"}],
}
_STEP_FIELDS = {"channel", "at", "segments", "template"}


@dataclass(frozen=True)
class PromiseTerms:
    grace_days: int
    kept_threshold_percent: Decimal
    follow_up: tuple[Mapping[str, Any], ...]

    def deadline(self, due_date: dt.date) -> dt.date:
        """The last day a payment counts towards a promise due on `due_date`."""
        return due_date + dt.timedelta(days=self.grace_days)


def promise_terms(raw: Mapping[str, Any] | None) -> PromiseTerms:
    """A policy's promise terms, each missing key read as the shipped default."""
    values = {**DEFAULTS, **(raw or {})}
    return PromiseTerms(
        grace_days=int(values["grace_days"]),
        kept_threshold_percent=Decimal(str(values["kept_threshold_percent"])),
        follow_up=tuple(copy.deepcopy(values["follow_up"])),
    )


def promise_outcome(
    *, amount: Decimal, paid: Decimal, due_date: dt.date, terms: PromiseTerms, today: dt.date
) -> str | None:
    """KEPT, BROKEN, or None while the promise is still open on `today`."""
    if paid >= amount:
        return KEPT
    if today <= terms.deadline(due_date):
        return None
    return KEPT if paid * 100 >= amount * terms.kept_threshold_percent else BROKEN


@dataclass(frozen=True)
class OpenPromise:
    id: int
    amount: Decimal
    paid: Decimal
    due_date: dt.date
    created_at: dt.datetime


def allocate_payment(
    *,
    amount: Decimal,
    received_at: dt.datetime,
    received_on: dt.date,
    promises: Sequence[OpenPromise],
    terms: PromiseTerms,
) -> list[tuple[int, Decimal]]:
    """(promise id, amount applied) for one payment: earliest due first, each up to what is
    still owed on it, never more than the payment. `received_on`: the payment's date in the
    project's time zone."""
    remaining = amount
    applied = []
    for promise in sorted(promises, key=lambda p: (p.due_date, p.id)):
        if remaining <= 0:
            break
        if received_at < promise.created_at or received_on > terms.deadline(promise.due_date):
            continue
        share = min(remaining, promise.amount - promise.paid)
        if share > 0:
            applied.append((promise.id, share))
            remaining -= share
    return applied


def follow_up_steps(
    *,
    terms: PromiseTerms,
    segment: str,
    channel_switch: Mapping[str, str] | None = None,
    channels: Sequence[str] | None = None,
) -> list[Step]:
    """The follow-up steps due the night a promise of this case is found broken."""
    steps = []
    for step in terms.follow_up:
        built = build_step(
            step,
            step_id=FOLLOW_UP,
            template_prefix=FOLLOW_UP,
            segment=segment,
            channel_switch=channel_switch,
            channels=channels,
        )
        if built is not None:
            steps.append(built)
    return steps


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def validate_promises(raw: object) -> list[str]:
    """Problems with a policy's promise terms, worded for the admin form; empty when usable."""
    if raw in (None, {}):
        return []
    if not isinstance(raw, Mapping):
        return [_("promises: must be an object such as %(example)s") % {"example": DEFAULTS}]
    problems = [
        _("promises: unknown key %(key)r (known: %(known)s)")
        % {"key": key, "known": ", ".join(DEFAULTS)}
        for key in raw
        if key not in DEFAULTS
    ]
    grace = raw.get("grace_days", DEFAULTS["grace_days"])
    if not isinstance(grace, int) or isinstance(grace, bool) or not 0 <= grace <= MAX_GRACE_DAYS:
        problems.append(
            _("promises: grace_days must be a whole number of days from 0 to %(max)s, not %(v)r")
            % {"max": MAX_GRACE_DAYS, "v": grace}
        )
    threshold = raw.get("kept_threshold_percent", DEFAULTS["kept_threshold_percent"])
    if not _is_number(threshold) or not 0 < threshold <= 100:
        problems.append(
            _(
                "promises: kept_threshold_percent must be a number above 0 and at most 100, "
                "not %(v)r"
            )
            % {"v": threshold}
        )
    follow_up = raw.get("follow_up", DEFAULTS["follow_up"])
    if not isinstance(follow_up, list):
        problems.append(_("promises: follow_up must be a list of steps"))
        return problems
    for i, step in enumerate(follow_up):
        problems += _validate_step(i, step)
    return problems


def _validate_step(i: int, step: object) -> list[str]:
    where = _("promises: follow_up step %(i)s") % {"i": i}
    if not isinstance(step, Mapping):
        return [_("%(where)s must be an object with channel and at") % {"where": where}]
    problems = []
    unknown = sorted(set(step) - _STEP_FIELDS)
    if unknown:
        problems.append(
            _(
                "%(where)s: unknown field(s) %(fields)s; a follow-up goes out the night the "
                "promise is found broken, so it takes channel, at, and optionally segments and "
                "template"
            )
            % {"where": where, "fields": ", ".join(unknown)}
        )
    if step.get("channel") not in CHANNELS:
        problems.append(
            _("%(where)s: channel must be one of %(channels)s, not %(v)r")
            % {"where": where, "channels": ", ".join(CHANNELS), "v": step.get("channel")}
        )
    try:
        dt.time.fromisoformat(step["at"])
    except (KeyError, TypeError, ValueError):
        problems.append(
            _("%(where)s: at must be a local time such as 10:00, not %(v)r")
            % {"where": where, "v": step.get("at")}
        )
    segments = step.get("segments", [])
    if not isinstance(segments, list) or not all(isinstance(s, str) for s in segments):
        problems.append(_("%(where)s: segments must be a list of segment names") % {"where": where})
    return problems

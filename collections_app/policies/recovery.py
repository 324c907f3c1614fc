"""Expected recovery: how much of a case's amount overdue we expect to collect, by segment.

The agent's queue orders the cases with nothing due today by `amount_overdue x likelihood`,
the likelihood read from this table by the case's segment. The shipped table is a starting
point measured on the simulator's portfolio (README, "Simulator": self-cure borrowers mostly pay,
strategic ones pay when pressed, unreachable ones rarely); a deployment sets its own in the
`RECOVERY_LIKELIHOOD` setting (a JSON object in the environment variable of the same name),
which `manage.py check` validates (check id collections.E101).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext as _

from collections_app.models.choices import Segment

DEFAULT_RECOVERY_LIKELIHOOD: dict[str, str] = {
    Segment.SELF_CURE: "0.80",
    Segment.HARDSHIP: "0.45",
    Segment.STRATEGIC: "0.35",
    Segment.UNREACHABLE: "0.10",
    Segment.DISPUTING: "0.05",
    Segment.UNSCORED: "0.50",  # not scored yet: the middle, until the nightly run scores it
}
SEGMENTS = frozenset(Segment.values)


def likelihood_problems(table: object) -> list[str]:
    """What is wrong with a likelihood table (empty: it can be used)."""
    if not isinstance(table, Mapping):
        return [_("must be an object of segment: likelihood (0 to 1)")]
    problems = []
    for segment, value in table.items():
        if segment not in SEGMENTS:
            problems.append(
                _("unknown segment %(segment)r (use %(known)s)")
                % {"segment": segment, "known": ", ".join(sorted(s or '""' for s in SEGMENTS))}
            )
            continue
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or not Decimal(0) <= number <= Decimal(1):
            problems.append(
                _("%(segment)r: %(value)r is not a likelihood between 0 and 1")
                % {"segment": segment, "value": value}
            )
    return problems


def _configured() -> object:
    table = getattr(settings, "RECOVERY_LIKELIHOOD", None)
    if isinstance(table, str):
        try:
            table = json.loads(table) if table.strip() else None
        except json.JSONDecodeError:
            return table
    return table


def recovery_likelihood() -> dict[str, Decimal]:
    """segment -> likelihood: the shipped table with the setting's entries over it."""
    table = {k: Decimal(v) for k, v in DEFAULT_RECOVERY_LIKELIHOOD.items()}
    configured = _configured()
    if configured and not likelihood_problems(configured):
        table.update({k: Decimal(str(v)) for k, v in configured.items()})
    return table


@checks.register()
def check_recovery_likelihood(**kwargs: object) -> list[checks.CheckMessage]:
    configured = _configured()
    if not configured:
        return []
    return [
        checks.Error(
            _("RECOVERY_LIKELIHOOD %(problem)s") % {"problem": problem},
            hint=_('e.g. {"self_cure": 0.8, "strategic": 0.35}'),
            id="collections.E101",
        )
        for problem in likelihood_problems(configured)
    ]

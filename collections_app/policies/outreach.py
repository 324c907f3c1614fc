"""How a policy's outreach treats a borrower with several loans: `{"per_borrower": true}` sends
ONE message when several of their cases are due the same step on the same day (it speaks for
all of them: the total per currency and the number of loans), instead of one per loan.

Off unless a policy says so. One message for several debts is a choice of wording and of law:
the shipped templates speak of one loan and carry that loan's payment link, and some notices
must be given per debt (a validation notice, a legal referral), so a supervisor turns it on in
a new version of the policy, for the stages whose templates read right for a total."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from collections_app.problems import Problem

OUTREACH_KEYS = ("per_borrower",)


def sends_per_borrower(outreach: Mapping[str, object] | None) -> bool:
    return bool(outreach) and outreach.get("per_borrower") is True


def outreach_problems(outreach: object) -> list[Problem]:
    """What is wrong with a policy's "outreach" object (empty: nothing)."""
    if outreach in (None, {}):
        return []
    if not isinstance(outreach, Mapping):
        return [Problem("outreach", _('must be an object like {"per_borrower": true}'))]
    problems = [
        Problem(
            f"outreach.{key}",
            _("unknown setting %(key)r (use %(known)s)")
            % {"key": key, "known": ", ".join(OUTREACH_KEYS)},
        )
        for key in outreach
        if key not in OUTREACH_KEYS
    ]
    if "per_borrower" in outreach and not isinstance(outreach["per_borrower"], bool):
        problems.append(Problem("outreach.per_borrower", _("must be true or false")))
    return problems

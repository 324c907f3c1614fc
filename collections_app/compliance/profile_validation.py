"""Whether a contact-rules profile says what its law allows, as one pure function:
`profile_problems`.

A profile a compliance officer edits is read by the gate at every send. A window that ends
before it starts (22:00-07:00) blocks every contact without a word; a window or a cap looser
than the law lets the gate allow what the law forbids; a malformed blackout date stops every
send. Each is a problem here, on the field it is in.

A profile is held to the limits of its regime: the law of its code's country (`US`, and custom
profiles `US-<anything>`, follow Regulation F). A profile may be stricter than its law, never
looser. A code of no known regime is checked for consistency only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from collections_app.compliance.consent_rules import TWO_PARTY_CONSENT_STATES
from collections_app.problems import Problem


@dataclass(frozen=True)
class LawLimits:
    name: str
    earliest: dt.time  # no contact may start before this local time
    latest: dt.time  # ... nor at or after this one
    # Caps the law sets: the profile's cap must be set and at most this.
    max_caps: Mapping[str, int]
    # Waiting periods the law sets: the profile's must be set and at least this.
    min_waits: Mapping[str, int]
    requires_opt_out_notice: bool
    third_party_contact_allowed: bool = False
    # Agents' calls must say they are an attempt to collect a debt.
    requires_call_disclosure: bool = False
    # Records kept at least this many years after the last collection activity.
    min_retention_years: int = 0
    # Consent (compliance/consent_rules.py): prerecorded calls to mobiles need consent; the
    # consent exceptions the law allows; regions where a recorded call must say so.
    requires_prerecorded_consent: bool = False
    frequency_exception_allowed: bool = False
    hours_exception_allowed: bool = False
    recording_disclosure_regions: frozenset[str] = frozenset()


LAW_LIMITS: dict[str, LawLimits] = {
    "US": LawLimits(
        name="Regulation F",
        earliest=dt.time(8, 0),  # 12 CFR 1006.6(b)(1)(i)
        latest=dt.time(21, 0),
        max_caps={"max_call_attempts_per_debt_7d": 7},  # 1006.14(b)(2)(i)(A)
        min_waits={"call_cooldown_after_conversation_days": 7},  # 1006.14(b)(2)(i)(B)
        requires_opt_out_notice=True,  # 1006.6(e)
        requires_call_disclosure=True,  # 15 U.S.C. 1692e(11), 12 CFR 1006.18(e)
        min_retention_years=3,  # 12 CFR 1006.100(a)
        requires_prerecorded_consent=True,  # TCPA, 47 U.S.C. 227(b)(1)(A)(iii)
        frequency_exception_allowed=True,  # 1006.14(b)(3)(i)
        hours_exception_allowed=True,  # 1006.6(b)(1): "without the prior consent of the consumer"
        # Two-party-consent states (state wiretap laws).
        recording_disclosure_regions=TWO_PARTY_CONSENT_STATES,
    ),
    "CN": LawLimits(
        name="CBA 2026 / NIFA 2024",
        earliest=dt.time(8, 0),
        latest=dt.time(22, 0),
        max_caps={"max_connected_calls_per_day": 3, "max_unanswered_calls_per_number_day": 6},
        min_waits={},
        requires_opt_out_notice=True,
        hours_exception_allowed=True,  # "unless the debtor agreed"
        recording_disclosure_regions=frozenset({"*"}),
    ),
}


def regime_of(code: str) -> str:
    """US for US and US-NY; "" for a code of no known regime."""
    country = str(code or "").split("-", 1)[0].upper()
    return country if country in LAW_LIMITS else ""


def _hhmm(value: dt.time) -> str:
    return value.strftime("%H:%M")


def _window(start: object, end: object, law: LawLimits | None) -> list[Problem]:
    if not isinstance(start, dt.time) or not isinstance(end, dt.time):
        return []  # the form field's own error says so
    if start >= end:
        return [
            Problem(
                "window_end",
                _(
                    "The contact window must end after it starts: %(start)s-%(end)s allows no "
                    "contact at all (a window cannot run past midnight)."
                )
                % {"start": _hhmm(start), "end": _hhmm(end)},
            )
        ]
    problems = []
    if law and start < law.earliest:
        problems.append(
            Problem(
                "window_start",
                _("%(law)s allows no contact before %(time)s local time.")
                % {"law": law.name, "time": _hhmm(law.earliest)},
            )
        )
    if law and end > law.latest:
        problems.append(
            Problem(
                "window_end",
                _("%(law)s allows no contact after %(time)s local time.")
                % {"law": law.name, "time": _hhmm(law.latest)},
            )
        )
    return problems


def _limits(values: Mapping[str, object], law: LawLimits) -> list[Problem]:
    problems = []
    for field, most in law.max_caps.items():
        value = values.get(field)
        if not isinstance(value, int) or value > most:
            problems.append(
                Problem(
                    field,
                    _("%(law)s allows at most %(most)s; set %(most)s or fewer.")
                    % {"law": law.name, "most": most},
                )
            )
    for field, least in law.min_waits.items():
        value = values.get(field)
        if not isinstance(value, int) or value < least:
            problems.append(
                Problem(
                    field,
                    _("%(law)s requires at least %(least)s days; set %(least)s or more.")
                    % {"law": law.name, "least": least},
                )
            )
    if law.requires_opt_out_notice and not values.get("requires_opt_out_notice"):
        problems.append(
            Problem(
                "requires_opt_out_notice",
                _("%(law)s requires an opt-out notice in every SMS and email.") % {"law": law.name},
            )
        )
    years = values.get("retention_years")
    if law.min_retention_years and isinstance(years, int) and years < law.min_retention_years:
        problems.append(
            Problem(
                "retention_years",
                _("%(law)s requires records to be kept %(least)s years; set %(least)s or more.")
                % {"law": law.name, "least": law.min_retention_years},
            )
        )
    if law.requires_call_disclosure and not values.get("requires_call_disclosure"):
        problems.append(
            Problem(
                "requires_call_disclosure",
                _("%(law)s requires calls to say they are an attempt to collect a debt.")
                % {"law": law.name},
            )
        )
    problems += _consent(values, law)
    if not law.third_party_contact_allowed and values.get("third_party_contact_allowed"):
        problems.append(
            Problem(
                "third_party_contact_allowed",
                _("%(law)s forbids telling third parties about the debt.") % {"law": law.name},
            )
        )
    return problems


def _consent(values: Mapping[str, object], law: LawLimits) -> list[Problem]:
    problems = []
    if law.requires_prerecorded_consent and not values.get("prerecorded_voice_needs_consent"):
        problems.append(
            Problem(
                "prerecorded_voice_needs_consent",
                _(
                    "%(law)s: prerecorded calls to a mobile number need the consent the lender "
                    "recorded for it."
                )
                % {"law": law.name},
            )
        )
    for field, allowed in (
        ("consent_exception_frequency", law.frequency_exception_allowed),
        ("consent_exception_hours", law.hours_exception_allowed),
    ):
        if values.get(field) and not allowed:
            problems.append(
                Problem(field, _("%(law)s allows no such exception.") % {"law": law.name})
            )
    regions = values.get("recording_disclosure_regions") or []
    if not isinstance(regions, list) or not all(isinstance(r, str) for r in regions):
        return [
            *problems,
            Problem("recording_disclosure_regions", _('must be a list of regions like ["CA"]')),
        ]
    have = {r.strip().upper() for r in regions}
    missing = sorted(law.recording_disclosure_regions - have)
    if "*" not in have and missing:
        problems.append(
            Problem(
                "recording_disclosure_regions",
                _("%(law)s requires the recording disclosure in: %(regions)s.")
                % {"law": law.name, "regions": ", ".join(missing)},
            )
        )
    return problems


def _is_date(value: object) -> bool:
    if not isinstance(value, str) or len(value) != len("2026-10-01"):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _blackout_dates(dates: object) -> list[Problem]:
    if not isinstance(dates, list):
        return [Problem("blackout_dates", _('must be a list of dates like ["2026-10-01"]'))]
    return [
        Problem(f"blackout_dates[{i}]", _("%r is not a date like 2026-10-01") % (value,))
        for i, value in enumerate(dates)
        if not _is_date(value)
    ]


def _opt_out_keywords(words: object) -> list[Problem]:
    if not isinstance(words, list):
        return [Problem("opt_out_keywords", _('must be a list of words like ["STOP"]'))]
    return [
        Problem(f"opt_out_keywords[{i}]", _("must be a word a borrower can reply"))
        for i, word in enumerate(words)
        if not isinstance(word, str) or not word.strip()
    ]


def _limitation_rules(rules: object) -> list[Problem]:
    from collections_app.compliance.limitations import EVENTS, REGION_FROM, rules_problems
    from collections_app.outreach.copy import TIME_BARRED_DISCLOSURES

    says = {
        "not_object": _('must be an object like {"years": 3, "from": ["default"]}'),
        "years": _("must be a whole number of years from 1 to 30"),
        "from": _("must be a non-empty list of: %(events)s") % {"events": ", ".join(EVENTS)},
        "region_from": _("must be one of: %(choices)s") % {"choices": ", ".join(REGION_FROM)},
        "disclosure": _("must be empty or one of: %(keys)s")
        % {"keys": ", ".join(TIME_BARRED_DISCLOSURES)},
    }
    return [
        Problem(f"limitation_rules.{path}" if path else "limitation_rules", says[what])
        for path, what in rules_problems(rules, list(TIME_BARRED_DISCLOSURES))
    ]


def profile_problems(values: Mapping[str, object]) -> list[Problem]:
    """Everything wrong with a profile's field values (as a form cleans them); empty when the
    gate can apply it as written and its regime's law allows it."""
    law = LAW_LIMITS.get(regime_of(str(values.get("code") or "")))
    problems = _window(values.get("window_start"), values.get("window_end"), law)
    if law:
        problems += _limits(values, law)
    problems += _blackout_dates(values.get("blackout_dates", []))
    problems += _opt_out_keywords(values.get("opt_out_keywords", []))
    problems += _limitation_rules(values.get("limitation_rules", {}))
    problems += _collector_role(values)
    return problems


def _collector_role(values: Mapping[str, object]) -> list[Problem]:
    # The validation notice written is Regulation F's (its prompts, its period, the CFPB's
    # address): third-party collection under another regime would send the wrong notice.
    role = values.get("collector_role") or "first_party"
    if role == "third_party" and regime_of(str(values.get("code") or "")) != "US":
        return [
            Problem(
                "collector_role",
                _(
                    "Third-party collection is written for Regulation F (the US validation "
                    "notice) only."
                ),
            )
        ]
    return []

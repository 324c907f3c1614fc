"""Statute of limitations: whether a debt is time-barred, as one pure function, `debt_status`.

The rule data lives in the jurisdiction profile (`limitation_rules`, versioned with the profile):

    {"region_from": "earliest",            # origination | borrower | earliest (of both)
     "default": {"years": 3, "from": ["default", "last_payment"], "source": "..."},
     "regions": {"CA": {"years": 4, "from": ["default"], "source": "..."}, ...},
     "disclosure": "time_barred"}          # a key of copy.TIME_BARRED_DISCLOSURES, or ""

How a date is counted, explicitly:

- The period starts at the LATEST of the events the rule lists that are known: `default` (the
  first day the loan was past due: the case's `overdue_since`), `last_payment` (the later of
  the lender's reported last payment date and the last payment recorded here), `charge_off`
  (the loan's charge-off date). A rule lists `last_payment` only where a payment restarts the
  period (CN: Civil Code art. 195(3)). An event we do not know can only make the start earlier
  than the truth, so the answer errs towards "time-barred", the borrower's side.
- The day of the event is not counted (CN Civil Code art. 201; US courts exclude the day of the
  act). The last day on which suit may be brought is the same calendar date N years later
  (29 February → 28 February); from the next day the debt is time-barred. Extensions the law
  grants (a last day on a holiday, CN art. 203; tolling, suspension) are not applied: they
  only move the date later, so ignoring them is again the borrower's side.
- No rule for the debt's state or region, or no start date at all: `unknown`. We cannot show the
  debt may still be sued on, so it is treated as time-barred for suits (no legal referral, no
  threat of suit), but no disclosure says it is time-barred.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

TIME_BARRED = "time_barred"
WITHIN = "within"
UNKNOWN = "unknown"

EVENTS = ("default", "last_payment", "charge_off")
REGION_FROM = ("origination", "borrower", "earliest")


@dataclass(frozen=True)
class DebtDates:
    """What the limitation rules read about one debt."""

    default: dt.date | None  # first day past due
    last_payment: dt.date | None
    charge_off: dt.date | None
    origination_region: str = ""
    borrower_region: str = ""


@dataclass(frozen=True)
class DebtStatus:
    status: str  # TIME_BARRED, WITHIN, UNKNOWN
    # The last day suit may be brought (None when unknown).
    last_day: dt.date | None = None
    region: str = ""
    start_event: str = ""
    start_date: dt.date | None = None
    years: int | None = None
    source: str = ""
    disclosure: str = ""  # the disclosure key, only when time-barred
    why: str = ""  # for UNKNOWN: "no_rule" or "no_date"

    @property
    def suit_forbidden(self) -> bool:
        """No legal referral and no threat of suit: time-barred, or not shown not to be."""
        return self.status != WITHIN

    def as_data(self) -> dict[str, object]:
        """For an event's data or a decision's record."""
        return {
            "limitation": self.status,
            "limitation_last_day": self.last_day.isoformat() if self.last_day else None,
            "limitation_region": self.region,
            "limitation_start": self.start_event,
            "limitation_start_date": self.start_date.isoformat() if self.start_date else None,
            "limitation_years": self.years,
            "limitation_why": self.why,
        }


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without one: the earlier day
        return day.replace(year=day.year + years, day=28)


def _one(rule: Mapping[str, object], dates: DebtDates, today: dt.date, region: str) -> DebtStatus:
    known = [
        (getattr(dates, event), event)
        for event in rule.get("from", ["default"])  # type: ignore[union-attr]
        if getattr(dates, event, None) is not None
    ]
    years = int(rule["years"])  # type: ignore[call-overload]
    source = str(rule.get("source", ""))
    if not known:
        return DebtStatus(UNKNOWN, region=region, years=years, source=source, why="no_date")
    start_date, start_event = max(known)
    last_day = add_years(start_date, years)
    return DebtStatus(
        TIME_BARRED if today > last_day else WITHIN,
        last_day=last_day,
        region=region,
        start_event=start_event,
        start_date=start_date,
        years=years,
        source=source,
    )


def _regions(rules: Mapping[str, object], dates: DebtDates) -> list[str]:
    how = rules.get("region_from", "earliest")
    origination, borrower = dates.origination_region.upper(), dates.borrower_region.upper()
    if how == "origination":
        return [origination or borrower]
    if how == "borrower":
        return [borrower or origination]
    return sorted({r for r in (origination, borrower) if r}) or [""]


def debt_status(rules: Mapping[str, object] | None, dates: DebtDates, today: dt.date) -> DebtStatus:
    """The debt's standing under `rules` (a profile's `limitation_rules`) on `today`.

    Several candidate regions (region_from "earliest"): the earliest last day wins, and any
    region without a rule makes the answer unknown."""
    if not rules:
        return DebtStatus(UNKNOWN, why="no_rule")
    regions_table: Mapping[str, Mapping[str, object]] = rules.get("regions") or {}  # type: ignore[assignment]
    default = rules.get("default")
    found: list[DebtStatus] = []
    for region in _regions(rules, dates):
        rule = regions_table.get(region) if region else None
        rule = rule or default  # type: ignore[assignment]
        if not rule:
            return DebtStatus(UNKNOWN, region=region, why="no_rule")
        found.append(_one(rule, dates, today, region))  # type: ignore[arg-type]
    unknown = [s for s in found if s.status == UNKNOWN]
    if unknown:
        return unknown[0]
    status = min(found, key=lambda s: s.last_day or dt.date.max)
    if status.status == TIME_BARRED:
        entry = regions_table.get(status.region) or {}
        key = entry.get("disclosure", rules.get("disclosure", ""))
        status = replace(status, disclosure=str(key or ""))
    return status


def rules_problems(rules: object, disclosures: Sequence[str]) -> list[tuple[str, str]]:
    """(JSON path, what is wrong) for a profile's `limitation_rules`: a profile is checked on
    save (profile_validation.py words the problems)."""
    if rules in (None, {}):
        return []
    if not isinstance(rules, dict):
        return [("", "not_object")]
    problems: list[tuple[str, str]] = []
    if rules.get("region_from", "earliest") not in REGION_FROM:
        problems.append(("region_from", "region_from"))
    if rules.get("disclosure", "") not in ("", *disclosures):
        problems.append(("disclosure", "disclosure"))
    entries: list[tuple[str, object]] = []
    if rules.get("default") is not None:
        entries.append(("default", rules["default"]))
    regions = rules.get("regions", {})
    if not isinstance(regions, dict):
        problems.append(("regions", "not_object"))
    else:
        entries += [(f"regions.{code}", entry) for code, entry in regions.items()]
    for path, entry in entries:
        if not isinstance(entry, dict):
            problems.append((path, "not_object"))
            continue
        years = entry.get("years")
        if not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= 30:
            problems.append((f"{path}.years", "years"))
        events = entry.get("from", ["default"])
        if not isinstance(events, list) or not events or any(e not in EVENTS for e in events):
            problems.append((f"{path}.from", "from"))
        if entry.get("disclosure", "") not in ("", *disclosures):
            problems.append((f"{path}.disclosure", "disclosure"))
    return problems

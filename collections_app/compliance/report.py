"""The compliance report for a date range: what compliance officers and auditors ask for."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from collections_app.compliance.audit import BorrowerRules, Contact, Violation, audit
from collections_app.compliance.consent_rules import ConsentGrant
from collections_app.compliance.rules import NOT_PLACED
from collections_app.compliance.snapshot import borrower_zones, profile_from_row
from collections_app.models import (
    Borrower,
    ChannelConsent,
    ConsentException,
    ContactAttempt,
    ContactDecision,
    ContactHold,
    Dispute,
    JurisdictionProfile,
)

WEEK = dt.timedelta(days=7)
# Contacts before the range that rules looking back 7 days need to see.
LOOKBACK = dt.timedelta(days=8)
BUCKETS = ["1", "2", "3", "4", "5", "6", "7", "8+"]


@dataclass
class ComplianceReport:
    start: dt.date
    end: dt.date
    decisions_allowed: int = 0
    decisions_denied: int = 0
    denials_by_rule: dict[str, int] = field(default_factory=dict)
    contacts_per_debt_7d: dict[str, int] = field(default_factory=dict)
    calls_per_debt_7d: dict[str, int] = field(default_factory=dict)
    opt_outs: int = 0
    opt_out_latency_seconds: dict[str, float] = field(default_factory=dict)
    violations: list[Violation] = field(default_factory=list)

    def rows(self) -> list[tuple[str, str, str]]:
        """(section, key, value) rows, for the CSV export."""
        out = [
            ("range", "start", self.start.isoformat()),
            ("range", "end", self.end.isoformat()),
            ("decisions", "allowed", str(self.decisions_allowed)),
            ("decisions", "denied", str(self.decisions_denied)),
        ]
        out += [("denials_by_rule", k, str(v)) for k, v in self.denials_by_rule.items()]
        out += [("contacts_per_debt_7d", k, str(v)) for k, v in self.contacts_per_debt_7d.items()]
        out += [("calls_per_debt_7d", k, str(v)) for k, v in self.calls_per_debt_7d.items()]
        out.append(("opt_outs", "count", str(self.opt_outs)))
        out += [
            ("opt_out_latency_seconds", k, f"{v:.1f}")
            for k, v in self.opt_out_latency_seconds.items()
        ]
        out.append(("violations", "count", str(len(self.violations))))
        out += [
            (
                "violation",
                v.rule,
                f"case {v.contact.case_id} {v.contact.channel} at "
                f"{v.contact.occurred_at.isoformat()}: {v.detail}",
            )
            for v in self.violations
        ]
        return out


def _range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time(0), tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=tz),
    )


def _max_in_any_week(times: list[dt.datetime]) -> int:
    """Most contacts in any rolling 7 x 24 h window (times sorted)."""
    window: deque[dt.datetime] = deque()
    best = 0
    for t in times:
        window.append(t)
        while window[0] <= t - WEEK:
            window.popleft()
        best = max(best, len(window))
    return best


def _distribution(per_debt: dict[int, list[dt.datetime]]) -> dict[str, int]:
    counts = Counter(min(_max_in_any_week(sorted(ts)), 8) for ts in per_debt.values())
    return {bucket: counts.get(i, 0) for i, bucket in enumerate(BUCKETS, start=1)}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def compliance_report(start: dt.date, end: dt.date) -> ComplianceReport:
    since, until = _range(start, end)
    report = ComplianceReport(start=start, end=end)

    decisions = ContactDecision.objects.filter(decided_at__gte=since, decided_at__lt=until)
    by_allowed = dict(decisions.values_list("allowed").annotate(n=Count("id")))
    report.decisions_allowed = by_allowed.get(True, 0)
    report.decisions_denied = by_allowed.get(False, 0)
    report.denials_by_rule = dict(
        decisions.filter(allowed=False)
        .values_list("rule")
        .annotate(n=Count("id"))
        .order_by("-n", "rule")
    )

    rows = list(
        ContactAttempt.objects.filter(occurred_at__gte=since - LOOKBACK, occurred_at__lt=until)
        .exclude(outcome=NOT_PLACED)
        .order_by("occurred_at")
        .values_list(
            "borrower_id",
            "case_id",
            "channel",
            "address",
            "occurred_at",
            "outcome",
            "legally_required",
            "message__template_key",
        )
    )
    contacts = [Contact(*row[:-1], template_key=row[-1] or "") for row in rows]
    in_range = [c for c in contacts if c.occurred_at >= since]
    per_debt: dict[int, list[dt.datetime]] = defaultdict(list)
    calls_per_debt: dict[int, list[dt.datetime]] = defaultdict(list)
    for c in in_range:
        per_debt[c.case_id or -c.borrower_id].append(c.occurred_at)
        if c.channel == "voice":
            calls_per_debt[c.case_id or -c.borrower_id].append(c.occurred_at)
    report.contacts_per_debt_7d = _distribution(per_debt)
    report.calls_per_debt_7d = _distribution(calls_per_debt)

    opt_outs = ChannelConsent.objects.filter(
        status=ChannelConsent.Status.OPTED_OUT, recorded_at__gte=since, recorded_at__lt=until
    )
    latencies = [
        (recorded - requested).total_seconds()
        for recorded, requested in opt_outs.values_list("recorded_at", "requested_at")
        if requested is not None
    ]
    report.opt_outs = len(latencies)
    if latencies:
        report.opt_out_latency_seconds = {
            "median": statistics.median(latencies),
            "p95": _percentile(latencies, 0.95),
            "max": max(latencies),
        }

    report.violations = [
        v
        for v in audit(contacts, _borrower_rules({c.borrower_id for c in contacts}))
        if v.contact.occurred_at >= since
    ]
    return report


def _borrower_rules(borrower_ids: set[int]) -> dict[int, BorrowerRules]:
    profiles = {
        p.code: profile_from_row(p) for p in JurisdictionProfile.objects.filter(is_current=True)
    }
    rules: dict[int, BorrowerRules] = {}
    for borrower in Borrower.objects.filter(pk__in=borrower_ids):
        profile = profiles.get(borrower.jurisdiction)
        if profile is None:
            continue  # audit() flags every contact of a borrower without a profile
        rules[borrower.pk] = BorrowerRules(profile=profile, zones=borrower_zones(borrower))
    for borrower_id, channel, recorded in ChannelConsent.objects.filter(
        borrower_id__in=borrower_ids, status=ChannelConsent.Status.OPTED_OUT
    ).values_list("borrower_id", "channel", "recorded_at"):
        if borrower_id in rules:
            rules[borrower_id].opt_outs.append((channel, recorded, None))
    for borrower_id, kind, recorded, released in ContactHold.objects.filter(
        borrower_id__in=borrower_ids
    ).values_list("borrower_id", "kind", "recorded_at", "released_at"):
        if borrower_id in rules:
            rules[borrower_id].holds.append((kind, recorded, released))
    for borrower_id, case_id, recorded, verified, closed in Dispute.objects.filter(
        case__loan__borrower_id__in=borrower_ids
    ).values_list(
        "case__loan__borrower_id", "case_id", "recorded_at", "verification_sent_at", "closed_at"
    ):
        if borrower_id in rules:
            rules[borrower_id].disputes.append((case_id, recorded, verified or closed))
    for row in ConsentException.objects.filter(borrower_id__in=borrower_ids):
        if row.borrower_id in rules:
            rules[row.borrower_id].exceptions.append(
                ConsentGrant(
                    id=row.pk,
                    kind=row.kind,
                    channel=row.channel,
                    given_at=row.given_at,
                    valid_from=row.valid_from,
                    valid_until=row.valid_until,
                    method=row.method,
                    case_id=row.case_id,
                    revoked_at=row.revoked_at,
                )
            )
    return rules

"""The simulation's summary (from the engine's own records) and its chart."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.utils.translation import gettext as _

from collections_app.compliance.report import compliance_report
from collections_app.models import (
    CollectionCase,
    LegalProposal,
    OutboundMessage,
    Payment,
    PromiseToPay,
)
from collections_app.states import CaseState

if TYPE_CHECKING:
    from collections_app.simulation.runner import SimConfig, SimState


def _precision_recall(segments: dict[int, str], truth: dict[int, str]) -> dict[str, Any]:
    flagged = {c for c, s in segments.items() if s == "strategic"}
    malicious = {c for c, p in truth.items() if p == "strategic"}
    hardship = {c for c, p in truth.items() if p == "hardship"}
    hit = len(flagged & malicious)
    return {
        "flagged_strategic": len(flagged),
        "true_strategic": len(malicious),
        "precision": round(hit / len(flagged), 4) if flagged else None,
        "recall": round(hit / len(malicious), 4) if malicious else None,
        "hardship_flagged_strategic_share": (
            round(len(flagged & hardship) / len(hardship), 4) if hardship else None
        ),
    }


def build_summary(cfg: SimConfig, state: SimState, poster: Any) -> dict[str, Any]:
    case_ids = list(state.by_case_id)
    cases = CollectionCase.objects.filter(pk__in=case_ids)
    truth = {cid: sb.persona for cid, sb in state.by_case_id.items()}
    final = dict(cases.values_list("state").annotate(n=Count("id")).order_by())
    messages: dict[str, dict[str, int]] = {}
    for channel, status, n in (
        OutboundMessage.objects.filter(case_id__in=case_ids)
        .values_list("channel", "status")
        .annotate(n=Count("id"))
        .order_by("channel", "status")
    ):
        messages.setdefault(channel, {})[status] = n
    recorded: dict[str, Decimal] = {}
    for currency, amount in Payment.objects.filter(case_id__in=case_ids).values_list(
        "currency", "amount"
    ):
        recorded[currency] = recorded.get(currency, Decimal("0")) + amount
    recorded = {c: a.quantize(Decimal("0.01")) for c, a in sorted(recorded.items())}
    posted = {c: a.quantize(Decimal("0.01")) for c, a in sorted(state.posted_payments.items())}
    promises = dict(
        PromiseToPay.objects.filter(case_id__in=case_ids)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    end = cfg.start + dt.timedelta(days=cfg.days)
    report = compliance_report(cfg.start, end)
    by_persona: dict[str, Counter] = {}
    for cid, state_name, segment in cases.values_list("pk", "state", "segment"):
        by_persona.setdefault(truth[cid], Counter())[f"state:{state_name}"] += 1
        by_persona[truth[cid]][f"segment:{segment or '-'}"] += 1
    segmentation = {
        f"day_{d}": _precision_recall(segs, truth) for d, segs in state.segments_on_day.items()
    }
    return {
        "config": {
            "borrowers": cfg.borrowers,
            "days": cfg.days,
            "seed": cfg.seed,
            "start": cfg.start.isoformat(),
            "jurisdiction": cfg.jurisdiction or "CN+US",
            "mix": {k: round(v, 4) for k, v in cfg.mix.items()},
        },
        "personas": dict(sorted(Counter(truth.values()).items())),
        "cases_by_final_state": {s: final.get(s, 0) for s in CaseState.values},
        "messages_by_channel_and_status": messages,
        # Per currency: CNY and USD loans are not added up.
        "amount_recovered": {c: str(a) for c, a in recorded.items()},
        "amount_posted_by_borrowers": {c: str(a) for c, a in posted.items()},
        "payments_accepted": state.payments_accepted,
        "payments_recorded": Payment.objects.filter(case_id__in=case_ids).count(),
        "money_conserved": recorded == posted,
        "promises": {
            "made": sum(promises.values()),
            "kept": promises.get(PromiseToPay.Status.KEPT, 0),
            "broken": promises.get(PromiseToPay.Status.BROKEN, 0),
            "open": promises.get(PromiseToPay.Status.ACTIVE, 0),
        },
        # The nightly run proposes legal, the simulated legal officer approves (runner.py).
        "legal_proposals": dict(
            sorted(
                LegalProposal.objects.filter(case_id__in=case_ids)
                .values_list("status")
                .annotate(n=Count("id"))
                .order_by()
            )
        ),
        "compliance_violations": len(report.violations),
        "compliance_denials_by_rule": dict(sorted(report.denials_by_rule.items())),
        "webhooks_refused": poster.refused,
        "segmentation": segmentation,
        "by_persona": {p: dict(sorted(c.items())) for p, c in sorted(by_persona.items())},
        "cases_by_state_per_day": state.states_by_day,
    }


COLORS = {
    "reminder": "#4e79a7",
    "negotiation": "#59a14f",
    "escalation": "#f28e2b",
    "legal": "#e15759",
    "paused": "#b07aa1",
    "resolved": "#76b7b2",
    "written_off": "#9c755f",
}


def chart_svg(states_by_day: list[dict[str, int]], title: str) -> str:
    """Cases by state per day, one line per state; plain SVG, no plotting library."""
    width, height, left, right, top, bottom = 760, 380, 50, 150, 30, 40
    days = max(len(states_by_day), 2)
    peak = max([max(day.values(), default=0) for day in states_by_day] + [1])
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(i: int) -> float:
        return left + plot_w * i / (days - 1)

    def y(v: int) -> float:
        return top + plot_h * (1 - v / peak)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{left}" y="18" font-size="14">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#333"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#333"/>',
    ]
    for k in range(5):
        v = round(peak * k / 4)
        parts.append(
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v}</text>'
            f'<line x1="{left}" y1="{y(v):.1f}" x2="{left + plot_w}" y2="{y(v):.1f}" '
            'stroke="#eee"/>'
        )
    step = max(1, days // 10)
    for i in range(0, len(states_by_day), step):
        parts.append(
            f'<text x="{x(i):.1f}" y="{top + plot_h + 16}" text-anchor="middle">{i + 1}</text>'
        )
    axis = escape(_("day"))
    parts.append(
        f'<text x="{left + plot_w / 2}" y="{height - 6}" text-anchor="middle">{axis}</text>'
    )
    for n, (name, color) in enumerate(COLORS.items()):
        points = " ".join(
            f"{x(i):.1f},{y(day.get(name, 0)):.1f}" for i, day in enumerate(states_by_day)
        )
        if points:
            parts.append(
                f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{points}"/>'
            )
        ly = top + 14 + n * 18
        parts.append(
            f'<rect x="{width - right + 14}" y="{ly - 9}" width="12" height="12" '
            f'fill="{color}"/><text x="{width - right + 32}" y="{ly + 1}">{name}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"

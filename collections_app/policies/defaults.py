"""The default CN and US policies, shipped by a data migration; supervisors edit them in admin.

Template keys follow `<stage>-day<day>-<channel>`. Every key the defaults can ask for, including
the channel an unreachable borrower is switched to, is in DEFAULT_TEMPLATE_KEYS, so the template
texts (zh-Hans and en) can be shipped for exactly these. A test keeps the two in step.
"""

from __future__ import annotations

import copy
from typing import Any

# Channel an unreachable borrower is tried on instead: numbers that fail → email, bounces → SMS.
CHANNEL_SWITCH = {"sms": "email", "voice": "email", "email": "sms"}

SEGMENTATION: dict[str, Any] = {
    # Signals count contacts, replies and payments of the last 30 days.
    "lookback_days": 30,
    # First segment (in this order) whose score reaches its threshold wins.
    "priority": ["disputing", "unreachable", "strategic", "hardship", "self_cure"],
    "thresholds": {
        "disputing": 1,
        "unreachable": 3,
        "strategic": 4,
        "hardship": 3,
        "self_cure": 2,
    },
    "default": "self_cure",
    # No automated move or outreach while a dispute is open. US: 15 U.S.C. 1692g(b), collection
    # of a disputed debt stops until verification is mailed; CN: the same as a policy choice.
    "hold": ["disputing"],
    "rules": [
        {"segment": "disputing", "signal": "dispute_open", "op": ">=", "value": 1, "weight": 1},
        {"segment": "unreachable", "signal": "has_address", "op": "==", "value": 0, "weight": 3},
        {
            "segment": "unreachable",
            "signal": "failed_contacts",
            "op": ">=",
            "value": 2,
            "weight": 2,
        },
        {
            "segment": "unreachable",
            "signal": "delivered_contacts",
            "op": "==",
            "value": 0,
            "weight": 1,
        },
        {
            "segment": "strategic",
            "signal": "delivered_unanswered",
            "op": ">=",
            "value": 3,
            "weight": 2,
        },
        {"segment": "strategic", "signal": "promises_broken", "op": ">=", "value": 1, "weight": 2},
        {"segment": "strategic", "signal": "income_high", "op": "==", "value": 1, "weight": 1},
        {
            "segment": "strategic",
            "signal": "other_loans_current",
            "op": "==",
            "value": 1,
            "weight": 2,
        },
        {"segment": "hardship", "signal": "replies", "op": ">=", "value": 1, "weight": 1},
        {"segment": "hardship", "signal": "partial_payments", "op": ">=", "value": 1, "weight": 2},
        {"segment": "hardship", "signal": "income_low", "op": "==", "value": 1, "weight": 1},
        {
            "segment": "hardship",
            "signal": "missed_installments",
            "op": ">=",
            "value": 1,
            "weight": 1,
        },
        # Measured with `manage.py simulate` (README, "Simulator"). Ignoring five or more
        # delivered contacts, or three weeks past due on top of three ignored ones, is strategic
        # whatever the lender's data says (day-30 recall 0.84 without these). Paying in part or
        # keeping a promise or replying is not stonewalling (hardship borrowers with a broken
        # promise); a failed contact means we may not be reaching the borrower at all.
        {
            "segment": "strategic",
            "signal": "delivered_unanswered",
            "op": ">=",
            "value": 5,
            "weight": 2,
        },
        {
            "segment": "strategic",
            "signal": "partial_payments",
            "op": ">=",
            "value": 1,
            "weight": -2,
        },
        {"segment": "strategic", "signal": "promises_kept", "op": ">=", "value": 1, "weight": -4},
        {"segment": "strategic", "signal": "days_past_due", "op": ">=", "value": 21, "weight": 2},
        {"segment": "strategic", "signal": "failed_contacts", "op": ">=", "value": 1, "weight": -4},
        # What the borrower has shown, whenever: the 30-day window forgot a hardship borrower's
        # reply and an unreachable borrower's bounced number by day 60, and both looked
        # strategic again (README, "Simulator").
        {"segment": "strategic", "signal": "replied_ever", "op": ">=", "value": 1, "weight": -2},
        {
            "segment": "strategic",
            "signal": "bad_contact_point",
            "op": "==",
            "value": 1,
            "weight": -4,
        },
        {
            "segment": "unreachable",
            "signal": "bad_contact_point",
            "op": "==",
            "value": 1,
            "weight": 2,
        },
        {"segment": "self_cure", "signal": "days_past_due", "op": "<=", "value": 7, "weight": 1},
        {"segment": "self_cure", "signal": "promises_kept", "op": ">=", "value": 1, "weight": 1},
        {"segment": "self_cure", "signal": "promises_broken", "op": "==", "value": 0, "weight": 1},
    ],
}


def _stages(*, legal_min_amount: int, morning: str, afternoon: str) -> dict[str, Any]:
    return {
        "reminder": {
            "entry": [],
            "cadence": [
                {"day": 0, "channel": "sms", "at": morning},
                {"day": 2, "channel": "email", "at": morning},
                {"day": 5, "channel": "voice", "at": afternoon},
            ],
        },
        "negotiation": {
            # Hardship cases are offered a plan: the negotiation day-0 SMS is the plan offer.
            "entry": [{"rule": "hardship-offer-plan", "when": {"segment_in": ["hardship"]}}],
            "cadence": [
                {"day": 0, "channel": "sms", "at": morning},
                {"day": 3, "channel": "email", "at": morning},
            ],
        },
        "escalation": {
            "entry": [
                {"rule": "broken-promise", "when": {"broken_promises_gte": 1}},
                {"rule": "plan-missed-installment", "when": {"missed_installments_gte": 1}},
                # Able but unwilling: escalate at 10 days instead of 30.
                {"rule": "strategic-early", "when": {"segment_in": ["strategic"], "dpd_gte": 10}},
                {"rule": "dpd-30", "when": {"dpd_gte": 30, "segment_not_in": ["hardship"]}},
                {"rule": "hardship-dpd-60", "when": {"dpd_gte": 60}},
            ],
            "cadence": [
                # Day 0: a call and an email that states the consequences.
                {"day": 0, "channel": "voice", "at": afternoon},
                {"day": 0, "channel": "email", "at": morning},
                {"day": 7, "channel": "sms", "at": morning},
            ],
        },
        "legal": {
            "entry": [
                {
                    "rule": "strategic-dpd-60",
                    "when": {
                        "segment_in": ["strategic"],
                        "dpd_gte": 60,
                        "days_in_stage_gte": 7,
                        "amount_overdue_gte": legal_min_amount,
                    },
                },
                {
                    "rule": "dpd-90-no-contact",
                    "when": {
                        "dpd_gte": 90,
                        "days_in_stage_gte": 14,
                        "days_since_contact_gte": 30,
                        "amount_overdue_gte": legal_min_amount,
                    },
                },
            ],
            # Notice that the case is referred to a law firm.
            "cadence": [{"day": 0, "channel": "email", "at": morning}],
        },
    }


DEFAULT_POLICIES: list[dict[str, Any]] = [
    {
        "key": "us-default",
        "name": "United States, default",
        "jurisdiction": "US",
        "segmentation": SEGMENTATION,
        # Legal referral only above what a small-claims filing costs to pursue (policy choice).
        "stages": _stages(legal_min_amount=500, morning="10:00", afternoon="14:00"),
        "channel_switch": CHANNEL_SWITCH,
        "default_time_zone": "America/New_York",
    },
    {
        "key": "cn-default",
        "name": "中国 默认 / China, default",
        "jurisdiction": "CN",
        "segmentation": SEGMENTATION,
        "stages": _stages(legal_min_amount=3000, morning="10:00", afternoon="15:00"),
        "channel_switch": CHANNEL_SWITCH,
        "default_time_zone": "Asia/Shanghai",
    },
]

DEFAULT_TEMPLATE_KEYS: tuple[str, ...] = (
    "reminder-day0-sms",
    "reminder-day0-email",
    "reminder-day2-email",
    "reminder-day2-sms",
    "reminder-day5-voice",
    "reminder-day5-email",
    "negotiation-day0-sms",
    "negotiation-day0-email",
    "negotiation-day3-email",
    "negotiation-day3-sms",
    "escalation-day0-voice",
    "escalation-day0-email",
    "escalation-day0-sms",
    "escalation-day7-sms",
    "escalation-day7-email",
    "legal-day0-email",
    "legal-day0-sms",
)


def install_default_policies(apps: Any, schema_editor: object = None) -> None:
    """Create the default policies that are missing (data migration, and tests after a flush)."""
    policy_model = apps.get_model("collections_app", "CollectionPolicy")
    for spec in DEFAULT_POLICIES:
        if policy_model.objects.filter(key=spec["key"]).exists():
            continue
        policy_model.objects.create(
            **copy.deepcopy(spec), change_note="Shipped default", is_current=True
        )

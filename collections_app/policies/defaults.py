"""The default CN and US policies; supervisors edit them in admin. Migration 0002 ships a frozen
copy (a test keeps it equal to these), and tests that flush the database install these.

Template keys follow `<stage>-day<day>-<channel>`, and `promise-broken-<channel>` for the
broken-promise follow-up. Every key the defaults can ask for, including the channel an
unreachable borrower is switched to, is in DEFAULT_TEMPLATE_KEYS, so the template texts (zh-Hans
and en) can be shipped for exactly these. A test keeps the two in step.
"""

from __future__ import annotations

import copy
from typing import Any

from collections_app.policies.default_segmentation import SEGMENTATION as SHIPPED_SEGMENTATION
from collections_app.policies.promises import DEFAULTS as PROMISE_DEFAULTS

# Channel an unreachable borrower is tried on instead: numbers that fail → email, bounces → SMS.
CHANNEL_SWITCH = {"sms": "email", "voice": "email", "email": "sms"}

# policies/default_segmentation.py, where each rule says why.
SEGMENTATION: dict[str, Any] = copy.deepcopy(SHIPPED_SEGMENTATION)

# Two days' grace and 90 % paid by then is a kept promise: a payment a day late, or a few units
# short, is a borrower who kept their word, not one to escalate (policy choice). A broken promise
# gets one SMS the night it is found broken (an email for a borrower we cannot reach by SMS).
PROMISES: dict[str, Any] = copy.deepcopy(PROMISE_DEFAULTS)


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
        "promises": PROMISES,
    },
    {
        "key": "cn-default",
        "name": "中国 默认 / China, default",
        "jurisdiction": "CN",
        "segmentation": SEGMENTATION,
        "stages": _stages(legal_min_amount=3000, morning="10:00", afternoon="15:00"),
        "channel_switch": CHANNEL_SWITCH,
        "default_time_zone": "Asia/Shanghai",
        "promises": PROMISES,
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
    "promise-broken-sms",
    "promise-broken-email",
)


def install_default_policies(apps: Any, schema_editor: object = None) -> None:
    """Create the default policies that are missing (tests after a flush of the database)."""
    policy_model = apps.get_model("collections_app", "CollectionPolicy")
    for spec in DEFAULT_POLICIES:
        if policy_model.objects.filter(key=spec["key"]).exists():
            continue
        policy_model.objects.create(
            **copy.deepcopy(spec), change_note="Shipped default", is_current=True
        )

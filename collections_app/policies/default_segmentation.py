"""The default segmentation the default policies ship with (migration 0002 holds the same
literal, frozen). Each rule says why it is there; how the weights were measured is in the README
("Simulator"). A change here changes what new policies start from: ship it to installed
databases with a new data migration that carries its own literal."""

from typing import Any

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

"""Every stage rule of the default policies, the cadence, and the template keys it asks for."""

import datetime as dt
from dataclasses import replace

import pytest

from collections_app.policies.defaults import DEFAULT_POLICIES, DEFAULT_TEMPLATE_KEYS
from collections_app.policies.promises import follow_up_steps, promise_terms
from collections_app.policies.stages import StageFacts, due_steps, next_step_day, stage_move
from collections_app.policies.validation import policy_problems

US = DEFAULT_POLICIES[0]["stages"]
CN = DEFAULT_POLICIES[1]["stages"]
# In reminder for a week, 5 days past due, scored self-cure, nothing else: no rule fires.
CALM = StageFacts(state="reminder", days_in_stage=7, days_past_due=5, segment="self_cure")


@pytest.mark.parametrize(
    ("facts", "transition", "rule"),
    [
        ({"segment": "hardship"}, "start_negotiation", "hardship-offer-plan"),
        ({"promises_broken": 1}, "escalate", "broken-promise"),
        ({"state": "negotiation", "promises_broken": 1}, "escalate", "broken-promise"),
        (
            {"state": "negotiation", "missed_installments": 1},
            "escalate",
            "plan-missed-installment",
        ),
        ({"segment": "strategic", "days_past_due": 10}, "escalate", "strategic-early"),
        ({"days_past_due": 30}, "escalate", "dpd-30"),
        ({"state": "negotiation", "days_past_due": 30}, "escalate", "dpd-30"),
        (
            {"state": "negotiation", "segment": "hardship", "days_past_due": 60},
            "escalate",
            "hardship-dpd-60",
        ),
        (
            {
                "state": "escalation",
                "segment": "strategic",
                "days_past_due": 60,
                "amount_overdue": 500,
            },
            "refer_to_legal",
            "strategic-dpd-60",
        ),
        (
            {
                "state": "escalation",
                "days_in_stage": 14,
                "days_past_due": 90,
                "days_since_contact": 30,
                "amount_overdue": 500,
            },
            "refer_to_legal",
            "dpd-90-no-contact",
        ),
    ],
)
def test_each_entry_rule_moves_the_case(facts, transition, rule) -> None:
    move = stage_move(replace(CALM, **facts), US)
    assert (move.transition, move.rule) == (transition, rule)


@pytest.mark.parametrize(
    "facts",
    [
        {},
        {"days_past_due": 29},  # one day short of dpd-30
        {"segment": "strategic", "days_past_due": 9},  # one day short of strategic-early
        {"segment": "hardship", "state": "negotiation", "days_past_due": 59},
        # legal: each condition of dpd-90-no-contact missing in turn
        {"state": "escalation", "days_in_stage": 13, "days_past_due": 90, "amount_overdue": 500},
        {"state": "escalation", "days_in_stage": 14, "days_past_due": 89, "amount_overdue": 500},
        {
            "state": "escalation",
            "days_in_stage": 14,
            "days_past_due": 90,
            "amount_overdue": 500,
            "days_since_contact": 29,
        },
        {"state": "escalation", "days_in_stage": 14, "days_past_due": 90, "amount_overdue": 499},
        {"state": "legal", "days_past_due": 200, "promises_broken": 3},  # nothing after legal
        {"days_in_stage": 0, "days_past_due": 45},  # entered today: never moved the same day
        # entered after the run's date (a past date run or finished later): not moved either
        {"days_in_stage": -3, "days_past_due": 45},
    ],
)
def test_no_move_when_no_rule_holds(facts) -> None:
    assert stage_move(replace(CALM, **facts), US) is None


def test_jurisdictions_differ_in_the_legal_floor() -> None:
    facts = replace(
        CALM,
        state="escalation",
        days_in_stage=20,
        days_past_due=95,
        days_since_contact=40,
        amount_overdue=1000,
    )
    assert stage_move(facts, US).transition == "refer_to_legal"
    assert stage_move(facts, CN) is None  # CN refers only from 3000


def test_moves_only_forward_so_rules_cannot_ping_pong() -> None:
    # An escalated hardship case is not sent back to negotiation by the night run.
    facts = replace(CALM, state="escalation", segment="hardship", days_past_due=40)
    assert stage_move(facts, US) is None


def test_the_furthest_matching_stage_wins() -> None:
    # hardship (→ negotiation) but also a broken promise (→ escalation): escalation
    facts = replace(CALM, segment="hardship", promises_broken=1)
    assert stage_move(facts, US).target == "escalation"


@pytest.mark.parametrize(
    ("stage", "day", "expected"),
    [
        ("reminder", 0, [("reminder:0:sms", "reminder-day0-sms", "10:00")]),
        ("reminder", 1, []),
        ("reminder", 2, [("reminder:2:email", "reminder-day2-email", "10:00")]),
        ("reminder", 5, [("reminder:5:voice", "reminder-day5-voice", "14:00")]),
        (
            "escalation",
            0,
            [
                ("escalation:0:voice", "escalation-day0-voice", "14:00"),
                ("escalation:0:email", "escalation-day0-email", "10:00"),
            ],
        ),
        ("legal", 0, [("legal:0:email", "legal-day0-email", "10:00")]),
    ],
)
def test_cadence_steps_due_on_their_day(stage, day, expected) -> None:
    steps = due_steps(stage=stage, stages=US, days_in_stage=day, segment="self_cure")
    assert [(s.step, s.template_key, s.at.isoformat("minutes")) for s in steps] == expected


def test_unreachable_borrowers_are_switched_to_another_channel() -> None:
    steps = due_steps(
        stage="reminder",
        stages=US,
        days_in_stage=0,
        segment="unreachable",
        channel_switch=DEFAULT_POLICIES[0]["channel_switch"],
    )
    assert [(s.channel, s.template_key, s.switched_from) for s in steps] == [
        ("email", "reminder-day0-email", "sms")
    ]


def test_a_channel_without_an_address_is_skipped() -> None:
    steps = due_steps(
        stage="reminder", stages=US, days_in_stage=2, segment="self_cure", channels=("sms",)
    )
    assert steps == []


def test_next_step_is_the_first_later_day() -> None:
    assert next_step_day(stage="reminder", stages=US, days_in_stage=0, segment="x") == (
        2,
        dt.time(10),
    )
    assert next_step_day(stage="legal", stages=US, days_in_stage=0, segment="x") is None


def _every_template_key(stages, switch) -> set[str]:
    keys = set()
    for stage, config in stages.items():
        for step in config["cadence"]:
            for channel_switch in (None, switch):
                keys |= {
                    s.template_key
                    for s in due_steps(
                        stage=stage,
                        stages=stages,
                        days_in_stage=step["day"],
                        segment="any",
                        channel_switch=channel_switch,
                    )
                }
    return keys


def _follow_up_template_keys(promises, switch) -> set[str]:
    terms = promise_terms(promises)
    return {
        s.template_key
        for channel_switch in (None, switch)
        for s in follow_up_steps(terms=terms, segment="any", channel_switch=channel_switch)
    }


def test_default_template_keys_are_exactly_what_the_default_policies_ask_for() -> None:
    keys = set()
    shipped = {(key, key.rsplit("-", 1)[1]) for key in DEFAULT_TEMPLATE_KEYS}
    for policy in DEFAULT_POLICIES:
        keys |= _every_template_key(policy["stages"], policy["channel_switch"])
        keys |= _follow_up_template_keys(policy["promises"], policy["channel_switch"])
        problems = policy_problems(
            segmentation=policy["segmentation"],
            stages=policy["stages"],
            channel_switch=policy["channel_switch"],
            templates=shipped,
        )
        assert problems == []
    assert keys == set(DEFAULT_TEMPLATE_KEYS)

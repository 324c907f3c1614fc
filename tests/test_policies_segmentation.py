"""Behaviour segmentation with the default policy's weights: each segment, with its reasons."""

import pytest

from collections_app.policies.defaults import SEGMENTATION
from collections_app.policies.segmentation import Signals, segment_case

# A borrower who was reminded once and has said nothing yet: the baseline each row changes.
QUIET = {"days_past_due": 12, "delivered_contacts": 1, "failed_contacts": 0}


@pytest.mark.parametrize(
    ("signals", "segment", "reasons"),
    [
        (
            {"days_past_due": 3, "delivered_contacts": 1},
            "self_cure",
            ["days_past_due=3 <= 7 (+1)", "promises_broken=0 == 0 (+1)"],
        ),
        (
            {"replies": 2, "partial_payments": 1, "income_low": 1},
            "hardship",
            [
                "replies=2 >= 1 (+1)",
                "partial_payments=1 >= 1 (+2)",
                "income_low=1 == 1 (+1)",
            ],
        ),
        (
            {"delivered_contacts": 4, "delivered_unanswered": 4, "other_loans_current": 1},
            "strategic",
            [
                "delivered_unanswered=4 >= 3 (+2)",
                "other_loans_current=1 == 1 (+2)",
            ],
        ),
        (
            {"promises_broken": 1, "income_high": 1, "delivered_unanswered": 3},
            "strategic",
            [
                "delivered_unanswered=3 >= 3 (+2)",
                "promises_broken=1 >= 1 (+2)",
                "income_high=1 == 1 (+1)",
            ],
        ),
        (
            {"failed_contacts": 3, "delivered_contacts": 0},
            "unreachable",
            ["failed_contacts=3 >= 2 (+2)", "delivered_contacts=0 == 0 (+1)"],
        ),
        (
            {"has_address": 0, "delivered_contacts": 0},
            "unreachable",
            ["has_address=0 == 0 (+3)", "delivered_contacts=0 == 0 (+1)"],
        ),
        (
            # A provider refused their number long ago (out of the window): still unreachable,
            # not someone ignoring us, whatever the lender's data says.
            {
                "bad_contact_point": 1,
                "delivered_contacts": 0,
                "days_past_due": 45,
                "other_loans_current": 1,
            },
            "unreachable",
            ["delivered_contacts=0 == 0 (+1)", "bad_contact_point=1 == 1 (+2)"],
        ),
        (
            # A dispute wins over everything else: no automated pressure while it is open.
            {"dispute_open": 1, "delivered_unanswered": 5, "promises_broken": 2},
            "disputing",
            ["dispute_open=1 >= 1 (+1)"],
        ),
    ],
)
def test_each_segment_is_chosen_with_its_reasons(signals, segment, reasons) -> None:
    result = segment_case(Signals(**{**QUIET, **signals}), SEGMENTATION)
    assert result.segment == segment
    assert list(result.reasons) == reasons
    assert result.score >= result.threshold


def test_no_rule_reaching_its_threshold_falls_back_to_the_default_and_says_so() -> None:
    result = segment_case(Signals(**{**QUIET, "promises_broken": 1}), SEGMENTATION)
    assert result.segment == "self_cure"
    assert result.reasons == ("no rule reached its threshold",)


def test_thresholds_are_policy_data() -> None:
    # given: a borrower two unanswered messages short of "strategic" under the default threshold
    signals = Signals(**{**QUIET, "delivered_unanswered": 3})
    assert segment_case(signals, SEGMENTATION).segment != "strategic"
    # when: the policy lowers the threshold
    stricter = {**SEGMENTATION, "thresholds": {**SEGMENTATION["thresholds"], "strategic": 2}}
    # then: the same signals make the case strategic
    assert segment_case(signals, stricter).segment == "strategic"


def test_a_borrower_who_ever_replied_needs_more_than_silence_and_time_to_look_strategic() -> None:
    quiet_and_late = {**QUIET, "delivered_unanswered": 3, "days_past_due": 25}
    assert segment_case(Signals(**quiet_and_late), SEGMENTATION).segment == "strategic"
    replied = segment_case(Signals(**quiet_and_late, replied_ever=1), SEGMENTATION)
    assert replied.segment != "strategic"

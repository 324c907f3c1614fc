"""A policy the nightly run cannot run as written is refused, each problem with its JSON path and
a message that says what is wrong (policies/validation.py, admin and services alike)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from collections_app.models import CollectionPolicy, MessageTemplate
from collections_app.policies.defaults import DEFAULT_POLICIES, DEFAULT_TEMPLATE_KEYS
from collections_app.policies.validation import policy_problems
from collections_app.services.policies import policy_check, policy_new_version
from tests.factories import make_user
from tests.html_forms import form_data

US = DEFAULT_POLICIES[0]
SHIPPED = frozenset((key, key.rsplit("-", 1)[1]) for key in DEFAULT_TEMPLATE_KEYS)


def problems_after(change: Callable[[dict[str, Any]], object], templates=SHIPPED) -> list[str]:
    policy = copy.deepcopy({k: US[k] for k in ("segmentation", "stages", "channel_switch")})
    change(policy)
    return [str(p) for p in policy_problems(**policy, templates=templates)]


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    """A change that sets `value` at a dotted path (numbers index lists)."""

    def change(policy: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = policy
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value

    return change


def test_the_shipped_defaults_have_no_problems() -> None:
    for policy in DEFAULT_POLICIES:
        fields = {k: policy[k] for k in ("segmentation", "stages", "channel_switch")}
        assert policy_problems(**fields, templates=SHIPPED) == [], policy["key"]


BAD = [
    (
        _set("stages.reminder.cadence.0.channel", "fax"),
        "stages.reminder.cadence[0].channel: unknown channel 'fax' (use sms, voice, email)",
    ),
    (
        _set("stages.reminder.cadence.1.template", "reminder-day2-postcard"),
        "stages.reminder.cadence[1].template: no active email template 'reminder-day2-postcard' "
        "in en; add it under Message templates first",
    ),
    (
        _set("stages.reminder.cadence.0.at", "25:00"),
        "stages.reminder.cadence[0].at: must be a local time like 10:00",
    ),
    (
        _set("stages.reminder.cadence.0.at", 10),
        "stages.reminder.cadence[0].at: must be a local time like 10:00",
    ),
    (
        _set("stages.reminder.cadence.0.day", -1),
        "stages.reminder.cadence[0].day: must be a whole number of days, 0 or more",
    ),
    (
        _set("stages.reminder.cadence.0", {"day": 0, "channel": "sms"}),
        "stages.reminder.cadence[0]: a cadence step needs at",
    ),
    (
        _set("stages.reminder.cadence.0.segments", ["sleepy"]),
        "stages.reminder.cadence[0].segments[0]: unknown segment 'sleepy' (use self_cure, "
        "hardship, strategic, unreachable, disputing)",
    ),
    (
        _set("stages.limbo", {}),
        "stages.limbo: unknown stage 'limbo' (use reminder, negotiation, escalation, legal)",
    ),
    (
        _set("stages.escalation.entry.0.when", {"moon_phase": 3}),
        "stages.escalation.entry[0].when.moon_phase: unknown condition 'moon_phase' (use dpd_gte, "
        "dpd_lt, days_in_stage_gte, segment_in, segment_not_in, broken_promises_gte, "
        "missed_installments_gte, days_since_contact_gte, amount_overdue_gte)",
    ),
    (
        _set("stages.escalation.entry.0.when", {"dpd_gte": "thirty"}),
        "stages.escalation.entry[0].when.dpd_gte: must be a number",
    ),
    (
        _set("stages.negotiation.entry.0.when", {"segment_in": "hardship"}),
        "stages.negotiation.entry[0].when.segment_in: must be a list of segments (self_cure, "
        "hardship, strategic, unreachable, disputing)",
    ),
    (
        _set("stages.escalation.entry.0.rule", ""),
        "stages.escalation.entry[0].rule: an entry rule needs a name",
    ),
    (_set("stages.reminder.cadence", {}), "stages.reminder.cadence: must be a list"),
    (_set("stages", []), "stages: must be a JSON object of stages"),
    (
        _set("channel_switch", {"sms": "pigeon"}),
        "channel_switch.sms: both sides must be channels (sms, voice, email)",
    ),
    (_set("channel_switch", {"sms": "sms"}), "channel_switch.sms: switches a channel to itself"),
    (
        _set("segmentation.rules.0.signal", "shoe_size"),
        "segmentation.rules[0].signal: unknown signal 'shoe_size'",
    ),
    (
        _set("segmentation.rules.0.op", "~"),
        "segmentation.rules[0].op: unknown op '~' (use >=, >, <=, <, ==, !=)",
    ),
    (
        _set("segmentation.rules.0.weight", "heavy"),
        "segmentation.rules[0].weight: must be a number",
    ),
    (
        _set("segmentation.rules.0", {"segment": "strategic"}),
        "segmentation.rules[0]: a rule needs signal, op, value, weight",
    ),
    (
        _set("segmentation.default", "lucky"),
        "segmentation.default: unknown segment (use self_cure, hardship, strategic, unreachable, "
        "disputing)",
    ),
    (
        _set("segmentation.lookback_days", 0),
        "segmentation.lookback_days: must be a whole number of days, at least 1",
    ),
    (_set("segmentation", "strict"), "segmentation: must be a JSON object"),
]


@pytest.mark.parametrize(("change", "message"), BAD, ids=[m.split(":")[0] for _, m in BAD])
def test_each_bad_policy_is_refused_with_what_is_wrong_and_where(change, message: str) -> None:
    assert problems_after(change) == [message]


def test_a_step_unreachable_cases_are_switched_to_needs_that_channels_template() -> None:
    # given: no SMS version of the legal notice (unreachable cases get the email step by SMS)
    without = SHIPPED - {("legal-day0-sms", "sms")}
    assert problems_after(lambda p: None, templates=without) == [
        "stages.legal.cadence[0].template: no active sms template 'legal-day0-sms' in en; add it "
        "under Message templates first (unreachable cases get this step by sms: channel_switch)"
    ]
    # a step for other segments only never goes to an unreachable case: no switched template
    only_hardship = _set("stages.legal.cadence.0.segments", ["hardship"])
    assert problems_after(only_hardship, templates=without) == []


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)
KEYS = st.sampled_from(["day", "channel", "at", "segments", "template", "rule", "when"])


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    segmentation=JSON,
    stage=st.dictionaries(
        st.sampled_from(["entry", "cadence"]),
        st.lists(st.dictionaries(KEYS, JSON, max_size=5) | JSON, max_size=3),
    ),
    switch=JSON,
)
def test_any_json_gets_a_list_of_problems_never_an_exception(segmentation, stage, switch) -> None:
    problems = policy_problems(
        segmentation=segmentation,
        stages={"reminder": stage},
        channel_switch=switch,
        templates=SHIPPED,
    )
    assert all(p.path and p.message for p in problems)


# --- where policies are saved


@pytest.mark.django_db
def test_the_shipped_policies_pass_against_the_shipped_templates() -> None:
    for policy in CollectionPolicy.objects.filter(is_current=True):
        assert (
            policy_check(
                segmentation=policy.segmentation,
                stages=policy.stages,
                channel_switch=policy.channel_switch,
            )
            == []
        ), policy.key


@pytest.mark.django_db
def test_a_step_whose_template_was_deactivated_is_refused_by_the_service() -> None:
    MessageTemplate.objects.filter(key="reminder-day0-sms", language="en").update(is_active=False)
    v1 = CollectionPolicy.objects.get(key="us-default", is_current=True)
    with pytest.raises(ValidationError, match="no active sms template 'reminder-day0-sms'"):
        policy_new_version(policy=v1, changes={"name": "renamed"}, actor=None)
    assert CollectionPolicy.objects.filter(key="us-default").count() == 1


def _edit_in_admin(client, change: Callable[[dict], None]):
    client.force_login(make_user("boss", superuser=True))
    v1 = CollectionPolicy.objects.get(key="us-default", is_current=True)
    url = reverse("admin:collections_app_collectionpolicy_change", args=[v1.pk])
    data = form_data(client.get(url).content.decode(), "collectionpolicy_form")
    stages = json.loads(data["stages"])
    change(stages)
    data["stages"] = json.dumps(stages)
    return client.post(url, data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda s: s["reminder"]["cadence"][0].update(channel="fax"),
            "stages.reminder.cadence[0].channel: unknown channel &#x27;fax&#x27;",
        ),
        (
            lambda s: s["reminder"]["cadence"][0].update(template="reminder-day0-typo"),
            "stages.reminder.cadence[0].template: no active sms template "
            "&#x27;reminder-day0-typo&#x27; in en",
        ),
        (  # raised from save_model before: a 500
            lambda s: s["legal"]["entry"][0]["when"].update(moon_phase=1),
            "stages.legal.entry[0].when.moon_phase: unknown condition &#x27;moon_phase&#x27;",
        ),
    ],
)
def test_the_policy_editor_refuses_it_beside_the_field_and_saves_nothing(
    client, change, message: str
) -> None:
    response = _edit_in_admin(client, change)
    assert response.status_code == 200  # the form again, not a 500
    page = response.content.decode()
    assert message in page
    assert "field-stages" in page and "errorlist" in page
    assert CollectionPolicy.objects.filter(key="us-default").count() == 1

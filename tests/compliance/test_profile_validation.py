"""A contact-rules profile the gate could not apply as written, or looser than its law, is
refused with the field and what is wrong (compliance/profile_validation.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from collections_app.compliance.profile_validation import profile_problems
from collections_app.compliance.profiles import profile_save_new_version, profile_values
from collections_app.models import JurisdictionProfile
from tests.factories import make_user
from tests.html_forms import form_data

US = {
    "code": "US",
    "window_start": dt.time(8, 0),
    "window_end": dt.time(21, 0),
    "max_call_attempts_per_debt_7d": 7,
    "call_cooldown_after_conversation_days": 7,
    "requires_opt_out_notice": True,
    "third_party_contact_allowed": False,
    "requires_call_disclosure": True,
    "prerecorded_voice_needs_consent": True,
    "recording_disclosure_regions": ["*"],
    "opt_out_keywords": ["STOP"],
    "blackout_dates": [],
}
CN = {
    **US,
    "code": "CN",
    "window_end": dt.time(22, 0),
    "max_call_attempts_per_debt_7d": None,
    "call_cooldown_after_conversation_days": None,
    "max_connected_calls_per_day": 3,
    "max_unanswered_calls_per_number_day": 6,
}
T = dt.time


def test_the_shipped_rules_and_stricter_ones_have_no_problems() -> None:
    assert profile_problems(US) == []
    assert profile_problems(CN) == []
    stricter = {**US, "window_start": T(9, 0), "window_end": T(20, 0)}
    assert profile_problems({**stricter, "max_call_attempts_per_debt_7d": 3}) == []
    # 12 CFR 1006.100(a): three years or longer; CN's law sets no minimum period.
    assert profile_problems({**US, "retention_years": 3}) == []
    assert profile_problems({**US, "retention_years": 7}) == []
    assert profile_problems({**CN, "retention_years": 1}) == []
    # a code of no known regime: consistency only
    assert profile_problems({**US, "code": "ACME", "window_end": T(23, 0)}) == []


BAD = [
    (
        {**US, "window_start": T(22, 0), "window_end": T(7, 0)},
        "window_end: The contact window must end after it starts: 22:00-07:00 allows no contact "
        "at all (a window cannot run past midnight).",
    ),
    (
        {**US, "code": "ACME", "window_start": T(9, 0), "window_end": T(9, 0)},
        "window_end: The contact window must end after it starts: 09:00-09:00 allows no contact "
        "at all (a window cannot run past midnight).",
    ),
    (
        {**US, "window_start": T(7, 30)},
        "window_start: Regulation F allows no contact before 08:00 local time.",
    ),
    (
        {**US, "code": "US-NY", "window_end": T(21, 30)},
        "window_end: Regulation F allows no contact after 21:00 local time.",
    ),
    (
        {**CN, "window_end": T(23, 0)},
        "window_end: CBA 2026 / NIFA 2024 allows no contact after 22:00 local time.",
    ),
    (
        {**US, "max_call_attempts_per_debt_7d": 8},
        "max_call_attempts_per_debt_7d: Regulation F allows at most 7; set 7 or fewer.",
    ),
    (
        {**US, "max_call_attempts_per_debt_7d": None},
        "max_call_attempts_per_debt_7d: Regulation F allows at most 7; set 7 or fewer.",
    ),
    (
        {**US, "call_cooldown_after_conversation_days": 3},
        "call_cooldown_after_conversation_days: Regulation F requires at least 7 days; set 7 or "
        "more.",
    ),
    (
        {**CN, "max_connected_calls_per_day": 5},
        "max_connected_calls_per_day: CBA 2026 / NIFA 2024 allows at most 3; set 3 or fewer.",
    ),
    (
        {**US, "code": "US-CA", "retention_years": 2},
        "retention_years: Regulation F requires records to be kept 3 years; set 3 or more.",
    ),
    (
        {**US, "requires_opt_out_notice": False},
        "requires_opt_out_notice: Regulation F requires an opt-out notice in every SMS and email.",
    ),
    (
        {**CN, "third_party_contact_allowed": True},
        "third_party_contact_allowed: CBA 2026 / NIFA 2024 forbids telling third parties about "
        "the debt.",
    ),
    (
        {**US, "blackout_dates": ["2026-07-04", "July 4th"]},
        "blackout_dates[1]: 'July 4th' is not a date like 2026-10-01",
    ),
    (
        {**US, "blackout_dates": "2026-07-04"},
        'blackout_dates: must be a list of dates like ["2026-10-01"]',
    ),
    (
        {**US, "opt_out_keywords": ["STOP", " "]},
        "opt_out_keywords[1]: must be a word a borrower can reply",
    ),
]


@pytest.mark.parametrize(("values", "message"), BAD, ids=[m.split(":")[0] for _, m in BAD])
def test_each_bad_profile_is_refused_with_what_is_wrong(values: dict, message: str) -> None:
    assert [str(p) for p in profile_problems(values)] == [message]


@pytest.mark.django_db
def test_the_service_refuses_an_overnight_window_and_keeps_the_current_version() -> None:
    current = JurisdictionProfile.objects.get(code="US", is_current=True)
    assert profile_problems(profile_values(current)) == []
    current.window_start, current.window_end = T(22, 0), T(7, 0)
    with pytest.raises(ValidationError, match="allows no contact at all"):
        profile_save_new_version(profile=current, actor=None)
    assert JurisdictionProfile.objects.get(code="US", is_current=True).version == 1


@pytest.mark.django_db
def test_the_profile_editor_refuses_an_overnight_window_beside_the_field(client) -> None:
    client.force_login(make_user("officer", "compliance"))
    v1 = JurisdictionProfile.objects.get(code="US", is_current=True)
    url = reverse("admin:collections_app_jurisdictionprofile_change", args=[v1.pk])
    data = form_data(client.get(url).content.decode(), "jurisdictionprofile_form")
    data["window_start"], data["window_end"] = "22:00", "07:00"

    response = client.post(url, data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "22:00-07:00 allows no contact at all" in page
    assert "field-window_end" in page and "errorlist" in page
    assert JurisdictionProfile.objects.filter(code="US").count() == 1


@pytest.mark.django_db
def test_a_new_profile_under_us_law_may_not_call_at_night(client) -> None:
    client.force_login(make_user("officer", "compliance"))
    url = reverse("admin:collections_app_jurisdictionprofile_add")
    data = form_data(client.get(url).content.decode(), "jurisdictionprofile_form")
    data |= {
        "code": "US-NY",
        "name": "New York",
        "window_start": "08:00",
        "window_end": "22:00",
        "max_call_attempts_per_debt_7d": "7",
        "call_cooldown_after_conversation_days": "7",
        "opt_out_keywords": '["STOP"]',
        "blackout_dates": "[]",
        "requires_opt_out_notice": "on",
        "requires_call_disclosure": "on",
        "prerecorded_voice_needs_consent": "on",
        "recording_disclosure_regions": '["*"]',
    }
    page = client.post(url, data).content.decode()
    assert "Regulation F allows no contact after 21:00 local time." in page
    assert not JurisdictionProfile.objects.filter(code="US-NY").exists()

    data["window_end"] = "21:00"
    assert client.post(url, data).status_code == 302
    assert JurisdictionProfile.objects.get(code="US-NY").window_end == T(21, 0)


@pytest.mark.parametrize(
    ("values", "refused"),
    [
        ({**US, "collector_role": "third_party"}, False),
        ({**US, "code": "US-NY", "collector_role": "third_party"}, False),
        ({**CN, "collector_role": "third_party"}, True),
        ({**CN, "collector_role": "first_party"}, False),
    ],
)
def test_third_party_collection_only_where_its_notice_is_written(
    values: dict, refused: bool
) -> None:
    fields = {p.field for p in profile_problems(values)}
    assert ("collector_role" in fields) is refused

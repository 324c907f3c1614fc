"""Policies in admin are edited by new versions; runs show their progress read-only."""

import pytest
from django.urls import reverse

from collections_app.models import CollectionPolicy, EscalationRun
from tests.escalation_helpers import day, make_case, run_night
from tests.factories import make_user
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db


def test_saving_a_policy_in_admin_writes_a_new_version(client) -> None:
    client.force_login(make_user("boss", superuser=True))
    v1 = CollectionPolicy.objects.get(key="us-default", is_current=True)
    url = reverse("admin:collections_app_collectionpolicy_change", args=[v1.pk])
    data = form_data(client.get(url).content.decode(), "collectionpolicy_form")
    data["name"] = "United States, stricter"
    data["change_note"] = "shorter reminder stage"

    response = client.post(url, data, follow=True)

    assert response.status_code == 200
    assert "Saved as version 2" in response.content.decode()
    v1.refresh_from_db()
    assert (v1.version, v1.is_current, v1.name) == (1, False, "United States, default")
    v2 = CollectionPolicy.objects.get(key="us-default", is_current=True)
    assert (v2.version, v2.name, v2.change_note) == (
        2,
        "United States, stricter",
        data["change_note"],
    )
    assert v2.stages == v1.stages


def test_a_policy_with_an_unknown_condition_is_refused(client) -> None:
    from django.core.exceptions import ValidationError

    from collections_app.services.policies import policy_new_version

    v1 = CollectionPolicy.objects.get(key="cn-default", is_current=True)
    with pytest.raises(ValidationError, match="moon_phase"):
        policy_new_version(
            policy=v1,
            changes={"stages": {"legal": {"entry": [{"rule": "x", "when": {"moon_phase": 1}}]}}},
            actor=None,
        )
    assert CollectionPolicy.objects.filter(key="cn-default").count() == 1


def test_the_run_list_shows_progress_and_totals(client) -> None:
    client.force_login(make_user("boss", superuser=True))
    make_case(dpd=45)
    run = run_night(day(1))
    listing = client.get(reverse("admin:collections_app_escalationrun_changelist"))
    assert listing.status_code == 200
    assert "1 / 1" in listing.content.decode()
    page = client.get(reverse("admin:collections_app_escalationrun_change", args=[run.pk]))
    assert page.status_code == 200
    assert "escalate" in page.content.decode()
    assert EscalationRun.objects.get().transitions == {"escalate": 1}


@pytest.mark.parametrize(
    ("promises", "problem"),
    [
        ('{"grace_days": -1}', "grace_days must be a whole number of days from 0 to 30, not -1"),
        ('{"follow_up": [{"channel": "fax", "at": "10:00"}]}', "channel must be one of"),
        ('[{"grace_days": 2}]', "must be an object such as"),
        (
            '{"follow_up": [{"channel": "sms", "at": "10:00", "template": "no-such"}]}',
            "no active sms template &#x27;no-such&#x27; in en",
        ),
    ],
)
def test_invalid_promise_terms_are_a_form_error_and_no_new_version(client, promises, problem):
    client.force_login(make_user("boss", superuser=True))
    v1 = CollectionPolicy.objects.get(key="us-default", is_current=True)
    url = reverse("admin:collections_app_collectionpolicy_change", args=[v1.pk])
    data = form_data(client.get(url).content.decode(), "collectionpolicy_form")
    data["promises"] = promises

    response = client.post(url, data)

    assert response.status_code == 200
    assert problem in response.content.decode()
    assert CollectionPolicy.objects.filter(key="us-default").count() == 1


def test_promise_terms_are_validated_on_every_new_version() -> None:
    from django.core.exceptions import ValidationError

    from collections_app.services.policies import policy_new_version

    v1 = CollectionPolicy.objects.get(key="us-default", is_current=True)
    with pytest.raises(ValidationError, match="kept_threshold_percent"):
        policy_new_version(
            policy=v1, changes={"promises": {"kept_threshold_percent": 0}}, actor=None
        )
    assert CollectionPolicy.objects.filter(key="us-default").count() == 1

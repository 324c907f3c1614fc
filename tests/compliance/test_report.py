import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from collections_app.compliance.report import compliance_report
from collections_app.models import ContactAttempt, JurisdictionProfile
from collections_app.outreach.gate import gate_contact
from collections_app.services.consents import consent_opt_out
from tests.compliance.builders import local
from tests.factories import CaseFactory, make_user
from tests.html_forms import form_data

NY = "America/New_York"
# Report ranges are in UTC days; 22:00-23:00 in New York is already June 2nd in UTC.
START, END = dt.date(2026, 6, 1), dt.date(2026, 6, 2)


@pytest.fixture
def history(db):
    """One day of contacts: allowed calls, a denial, an opt-out, and one contact that went out
    behind the gate's back at 23:00 (what the report must catch)."""
    case = CaseFactory(loan__borrower__time_zone=NY)
    for hour in (9, 11, 13):
        assert gate_contact(case=case, channel="voice", at=local(NY, 2026, 6, 1, hour, 0)).allowed
        ContactAttempt.objects.filter(outcome="pending").update(outcome="unanswered")
    assert not gate_contact(case=case, channel="sms", at=local(NY, 2026, 6, 1, 22, 0)).allowed
    consent_opt_out(
        borrower=case.loan.borrower,
        channel="email",
        source="borrower_reply",
        requested_at=local(NY, 2026, 6, 1, 12, 0),
    )
    ContactAttempt.objects.create(
        borrower=case.loan.borrower,
        case=case,
        channel="sms",
        address=case.loan.borrower.phone,
        occurred_at=local(NY, 2026, 6, 1, 23, 0),
        outcome="delivered",
    )
    return case


def test_the_report_counts_decisions_denials_and_contacts_per_debt(history) -> None:
    report = compliance_report(START, END)
    assert (report.decisions_allowed, report.decisions_denied) == (3, 1)
    assert report.denials_by_rule == {"quiet_hours": 1}
    assert report.calls_per_debt_7d["3"] == 1
    assert report.contacts_per_debt_7d["4"] == 1  # three calls and the rogue SMS


def test_the_report_finds_the_contact_that_broke_a_rule(history) -> None:
    (violation,) = compliance_report(START, END).violations
    assert (violation.rule, violation.contact.channel) == ("quiet_hours", "sms")


def test_opt_out_latency_is_measured_from_the_request(history) -> None:
    report = compliance_report(dt.date.today() - dt.timedelta(days=1), dt.date.today())
    assert report.opt_outs == 1
    assert report.opt_out_latency_seconds["max"] > 0


def test_a_compliance_officer_downloads_the_report_as_csv(client, history) -> None:
    client.force_login(make_user("officer", "compliance"))
    url = reverse("admin:collections_app_compliance_report")
    page = client.get(url, {"start": "2026-06-01", "end": "2026-06-02"})
    assert page.status_code == 200
    assert "Violations (must be zero): 1" in page.content.decode()

    response = client.get(url, {"start": "2026-06-01", "end": "2026-06-02", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert ["decisions", "denied", "1"] in rows
    assert ["violations", "count", "1"] in rows


def test_an_agent_cannot_see_the_compliance_report(client, history) -> None:
    client.force_login(make_user("agent7", "agent"))
    assert client.get(reverse("admin:collections_app_compliance_report")).status_code == 403


def test_a_backwards_date_range_is_a_form_error_not_a_crash(client, history) -> None:
    client.force_login(make_user("officer", "compliance"))
    url = reverse("admin:collections_app_compliance_report")
    page = client.get(url, {"start": "2026-06-02", "end": "2026-06-01"})
    assert page.status_code == 200
    assert "must not be after" in page.content.decode()
    assert client.get(url, {"start": "garbage", "end": "x"}).status_code == 200


@pytest.mark.django_db
def test_editing_a_profile_in_admin_makes_a_new_version(client) -> None:
    client.force_login(make_user("officer", "compliance"))
    v1 = JurisdictionProfile.objects.get(code="US", is_current=True)
    url = reverse("admin:collections_app_jurisdictionprofile_change", args=[v1.pk])
    data = form_data(client.get(url).content.decode(), "jurisdictionprofile_form")
    data["blackout_dates"] = '["2026-07-04"]'

    response = client.post(url, data, follow=True)

    assert response.status_code == 200
    versions = list(JurisdictionProfile.objects.filter(code="US").order_by("version"))
    assert [(p.version, p.is_current) for p in versions] == [(1, False), (2, True)]
    assert versions[0].blackout_dates == []  # history untouched
    assert versions[1].blackout_dates == ["2026-07-04"]
    case = CaseFactory(loan__borrower__time_zone=NY)
    decision = gate_contact(case=case, channel="sms", at=local(NY, 2026, 7, 4, 12, 0))
    assert (decision.decision.rule, decision.record.profile_version) == ("blackout_date", 2)
    # the old version can no longer be edited
    assert client.post(url, data).status_code == 403

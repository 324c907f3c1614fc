"""From the case page: record a dispute, a hold, an opt-out; the banner of what stops contact is
the first thing on the page; releasing a hold is compliance's and supervisors'."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from collections_app.models import (
    ChannelConsent,
    CollectionCase,
    ContactHold,
    Dispute,
    OutboundMessage,
)
from collections_app.outreach.gate import gate_contact
from collections_app.selectors.holds import active_restrictions
from collections_app.services.consents import consent_opt_out, hold_place
from collections_app.services.disputes import dispute_record
from collections_app.states import CaseState
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory, make_user

pytestmark = pytest.mark.django_db


def case_url(case, view: str = "change", *args) -> str:
    return reverse(f"admin:collections_app_collectioncase_{view}", args=[case.pk, *args])


def _two_loans():
    borrower = BorrowerFactory(time_zone="UTC")
    return (
        CaseFactory(loan=LoanFactory(borrower=borrower)),
        CaseFactory(loan=LoanFactory(borrower=borrower)),
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_an_agent_records_a_cease_hold_from_one_case_and_both_loans_stop(client) -> None:
    a, b = _two_loans()
    client.force_login(make_user("agent1", "agent"))

    response = client.post(
        case_url(a, "hold"),
        {"kind": "cease_communication", "source": "borrower, by phone", "note": "Asked us to stop"},
    )

    assert response.status_code == 302
    hold = ContactHold.objects.get(borrower=a.loan.borrower)
    assert (hold.kind, hold.recorded_by.username) == ("cease_communication", "agent1")
    for case in (a, b):
        case = CollectionCase.objects.select_related("loan__borrower").get(pk=case.pk)
        assert case.state == CaseState.PAUSED
        assert gate_contact(case=case, channel="sms").decision.rule == "cease_communication"
        page = client.get(case_url(case)).content.decode()
        assert 'id="restrictions-banner"' in page
        assert "Cease communication" in page and "recorded by agent1" in page


def test_holds_need_what_they_are_about(client) -> None:
    case = CaseFactory()
    client.force_login(make_user("agent1", "agent"))
    for kind, field in (
        ("attorney", "attorney_contact"),
        ("bankruptcy", "bankruptcy_case_number"),
        ("no_calls_at_work", "work_phone"),
    ):
        response = client.post(case_url(case, "hold"), {"kind": kind, "source": "borrower"})
        assert response.status_code == 200
        assert field in response.context["form"].errors
    assert not ContactHold.objects.exists()

    client.post(
        case_url(case, "hold"),
        {"kind": "bankruptcy", "source": "court notice", "bankruptcy_case_number": "24-10977"},
    )
    assert ContactHold.objects.get().bankruptcy_case_number == "24-10977"


def test_an_agent_records_opt_outs_from_the_case(client) -> None:
    case = CaseFactory()
    client.force_login(make_user("agent1", "agent"))
    response = client.post(case_url(case, "optout"), {"channels": ["sms", "voice"], "note": "x"})
    assert response.status_code == 302
    assert set(
        ChannelConsent.objects.filter(
            borrower=case.loan.borrower, status=ChannelConsent.Status.OPTED_OUT
        ).values_list("channel", flat=True)
    ) == {"sms", "voice"}
    assert client.post(case_url(case, "optout"), {"channels": []}).status_code == 200


def test_an_agent_records_a_dispute_with_a_document(client, media) -> None:
    case = CaseFactory()
    client.force_login(make_user("agent1", "agent"))
    letter = SimpleUploadedFile("letter.pdf", b"%PDF-1.4 the borrower's letter")

    response = client.post(
        case_url(case, "dispute"),
        {
            "kind": "already_paid",
            "received_on": timezone.localdate().isoformat(),
            "received_via": "letter",
            "details": "Says it was paid in May",
            "document": letter,
        },
    )

    assert response.status_code == 302
    dispute = Dispute.objects.get(case=case)
    (document,) = dispute.documents.all()
    assert document.name == "letter.pdf"
    download = client.get(
        reverse("admin:collections_app_dispute_document", args=[dispute.pk, document.pk])
    )
    assert b"".join(download.streaming_content) == b"%PDF-1.4 the borrower's letter"
    assert CollectionCase.objects.get(pk=case.pk).state == CaseState.PAUSED


def test_a_bad_dispute_is_a_form_error_not_a_500(client, media) -> None:
    case = CaseFactory()
    client.force_login(make_user("agent1", "agent"))
    future = timezone.localdate() + dt.timedelta(days=2)
    base = {"kind": "not_mine", "received_via": "phone"}
    assert client.post(case_url(case, "dispute"), base | {"received_on": future}).status_code == 200
    exe = SimpleUploadedFile("run.exe", b"MZ")
    today = timezone.localdate().isoformat()
    page = client.post(case_url(case, "dispute"), base | {"received_on": today, "document": exe})
    assert page.status_code == 200 and "document" in page.context["form"].errors
    assert client.post(case_url(case, "dispute"), base | {"received_on": today}).status_code == 302
    again = client.post(case_url(case, "dispute"), base | {"received_on": today})
    assert again.status_code == 200
    assert "already has an unanswered dispute" in again.content.decode()
    assert Dispute.objects.count() == 1


def test_legal_may_not_record_what_it_may_not(client) -> None:
    case = CaseFactory()
    client.force_login(make_user("legal1", "legal"))
    for view in ("dispute", "hold", "optout"):
        assert client.get(case_url(case, view)).status_code == 403


def test_releasing_a_hold_is_compliance_and_supervisors(client) -> None:
    case = CaseFactory()
    hold = hold_place(borrower=case.loan.borrower, kind="no_calls_at_work", source="borrower",
                      work_phone="+14155550142")  # fmt: skip
    release = reverse("admin:collections_app_collectioncase_release_hold", args=[hold.pk])
    client.force_login(make_user("agent1", "agent"))
    assert "Release this hold" not in client.get(case_url(case)).content.decode()
    assert client.post(release, {"reason": "x"}).status_code == 403

    client.force_login(make_user("compliance1", "compliance"))
    assert "Release this hold" in client.get(case_url(case)).content.decode()
    assert client.post(release, {"reason": "", "next": case_url(case)}).status_code == 200
    done = client.post(release, {"reason": "Changed jobs", "next": case_url(case)})
    assert done.status_code == 302 and done.url == case_url(case)
    hold.refresh_from_db()
    assert hold.released_reason == "Changed jobs"


def test_the_banner_is_first_on_the_case_page_with_each_restriction(client) -> None:
    case = CaseFactory()
    borrower = case.loan.borrower
    hold_place(borrower=borrower, kind="attorney", source="letter",
               attorney_contact="Kim Law, +14155550111")  # fmt: skip
    consent_opt_out(borrower=borrower, channel="email", source="agent")
    dispute = dispute_record(case=case, kind="not_mine", received_on=timezone.localdate(),
                             received_via="phone")  # fmt: skip

    kinds = [(r.kind, r.code) for r in active_restrictions(borrower, case)]
    assert kinds == [("hold", "attorney"), ("dispute", "open"), ("opt_out", "email")]

    client.force_login(make_user("agent1", "agent"))
    page = client.get(case_url(case)).content.decode()
    banner = page.index('id="restrictions-banner"')
    assert banner < page.index("<h1>") < page.index('id="case-borrower"')
    section = page[banner : page.index("</section>", banner)]
    assert "Represented by an attorney" in section
    assert "+14155550111" not in section  # masked for an agent
    assert f"Dispute of case {case.pk}" in section and "Answer due by" in section
    assert "Opted out of Email" in section
    assert reverse("admin:collections_app_dispute_change", args=[dispute.pk]) in section
    assert page.count("restriction-severe") >= 2 and "restriction-partial" in section


def test_no_banner_without_restrictions_and_other_loans_disputes_stay_off_this_case(
    client,
) -> None:
    a, b = _two_loans()
    dispute_record(case=a, kind="not_mine", received_on=timezone.localdate(),
                   received_via="phone")  # fmt: skip
    client.force_login(make_user("agent1", "agent"))
    assert 'id="restrictions-banner"' not in client.get(case_url(b)).content.decode()
    # the borrower page (case None) lists every loan's disputes
    assert [r.kind for r in active_restrictions(a.loan.borrower)] == ["dispute"]


def test_the_dispute_list_puts_overdue_first_and_an_agent_sends_the_verification(
    client, settings, tmp_path
) -> None:
    settings.SMS_PROVIDER = "file"
    settings.PROVIDER_OUTBOX_DIR = tmp_path / "outbox"
    settings.RATE_LIMIT_REDIS_URL = ""
    today = timezone.localdate()
    fresh = dispute_record(case=CaseFactory(), kind="not_mine", received_on=today,
                           received_via="phone")  # fmt: skip
    old = dispute_record(
        case=CaseFactory(),
        kind="amount_wrong",
        received_on=today - dt.timedelta(days=40),
        received_via="letter",
    )
    client.force_login(make_user("agent1", "agent"))

    listing = client.get(reverse("admin:collections_app_dispute_changelist")).content.decode()
    row = lambda d: listing.index(reverse("admin:collections_app_dispute_change", args=[d.pk]))  # noqa: E731
    assert row(old) < row(fresh)
    assert "overdue" in listing

    verify = reverse("admin:collections_app_dispute_verify", args=[old.pk])
    assert client.post(verify, {"channel": "fax"}).status_code == 200
    response = client.post(verify, {"channel": "sms"}, follow=True)
    assert response.status_code == 200
    message = OutboundMessage.objects.get(template_key="dispute-verification")
    assert message.case_id == old.case_id and message.legally_required


def test_send_now_does_not_offer_the_dispute_notices(client) -> None:
    from collections_app.admin.outreach import SendNowForm

    keys = {key for key, _label in SendNowForm().fields["template_key"].choices}
    assert "reminder-notice" in keys
    assert not keys & {"dispute-verification", "dispute-response"}


def test_the_dispute_page_offers_its_steps_to_an_agent_and_only_reading_to_legal(client) -> None:
    dispute = dispute_record(case=CaseFactory(), kind="not_mine", received_on=timezone.localdate(),
                             received_via="phone")  # fmt: skip
    change = reverse("admin:collections_app_dispute_change", args=[dispute.pk])
    client.force_login(make_user("agent1", "agent"))
    page = client.get(change).content.decode()
    assert 'id="send-verification"' in page and 'id="close-dispute"' in page
    client.force_login(make_user("legal1", "legal"))
    page = client.get(change).content.decode()
    assert 'id="send-verification"' not in page
    verify = reverse("admin:collections_app_dispute_verify", args=[dispute.pk])
    assert client.get(verify).status_code == 403


@pytest.mark.parametrize("role", ["agent", "supervisor", "legal", "compliance"])
def test_each_role_opens_exactly_the_case_restriction_pages_it_may(client, role) -> None:
    from collections_app.roles import ROLE_PERMISSIONS

    perms = set(ROLE_PERMISSIONS[role])
    case = CaseFactory()
    hold = hold_place(borrower=case.loan.borrower, kind="deceased", source="lender")
    client.force_login(make_user(f"u-{role}", role))
    expected = {
        case_url(case, "dispute"): "collections_app.add_dispute",
        case_url(case, "hold"): "collections_app.record_hold",
        case_url(case, "optout"): "collections_app.record_hold",
        reverse("admin:collections_app_collectioncase_release_hold", args=[hold.pk]):
            "collections_app.release_hold",
    }  # fmt: skip
    for page_url, perm in expected.items():
        assert client.get(page_url).status_code == (200 if perm in perms else 403), page_url
    listing = reverse("admin:collections_app_dispute_changelist")
    for term in ("abc", str(case.pk), case.loan.borrower.name):
        assert client.get(listing, {"q": term}).status_code == 200

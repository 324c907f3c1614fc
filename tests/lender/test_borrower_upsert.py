"""A lender's borrower in: created or updated by external id with their contact points, the
engine's phone and email chosen from them, verification secrets kept only as keyed digests, the
same record again a no-op (services/lender.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collections_app.lender.results import LenderDataError
from collections_app.models import (
    BadContactPoint,
    Borrower,
    CaseEvent,
    ChannelConsent,
    ContactPoint,
)
from collections_app.services.lender import (
    borrower_upsert,
    borrower_verify,
    borrowers_upsert_many,
)
from tests.factories import CaseFactory, LoanFactory, make_user
from tests.lender.builders import SOURCE, borrower_record

pytestmark = pytest.mark.django_db


def writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]


def points_of(borrower) -> set[tuple[str, str, str]]:
    return set(borrower.contact_points.values_list("kind", "address", "type"))


def test_a_new_borrower_gets_their_contact_points_and_the_engines_addresses():
    result = borrower_upsert(record=borrower_record(), source=SOURCE)

    assert result.status == "created"
    borrower = Borrower.objects.get(external_id="B-1")
    assert (borrower.phone, borrower.email) == ("+12125550101", "ana@example.com")
    assert (borrower.region, borrower.time_zone, borrower.last_source) == (
        "NY",
        "America/New_York",
        SOURCE,
    )
    assert points_of(borrower) == {
        ("phone", "+12125550101", "mobile"),
        ("phone", "+12125550102", "home"),
        ("email", "ana@example.com", "other"),
    }
    assert set(borrower.contact_points.values_list("recorded_source", flat=True)) == {SOURCE}


def test_the_primary_number_is_the_one_the_engine_calls():
    borrower_upsert(
        record=borrower_record(
            contact_points=[
                {"kind": "phone", "address": "+12125550101", "type": "mobile"},
                {"kind": "phone", "address": "+12125550102", "type": "home", "primary": True},
            ]
        ),
        source=SOURCE,
    )
    assert Borrower.objects.get().phone == "+12125550102"


def test_the_verification_secrets_are_stored_as_keyed_digests_only():
    borrower_upsert(record=borrower_record(), source=SOURCE)
    borrower = Borrower.objects.get()

    stored = " ".join(str(v) for v in Borrower.objects.values().get().values())
    assert "1990-04-02" not in stored and "6789" not in stored
    assert len(borrower.date_of_birth_digest) == 64 and len(borrower.id_digits_digest) == 64

    assert borrower_verify(borrower=borrower, date_of_birth=dt.date(1990, 4, 2))
    assert borrower_verify(borrower=borrower, id_last_digits="6789")
    assert borrower_verify(
        borrower=borrower, date_of_birth=dt.date(1990, 4, 2), id_last_digits="6789"
    )
    assert not borrower_verify(borrower=borrower, date_of_birth=dt.date(1990, 4, 3))
    assert not borrower_verify(
        borrower=borrower, date_of_birth=dt.date(1990, 4, 2), id_last_digits="6780"
    )
    assert not borrower_verify(borrower=borrower)  # nothing offered proves nothing


def test_two_borrowers_born_the_same_day_have_different_digests():
    borrowers_upsert_many(
        records=[borrower_record(), borrower_record(external_id="B-2", contact_points=[])],
        source=SOURCE,
    )
    first, second = Borrower.objects.order_by("external_id")
    assert first.date_of_birth_digest != second.date_of_birth_digest


def test_a_digest_made_under_the_previous_secret_key_still_verifies(settings):
    borrower_upsert(record=borrower_record(), source=SOURCE)
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    settings.SECRET_KEY_FALLBACKS = [old]
    assert borrower_verify(borrower=Borrower.objects.get(), date_of_birth=dt.date(1990, 4, 2))
    settings.SECRET_KEY_FALLBACKS = []
    assert not borrower_verify(borrower=Borrower.objects.get(), date_of_birth=dt.date(1990, 4, 2))


def test_no_admin_page_shows_the_verification_digests(client):
    borrower_upsert(record=borrower_record(), source=SOURCE)
    borrower = Borrower.objects.get()
    client.force_login(make_user("root", superuser=True))

    for url in (
        reverse("admin:collections_app_borrower_change", args=[borrower.pk]),
        reverse("admin:collections_app_borrower_changelist"),
    ):
        page = client.get(url).content.decode()
        assert borrower.date_of_birth_digest not in page
        assert borrower.id_digits_digest not in page
        assert "digest" not in page


def test_an_update_replaces_the_contact_points_and_says_so_on_open_cases():
    borrower_upsert(record=borrower_record(), source=SOURCE)
    borrower = Borrower.objects.get()
    case = CaseFactory(loan=LoanFactory(borrower=borrower))
    # A provider refused the home number once: that stays known by its address.
    BadContactPoint.objects.create(
        borrower=borrower, channel="voice", address="+12125550102", code="21211"
    )

    result = borrower_upsert(
        record=borrower_record(
            contact_points=[
                {"kind": "phone", "address": "+12125550199", "type": "mobile", "primary": True},
                {"kind": "email", "address": "ana@example.com", "type": "work"},
            ]
        ),
        source="import:42",
    )

    assert result.status == "updated"
    assert set(result.detail["changed"]) == {"phone", "contact_points"}
    borrower.refresh_from_db()
    assert borrower.phone == "+12125550199"
    assert points_of(borrower) == {
        ("phone", "+12125550199", "mobile"),
        ("email", "ana@example.com", "work"),
    }
    assert BadContactPoint.objects.filter(address="+12125550102").exists()
    (event,) = case.events.filter(kind=CaseEvent.Kind.LENDER)
    assert event.reason == "Contact details updated from import:42 (phone, contact_points)"
    assert event.data["source"] == "import:42"
    assert "+1212" not in event.reason  # names of fields, never an address on the timeline


def test_the_same_borrower_again_changes_nothing_and_writes_nothing():
    borrower_upsert(record=borrower_record(), source=SOURCE)
    CaseFactory(loan=LoanFactory(borrower=Borrower.objects.get()))
    record = borrower_record()

    with CaptureQueriesContext(connection) as queries:
        result = borrower_upsert(record=record, source="import:43")

    assert result.status == "unchanged"
    assert writes(queries) == []
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.LENDER).count() == 0


def test_a_whole_batch_sent_again_writes_nothing_and_reads_no_contact_points():
    records = [
        borrower_record(
            external_id=f"B-{i}",
            contact_points=[{"kind": "phone", "address": f"+1212555{i:04d}", "type": "mobile"}],
        )
        for i in range(50)
    ]
    borrowers_upsert_many(records=records, source=SOURCE)

    with CaptureQueriesContext(connection) as queries:
        results = borrowers_upsert_many(records=records, source="import:2")

    assert {r.status for r in results} == {"unchanged"}
    assert writes(queries) == []
    assert not [q for q in queries if "collections_app_contactpoint" in q["sql"]]
    assert len(queries) <= 6  # the profiles, the borrowers, and the transaction


def test_an_edit_of_a_field_alone_is_an_update_of_that_field():
    borrower_upsert(record=borrower_record(), source=SOURCE)
    result = borrower_upsert(record=borrower_record(name="Ana María Diaz"), source=SOURCE)
    assert (result.status, result.detail) == ("updated", {"changed": ["name"]})
    assert ContactPoint.objects.count() == 3


def test_a_borrower_of_a_jurisdiction_without_contact_rules_is_refused():
    with pytest.raises(LenderDataError) as error:
        borrower_upsert(record=borrower_record(jurisdiction="MX"), source=SOURCE)
    assert [p.path for p in error.value.problems] == ["jurisdiction"]
    assert "no contact-rules profile" in error.value.problems[0].message
    assert not Borrower.objects.exists()


def test_a_bad_row_in_a_batch_is_reported_by_index_and_the_others_applied():
    results = borrowers_upsert_many(
        records=[
            borrower_record(external_id="B-1"),
            borrower_record(external_id="B-2", jurisdiction="ZZ"),
            borrower_record(external_id="B-3", contact_points=[]),
        ],
        source=SOURCE,
    )
    assert [r.status for r in results] == ["created", "rejected", "created"]
    assert results[1].problems[0].path == "jurisdiction"
    assert set(Borrower.objects.values_list("external_id", flat=True)) == {"B-1", "B-3"}


def test_one_borrower_twice_in_a_batch_ends_as_the_later_record():
    results = borrowers_upsert_many(
        records=[borrower_record(), borrower_record(name="Ana B. Diaz")], source=SOURCE
    )
    assert [r.status for r in results] == ["created", "updated"]
    assert Borrower.objects.get().name == "Ana B. Diaz"


def test_a_revoked_consent_on_the_engines_number_stops_sms_and_calls():
    revoked = {
        "kind": "phone",
        "address": "+12125550101",
        "type": "mobile",
        "consent": "revoked",
        "consent_at": "2026-02-01T10:00:00Z",
    }
    borrower_upsert(record=borrower_record(contact_points=[revoked]), source=SOURCE)
    borrower = Borrower.objects.get()
    assert set(
        ChannelConsent.objects.filter(borrower=borrower).values_list("channel", "status", "source")
    ) == {("sms", "opted_out", "lender"), ("voice", "opted_out", "lender")}

    # The lender's consent later never undoes an opt-out (it may be the borrower's own).
    given = {**revoked, "consent": "prior_express_consent"}
    borrower_upsert(record=borrower_record(contact_points=[given]), source=SOURCE)
    assert set(ChannelConsent.objects.values_list("status", flat=True)) == {"opted_out"}


def test_a_consent_the_lender_holds_is_stored_with_its_date():
    point = {
        "kind": "phone",
        "address": "+12125550101",
        "type": "mobile",
        "consent": "prior_express_written_consent",
        "consent_at": "2025-05-01T09:30:00-04:00",
        "source": "application",
    }
    borrower_upsert(record=borrower_record(contact_points=[point]), source=SOURCE)
    stored = ContactPoint.objects.get()
    assert (stored.consent, stored.source) == ("prior_express_written_consent", "application")
    assert stored.consent_at == dt.datetime(2025, 5, 1, 13, 30, tzinfo=dt.UTC)
    assert not ChannelConsent.objects.exists()


def test_a_source_that_does_not_say_where_it_came_from_is_a_programming_error():
    with pytest.raises(ValueError, match="source"):
        borrower_upsert(record=borrower_record(), source="acme")

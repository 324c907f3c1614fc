"""Ability-to-pay signals: stored once per fact, for the segmentation to read later
(services/lender.signal_record)."""

from __future__ import annotations

import pytest

from collections_app.lender.results import LenderDataError
from collections_app.models import AbilitySignal
from collections_app.services.lender import borrower_upsert, loan_upsert, signal_record
from tests.lender.builders import SOURCE, borrower_record, loan_record, signal_record_

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _borrower():
    borrower_upsert(record=borrower_record(), source=SOURCE)


def test_a_signal_is_stored_once_per_fact():
    first = signal_record(record=signal_record_(), source=SOURCE)
    again = signal_record(record=signal_record_(source="another feed"), source="import:5")
    other_value = signal_record(record=signal_record_(value=False), source=SOURCE)

    assert (first.status, again.status, other_value.status) == ("created", "unchanged", "created")
    assert AbilitySignal.objects.count() == 2
    stored = AbilitySignal.objects.get(pk=first.obj.pk)
    assert (stored.kind, stored.value, stored.source, stored.lender_source) == (
        "bureau_other_loans_current",
        True,
        SOURCE,
        "bureau refresh",
    )


def test_an_object_value_is_the_same_fact_whatever_its_key_order():
    signal_record(
        record=signal_record_(kind="income_verified", value={"monthly": 4200, "currency": "USD"}),
        source=SOURCE,
    )
    again = signal_record(
        record=signal_record_(kind="income_verified", value={"currency": "USD", "monthly": 4200}),
        source=SOURCE,
    )
    assert again.status == "unchanged"


def test_a_signal_names_its_loan_when_it_is_about_one():
    loan_upsert(record=loan_record(), source=SOURCE)
    result = signal_record(
        record=signal_record_(kind="balance_check_after_default", loan_external_id="L-1", value=3),
        source=SOURCE,
    )
    assert result.obj.loan.external_id == "L-1"


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"borrower_external_id": "B-404"}, "borrower_external_id"),
        ({"loan_external_id": "L-404"}, "loan_external_id"),
    ],
)
def test_a_signal_about_someone_we_do_not_know_is_refused(changes, path):
    with pytest.raises(LenderDataError) as error:
        signal_record(record=signal_record_(**changes), source=SOURCE)
    assert [p.path for p in error.value.problems] == [path]
    assert not AbilitySignal.objects.exists()


def test_a_signal_about_another_borrowers_loan_is_refused():
    borrower_upsert(record=borrower_record(external_id="B-2", contact_points=[]), source=SOURCE)
    loan_upsert(record=loan_record(borrower_external_id="B-2"), source=SOURCE)
    with pytest.raises(LenderDataError, match="another borrower"):
        signal_record(record=signal_record_(loan_external_id="L-1"), source=SOURCE)

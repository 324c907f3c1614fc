"""Two lender calls at once (an API batch and an import chunk) for the same new rows: both
succeed, each row exists once, each loan has one open case (services/lender.py)."""

from __future__ import annotations

import pytest

from collections_app.models import Borrower, CollectionCase, Loan
from collections_app.services.lender import borrowers_upsert_many, loans_upsert_many
from tests.lender.builders import SOURCE, borrower_record, loan_record
from tests.threads import in_threads

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.needs_postgres]


def test_the_same_new_borrowers_and_loans_sent_twice_at_once_are_each_written_once():
    borrowers = [borrower_record(external_id=f"B-{i}", contact_points=[]) for i in range(200)]
    loans = [loan_record(external_id=f"L-{i}", borrower_external_id=f"B-{i}") for i in range(200)]

    def send():
        b = borrowers_upsert_many(records=borrowers, source=SOURCE)
        loan_results = loans_upsert_many(records=loans, source=SOURCE)
        return [r.status for r in b + loan_results]

    first, second = in_threads(send)

    assert "rejected" not in first + second
    assert Borrower.objects.count() == 200 and Loan.objects.count() == 200
    assert CollectionCase.objects.count() == 200

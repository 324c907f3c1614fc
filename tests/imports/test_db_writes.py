"""db.insert_models and db.update_rows, the import's writes (COPY and UPDATE ... FROM unnest on
PostgreSQL, Django's bulk calls elsewhere): the same rows either way."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from collections_app.db import insert_models, update_rows
from collections_app.lender.balances import Balance
from collections_app.models import Borrower, ContactPoint, Loan
from collections_app.models.loans import BALANCE_FIELDS


def _borrower(n: int) -> Borrower:
    return Borrower(external_id=f"DB-{n}", name=f"Borrower {n}", phone=f"+1212555{n:04d}")


@pytest.mark.django_db
def test_inserted_rows_get_their_keys_and_read_back_the_same() -> None:
    borrowers = [_borrower(n) for n in range(3)]
    insert_models(borrowers)
    assert all(b.pk for b in borrowers) and len({b.pk for b in borrowers}) == 3
    # A child given its parent object: the parent's key is read when it is written.
    points = [ContactPoint(borrower=b, kind="phone", address=b.phone) for b in borrowers]
    loans = [
        Loan(
            external_id=f"DL-{b.pk}",
            borrower=b,
            currency="USD",
            principal=Decimal("100.00"),
            balance_principal=Decimal("80.50"),
            outstanding_balance=Decimal("80.50"),
            balance_as_of=dt.date(2026, 3, 1),
            lender_data={"note": "ü", "n": 1},
        )
        for b in borrowers
    ]
    insert_models(points)
    insert_models(loans)

    for b in borrowers:
        stored = Borrower.objects.get(pk=b.pk)
        assert (stored.external_id, stored.name, stored.phone) == (b.external_id, b.name, b.phone)
        assert stored.created_at is not None and stored.updated_at is not None
    assert sorted(ContactPoint.objects.values_list("borrower_id", flat=True)) == sorted(
        b.pk for b in borrowers
    )
    loan = Loan.objects.get(pk=loans[0].pk)
    assert loan.outstanding_balance == Decimal("80.50")
    assert loan.lender_data == {"note": "ü", "n": 1}
    assert loan.balance_as_of == dt.date(2026, 3, 1)
    # The next row the ORM writes takes a key after them (the sequence moved on).
    later = Borrower.objects.create(external_id="DB-later", name="Later")
    assert later.pk > max(b.pk for b in borrowers)


@pytest.mark.django_db
def test_a_key_taken_is_an_integrity_error_and_nothing_is_written() -> None:
    insert_models([_borrower(1)])
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_models([_borrower(2), _borrower(1)])
    assert list(Borrower.objects.values_list("external_id", flat=True)) == ["DB-1"]


@pytest.mark.django_db
def test_updated_rows_take_the_given_fields_only() -> None:
    borrowers = [_borrower(n) for n in range(3)]
    insert_models(borrowers)
    loans = [
        Loan(
            external_id=f"DL-{b.pk}",
            borrower=b,
            currency="USD",
            principal=Decimal("1.00"),
            outstanding_balance=Decimal("0.00"),
        )
        for b in borrowers
    ]
    insert_models(loans)
    now = timezone.now()
    for n, loan in enumerate(loans):
        loan.set_balance(Balance(principal=Decimal(f"{n}.25")))
        loan.due_date = None if n == 0 else dt.date(2026, 1, n)
        loan.lender_data = {"n": n}
        loan.updated_at = now
        loan.currency = "CNY"  # not in the fields: stays
    update_rows(loans, [*BALANCE_FIELDS, "due_date", "lender_data", "updated_at"])
    for n, loan in enumerate(loans):
        stored = Loan.objects.get(pk=loan.pk)
        assert stored.outstanding_balance == Decimal(f"{n}.25")
        assert stored.due_date == (None if n == 0 else dt.date(2026, 1, n))
        assert stored.lender_data == {"n": n}
        assert stored.updated_at == now
        assert stored.currency == "USD"
    update_rows([], ["due_date"])  # nothing to write: no query

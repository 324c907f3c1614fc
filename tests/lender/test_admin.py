"""A person editing the lender's data in admin: the balance stays its parts' sum and the change
is attributed to them (admin/parties.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from collections_app.models import Borrower, Loan
from tests.factories import LoanFactory
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db


def test_a_supervisor_changing_a_loans_fees_changes_its_balance(client, supervisor):
    loan = LoanFactory()
    client.force_login(supervisor)
    url = reverse("admin:collections_app_loan_change", args=[loan.pk])
    data = form_data(client.get(url).content.decode(), "loan_form")
    data["balance_fees"] = "35.00"

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    loan.refresh_from_db()
    assert (loan.balance_fees, loan.outstanding_balance) == (Decimal("35.00"), Decimal("1235.00"))
    assert loan.last_source == "admin:supervisor1"


def test_a_borrower_saved_in_admin_is_attributed_to_the_person(client, supervisor):
    borrower = LoanFactory().borrower
    client.force_login(supervisor)
    url = reverse("admin:collections_app_borrower_change", args=[borrower.pk])
    data = form_data(client.get(url).content.decode(), "borrower_form")
    data["region"] = "CA"

    assert client.post(url, data).status_code == 302
    borrower = Borrower.objects.get(pk=borrower.pk)
    assert (borrower.region, borrower.last_source) == ("CA", "admin:supervisor1")
    assert Loan.objects.count() == 1

"""Case and borrower search that a million rows can afford: exact matches on indexed columns
(phone, email, loan id, case id) and a prefix match on the name, instead of icontains scans."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from collections_app.models import Borrower, Loan

# A name prefix like "a" matches a large share of borrowers; past this many the search shows
# the cases of the first ones found (the agent types more of the name to narrow it).
NAME_MATCH_CAP = 500
_PHONE = re.compile(r"^\+?[\d\s().-]{6,}$")


def normalise_phone(term: str) -> str:
    digits = re.sub(r"\D", "", term)
    return f"+{digits}"


def borrower_ids_matching(term: str) -> list[int]:
    """Borrowers whose phone or email equals the term, or whose name starts with it."""
    term = term.strip()
    if not term:
        return []
    if "@" in term:
        condition = Q(email__in={term, term.lower()})
    elif _PHONE.match(term):
        condition = Q(phone=normalise_phone(term))
    else:
        condition = Q(name__istartswith=term) | Q(external_id=term)
    return list(
        Borrower.objects.filter(condition).order_by().values_list("pk", flat=True)[:NAME_MATCH_CAP]
    )


def search_cases(cases: QuerySet, term: str) -> QuerySet:
    """Cases whose id or loan id is the term, or whose borrower matches it."""
    term = term.strip()
    if not term:
        return cases
    loan_ids = set(Loan.objects.filter(external_id=term).values_list("pk", flat=True))
    borrowers = borrower_ids_matching(term)
    if borrowers:
        loan_ids |= set(Loan.objects.filter(borrower_id__in=borrowers).values_list("pk", flat=True))
    condition = Q(loan_id__in=loan_ids)
    if term.isdigit() and len(term) < 19:  # a case number (bigint)
        condition |= Q(pk=int(term))
    return cases.filter(condition)


def search_borrowers(borrowers: QuerySet, term: str) -> QuerySet:
    term = term.strip()
    if not term:
        return borrowers
    return borrowers.filter(pk__in=borrower_ids_matching(term))


def search_loans(loans: QuerySet, term: str) -> QuerySet:
    term = term.strip()
    if not term:
        return loans
    return loans.filter(Q(external_id=term) | Q(borrower_id__in=borrower_ids_matching(term)))

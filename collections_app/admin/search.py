"""Case and borrower search that a million rows can afford, exact matches first.

What an agent types, and what it finds:
- an email: that exact email;
- a phone number in any format: "+1 415 555 0100", or national as the borrower would say it
  ("(415) 555-0100", "415-555-0100", "020 7946 0958"), read in each region borrowers live in
  (the jurisdictions' countries and the PHONE_SEARCH_REGIONS setting) and matched exactly to the
  stored E.164 number (its btree index); and 4 or more digits also as the end of a number
  ("0100": the last digits);
- anything else: the name, anywhere in it, case-insensitively ("riley" finds "Jo Riley-Smith"),
  and the borrower's, loan's or case's id exactly.

Exact matches come first (the same email, number, name or id), then names starting with the
term, then the rest. On PostgreSQL the contains and ends-with matches are served by trigram
indexes (pg_trgm, migration 0007) on UPPER(name) and on the phone; a name term of one or two
characters is a prefix match (the btree of migration 0001), as a trigram needs three.
"""

from __future__ import annotations

import re

import phonenumbers
from django.conf import settings
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from collections_app.models import Borrower, JurisdictionProfile, Loan

# A common name part like "son" matches a large share of borrowers; past this many the search
# shows the cases of the first ones found (the agent types more of the name to narrow it).
NAME_MATCH_CAP = 500
_PHONE = re.compile(r"^\+?[\d\s().-]{4,}$")
# Fewer digits than this are not searched as the end of a number (too many would match).
MIN_SUFFIX_DIGITS = 4
# A trigram index needs three characters of the term.
MIN_CONTAINS_CHARS = 3

# Tiers of a match, best first.
EXACT, PREFIX, CONTAINS = 0, 1, 2


def normalise_phone(term: str) -> str:
    digits = re.sub(r"\D", "", term)
    return f"+{digits}"


def phone_regions() -> list[str]:
    """The regions a national-format number is read in: where borrowers live (the current
    jurisdiction profiles' codes that are countries) and PHONE_SEARCH_REGIONS."""
    codes = set(JurisdictionProfile.objects.filter(is_current=True).values_list("code", flat=True))
    codes |= {c.strip().upper() for c in getattr(settings, "PHONE_SEARCH_REGIONS", ()) if c}
    return sorted(c for c in codes if c in phonenumbers.SUPPORTED_REGIONS)


def phone_candidates(term: str) -> set[str]:
    """The E.164 numbers the term can be: as typed with a +, else read nationally per region."""
    term = term.strip()
    if term.startswith("+"):
        return {normalise_phone(term)}
    found = set()
    for region in phone_regions():
        try:
            parsed = phonenumbers.parse(term, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(parsed):
            found.add(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
    # Digits typed with their country code but no "+" ("14155550100").
    found.add(normalise_phone(term))
    return found


def _ids(condition: Q, cap: int) -> list[int]:
    return list(Borrower.objects.filter(condition).order_by().values_list("pk", flat=True)[:cap])


def borrower_tiers(term: str) -> list[list[int]]:
    """The borrowers matching the term, as [exact, prefix, contains] id lists (each borrower in
    its best tier only; NAME_MATCH_CAP in all)."""
    term = term.strip()
    if not term:
        return [[], [], []]
    if "@" in term:
        return [_ids(Q(email__in={term, term.lower()}), NAME_MATCH_CAP), [], []]
    if _PHONE.match(term):
        exact = _ids(Q(phone__in=phone_candidates(term)), NAME_MATCH_CAP)
        digits = re.sub(r"\D", "", term)
        ends = []
        if len(digits) >= MIN_SUFFIX_DIGITS and not term.startswith("+"):
            ends = _ids(Q(phone__endswith=digits) & ~Q(pk__in=exact), NAME_MATCH_CAP)
        return [exact, [], ends]
    exact = _ids(Q(name__iexact=term) | Q(external_id=term), NAME_MATCH_CAP)
    left = NAME_MATCH_CAP - len(exact)
    prefix = _ids(Q(name__istartswith=term) & ~Q(pk__in=exact), left) if left > 0 else []
    left -= len(prefix)
    contains = []
    if left > 0 and len(term) >= MIN_CONTAINS_CHARS:
        contains = _ids(Q(name__icontains=term) & ~Q(pk__in=[*exact, *prefix]), left)
    return [exact, prefix, contains]


def borrower_ids_matching(term: str) -> list[int]:
    """Borrowers matching the term, exact matches first."""
    return [pk for tier in borrower_tiers(term) for pk in tier]


def _rank(field: str, tiers: list[list[int]], extra_exact: Q | None = None) -> Case:
    whens = [
        When(Q(**{f"{field}__in": ids}), then=Value(rank)) for rank, ids in enumerate(tiers) if ids
    ]
    if extra_exact is not None:
        whens.insert(0, When(extra_exact, then=Value(EXACT)))
    return Case(*whens, default=Value(CONTAINS + 1), output_field=IntegerField())


def _ranked(queryset: QuerySet, rank: Case) -> QuerySet:
    """Exact matches first, then the order the list had (a queue's priority, newest first)."""
    return queryset.annotate(search_rank=rank).order_by("search_rank", *queryset.query.order_by)


def search_cases(cases: QuerySet, term: str) -> QuerySet:
    """Cases whose id or loan id is the term, or whose borrower matches it; exact first."""
    term = term.strip()
    if not term:
        return cases
    tiers = borrower_tiers(term)
    # Loan ids first (the loans' borrower index), so the case query is conditions on the case
    # table alone, which PostgreSQL combines from its indexes (an OR across a join would scan).
    tier_of = {pk: rank for rank, tier in enumerate(tiers) for pk in tier}
    loan_tiers: list[list[int]] = [[] for _ in tiers]
    for loan_id, borrower_id in Loan.objects.filter(borrower_id__in=tier_of).values_list(
        "pk", "borrower_id"
    ):
        loan_tiers[tier_of[borrower_id]].append(loan_id)
    exact_loans = list(Loan.objects.filter(external_id=term).values_list("pk", flat=True))
    condition = Q(loan_id__in=[*exact_loans, *(pk for tier in loan_tiers for pk in tier)])
    exact = Q(loan_id__in=exact_loans)
    if term.isdigit() and len(term) < 19:  # a case number (bigint)
        condition |= Q(pk=int(term))
        exact |= Q(pk=int(term))
    return _ranked(cases.filter(condition), _rank("loan_id", loan_tiers, exact))


def search_borrowers(borrowers: QuerySet, term: str) -> QuerySet:
    term = term.strip()
    if not term:
        return borrowers
    tiers = borrower_tiers(term)
    return _ranked(borrowers.filter(pk__in=[pk for t in tiers for pk in t]), _rank("pk", tiers))


def search_loans(loans: QuerySet, term: str) -> QuerySet:
    term = term.strip()
    if not term:
        return loans
    tiers = borrower_tiers(term)
    borrowers = [pk for tier in tiers for pk in tier]
    return _ranked(
        loans.filter(Q(external_id=term) | Q(borrower_id__in=borrowers)),
        _rank("borrower_id", tiers, Q(external_id=term)),
    )

"""Portfolio files for the import tests: a header and rows made from a template row."""

from __future__ import annotations

HEADER = (
    "borrower_external_id,name,jurisdiction,region,time_zone,language,"
    "phone1,phone1_type,phone1_consent,phone1_consent_at,email1,"
    "loan_external_id,currency,principal,balance_principal,balance_interest,balance_fees,"
    "balance_as_of,status,amount_past_due,due_date,days_past_due"
)


def row(n: int, borrower: int | None = None, **changes: str) -> str:
    """Loan L-n of borrower B-n (or B-`borrower`), past due; `changes` replace cells by column."""
    b = n if borrower is None else borrower
    cells = {
        "borrower_external_id": f"B-{b}",
        "name": f"Borrower {b}",
        "jurisdiction": "US",
        "region": "NY",
        "time_zone": "America/New_York",
        "language": "en",
        "phone1": f"+1212555{b % 10000:04d}",
        "phone1_type": "mobile",
        "phone1_consent": "prior_express_consent",
        "phone1_consent_at": "2024-05-02T10:00:00-04:00",
        "email1": f"b{b}@example.com",
        "loan_external_id": f"L-{n}",
        "currency": "USD",
        "principal": "1000.00",
        "balance_principal": "800.00",
        "balance_interest": "20.00",
        "balance_fees": "15.00",
        "balance_as_of": "2026-03-01",
        "status": "past_due",
        "amount_past_due": "120.00",
        "due_date": "2026-01-15",
        "days_past_due": "45",
    }
    unknown = set(changes) - set(cells)
    assert not unknown, unknown
    cells.update(changes)
    return ",".join(cells[name] for name in HEADER.split(","))


def portfolio(rows: list[str]) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


# A file of six rows: lines 3 and 6 bad (a phone too short; a currency that is not one).
MIXED = portfolio(
    [
        row(1),
        row(2, phone1="555"),
        row(3),
        row(4),
        row(5, currency="XYZ", balance_principal="1.001"),
        row(6),
    ]
)
GOOD_LINES = {2, 4, 5, 7}

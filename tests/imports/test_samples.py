"""The sample files in docs/ are what docs/import.md says: every row valid, and the CSV and the
JSON-lines sample the same portfolio."""

from pathlib import Path

from collections_app.imports.portfolio import Row, portfolio_rows

DOCS = Path(__file__).resolve().parents[2] / "docs"


def records(name: str, fmt: str) -> list[tuple]:
    with (DOCS / name).open("rb") as stream:
        rows = list(portfolio_rows(stream, format=fmt, jurisdictions={"US", "CN"}))
    assert all(isinstance(row, Row) for row in rows), [r for r in rows if not isinstance(r, Row)]
    return [(row.borrower, row.loan) for row in rows]


def test_the_samples_are_valid_and_the_same_portfolio() -> None:
    from_csv = records("sample-portfolio.csv", "csv")
    assert len(from_csv) == 7
    assert records("sample-portfolio.jsonl", "jsonl") == from_csv


def test_the_column_reference_names_every_column_of_the_sample() -> None:
    header = (DOCS / "sample-portfolio.csv").read_text().splitlines()[0].split(",")
    reference = (DOCS / "import.md").read_text()
    generic = {c.replace("1", "N").replace("2", "N") for c in header}
    missing = [c for c in generic if f"`{c}`" not in reference]
    assert missing == []

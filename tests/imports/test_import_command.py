"""`manage.py import_portfolio`: the good rows imported, the bad reported with their lines, a
second run a no-op, a dry run nothing at all."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from collections_app.models import Borrower, CaseEvent, CollectionCase, ImportJob, Loan
from tests.imports.files import MIXED, portfolio, row


def run(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_portfolio", str(path), *args, stdout=out)
    return out.getvalue()


def report(path: Path) -> list[list[str]]:
    with path.open(newline="") as f:
        return list(csv.reader(f))


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    path = tmp_path / "portfolio.csv"
    path.write_bytes(MIXED)
    return path


@pytest.mark.django_db
def test_the_good_rows_are_imported_and_each_bad_one_reported_with_its_line(mixed) -> None:
    out = run(mixed, "--chunk-rows", "2")

    assert sorted(Loan.objects.values_list("external_id", flat=True)) == [
        "L-1",
        "L-3",
        "L-4",
        "L-6",
    ]
    assert not Borrower.objects.filter(external_id__in=["B-2", "B-5"]).exists()
    # Past-due loans have their case, opened by the import and saying so.
    assert CollectionCase.objects.filter(loan__external_id="L-1").exists()
    job = ImportJob.objects.get()
    assert (job.status, job.rows_done, job.rows_rejected) == ("done", 6, 2)
    assert job.counts["loans"] == {"created": 4}
    assert CaseEvent.objects.filter(data__source=f"import:{job.pk}").exists()

    errors = mixed.with_name("portfolio.csv.errors.csv")
    assert report(errors) == [
        ["line", "field", "message"],
        ["3", "phone1", "is not a valid phone number"],
        ["6", "currency", "must be an ISO 4217 currency code, e.g. USD, CNY"],
        ["6", "balance_principal", "must have at most 2 decimal places"],
    ]
    assert "rows: 6, imported 4, rejected 2" in out
    assert "loans: created 4, updated 0, unchanged 0" in out
    assert "error report:" in out


def _writes(queries: list[dict]) -> list[str]:
    """The statements that change a table other than the import's own bookkeeping."""
    changes = re.compile(r"^\s*(INSERT|UPDATE|DELETE)", re.I)
    own = ("collections_app_importjob", "collections_app_importproblem")
    return [
        q["sql"]
        for q in queries
        if changes.match(q["sql"]) and not any(f'"{table}"' in q["sql"] for table in own)
    ]


@pytest.mark.django_db
def test_importing_the_same_file_again_writes_nothing(mixed) -> None:
    run(mixed)
    before = {m: m.objects.count() for m in (Borrower, Loan, CollectionCase, CaseEvent)}

    with CaptureQueriesContext(connection) as queries:
        out = run(mixed)

    assert _writes(queries.captured_queries) == []
    assert {m: m.objects.count() for m in before} == before
    assert "loans: created 0, updated 0, unchanged 4" in out
    assert "borrowers: created 0, updated 0, unchanged 4" in out
    # The rejected rows are rejected again, and said so again.
    assert "rejected 2" in out


@pytest.mark.django_db
def test_a_changed_row_is_updated_and_the_others_left_alone(tmp_path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(portfolio([row(1), row(2)]))
    run(path)
    path.write_bytes(portfolio([row(1), row(2, balance_fees="40.00", amount_past_due="150.00")]))

    out = run(path)

    assert "loans: created 0, updated 1, unchanged 1" in out
    loan = Loan.objects.get(external_id="L-2")
    assert (loan.balance_fees, loan.outstanding_balance) == (40, 860)


@pytest.mark.django_db
def test_a_dry_run_writes_nothing_and_says_what_an_import_would_do(mixed) -> None:
    tables = connection.introspection.table_names()

    def counts() -> dict[str, int]:
        with connection.cursor() as cursor:
            found = {}
            for table in tables:
                cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (our tables)
                found[table] = cursor.fetchone()[0]
            return found

    before = counts()
    out = run(mixed, "--dry-run")

    assert counts() == before
    assert "Dry run: nothing was written" in out
    assert "loans: created 4, updated 0, unchanged 0" in out
    assert report(mixed.with_name("portfolio.csv.errors.csv"))[1][0] == "3"


@pytest.mark.django_db
def test_a_file_it_cannot_read_is_refused_before_any_row(tmp_path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(MIXED.replace(b"phone1_consent_at", b"phone1_consented", 1))

    with pytest.raises(CommandError, match="phone1_consented: unknown column"):
        run(path)

    assert not Loan.objects.exists()
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert list(job.problems.values_list("line", "path")) == [(1, "phone1_consented")]


@pytest.mark.django_db
def test_json_lines_are_imported_the_same(tmp_path) -> None:
    docs = Path(__file__).resolve().parents[2] / "docs"
    path = tmp_path / "sample.jsonl"
    path.write_bytes((docs / "sample-portfolio.jsonl").read_bytes())

    out = run(path)

    assert "rows: 7, imported 7, rejected 0" in out
    assert Loan.objects.count() == 7
    assert Borrower.objects.get(external_id="B-2002").phone == "+8613912345678"


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("missing.csv", [], "no such file"),
        ("p.xlsx", [], "--format"),
        ("p.csv", ["--chunk-rows", "0"], "at least 1"),
    ],
)
@pytest.mark.django_db
def test_bad_arguments_are_a_clear_error(tmp_path, name, args, message) -> None:
    if name != "missing.csv":
        (tmp_path / name).write_bytes(MIXED)
    with pytest.raises(CommandError, match=message):
        run(tmp_path / name, *args)


@pytest.mark.django_db
def test_a_row_the_database_refuses_is_reported_at_its_line_and_column(tmp_path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(portfolio([row(1), row(2)]))
    run(path)
    # The lender's system now says loan 2 is in yuan: a loan's currency cannot change.
    path.write_bytes(portfolio([row(1, balance_fees="30.00"), row(2, currency="CNY")]))

    out = run(path)

    assert "rows: 2, imported 1, rejected 1" in out
    assert report(tmp_path / "p.csv.errors.csv")[1:] == [
        ["3", "currency", "the loan is in USD; a loan's currency cannot change"]
    ]
    assert Loan.objects.get(external_id="L-2").currency == "USD"
    assert Loan.objects.get(external_id="L-1").balance_fees == 30


@pytest.mark.django_db
def test_a_borrower_on_several_rows_takes_the_fields_of_the_last(tmp_path) -> None:
    path = tmp_path / "p.csv"
    rows = [
        row(1, borrower=7, name="Dana Old"),
        row(2, borrower=7),
        row(3, borrower=7, name="Dana New"),
    ]
    path.write_bytes(portfolio(rows))

    out = run(path, "--chunk-rows", "2")  # the borrower's rows in two chunks

    borrower = Borrower.objects.get(external_id="B-7")
    assert borrower.name == "Dana New"
    assert sorted(borrower.loans.values_list("external_id", flat=True)) == ["L-1", "L-2", "L-3"]
    assert "loans: created 3" in out


@pytest.mark.django_db
def test_nothing_in_the_error_report_runs_as_a_spreadsheet_formula(tmp_path) -> None:
    docs = Path(__file__).resolve().parents[2] / "docs"
    line = (docs / "sample-portfolio.jsonl").read_text().splitlines()[0]
    evil = line[:-1] + ', "=HYPERLINK(\\"http://x.example\\")": 1}'
    path = tmp_path / "p.jsonl"
    path.write_text(evil + "\n")

    run(path)

    (_, (line_no, field, message)) = report(tmp_path / "p.jsonl.errors.csv")
    assert (line_no, message) == ("1", "unknown field (known fields: borrower, loan)")
    assert field == '\'=HYPERLINK("http://x.example")'

"""The import's parse process (imports/parse_process.py): a file parsed in a forked process is
imported exactly as one parsed inline (the same rows written, the same rejected lines, the same
counts), a file it cannot read is refused the same way, and a writer that stops early ends it."""

from __future__ import annotations

import csv
import io
import os
import pickle
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from collections_app.imports import parse_process
from collections_app.imports.parse_process import chunks_in_process
from collections_app.imports.pipeline import portfolio_import
from collections_app.imports.portfolio import FileProblem, Row, portfolio_rows
from collections_app.models import Borrower, CaseEvent, CollectionCase, ContactPoint, Loan
from tests.imports.files import portfolio, row


def _file(tmp_path: Path, ids: str = "") -> Path:
    """40 rows, 3 bad; `ids` is put before every borrower's and loan's id (B-1 -> QB-1)."""
    rows = [row(n, borrower=(n + 1) // 2) for n in range(1, 41)]
    rows[6] = row(7, borrower=4, phone1="555")  # a bad phone: line 8
    rows[20] = row(21, borrower=11, currency="XYZ")  # line 22
    rows[31] = row(32, borrower=16, balance_principal="1.001")  # line 33
    path = tmp_path / f"{ids}p.csv"
    data = portfolio(rows).replace(b"B-", f"{ids}B-".encode()).replace(b"L-", f"{ids}L-".encode())
    path.write_bytes(data)
    return path


def _import(path: Path) -> tuple[str, list[list[str]]]:
    out = io.StringIO()
    call_command("import_portfolio", str(path), "--chunk-rows", "7", stdout=out)
    with Path(f"{path}.errors.csv").open(newline="") as f:
        return out.getvalue(), list(csv.reader(f))


def _state(ids: str) -> dict:
    """What the import wrote for the ids starting with `ids`, those left out."""
    n = len(ids)
    mine = {"external_id__startswith": ids}
    return {
        "borrowers": sorted(
            (b[n:], *rest)
            for b, *rest in Borrower.objects.filter(**mine).values_list(
                "external_id", "name", "phone", "email", "last_source"
            )
        ),
        "points": sorted(
            (b[n:], *rest)
            for b, *rest in ContactPoint.objects.filter(
                borrower__external_id__startswith=ids
            ).values_list("borrower__external_id", "kind", "address", "consent", "consent_at")
        ),
        "loans": sorted(
            (loan[n:], *rest)
            for loan, *rest in Loan.objects.filter(**mine).values_list(
                "external_id", "outstanding_balance", "balance_as_of", "status"
            )
        ),
        "cases": sorted(
            (loan[n:], *rest)
            for loan, *rest in CollectionCase.objects.filter(
                loan__external_id__startswith=ids
            ).values_list("loan__external_id", "state", "amount_overdue", "overdue_since")
        ),
        "events": sorted(
            (loan[n:], *rest)
            for loan, *rest in CaseEvent.objects.filter(
                case__loan__external_id__startswith=ids
            ).values_list("case__loan__external_id", "kind", "to_state")
        ),
    }


def _summary(out: str) -> list[str]:
    """The summary's counts (its rows/s and seconds vary)."""
    lines = [line for line in out.splitlines() if line.startswith(("rows:", "loans:", "borrow"))]
    return [line.split(";", 1)[0] for line in lines]


@pytest.mark.django_db(transaction=True)
def test_a_file_parsed_in_a_process_imports_as_one_parsed_inline(tmp_path, settings) -> None:
    settings.IMPORT_PARSE_PROCESS = False
    inline_out, inline_report = _import(_file(tmp_path))
    inline = _state("")
    assert len(inline["loans"]) == 37

    settings.IMPORT_PARSE_PROCESS = True
    settings.IMPORT_PARSE_PROCESS_MIN_BYTES = 0
    started = []
    real = parse_process.chunks_in_process
    parse_process_calls = lambda make: started.append(1) or real(make)  # noqa: E731
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("collections_app.imports.pipeline.chunks_in_process", parse_process_calls)
        path = _file(tmp_path, ids="Q")
        process_out, process_report = _import(path)

    assert started == [1]
    assert _summary(process_out) == _summary(inline_out)
    assert "rows: 40, imported 37, rejected 3" in process_out
    assert process_report == inline_report
    assert [r[0] for r in process_report[1:]] == ["8", "22", "33"]
    process = _state("Q")
    # Sources name the job: the only difference (the events' reasons too, left out above).
    process["borrowers"] = [(*b[:4], "") for b in process["borrowers"]]
    inline["borrowers"] = [(*b[:4], "") for b in inline["borrowers"]]
    assert process == inline
    # The digests computed in the parse process are the services' own: a second run, inline,
    # finds every row unchanged.
    settings.IMPORT_PARSE_PROCESS = False
    again, _report = _import(path)
    assert "loans: created 0, updated 0, unchanged 37" in again


@pytest.mark.django_db(transaction=True)
def test_a_file_the_parse_process_cannot_read_is_refused_before_any_row(tmp_path, settings) -> None:
    settings.IMPORT_PARSE_PROCESS_MIN_BYTES = 0
    path = tmp_path / "p.csv"
    path.write_bytes(b"borrower_external_id,colour\nB-1,red\n")
    with pytest.raises(CommandError, match="colour: unknown column"):
        call_command("import_portfolio", str(path), stdout=io.StringIO())
    assert not Borrower.objects.exists()


def test_a_row_crosses_to_the_writer_whole(tmp_path) -> None:
    """Pickled (as the queue sends it), a row keeps its records and its paths back to the
    file's columns."""
    data = portfolio([row(1), row(2)]).replace(b"phone1", b"phone2")
    (first, _second) = list(portfolio_rows(io.BytesIO(data), format="csv"))
    assert isinstance(first, Row)
    again = pickle.loads(pickle.dumps(first))  # noqa: S301 (our own bytes, as the queue)
    assert again == first
    assert again.borrower_path("contact_points[0].consent_at") == "phone2_consent_at"
    assert again.loan_path("currency") == "currency"
    problem = pickle.loads(pickle.dumps(FileProblem([], line=3)))  # noqa: S301
    assert isinstance(problem, FileProblem) and problem.line == 3


def test_a_writer_that_stops_early_ends_the_parse_process() -> None:
    pids = []

    def endless():
        pids.append(os.getpid())
        n = 0
        while True:
            n += 1
            yield n

    chunks = chunks_in_process(endless)
    assert chunks is not None
    assert next(chunks) == 1
    chunks.close()  # the writer's generator closed: a claim lost, a database error
    reader = [
        p for p in parse_process.multiprocessing.active_children() if p.name == "import-parse"
    ]
    assert reader == []


def test_the_parse_process_can_be_turned_off(settings) -> None:
    settings.IMPORT_PARSE_PROCESS = False
    assert not parse_process.parse_process_wanted(10**9)
    settings.IMPORT_PARSE_PROCESS = True
    settings.IMPORT_PARSE_PROCESS_MIN_BYTES = 1000
    assert not parse_process.parse_process_wanted(999)
    assert parse_process.parse_process_wanted(1000)
    assert parse_process.parse_process_wanted(None)  # a pipe: as long as it turns out to be


@pytest.mark.django_db
def test_an_import_in_a_test_transaction_parses_inline(tmp_path, settings) -> None:
    """A small file (every test's) never starts a process: the default minimum."""
    calls = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(
            "collections_app.imports.pipeline.chunks_in_process",
            lambda make: calls.append(1),
        )
        with _file(tmp_path).open("rb") as stream:
            chunks = list(portfolio_import(stream, format="csv", source="import:test"))
    assert calls == []
    assert sum(c.size for c in chunks) == 40

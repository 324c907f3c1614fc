"""The portfolio file: what a lender's export looks like, turned into records. Pure (no ORM).

One row is one loan with its borrower, the way a lender's placement file is written: a borrower
with two loans is on two rows, their fields repeated. Two spellings (docs/import.md has the
column reference and a sample of each):

- CSV with a header. Borrower columns, loan columns, and contact points as numbered column groups:
  `phone1`, `phone1_type`, `phone1_source`, `phone1_consent`, `phone1_consent_at`,
  `phone1_primary`, then `phone2...`, `email1...`. Empty cells are "not given".
- JSON lines: one object per line, `{"borrower": {...}, "loan": {...}}`, with the fields of
  `lender/records.py` (contact points as a `contact_points` list).

Each row is validated by the records' parsers; a problem is reported where the lender can find it:
the CSV column (`phone2_consent_at`), or the JSON path (`borrower.contact_points[1].address`).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from collections_app.imports.lines import MAX_LINE_BYTES, Line, read_lines
from collections_app.lender.records import BorrowerRecord, LoanRecord, parse_borrower, parse_loan
from collections_app.problems import Problem

FORMATS = ("csv", "jsonl")

# CSV column -> the record field it fills.
BORROWER_COLUMNS = {
    "borrower_external_id": "external_id",
    "name": "name",
    "time_zone": "time_zone",
    "language": "language",
    "jurisdiction": "jurisdiction",
    "region": "region",
    "date_of_birth": "date_of_birth",
    "id_last_digits": "id_last_digits",
}
LOAN_COLUMNS = {
    "loan_external_id": "external_id",
    "product": "product",
    "currency": "currency",
    "principal": "principal",
    "balance_principal": "balance_principal",
    "balance_interest": "balance_interest",
    "balance_fees": "balance_fees",
    "balance_as_of": "balance_as_of",
    "status": "status",
    "amount_past_due": "amount_past_due",
    "due_date": "due_date",
    "days_past_due": "days_past_due",
    "charge_off_date": "charge_off_date",
    "last_payment_date": "last_payment_date",
    "origination_date": "origination_date",
    "origination_state": "origination_state",
}
CONTACT_KINDS = ("phone", "email")
CONTACT_ATTRIBUTES = ("type", "source", "consent", "consent_at", "primary")
_CONTACT_COLUMN = re.compile(
    r"^(?P<kind>phone|email)(?P<n>[1-9][0-9]?)(?:_(?P<attr>" + "|".join(CONTACT_ATTRIBUTES) + "))?$"
)
# A file without these cannot give a single valid row: refused before the first row.
REQUIRED_COLUMNS = ("borrower_external_id", "loan_external_id")


class FileProblem(ValueError):
    """The file as a whole cannot be imported (its header, its format): nothing is read."""

    def __init__(self, problems: list[Problem], line: int = 1) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems
        self.line = line

    def __reduce__(self) -> tuple[type[FileProblem], tuple[list[Problem], int]]:
        # Raised in the parse process, raised again in the writer: rebuilt from its fields.
        return FileProblem, (self.problems, self.line)


@dataclass(frozen=True, slots=True)
class Row:
    """A valid row: the loan and its borrower, ready to upsert."""

    line: int
    end: int  # byte offset just after the row: where a resumed import reads on
    borrower: BorrowerRecord
    loan: LoanRecord
    # A record's path -> where it is in the file (the CSV column, the JSON path): for what
    # only the database finds wrong, reported after the row was read.
    borrower_path: Callable[[str], str] = field(compare=False, repr=False)
    loan_path: Callable[[str], str] = field(compare=False, repr=False)
    # The records' fingerprints (services/lender.py), when the parse computed them: the import
    # parses in a process of its own (imports/parse_process.py) and hashes there, off the
    # writer's core. "" when not computed: the services compute them.
    borrower_digest: str = field(default="", compare=False, repr=False)
    loan_digest: str = field(default="", compare=False, repr=False)

    def rejected(self, borrower: Iterable[Problem], loan: Iterable[Problem]) -> Rejected:
        return Rejected(
            self.line,
            self.end,
            (
                *(Problem(self.borrower_path(p.path), p.message) for p in borrower),
                *(Problem(self.loan_path(p.path), p.message) for p in loan),
            ),
        )


@dataclass(frozen=True, slots=True)
class Rejected:
    line: int
    end: int
    problems: tuple[Problem, ...]


def guess_format(file_name: str) -> str | None:
    name = file_name.lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    return None


def _unreadable(line: Line) -> Problem:
    if line.problem == "too_long":
        return Problem(
            "", _("the line is longer than %(n)d bytes: is it one row?") % {"n": MAX_LINE_BYTES}
        )
    return Problem("", _("the line is not UTF-8 text: save the file as UTF-8"))


# --- CSV -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactColumns:
    kind: str
    address: int  # the column index of `phone2`
    prefix: str  # "phone2"
    attributes: tuple[tuple[str, int], ...]  # ("consent_at", column index), ...


@dataclass(frozen=True)
class CsvHeader:
    size: int
    borrower: tuple[tuple[str, int], ...]  # (record field, column index)
    loan: tuple[tuple[str, int], ...]
    contacts: tuple[ContactColumns, ...]
    names: tuple[str, ...]


def csv_header(names: list[str]) -> CsvHeader:
    """Read the header row; unknown, repeated or missing columns are a `FileProblem` (a typo in
    a column name would otherwise drop that column's data from every row without a word)."""
    names = [n.strip().lower() for n in names]
    problems: list[Problem] = []
    borrower, loan = [], []
    groups: dict[tuple[str, int], dict[str, int]] = {}
    for index, name in enumerate(names):
        if name in names[:index]:
            problems.append(Problem(name, _("the column appears twice")))
        elif name in BORROWER_COLUMNS:
            borrower.append((BORROWER_COLUMNS[name], index))
        elif name in LOAN_COLUMNS:
            loan.append((LOAN_COLUMNS[name], index))
        elif match := _CONTACT_COLUMN.match(name):
            key = (match["kind"], int(match["n"]))
            groups.setdefault(key, {})[match["attr"] or "address"] = index
        else:
            problems.append(
                Problem(
                    name or f"#{index + 1}",
                    _("unknown column (the columns are listed in docs/import.md)"),
                )
            )
    for (kind, n), columns in groups.items():
        if "address" not in columns:
            problems.append(
                Problem(f"{kind}{n}", _("missing column (the header has its other columns)"))
            )
    for name in REQUIRED_COLUMNS:
        if name not in names:
            problems.append(Problem(name, _("missing column")))
    if problems:
        raise FileProblem(problems)
    contacts = tuple(
        ContactColumns(
            kind=kind,
            address=columns["address"],
            prefix=f"{kind}{n}",
            attributes=tuple((a, i) for a, i in columns.items() if a != "address"),
        )
        for (kind, n), columns in sorted(
            groups.items(), key=lambda item: (CONTACT_KINDS.index(item[0][0]), item[0][1])
        )
    )
    return CsvHeader(len(names), tuple(borrower), tuple(loan), contacts, tuple(names))


class _Feed:
    """Lines into csv.reader, remembering which lines the current row was made of."""

    def __init__(self, lines: Iterable[Line]) -> None:
        self._lines = iter(lines)
        self.last: Line | None = None
        self.unreadable: Line | None = None

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.last = line
        if line.problem and self.unreadable is None:
            self.unreadable = line
        return line.text


def csv_read_header(lines: Iterable[Line]) -> CsvHeader:
    """The header row, from the file's first lines."""
    feed = lines if isinstance(lines, _Feed) else _Feed(lines)
    try:
        names = next(csv.reader(feed, strict=True))
    except StopIteration:
        raise FileProblem([Problem("", _("the file is empty"))]) from None
    except csv.Error as exc:
        raise FileProblem([Problem("", _("not a CSV header: %(e)s") % {"e": exc})]) from None
    if feed.unreadable is not None:
        raise FileProblem([_unreadable(feed.unreadable)])
    return csv_header(names)


def csv_rows(
    lines: Iterable[Line],
    *,
    header: CsvHeader | None = None,
    first_number: int = 1,
    jurisdictions: Collection[str] | None = None,
    digests: Digests | None = None,
) -> Iterator[Row | Rejected]:
    """The rows of a CSV file. Without `header` the first line is the header; a resumed import
    reads the header first, then passes it with the lines from where it stopped (the first of
    them numbered `first_number`). `jurisdictions`: the codes that have a contact-rules profile
    (a borrower under another is rejected here, with its line)."""
    feed = _Feed(lines)
    parsers = _Parsers(jurisdictions, digests)
    if header is None:
        header = csv_read_header(feed)
    reader = csv.reader(feed, strict=True)
    while True:
        first = (feed.last.number + 1) if feed.last else first_number
        feed.unreadable = None
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            assert feed.last is not None
            yield Rejected(
                first, feed.last.end, (Problem("", _("not valid CSV: %(e)s") % {"e": exc}),)
            )
            continue
        assert feed.last is not None
        if feed.unreadable is not None:
            yield Rejected(feed.unreadable.number, feed.last.end, (_unreadable(feed.unreadable),))
            continue
        if not cells or cells == [""] * len(cells):
            continue  # a blank line
        yield _csv_row(cells, header, first, feed.last.end, parsers)


def _csv_row(
    cells: list[str],
    header: CsvHeader,
    line: int,
    end: int,
    parsers: _Parsers,
) -> Row | Rejected:
    if len(cells) != header.size:
        return Rejected(
            line,
            end,
            (
                Problem(
                    "",
                    _("the row has %(n)d values, the header %(m)d columns")
                    % {"n": len(cells), "m": header.size},
                ),
            ),
        )
    cells = [c.strip() for c in cells]
    borrower: dict[str, Any] = {field: cells[i] for field, i in header.borrower if cells[i]}
    loan: dict[str, Any] = {field: cells[i] for field, i in header.loan if cells[i]}
    problems: list[Problem] = []
    contact_points: list[dict[str, Any]] = []
    prefixes: list[str] = []  # contact_points[i] is the column group prefixes[i]
    for group in header.contacts:
        given = {attr: cells[i] for attr, i in group.attributes if cells[i]}
        if not cells[group.address]:
            for attr in given:
                problems.append(
                    Problem(
                        f"{group.prefix}_{attr}",
                        _("is filled in, but %(column)s is empty") % {"column": group.prefix},
                    )
                )
            continue
        contact_points.append({"kind": group.kind, "address": cells[group.address], **given})
        prefixes.append(group.prefix)
    borrower["contact_points"] = contact_points
    loan["borrower_external_id"] = borrower.get("external_id", "")

    return _records(
        borrower,
        loan,
        line,
        end,
        problems,
        _CsvColumn(tuple(prefixes), "borrower"),
        _CsvColumn(tuple(prefixes), "loan"),
        parsers,
    )


@dataclass(frozen=True, slots=True)
class _CsvColumn:
    """A record's path -> the CSV column it came from. An object, not a closure: a row crosses
    from the parse process to the writer pickled."""

    prefixes: tuple[str, ...]  # the contact points' column groups, in the record's order
    kind: str  # "borrower" | "loan"

    def __call__(self, path: str) -> str:
        if match := re.match(r"contact_points\[(\d+)\](?:\.(\w+))?", path):
            n = int(match[1])
            prefix = self.prefixes[n] if n < len(self.prefixes) else "phone"
            attr = match[2]
            return prefix if attr in (None, "address", "kind") else f"{prefix}_{attr}"
        head = re.split(r"[.\[]", path, maxsplit=1)[0]
        columns = BORROWER_COLUMNS if self.kind == "borrower" else LOAN_COLUMNS
        return next((c for c, f in columns.items() if f == head), path)


@dataclass(frozen=True, slots=True)
class _JsonPath:
    """A record's path -> its JSON path on the line (picklable, as _CsvColumn)."""

    prefix: str

    def __call__(self, path: str) -> str:
        return f"{self.prefix}.{path}"


# --- JSON lines ------------------------------------------------------------------------------


def jsonl_rows(
    lines: Iterable[Line],
    *,
    jurisdictions: Collection[str] | None = None,
    digests: Digests | None = None,
) -> Iterator[Row | Rejected]:
    parsers = _Parsers(jurisdictions, digests)
    for line in lines:
        if line.problem:
            yield Rejected(line.number, line.end, (_unreadable(line),))
            continue
        if not line.text.strip():
            continue
        yield _jsonl_row(line, parsers)


def _jsonl_row(line: Line, parsers: _Parsers) -> Row | Rejected:
    def rejected(path: str, message: str) -> Rejected:
        return Rejected(line.number, line.end, (Problem(path, message),))

    try:
        # Decimals, not floats: 0.1 stays 0.1 in a balance.
        data = json.loads(line.text, parse_float=Decimal)
    except ValueError as exc:
        return rejected("", _("not valid JSON: %(e)s") % {"e": exc})
    if not isinstance(data, dict):
        return rejected("", _('each line must be an object: {"borrower": {...}, "loan": {...}}'))
    problems = [
        Problem(key, _("unknown field (known fields: borrower, loan)"))
        for key in data
        if key not in ("borrower", "loan")
    ]
    borrower, loan = data.get("borrower"), data.get("loan")
    for key, value in (("borrower", borrower), ("loan", loan)):
        if value is None:
            problems.append(Problem(key, _("is required")))
        elif not isinstance(value, dict):
            problems.append(Problem(key, _("must be an object with named fields")))
    if problems:
        return Rejected(line.number, line.end, tuple(problems))
    assert isinstance(borrower, dict) and isinstance(loan, dict)
    external_id = borrower.get("external_id", "")
    if "borrower_external_id" in loan and loan["borrower_external_id"] != external_id:
        return rejected(
            "loan.borrower_external_id",
            _("is not the borrower on this line (%(id)s): leave it out") % {"id": external_id},
        )
    loan = {**loan, "borrower_external_id": external_id}
    return _records(
        borrower,
        loan,
        line.number,
        line.end,
        [],
        _JsonPath("borrower"),
        _JsonPath("loan"),
        parsers,
    )


# --- both ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Digests:
    """The records' fingerprints (services/lender.py's, passed in: this module is pure), for a
    parse that computes them with the rows."""

    borrower: Callable[[BorrowerRecord], str]
    loan: Callable[[LoanRecord], str]


class _Parsers:
    """The records' parsers for one file. A borrower's rows usually follow one another with the
    same fields: the last borrower read is kept, and the same fields again are not parsed again
    (the borrower is most of a row's validation: phone numbers are slow to check), nor hashed."""

    def __init__(self, jurisdictions: Collection[str] | None, digests: Digests | None) -> None:
        self.jurisdictions = jurisdictions
        self.digests = digests
        self._last: tuple[dict[str, Any], tuple[BorrowerRecord | None, list[Problem], str]] | None
        self._last = None

    def borrower(self, data: dict[str, Any]) -> tuple[BorrowerRecord | None, list[Problem], str]:
        """(record, problems, its digest: "" when not computed)."""
        if self._last is not None and self._last[0] == data:
            return self._last[1]
        record, problems = parse_borrower(data, jurisdictions=self.jurisdictions)
        digest = self.digests.borrower(record) if record is not None and self.digests else ""
        self._last = (data, (record, problems, digest))
        return record, problems, digest


def _records(
    borrower_data: dict[str, Any],
    loan_data: dict[str, Any],
    line: int,
    end: int,
    problems: list[Problem],
    borrower_path: Callable[[str], str],
    loan_path: Callable[[str], str],
    parsers: _Parsers,
) -> Row | Rejected:
    borrower, borrower_problems, borrower_digest = parsers.borrower(borrower_data)
    loan, loan_problems = parse_loan(loan_data)
    # The loan's borrower id is the borrower's: a problem with it is reported once, there.
    id_reported = any(p.path == "external_id" for p in borrower_problems)
    problems = [
        *problems,
        *(Problem(borrower_path(p.path), p.message) for p in borrower_problems),
        *(
            Problem(loan_path(p.path), p.message)
            for p in loan_problems
            if not (id_reported and p.path == "borrower_external_id")
        ),
    ]
    if problems or borrower is None or loan is None:
        return Rejected(line, end, tuple(problems))
    loan_digest = parsers.digests.loan(loan) if parsers.digests else ""
    return Row(line, end, borrower, loan, borrower_path, loan_path, borrower_digest, loan_digest)


def portfolio_rows(
    stream: BinaryIO,
    *,
    format: str,
    offset: int = 0,
    first_number: int = 1,
    jurisdictions: Collection[str] | None = None,
    digests: Digests | None = None,
) -> Iterator[Row | Rejected]:
    """Every row of the file from byte `offset` (a row's start; line `first_number`) on, valid
    or rejected with its problems, in file order. A CSV file's header is read first wherever
    reading starts. Raises `FileProblem` (before any row) for a file that cannot be read."""
    if format == "csv":
        header = csv_read_header(read_lines(stream)) if offset else None
        return csv_rows(
            read_lines(stream, offset=offset, first_number=first_number),
            header=header,
            first_number=first_number,
            jurisdictions=jurisdictions,
            digests=digests,
        )
    if format == "jsonl":
        return jsonl_rows(
            read_lines(stream, offset=offset, first_number=first_number),
            jurisdictions=jurisdictions,
            digests=digests,
        )
    raise FileProblem([Problem("format", _("unknown format %(f)r") % {"f": format})])

"""Importing a portfolio file: rows in file order, in chunks, each chunk one transaction through the
lender bulk services (services/lender.py). Used by the import job (services/imports.py), which the
management command and the admin upload both run.

Only one chunk is ever held: the file is read a line at a time (imports/lines.py), rows are
validated as they come (imports/portfolio.py) and a chunk is written and dropped before the next
is read, so memory stays flat however long the file is.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from django.conf import settings
from django.db import transaction

from collections_app.imports.parse_process import chunks_in_process, parse_process_wanted
from collections_app.imports.portfolio import Digests, Rejected, Row, portfolio_rows
from collections_app.models import JurisdictionProfile
from collections_app.services.lender import (
    borrower_record_digest,
    borrowers_upsert_many,
    loan_record_digest,
    loans_upsert_many,
)

CHUNK_ROWS = getattr(settings, "IMPORT_CHUNK_ROWS", 1000)


@dataclass(frozen=True)
class Position:
    """Where reading resumes: the byte offset just after the last committed row, and its line."""

    offset: int = 0
    line: int = 0


@dataclass
class Chunk:
    """One transaction's worth of the file: what it wrote and what it rejected."""

    rows: list[Row] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    end: Position = field(default_factory=Position)
    # {"loans": Counter(created=, updated=, unchanged=), "borrowers": ...}
    counts: dict[str, Counter] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def size(self) -> int:
        return len(self.rows) + len(self.rejected)


def chunks_of(
    rows: Iterator[Row | Rejected], *, size: int = CHUNK_ROWS, start: Position = Position()
) -> Iterator[Chunk]:
    """Rows grouped `size` at a time, each chunk ending where its last row ends."""
    chunk = Chunk(end=start)
    for row in rows:
        (chunk.rows if isinstance(row, Row) else chunk.rejected).append(row)
        chunk.end = Position(row.end, row.line)
        if chunk.size >= size:
            yield chunk
            chunk = Chunk(end=chunk.end)
    if chunk.size:
        yield chunk


def chunk_write(chunk: Chunk, *, source: str, dry_run: bool = False) -> Chunk:
    """Upsert the chunk's borrowers, then its loans, in one transaction (the caller's, if it
    has one); a dry run computes the same and rolls it back. A row the database refuses (a loan
    whose currency changed, a report older than the one we have) moves to `chunk.rejected`,
    with its problems where they are in the file; the others are written."""
    started = time.perf_counter()
    # A borrower on several rows: written once, with the last row's fields (the same as when
    # their rows are chunks apart: the later row last).
    borrowers: dict[str, Row] = {}
    for row in chunk.rows:
        borrowers.pop(row.borrower.external_id, None)
        borrowers[row.borrower.external_id] = row
    with transaction.atomic():
        borrower_results = dict(
            zip(
                borrowers,
                borrowers_upsert_many(
                    records=[row.borrower for row in borrowers.values()],
                    source=source,
                    digests=[row.borrower_digest for row in borrowers.values()],
                ),
                strict=True,
            )
        )
        refused = {ext: r.problems for ext, r in borrower_results.items() if not r.ok}
        loan_rows = [row for row in chunk.rows if row.borrower.external_id not in refused]
        loan_results = loans_upsert_many(
            records=[row.loan for row in loan_rows],
            source=source,
            digests=[row.loan_digest for row in loan_rows],
        )
        if dry_run:
            transaction.set_rollback(True)
    rejected = [
        row.rejected(refused[row.borrower.external_id], ())
        for row in chunk.rows
        if row.borrower.external_id in refused
    ]
    rejected += [
        row.rejected((), result.problems)
        for row, result in zip(loan_rows, loan_results, strict=True)
        if not result.ok
    ]
    if rejected:
        chunk.rejected = sorted([*chunk.rejected, *rejected], key=lambda r: r.line)
        gone = {r.line for r in rejected}
        chunk.rows = [row for row in chunk.rows if row.line not in gone]
    chunk.counts = {
        "borrowers": Counter(r.status for r in borrower_results.values() if r.ok),
        "loans": Counter(r.status for r in loan_results if r.ok),
    }
    chunk.seconds = time.perf_counter() - started
    return chunk


def portfolio_import(
    stream: BinaryIO,
    *,
    format: str,
    source: str,
    dry_run: bool = False,
    start: Position = Position(),
    chunk_rows: int = CHUNK_ROWS,
    on_chunk: Callable[[Chunk], None] = lambda chunk: None,
) -> Iterator[Chunk]:
    """Import the file from `start`, a chunk at a time; yields each chunk once committed.
    `on_chunk` runs inside the chunk's transaction (the job records its progress and the
    rejected rows there, so they commit, or roll back, with the rows themselves). Raises
    `portfolio.FileProblem` for a file that cannot be read at all, before writing anything."""
    # A borrower under a jurisdiction without contact rules is rejected with its line.
    jurisdictions = set(
        JurisdictionProfile.objects.filter(is_current=True).values_list("code", flat=True)
    )

    def parsed(digests: Digests | None = None) -> Iterator[Chunk]:
        rows = portfolio_rows(
            stream,
            format=format,
            offset=start.offset,
            first_number=start.line + 1,
            jurisdictions=jurisdictions,
            digests=digests,
        )
        return chunks_of(rows, size=chunk_rows, start=start)

    chunks = None
    if parse_process_wanted(_remaining(stream, start.offset)):
        # The reader parses and hashes on the other core while this process writes.
        chunks = chunks_in_process(
            lambda: parsed(Digests(borrower_record_digest, loan_record_digest))
        )
    for chunk in chunks if chunks is not None else parsed():
        with transaction.atomic():
            if chunk.rows:
                chunk_write(chunk, source=source, dry_run=dry_run)
            on_chunk(chunk)
        yield chunk


def _remaining(stream: BinaryIO, offset: int) -> int | None:
    """The bytes left to read from `offset`; None for a stream that cannot tell (a pipe)."""
    try:
        if not stream.seekable():
            return None
        here = stream.tell()
        size = stream.seek(0, 2)
        stream.seek(here)
    except (OSError, ValueError):
        return None
    return max(0, size - offset)

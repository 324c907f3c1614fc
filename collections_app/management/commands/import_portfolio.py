"""Import a lender's portfolio file: `import_portfolio FILE [--dry-run] [--format csv|jsonl]`.

The file is read where it is, streamed (any size, memory flat), every row validated; valid rows
are upserted by the lender's ids chunk by chunk, so running it again changes nothing. Each
rejected row is written to the error report (line, field, message) and the rest are imported.
Column reference: docs/import.md.
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from collections_app.imports.pipeline import CHUNK_ROWS, Chunk, portfolio_import
from collections_app.imports.portfolio import FORMATS, FileProblem, guess_format
from collections_app.imports.report import HEADER, report_row
from collections_app.models import ImportJob
from collections_app.services.imports import import_job_for_path, import_job_run

# The source a dry run's (rolled back) writes name: it has no job.
DRY_RUN_SOURCE = "import:dry-run"


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # Read when the parser is made, so in the language active then (argparse needs a str).
        return _(
            "Import borrowers and their loans from a CSV or JSON-lines file (docs/import.md). Rows "
            "are upserted by the lender's ids: running it again changes nothing. Rejected rows go "
            "to an error report with their line numbers; the others are imported."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("the portfolio file (.csv, .jsonl)"))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Validate every row and count what would change; write nothing."),
        )
        parser.add_argument(
            "--format", choices=FORMATS, help=_("the file's format (default: from its name)")
        )
        parser.add_argument(
            "--errors",
            help=_(
                "where to write the error report (CSV: line, field, message); default: "
                "FILE.errors.csv, written only when a row is rejected"
            ),
        )
        parser.add_argument(
            "--chunk-rows",
            type=int,
            default=CHUNK_ROWS,
            help=_("rows written per transaction (default: %(default)s)"),
        )
        parser.add_argument(
            "--quiet", action="store_true", help=_("Print only the summary, no progress lines.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("%(path)s: no such file.") % {"path": path})
        fmt = options["format"] or guess_format(path.name)
        if fmt is None:
            raise CommandError(
                _("%(path)s: say which format it is with --format csv or --format jsonl.")
                % {"path": path}
            )
        if options["chunk_rows"] < 1:
            raise CommandError(_("--chunk-rows must be at least 1."))
        errors_path = Path(options["errors"] or f"{path}.errors.csv")
        report = _ErrorReport(errors_path)
        progress = _Progress(self.stdout, size=path.stat().st_size, quiet=options["quiet"])
        try:
            with path.open("rb") as stream:
                if options["dry_run"]:
                    totals = self._dry_run(stream, fmt, options["chunk_rows"], report, progress)
                else:
                    totals = self._import(
                        path, stream, fmt, options["chunk_rows"], report, progress
                    )
        except FileProblem as problem:
            raise CommandError(
                _("%(path)s cannot be imported, nothing was written: %(why)s")
                % {"path": path, "why": problem}
            ) from None
        finally:
            report.close()
        self._summary(totals, progress, report, dry_run=options["dry_run"])

    def _dry_run(
        self, stream: Any, fmt: str, chunk_rows: int, report: _ErrorReport, progress: _Progress
    ) -> _Totals:
        totals = _Totals()
        for chunk in portfolio_import(
            stream, format=fmt, source=DRY_RUN_SOURCE, dry_run=True, chunk_rows=chunk_rows
        ):
            totals.add(chunk)
            report.add(chunk)
            progress.show(totals, chunk.end.offset)
        return totals

    def _import(
        self,
        path: Path,
        stream: Any,
        fmt: str,
        chunk_rows: int,
        report: _ErrorReport,
        progress: _Progress,
    ) -> _Totals:
        job = import_job_for_path(path=path.resolve(), format=fmt)
        totals = _Totals(job=job.pk)

        def after_chunk(job: ImportJob, chunk: Chunk) -> None:
            totals.add(chunk)
            report.add(chunk)
            progress.show(totals, chunk.end.offset)

        finished = import_job_run(
            job_id=job.pk, stream=stream, chunk_rows=chunk_rows, after_chunk=after_chunk
        )
        if finished is None or finished.status != ImportJob.Status.DONE:
            job.refresh_from_db()
            if not job.rows_done:
                raise CommandError(
                    _("%(path)s cannot be imported, nothing was written: %(why)s")
                    % {"path": path, "why": job.error or job.status}
                )
            raise CommandError(
                _("Import %(id)s stopped after line %(line)d: %(why)s")
                % {"id": job.pk, "line": job.lines_done, "why": job.error or job.status}
            )
        return totals

    def _summary(
        self, totals: _Totals, progress: _Progress, report: _ErrorReport, *, dry_run: bool
    ) -> None:
        seconds = max(progress.elapsed(), 1e-9)
        lines = []
        if dry_run:
            lines.append(_("Dry run: nothing was written. It would have done this:"))
        elif totals.job:
            lines.append(_("Import %(id)s (source import:%(id)s):") % {"id": totals.job})
        lines.append(
            _(
                "rows: %(rows)d, imported %(valid)d, rejected %(rejected)d; %(rate).0f rows/s "
                "(%(seconds).1f s)"
            )
            % {
                "rows": totals.rows,
                "valid": totals.rows - totals.rejected,
                "rejected": totals.rejected,
                "rate": totals.rows / seconds,
                "seconds": seconds,
            }
        )
        for kind, label in (("loans", _("loans")), ("borrowers", _("borrowers"))):
            counts = totals.counts[kind]
            lines.append(
                _("%(label)s: created %(created)d, updated %(updated)d, unchanged %(unchanged)d")
                % {
                    "label": label,
                    "created": counts["created"],
                    "updated": counts["updated"],
                    "unchanged": counts["unchanged"],
                }
            )
        if report.written:
            lines.append(
                _("error report: %(path)s (%(n)d problems)")
                % {"path": report.path, "n": report.written}
            )
        self.stdout.write("\n".join(lines))


class _Totals:
    def __init__(self, job: int | None = None) -> None:
        self.job = job
        self.rows = 0
        self.rejected = 0
        self.counts: dict[str, Counter] = {"loans": Counter(), "borrowers": Counter()}

    def add(self, chunk: Chunk) -> None:
        self.rows += chunk.size
        self.rejected += len(chunk.rejected)
        for kind, counter in chunk.counts.items():
            self.counts[kind].update(counter)


class _ErrorReport:
    """line, field, message per problem; the file is created at the first rejected row."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.written = 0
        self._file: TextIO | None = None
        self._writer: Any = None

    def add(self, chunk: Chunk) -> None:
        for rejected in chunk.rejected:
            if self._writer is None:
                self._file = self.path.open("w", newline="", encoding="utf-8")
                self._writer = csv.writer(self._file)
                self._writer.writerow(HEADER)
            for problem in rejected.problems:
                self._writer.writerow(report_row(rejected.line, problem.path, problem.message))
                self.written += 1

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class _Progress:
    """A line every couple of seconds: where in the file, rows so far, rejected, rows/s."""

    EVERY = 2.0

    def __init__(self, out: Any, *, size: int, quiet: bool) -> None:
        self.out, self.size, self.quiet = out, size, quiet
        self.started = self._shown = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def show(self, totals: _Totals, offset: int) -> None:
        now = time.monotonic()
        if self.quiet or now - self._shown < self.EVERY:
            return
        self._shown = now
        self.out.write(
            _("%(percent)3.0f%%  %(rows)d rows, %(rejected)d rejected, %(rate).0f rows/s")
            % {
                "percent": 100 * offset / self.size if self.size else 100,
                "rows": totals.rows,
                "rejected": totals.rejected,
                "rate": totals.rows / max(now - self.started, 1e-9),
            }
        )

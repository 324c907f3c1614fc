"""Run the nightly escalation by hand: `run_escalation [--date YYYY-MM-DD] [--dry-run] [--quiet]`.

`make run` calls it on every start with --quiet: the first start of a day runs that day's run,
so the dispatcher has today's messages to send; later starts find the run (one per date) and
do nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_app.models import EscalationRun
from collections_app.services.escalation import (
    escalation_dry_run,
    escalation_run_start,
    escalation_run_work,
)


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # Read when the parser is made, so in the language active then (argparse needs a str).
        return _(
            "Run the nightly escalation for a date in this process (chunks are claimed, so Celery "
            "workers may help). Running it again for the same date changes nothing."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", help=_("the date to run for, YYYY-MM-DD (default: today, UTC)")
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Compute everything, write nothing.")
        )
        parser.add_argument(
            "--quiet",
            action="store_true",
            help=_("Print one line (the run's status and messages queued), not the totals."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run_date = (
                dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
            )
        except ValueError as exc:
            raise CommandError(_("--date: %(error)s") % {"error": exc}) from exc
        if options["dry_run"]:
            totals = escalation_dry_run(run_date=run_date)
            self.stdout.write(_("Dry run for %(date)s: nothing was written.") % {"date": run_date})
            self._summary(
                dict(totals),
                {k.split(":", 1)[1]: v for k, v in totals.items() if k.startswith("transition:")},
            )
            return
        finished = EscalationRun.objects.filter(run_date=run_date).exclude(
            status=EscalationRun.Status.RUNNING
        )
        if finished.exists():
            run = finished.get()
            self.stdout.write(
                _("Escalation run %(date)s: already %(status)s, nothing to do.")
                % {"date": run.run_date, "status": run.get_status_display().lower()}
            )
            if not options["quiet"]:
                self._summary({"cases_seen": run.cases_seen, **run.totals}, run.transitions)
            return
        run = escalation_run_start(run_date=run_date, enqueue=False)
        if run.status == EscalationRun.Status.RUNNING:
            escalation_run_work(run_id=run.pk)
        run.refresh_from_db()
        if options["quiet"]:
            self.stdout.write(
                _(
                    "Escalation run %(date)s: %(status)s, %(cases)d cases, %(queued)d messages "
                    "queued, %(errors)d failed chunks."
                )
                % {
                    "date": run.run_date,
                    "status": run.get_status_display().lower(),
                    "cases": run.cases_seen,
                    "queued": run.totals.get("outbox_queued", 0),
                    "errors": run.errors,
                }
            )
            return
        self.stdout.write(
            _("Escalation run %(date)s: %(status)s, %(chunks)d chunks, %(errors)d failed")
            % {
                "date": run.run_date,
                "status": run.get_status_display(),
                "chunks": run.chunk_count,
                "errors": run.errors,
            }
        )
        self._summary({"cases_seen": run.cases_seen, **run.totals}, run.transitions)

    def _summary(self, totals: dict[str, int], transitions: dict[str, int]) -> None:
        totals = {k: v for k, v in totals.items() if not k.startswith(("transition:", "_"))}
        for key in sorted(totals):
            self.stdout.write(f"  {key:<24} {totals[key]}")
        for name in sorted(transitions):
            # i18n: not for people (a table of counts by their machine names, like the totals)
            self.stdout.write(f"  transition {name:<13} {transitions[name]}")
        self.stdout.write(
            json.dumps({"totals": totals, "transitions": transitions}, sort_keys=True)
        )

"""Purge personal data past its retention period: `purge_personal_data [--dry-run]`.

Prints the count per table, then a JSON line; every run (dry or real) is stored as a
PurgeRun, which compliance officers read in admin.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from collections_app.services.retention import purge_personal_data, step_label


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _(
            "Remove the personal data of debts past their retention period (the profile's "
            "years after the last collection activity). Running it again changes nothing."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Count what would be removed, per table; change nothing."),
        )
        parser.add_argument("--batch-size", type=int, help=_("cases per transaction"))

    def handle(self, *args: object, **options: object) -> None:
        dry_run = bool(options["dry_run"])
        run = purge_personal_data(dry_run=dry_run, batch_size=options.get("batch_size"))
        heading = _("Dry run: would change, per table") if dry_run else _("Changed, per table")
        self.stdout.write(_("%(cases)s cases past their retention period.") % {"cases": run.cases})
        self.stdout.write(heading)
        for table, count in sorted(run.counts.items()):
            self.stdout.write(f"  {step_label(table)}: {count}")
        self.stdout.write(
            json.dumps(
                {"run": run.pk, "dry_run": dry_run, "cases": run.cases, "counts": run.counts}
            )
        )

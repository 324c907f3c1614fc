"""Run the portfolio simulator (collections_app/simulation/) against this database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from collections_app.simulation.portfolio import DEFAULT_MIX, parse_mix
from collections_app.simulation.report import chart_svg
from collections_app.simulation.runner import DEFAULT_START, SimConfig, simulate


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # Read when the parser is made, so in the language active then (argparse needs a str).
        return _(
            "Simulate a portfolio of borrowers with personas for D days through the real engine "
            "(nightly run, dispatcher, compliance gate, webhooks) and write summary.json and "
            "chart.svg to --out."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        default_mix = ",".join(f"{k}={v:g}" for k, v in DEFAULT_MIX.items())
        parser.add_argument(
            "--borrowers",
            type=int,
            default=1000,
            help=_(
                "how many simulated borrowers (and loans, and cases) to create, half in China "
                "and half in the US unless --policy says otherwise (default: %(default)s)"
            ),
        )
        parser.add_argument(
            "--days",
            type=int,
            default=60,
            help=_(
                "how many days to simulate, each with its nightly run and 24 hours of "
                "dispatching, replies, calls and payments (default: %(default)s)"
            ),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=7,
            help=_(
                "random seed for personas and every borrower's choices; the same seed gives "
                "the same summary.json (default: %(default)s)"
            ),
        )
        parser.add_argument(
            "--mix",
            default="",
            help=_(
                "persona shares, e.g. strategic=0.3; personas not named keep their default "
                "share and the shares are scaled to add up to 1 (default: %(mix)s)"
            )
            % {"mix": default_mix},
        )
        parser.add_argument(
            "--start",
            help=_("first simulated day, YYYY-MM-DD, fixed so a seed repeats (default: %(start)s)")
            % {"start": DEFAULT_START},
        )
        parser.add_argument(
            "--until-today",
            action="store_true",
            help=_(
                "start --days before today instead of at --start, so the simulation ends "
                "yesterday and today's nightly run is left to the real engine (make run; default: "
                "off)"
            ),
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_(
                "do nothing when simulated borrowers exist already, so make run simulates "
                "once (default: off)"
            ),
        )
        parser.add_argument(
            "--policy",
            default="",
            help=_(
                "simulate only borrowers of this current policy's jurisdiction (CN or US), "
                "e.g. us-default; each case still gets its policy the way production chooses it "
                "(default: half CN, half US)"
            ),
        )
        parser.add_argument(
            "--out",
            default="var/simulation",
            help=_(
                "folder for summary.json and chart.svg, created if missing (default: %(default)s)"
            ),
        )
        parser.add_argument(
            "--quiet",
            action="store_true",
            help=_(
                "print only the last line: no progress per day, no summary (summary.json has "
                "it; default: off)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.utils import timezone

        from collections_app.models import Borrower, CollectionPolicy
        from collections_app.simulation.portfolio import PREFIX

        if options["if_empty"] and Borrower.objects.filter(external_id__startswith=PREFIX).exists():
            self.stdout.write(_("Simulated portfolio already loaded."))
            return

        jurisdiction = ""
        if options["policy"]:
            policy = CollectionPolicy.objects.filter(key=options["policy"], is_current=True).first()
            if policy is None:
                raise CommandError(_("no current policy %(key)r") % {"key": options["policy"]})
            if policy.jurisdiction not in ("CN", "US"):
                raise CommandError(_("--policy: the simulator makes CN and US borrowers only"))
            jurisdiction = policy.jurisdiction
        try:
            mix = parse_mix(options["mix"])
            start = dt.date.fromisoformat(options["start"]) if options["start"] else DEFAULT_START
            if options["until_today"]:
                start = timezone.localdate() - dt.timedelta(days=options["days"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        cfg = SimConfig(
            borrowers=options["borrowers"],
            days=options["days"],
            seed=options["seed"],
            mix=mix,
            start=start,
            jurisdiction=jurisdiction,
        )
        progress = None if options["quiet"] else self.stdout.write
        result = simulate(cfg, progress=progress)
        summary = result["summary"]
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        (out / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
        title = _("Cases by state per day (%(borrowers)d borrowers, seed %(seed)d)") % {
            "borrowers": cfg.borrowers,
            "seed": cfg.seed,
        }
        (out / "chart.svg").write_text(chart_svg(summary["cases_by_state_per_day"], title))
        if not options["quiet"]:
            shown = {k: v for k, v in summary.items() if k != "cases_by_state_per_day"}
            self.stdout.write(json.dumps(shown, indent=2, sort_keys=True))
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Simulated %(borrowers)d borrowers x %(days)d days in %(seconds).1fs; wrote "
                    "%(summary)s and %(chart)s"
                )
                % {
                    "borrowers": cfg.borrowers,
                    "days": cfg.days,
                    "seconds": result["seconds"],
                    "summary": out / "summary.json",
                    "chart": out / "chart.svg",
                }
            )
        )

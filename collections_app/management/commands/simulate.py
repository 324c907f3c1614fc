"""Run the portfolio simulator (collections_app/simulation/) against this database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from collections_app.simulation.portfolio import parse_mix
from collections_app.simulation.report import chart_svg
from collections_app.simulation.runner import DEFAULT_START, SimConfig, simulate


class Command(BaseCommand):
    help = (
        "Simulate a portfolio of borrowers with personas for D days through the real engine "
        "(nightly run, dispatcher, compliance gate, webhooks) and write summary.json and "
        "chart.svg to --out."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--borrowers", type=int, default=1000)
        parser.add_argument("--days", type=int, default=60)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--mix",
            default="",
            help="persona shares, e.g. forgetful=0.35,hardship=0.25,strategic=0.2,"
            "unreachable=0.1,disputer=0.1",
        )
        parser.add_argument("--start", help="first simulated day, YYYY-MM-DD")
        parser.add_argument(
            "--until-today",
            action="store_true",
            help="end the simulation yesterday (the demo: tonight's real run stays free)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when simulated borrowers exist already (make run)",
        )
        parser.add_argument(
            "--policy",
            default="",
            help="simulate the borrowers of this policy (its jurisdiction); each case still gets "
            "its policy the way production chooses it",
        )
        parser.add_argument("--out", default="var/simulation")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.utils import timezone

        from collections_app.models import Borrower, CollectionPolicy
        from collections_app.simulation.portfolio import PREFIX

        if options["if_empty"] and Borrower.objects.filter(external_id__startswith=PREFIX).exists():
            self.stdout.write("Simulated portfolio already loaded.")
            return

        jurisdiction = ""
        if options["policy"]:
            policy = CollectionPolicy.objects.filter(key=options["policy"], is_current=True).first()
            if policy is None:
                raise CommandError(f"no current policy {options['policy']!r}")
            if policy.jurisdiction not in ("CN", "US"):
                raise CommandError("--policy: the simulator makes CN and US borrowers only")
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
        title = f"Cases by state per day ({cfg.borrowers} borrowers, seed {cfg.seed})"
        (out / "chart.svg").write_text(chart_svg(summary["cases_by_state_per_day"], title))
        shown = {k: v for k, v in summary.items() if k != "cases_by_state_per_day"}
        self.stdout.write(json.dumps(shown, indent=2, sort_keys=True))
        self.stdout.write(
            self.style.SUCCESS(
                f"Simulated {cfg.borrowers} borrowers x {cfg.days} days in "
                f"{result['seconds']:.1f}s; wrote {out / 'summary.json'} and {out / 'chart.svg'}"
            )
        )

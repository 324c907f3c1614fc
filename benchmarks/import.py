"""Portfolio import: 1,000,000 rows through `manage.py import_portfolio`, next to a bare COPY.

    .venv/bin/python benchmarks/import.py --rows 1000000

Writes a CSV portfolio (one row per loan with its borrower, docs/import.md; a borrower in three
has a second loan, one row in 200 is invalid) to a temporary folder, then on a fresh database of
its own (`--database`, dropped and created again):

1. `COPY` of the same file into a plain table of text columns: the floor, what PostgreSQL takes
   to read the bytes and store them with no validation, no upsert, no case;
2. the parse alone: the file read and every row validated (imports/portfolio.py), nothing
   written: what the Python side costs before the database;
3. the import: the management command in a process of its own, its RSS sampled as it goes
   (its own and its parse process's, imports/parse_process.py; peak, and at a quarter, half
   and three quarters of the way: flat means streaming);
4. the same file again: every row unchanged, nothing written.

Prints a table, then one JSON line. Target: the import under 90 s on 2 cores, peak RSS under
300 MB. `--profile N` also imports N more rows in this process under cProfile (where the time
goes, by cumulative time).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PG, ROOT, machine, setup_django, use_database

TARGET_SECONDS = 90
TARGET_RSS_MB = 300

HEADER = [
    "borrower_external_id", "name", "jurisdiction", "region", "time_zone", "language",
    "phone1", "phone1_type", "phone1_source", "phone1_consent", "phone1_consent_at",
    "phone2", "phone2_type", "email1",
    "loan_external_id", "product", "currency", "principal", "balance_principal",
    "balance_interest", "balance_fees", "balance_as_of", "status", "amount_past_due",
    "due_date", "days_past_due", "origination_date", "origination_state",
]  # fmt: skip
FIRST = ["Avery", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Wei", "Na", "Min", "Jing"]
LAST = ["Johnson", "Smith", "Brown", "Lee", "Garcia", "Wang", "Zhang", "Liu", "Chen", "Hill"]
US_STATES = [("CA", "America/Los_Angeles", "415"), ("NY", "America/New_York", "212"),
             ("TX", "America/Chicago", "512"), ("HI", "Pacific/Honolulu", "808")]  # fmt: skip


def portfolio_lines(rows: int, seed: int = 7, prefix: str = ""):
    """The file's lines: a borrower in three has a second loan; one row in 200 is invalid (a
    phone number too short, a currency that is not one, two loans' balances with 3 decimals)."""
    rng = random.Random(seed)
    yield ",".join(HEADER) + "\n"
    n = borrower = 0
    while n < rows:
        borrower += 1
        loans = 2 if borrower % 3 == 0 else 1
        cn = borrower % 4 == 0
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if cn:
            region, zone, language = "GD", "Asia/Shanghai", "zh-Hans"
            phone = f"+86138{borrower % 100_000_000:08d}"
            currency = "CNY"
        else:
            region, zone, area = US_STATES[borrower % len(US_STATES)]
            language = "en"
            phone = f"+1{area}555{borrower % 10_000:04d}"
            currency = "USD"
        email = f"b{borrower}@example.com"
        for k in range(loans):
            if n >= rows:
                break
            n += 1
            principal = rng.randrange(500, 20_000)
            balance = round(principal * rng.uniform(0.2, 0.95), 2)
            past_due = rng.random() < 0.8
            amount = round(min(balance, principal * 0.1), 2) if past_due else 0
            cells = [
                f"{prefix}B{borrower}", name, "CN" if cn else "US", region, zone, language,
                phone, "mobile", "application", "prior_express_consent",
                "2024-05-02T10:00:00+00:00", "", "", email,
                f"{prefix}L{borrower}-{k}", "personal", currency, f"{principal}.00",
                f"{balance:.2f}", f"{rng.randrange(0, 5000) / 100:.2f}", "15.00", "2026-03-01",
                "past_due" if past_due else "current", f"{amount:.2f}",
                "2026-01-15" if past_due else "", str(rng.randrange(1, 120)) if past_due else "",
                "2024-05-02", region if not cn else "",
            ]  # fmt: skip
            if n % 200 == 0:
                bad = (n // 200) % 3
                if bad == 0:
                    cells[6] = "555"  # phone1
                elif bad == 1:
                    cells[16] = "XYZ"  # currency
                else:
                    cells[18] = "10.001"  # balance_principal
            yield ",".join(f'"{c}"' if "," in c else c for c in cells) + "\n"


def write_file(path: Path, rows: int) -> float:
    started = time.perf_counter()
    with path.open("w", encoding="utf-8", newline="") as out:
        out.writelines(portfolio_lines(rows))
    return time.perf_counter() - started


def fresh_database(name: str) -> str:
    for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", f"{PG}/postgres", "-qc", sql], check=True, capture_output=True)
    return use_database(name)


def bare_copy(path: Path) -> float:
    """COPY the file into a plain table of text columns: no validation, no keys, no cases."""
    from django.db import connection

    columns = ", ".join(f"{c} text" for c in HEADER)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_import_copy")
        cursor.execute(f"CREATE UNLOGGED TABLE bench_import_copy ({columns})")
        started = time.perf_counter()
        with (
            path.open("rb") as stream,
            cursor.copy("COPY bench_import_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
        ):
            while chunk := stream.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM bench_import_copy")
        assert cursor.fetchone()[0] > 0
        cursor.execute("DROP TABLE bench_import_copy")
    return seconds


def parse_only(path: Path) -> tuple[float, int, int]:
    from collections_app.imports.portfolio import Rejected, portfolio_rows
    from collections_app.models import JurisdictionProfile

    jurisdictions = set(JurisdictionProfile.objects.values_list("code", flat=True))
    valid = rejected = 0
    started = time.perf_counter()
    with path.open("rb") as stream:
        for row in portfolio_rows(stream, format="csv", jurisdictions=jurisdictions):
            if isinstance(row, Rejected):
                rejected += 1
            else:
                valid += 1
    return time.perf_counter() - started, valid, rejected


def profile_import(folder: Path, rows: int, top: int = 30) -> str:
    """Import `rows` new rows (other ids than the benchmark's) in this process under cProfile:
    where an import's time goes, by cumulative time, our code and Django's bulk insert."""
    from django.core.management import call_command

    path = folder / "profile.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.writelines(portfolio_lines(rows, prefix="P"))
    profiler = cProfile.Profile()
    profiler.enable()
    call_command("import_portfolio", str(path), "--quiet", "--errors", str(folder / "p.csv"),
                 stdout=io.StringIO())  # fmt: skip
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(r"collections_app|models/query.py|sql/compiler.py|psycopg/cursor", top)
    return out.getvalue()


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def tree_rss_mb(pid: int) -> float | None:
    """The process and its children (the import's parse process): what the import holds."""
    own = rss_mb(pid)
    if own is None:
        return None
    return own + sum(rss_mb(child) or 0 for child in children(pid))


def run_import(path: Path, errors: Path, env: dict | None = None) -> dict:
    """The command in its own process; RSS (its own and its parse process's, summed) sampled
    every 0.2 s."""
    command = [sys.executable, "manage.py", "import_portfolio", str(path), "--quiet",
               "--errors", str(errors)]  # fmt: skip
    samples: list[tuple[float, float]] = []
    # CPU seconds of the command and its parse process (waited for, so counted as our
    # children's): on a machine shared with other work, a steadier measure than the wall clock.
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, **(env or {})})  # fmt: skip

    def sample() -> None:
        while proc.poll() is None:
            value = tree_rss_mb(proc.pid)
            if value is not None:
                samples.append((time.perf_counter() - started, value))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"import_portfolio failed:\n{out[-2000:]}\n{err[-4000:]}")
    at = {}
    for share in (0.25, 0.5, 0.75):
        later = [mb for t, mb in samples if t >= share * seconds]
        at[f"{int(share * 100)}%"] = round(later[0], 1) if later else None
    return {
        "seconds": round(seconds, 2),
        "python_cpu_seconds": round(cpu, 2),
        "load_average": os.getloadavg()[0],
        "peak_rss_mb": round(max((mb for _, mb in samples), default=0), 1),
        "rss_mb_at": at,
        "summary": out.strip().splitlines(),
    }


def counts(summary: list[str]) -> dict:
    """The command's summary lines, back into numbers (rows, created, ...)."""
    import re

    found = {}
    for line in summary:
        if m := re.match(r"rows: (\d+), imported (\d+), rejected (\d+)", line):
            found.update(rows=int(m[1]), imported=int(m[2]), rejected=int(m[3]))
        if m := re.match(r"(loans|borrowers): created (\d+), updated (\d+), unchanged (\d+)", line):
            found[m[1]] = {"created": int(m[2]), "updated": int(m[3]), "unchanged": int(m[4])}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database", default="collections_bench_import")
    parser.add_argument("--profile", type=int, default=0, help="profile an import of N rows")
    parser.add_argument("--no-reimport", action="store_true")
    parser.add_argument("--no-parse-only", action="store_true", help="skip step 2, the parse alone")
    parser.add_argument(
        "--also-inline",
        action="store_true",
        help="then import the file again on a fresh database with IMPORT_PARSE_PROCESS=0 "
        "(one process parsing and writing): the parse process's gain, measured in the same run",
    )
    args = parser.parse_args()

    fresh_database(args.database)
    setup_django()
    result: dict = {"benchmark": "import", "rows": args.rows, "machine": machine()}
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        path = Path(folder) / "portfolio.csv"
        result["file_seconds"] = round(write_file(path, args.rows), 2)
        result["file_mb"] = round(path.stat().st_size / 1e6, 1)
        result["copy_seconds"] = round(bare_copy(path), 3)
        parse_seconds, valid, rejected = None, None, None
        if not args.no_parse_only:
            parse_seconds, valid, rejected = parse_only(path)
            result["parse_seconds"] = round(parse_seconds, 3)
        # The command's own connection: close ours so the database is the import's alone.
        from django.db import connection

        connection.close()
        first = run_import(path, Path(folder) / "errors.csv")
        first.update(counts(first.pop("summary")))
        result["import"] = first
        if not args.no_reimport:
            again = run_import(path, Path(folder) / "errors-again.csv")
            again.update(counts(again.pop("summary")))
            result["reimport"] = again
        if args.also_inline:
            connection.close()
            fresh_database(args.database)
            setup_django()
            connection.close()
            inline = run_import(path, Path(folder) / "errors-inline.csv",
                                env={"IMPORT_PARSE_PROCESS": "0"})  # fmt: skip
            inline.update(counts(inline.pop("summary")))
            result["inline"] = inline
        if args.profile:
            result["profile"] = profile_import(Path(folder), args.profile)
    assert first["rows"] == args.rows, first
    if valid is not None:
        assert (first["imported"], first["rejected"]) == (valid, rejected), first

    imp = result["import"]
    print(f"{args.rows:,} rows, {result['file_mb']} MB CSV; {result['machine']}")
    print(f"{'step':<34} {'seconds':>8} {'rows/s':>10} {'peak RSS':>9}")
    lines = [
        ("COPY into a plain table", result["copy_seconds"], None),
        ("import_portfolio", imp["seconds"], imp["peak_rss_mb"]),
    ]
    if parse_seconds is not None:
        lines.insert(1, ("parse and validate only", result["parse_seconds"], None))
    if "reimport" in result:
        lines.append(("import again (all unchanged)", result["reimport"]["seconds"],
                      result["reimport"]["peak_rss_mb"]))  # fmt: skip
    if "inline" in result:
        lines.append(("import, parsed inline (no process)", result["inline"]["seconds"],
                      result["inline"]["peak_rss_mb"]))  # fmt: skip
    for label, seconds, rss in lines:
        rate = f"{args.rows / seconds:,.0f}" if seconds else "-"
        print(f"{label:<34} {seconds:>8.2f} {rate:>10} {f'{rss} MB' if rss else '':>9}")
    print(f"import / COPY: {imp['seconds'] / max(result['copy_seconds'], 1e-9):.1f}x; "
          f"RSS at 25/50/75%: {imp['rss_mb_at']}; loans {imp.get('loans')}; "
          f"rejected {imp['rejected']}")  # fmt: skip
    for name in ("import", "reimport", "inline"):
        if name in result:
            run = result[name]
            print(f"{name}: {run['python_cpu_seconds']} s of Python CPU (command and parse "
                  f"process), load average {run['load_average']:.1f} at the end")  # fmt: skip
    print(f"target: < {TARGET_SECONDS} s, < {TARGET_RSS_MB} MB")
    if "profile" in result:
        print(result.pop("profile"))
    print(json.dumps(result))


if __name__ == "__main__":
    main()

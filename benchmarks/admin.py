"""Agent workspace at scale: case list, filtered list, search and case page over 1,000,000 cases.

    createdb collections_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/collections_bench \\
        .venv/bin/python benchmarks/admin.py --cases 1000000

Builds the portfolio once with SQL (generate_series; the ORM would take an hour), then sends
repeated requests through Django's test client as a logged-in agent and supervisor, and prints a
table and one JSON line: median and p95 per page, and the queries each page ran.
Rerunning reuses the data; --rebuild starts over.
"""

# ruff: noqa: SIM905  (SQL is built from this file's constants only; word lists read best)
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

TARGET_P95_MS = 300
AGENTS = 50
FIRST = (
    "Avery Jordan Taylor Morgan Casey Riley Jamie Drew Quinn Reese Alex Blake Cameron Dakota "
    "Emerson Finley Harper Hayden Jesse Kendall Logan Parker Peyton Rowan Sage Skyler Sydney "
    "Wei Na Min Yang Jing Fan Lei Li Jie Fang"
).split()
LAST = (
    "Johnson Smith Brown Davis Miller Wilson Moore Taylor Anderson Thomas Jackson White Harris "
    "Martin Thompson Garcia Martinez Robinson Clark Rodriguez Lewis Lee Walker Hall Allen Young "
    "King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips "
    "Evans Turner Torres Parker Collins Edwards Stewart Morris Murphy Cook Rogers Wang Zhang Liu"
).split()

# Stage mix of a live portfolio (out of 100).
STATE_SQL = """CASE
  WHEN i % 100 < 40 THEN 'reminder' WHEN i % 100 < 60 THEN 'negotiation'
  WHEN i % 100 < 75 THEN 'escalation' WHEN i % 100 < 80 THEN 'legal'
  WHEN i % 100 < 85 THEN 'paused' WHEN i % 100 < 95 THEN 'resolved' ELSE 'written_off' END"""


def build(n: int) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection

    from collections_app.models import AgentProfile

    User = get_user_model()
    agents = []
    for k in range(1, AGENTS + 1):
        user, _ = User.objects.get_or_create(username=f"agent{k}", defaults={"is_staff": True})
        user.groups.add(Group.objects.get(name="agent"))
        AgentProfile.objects.get_or_create(user=user)
        agents.append(user.pk)
    supervisor, _ = User.objects.get_or_create(username="supervisor", defaults={"is_staff": True})
    supervisor.groups.add(Group.objects.get(name="supervisor"))
    first = "ARRAY[" + ",".join(f"'{x}'" for x in FIRST) + "]"
    last = "ARRAY[" + ",".join(f"'{x}'" for x in LAST) + "]"
    agent_array = "ARRAY[" + ",".join(map(str, agents)) + "]::bigint[]"
    steps = [
        (
            "borrowers",
            f"""INSERT INTO collections_app_borrower (id, external_id, name, phone, email,
                time_zone, preferred_language, jurisdiction, created_at, updated_at)
            SELECT i, 'BB' || i, ({first})[1 + i % {len(FIRST)}] || ' ' ||
                   ({last})[1 + (i / {len(FIRST)}) % {len(LAST)}],
                   '+1415' || lpad(i::text, 7, '0'), 'borrower' || i || '@example.com',
                   CASE WHEN i % 3 = 0 THEN 'Asia/Shanghai' ELSE 'America/New_York' END,
                   CASE WHEN i % 3 = 0 THEN 'zh-Hans' ELSE 'en' END,
                   CASE WHEN i % 3 = 0 THEN 'CN' ELSE 'US' END, now(), now()
            FROM generate_series(1, {n}) AS i""",
        ),
        (
            "loans",
            f"""INSERT INTO collections_app_loan (id, external_id, borrower_id, product, currency,
                principal, outstanding_balance, due_date, lender_data, created_at, updated_at)
            SELECT i, 'LN' || i, i, 'cash-loan-12m', CASE WHEN i % 3 = 0 THEN 'CNY' ELSE 'USD' END,
                   1000 + i % 9000, 1000 + i % 9000, current_date - (1 + i % 180), '{{}}', now(),
                   now()
            FROM generate_series(1, {n}) AS i""",
        ),
        (
            "cases",
            f"""INSERT INTO collections_app_collectioncase (id, loan_id, state, paused_from,
                pause_reason, close_reason, amount_overdue, overdue_since, assigned_agent_id,
                segment, next_action_at, opened_at, closed_at, updated_at)
            SELECT i, i, s.state, '', '', '', 100 + i % 900, current_date - (i % 180),
                   CASE WHEN s.state = 'reminder' THEN NULL
                        ELSE ({agent_array})[1 + i % {AGENTS}] END,
                   (ARRAY['', 'self_cure', 'hardship', 'strategic', 'unreachable',
                          'disputing'])[1 + i % 6],
                   CASE WHEN s.state IN ('resolved', 'written_off') THEN NULL
                        ELSE date_trunc('day', now()) + ((i % 15) - 7) * interval '1 day'
                             + (i % 24) * interval '1 hour' END,
                   now() - (i % 180) * interval '1 day', NULL, now()
            FROM generate_series(1, {n}) AS i, LATERAL (SELECT {STATE_SQL} AS state) s""",
        ),
        (
            "events",
            f"""INSERT INTO collections_app_caseevent (case_id, kind, from_state, to_state,
                actor_id, reason, data, created_at)
            SELECT i, 'opened', 'reminder', 'reminder', NULL, '', '{{}}'::jsonb,
                   now() - (i % 180) * interval '1 day'
            FROM generate_series(1, {n}) AS i
            UNION ALL
            SELECT i, 'note', 'reminder', 'reminder', ({agent_array})[1 + i % {AGENTS}],
                   'Called, left a message', '{{}}'::jsonb, now() - (i % 90) * interval '1 day'
            FROM generate_series(1, {n}, 2) AS i
            UNION ALL  -- borrower replies, 1 case in 100, over the last 40 days
            SELECT i, 'reply', 'negotiation', 'negotiation', NULL, 'Can I pay next week?',
                   '{{"channel": "sms"}}'::jsonb, now() - (i % 40) * interval '1 day'
            FROM generate_series(1, {n}, 100) AS i""",
        ),
        (
            "promises",
            f"""INSERT INTO collections_app_promisetopay (case_id, amount, due_date, status,
                amount_paid, created_by_id, created_at, resolved_at)
            SELECT i, 50, current_date + (i % 21) - 10,
                   CASE WHEN i % 7 = 0 THEN 'broken' ELSE 'active' END, 0,
                   ({agent_array})[1 + i % {AGENTS}], now() - interval '10 days', NULL
            FROM generate_series(2, {n}, 20) AS i""",
        ),
        (
            "messages",
            f"""INSERT INTO collections_app_outboundmessage (case_id, borrower_id, channel,
                template_key, step, scheduled_at, idempotency_key, status, to_address, provider,
                provider_id, error_code, error_message, attempt_count, claimed_at, sent_at,
                delivered_at, created_by_id, created_at, updated_at)
            SELECT i, i, 'sms', 'reminder-day0', 'reminder:0:sms', now() - interval '2 days',
                   'bench:' || i, 'delivered', '+1415' || lpad(i::text, 7, '0'), 'file', '', '',
                   '', 1, NULL, now() - interval '2 days', now() - interval '2 days', NULL,
                   now() - interval '2 days', now()
            FROM generate_series(1, {n}, 5) AS i""",
        ),
        (
            "denials",
            f"""INSERT INTO collections_app_contactdecision (borrower_id, case_id, message_id,
                channel, decided_at, allowed, rule, detail, next_allowed_at, profile_code,
                profile_version)
            SELECT i, i, NULL, 'voice', now() - interval '1 day', false, 'time_window',
                   'outside 08:00-21:00 local', now() + interval '10 hours', 'US', 1
            FROM generate_series(1, {n}, 50) AS i""",
        ),
    ]
    with connection.cursor() as cursor:
        for label, sql in steps:
            started = time.monotonic()
            cursor.execute(sql)
            print(f"  {label:<10} {cursor.rowcount:>9,} rows  {time.monotonic() - started:6.1f}s")
        for table in ("borrower", "loan", "collectioncase"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('collections_app_{table}', 'id'), "
                f"(SELECT max(id) FROM collections_app_{table}))"
            )
        started = time.monotonic()
        # VACUUM fills the visibility map (index-only scans), ANALYZE the planner's statistics.
        for table in ("borrower", "loan", "collectioncase", "caseevent", "promisetopay"):
            cursor.execute(f"VACUUM ANALYZE collections_app_{table}")
        cursor.execute("ANALYZE")
        print(f"  analyze    {time.monotonic() - started:6.1f}s")


def pages(n: int) -> dict[str, tuple[str, str]]:
    """name -> (user, url). Ids spread over the whole table."""
    base = "/admin/collections_app/collectioncase/"
    mid = n // 2 + 7  # a case with events, a promise, a message
    return {
        "list": ("agent1", base),
        "list page 50": ("agent1", base + "?p=50"),
        "queue: my cases": ("agent1", base + "?queue=mine"),
        "queue: due today": ("agent1", base + "?queue=due_today"),
        "queue: promises due": ("agent1", base + "?queue=promises_due"),
        "queue: broken promises": ("agent1", base + "?queue=broken_promises"),
        "queue: new replies": ("agent1", base + "?queue=new_replies"),
        "queue: unassigned": ("supervisor", base + "?queue=unassigned"),
        "filter: stage": ("agent1", base + "?state__exact=legal"),
        "filter: segment": ("agent1", base + "?segment__exact=hardship"),
        "filter: dpd 61-90": ("agent1", base + "?dpd=61-90"),
        "filter: jurisdiction": ("agent1", base + "?jurisdiction=CN"),
        "filter: combined": ("agent1", base + "?queue=mine&dpd=1-30&state__exact=negotiation"),
        "search: name": ("agent1", base + "?q=Riley+Wilson"),
        "search: phone": ("agent1", base + f"?q=%2B1415{mid:07d}"),
        "search: email": ("agent1", base + f"?q=borrower{mid}%40example.com"),
        "search: loan id": ("agent1", base + f"?q=LN{mid}"),
        "case page (agent)": ("agent1", base + f"{mid}/change/"),
        "case page (supervisor, PII)": ("supervisor", base + f"{mid + 20}/change/"),
    }


def measure(n: int, repeat: int) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    clients = {}
    for username in ("agent1", "supervisor"):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(get_user_model().objects.get(username=username))
        clients[username] = client
    rows = []
    for name, (user, url) in pages(n).items():
        client = clients[user]
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{name}: {url} answered {response.status_code}")
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        rows.append(
            {
                "page": name,
                "median_ms": round(statistics.median(timings), 1),
                "p95_ms": round(p95, 1),
                "queries": len(queries),
                "ok": p95 < TARGET_P95_MS,
            }
        )
        print(f"{name:<30} {rows[-1]['median_ms']:>8} {rows[-1]['p95_ms']:>8} {len(queries):>5}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true", help="drop the data and build again")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        raise SystemExit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from collections_app.models import CollectionCase

    call_command("migrate", verbosity=0)
    # Pages are drawn as in production: static files through the manifest storage.
    call_command("collectstatic", interactive=False, verbosity=0)
    if args.rebuild:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE collections_app_contactdecision, collections_app_outboundmessage, "
                "collections_app_promisetopay, collections_app_caseevent, "
                "collections_app_piiaccesslog, collections_app_collectioncase, "
                "collections_app_loan, collections_app_borrower CASCADE"
            )
    have = CollectionCase.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if have < args.cases:
        if have:
            raise SystemExit(f"{have} cases there, {args.cases} wanted: rerun with --rebuild")
        print(f"Building {args.cases:,} cases with SQL...")
        started = time.monotonic()
        build(args.cases)
        print(f"  built in {time.monotonic() - started:.0f}s")
    print(f"\n{'page':<30} {'median':>8} {'p95':>8} {'SQL':>5}   (ms, {args.repeat} requests)")
    rows = measure(args.cases, args.repeat)
    result = {
        "benchmark": "admin",
        "cases": args.cases,
        "repeat": args.repeat,
        "target_p95_ms": TARGET_P95_MS,
        "all_ok": all(r["ok"] for r in rows),
        "pages": rows,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()

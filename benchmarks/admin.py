"""Agent workspace at scale: case list, filtered list, search and case page over 1,000,000 cases.

    createdb collections_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/collections_bench \\
        .venv/bin/python benchmarks/admin.py --cases 1000000

Builds the portfolio once with SQL (generate_series through benchmarks/_bulk.py, which fills
every column this file does not shape from the model; the ORM would take an hour), then sends
repeated requests through Django's test client as a logged-in agent and supervisor, and prints a
table and one JSON line: median and p95 per page, and the queries each page ran.
Rerunning reuses the data; --rebuild starts over.
"""

# ruff: noqa: SIM905  (the word lists read best as one string each)
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.db.backends.utils import CursorWrapper

from benchmarks._bulk import insert_select

TARGET_P95_MS = 300
AGENTS = 50
PER_PAGE = 50  # the case list's list_per_page
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
STATE_SQL = """SELECT CASE
  WHEN i %% 100 < 40 THEN 'reminder' WHEN i %% 100 < 60 THEN 'negotiation'
  WHEN i %% 100 < 75 THEN 'escalation' WHEN i %% 100 < 80 THEN 'legal'
  WHEN i %% 100 < 85 THEN 'paused' WHEN i %% 100 < 95 THEN 'resolved'
  ELSE 'written_off' END AS state"""


def build(n: int) -> None:
    from django.db import connection, transaction

    agents = make_users()
    # All or nothing: a build that stops half-way would leave rows a rerun then collides with.
    with transaction.atomic(), connection.cursor() as cursor:
        for label, step in portfolio_steps(n, agents):
            started = time.monotonic()
            rows = step(cursor)
            print(f"  {label:<10} {rows:>9,} rows  {time.monotonic() - started:6.1f}s")
        for table in ("borrower", "loan", "collectioncase"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('collections_app_{table}', 'id'), "
                f"(SELECT max(id) FROM collections_app_{table}))"
            )
    with connection.cursor() as cursor:
        started = time.monotonic()
        # VACUUM fills the visibility map (index-only scans), ANALYZE the planner's statistics.
        for table in ("borrower", "loan", "collectioncase", "caseevent", "promisetopay"):
            cursor.execute(f"VACUUM ANALYZE collections_app_{table}")
        cursor.execute("ANALYZE")
        print(f"  analyze    {time.monotonic() - started:6.1f}s")


def make_users() -> list[int]:
    """AGENTS agents (agent1...) and a supervisor; returns the agents' ids."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

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
    return agents


def portfolio_steps(n: int, agents: list[int]) -> list[tuple[str, Callable[[CursorWrapper], int]]]:
    """(label, insert) per table, in order. Only the columns this benchmark shapes are given;
    insert_select fills the rest from the model (SQL: `%%` is a literal %)."""
    from collections_app.models import (
        Borrower,
        CaseEvent,
        CollectionCase,
        ContactDecision,
        Loan,
        OutboundMessage,
        PromiseToPay,
    )

    params = {"n": n, "first": FIRST, "last": LAST, "agents": agents}
    agent = f"(%(agents)s::bigint[])[1 + i %% {len(agents)}]"

    def step(model, columns: dict[str, str], from_sql: str) -> Callable[[CursorWrapper], int]:
        return lambda cursor: insert_select(cursor, model, columns, from_sql, params)

    every = "FROM generate_series(1, %(n)s) AS i"
    return [
        ("borrowers", step(Borrower, BORROWER, every)),
        ("loans", step(Loan, LOAN, every)),
        ("cases", step(CollectionCase, case_columns(agent), f"{every}, LATERAL ({STATE_SQL}) s")),
        ("events", step(CaseEvent, EVENT_OPENED, every)),
        ("notes", step(CaseEvent, event_note(agent), "FROM generate_series(1, %(n)s, 2) AS i")),
        # Borrower replies, 1 case in 100, over the last 40 days.
        ("replies", step(CaseEvent, EVENT_REPLY, "FROM generate_series(1, %(n)s, 100) AS i")),
        ("promises", step(PromiseToPay, promise(agent), "FROM generate_series(2, %(n)s, 20) AS i")),
        ("messages", step(OutboundMessage, MESSAGE, "FROM generate_series(1, %(n)s, 5) AS i")),
        ("denials", step(ContactDecision, DENIAL, "FROM generate_series(1, %(n)s, 50) AS i")),
    ]


# --- the portfolio's columns (the others: what the ORM would save) ----------------------------

BORROWER = {
    "id": "i",
    "external_id": "'BB' || i",
    "name": f"(%(first)s::text[])[1 + i %% {len(FIRST)}] || ' ' || "
    f"(%(last)s::text[])[1 + (i / {len(FIRST)}) %% {len(LAST)}]",
    "phone": "'+1415' || lpad(i::text, 7, '0')",
    "email": "'borrower' || i || '@example.com'",
    "time_zone": "CASE WHEN i %% 3 = 0 THEN 'Asia/Shanghai' ELSE 'America/New_York' END",
    "preferred_language": "CASE WHEN i %% 3 = 0 THEN 'zh-Hans' ELSE 'en' END",
    "jurisdiction": "CASE WHEN i %% 3 = 0 THEN 'CN' ELSE 'US' END",
}
LOAN = {
    "id": "i",
    "external_id": "'LN' || i",
    "borrower_id": "i",
    "product": "'cash-loan-12m'",
    "currency": "CASE WHEN i %% 3 = 0 THEN 'CNY' ELSE 'USD' END",
    "principal": "1000 + i %% 9000",
    "balance_principal": "1000 + i %% 9000",
    "outstanding_balance": "1000 + i %% 9000",
    "due_date": "current_date - (1 + i %% 180)",
}


def case_columns(agent: str) -> dict[str, str]:
    return {
        "id": "i",
        "loan_id": "i",
        "state": "s.state",
        "amount_overdue": "100 + i %% 900",
        "overdue_since": "current_date - (i %% 180)",
        "assigned_agent_id": f"CASE WHEN s.state = 'reminder' THEN NULL ELSE {agent} END",
        "segment": "(ARRAY['', 'self_cure', 'hardship', 'strategic', 'unreachable', "
        "'disputing'])[1 + i %% 6]",
        "next_action_at": "CASE WHEN s.state IN ('resolved', 'written_off') THEN NULL "
        "ELSE date_trunc('day', now()) + ((i %% 15) - 7) * interval '1 day' "
        "+ (i %% 24) * interval '1 hour' END",
        "opened_at": "now() - (i %% 180) * interval '1 day'",
    }


EVENT_OPENED = {
    "case_id": "i",
    "kind": "'opened'",
    "from_state": "'reminder'",
    "to_state": "'reminder'",
    "created_at": "now() - (i %% 180) * interval '1 day'",
}


def event_note(agent: str) -> dict[str, str]:
    return {
        "case_id": "i",
        "kind": "'note'",
        "from_state": "'reminder'",
        "to_state": "'reminder'",
        "actor_id": agent,
        "reason": "'Called, left a message'",
        "created_at": "now() - (i %% 90) * interval '1 day'",
    }


EVENT_REPLY = {
    "case_id": "i",
    "kind": "'reply'",
    "from_state": "'negotiation'",
    "to_state": "'negotiation'",
    "reason": "'Can I pay next week?'",
    "data": """'{"channel": "sms"}'::jsonb""",
    "created_at": "now() - (i %% 40) * interval '1 day'",
}


def promise(agent: str) -> dict[str, str]:
    return {
        "case_id": "i",
        "amount": "50",
        "due_date": "current_date + (i %% 21) - 10",
        "status": "CASE WHEN i %% 7 = 0 THEN 'broken' ELSE 'active' END",
        "created_by_id": agent,
        "created_at": "now() - interval '10 days'",
    }


MESSAGE = {
    "case_id": "i",
    "borrower_id": "i",
    "channel": "'sms'",
    "template_key": "'reminder-day0'",
    "step": "'reminder:0:sms'",
    "scheduled_at": "now() - interval '2 days'",
    "idempotency_key": "'bench:' || i",
    "status": "'delivered'",
    "to_address": "'+1415' || lpad(i::text, 7, '0')",
    "provider": "'file'",
    "attempt_count": "1",
    "sent_at": "now() - interval '2 days'",
    "delivered_at": "now() - interval '2 days'",
    "created_at": "now() - interval '2 days'",
}
DENIAL = {
    "borrower_id": "i",
    "case_id": "i",
    "channel": "'voice'",
    "decided_at": "now() - interval '1 day'",
    "allowed": "false",
    "rule": "'time_window'",
    "detail": "'outside 08:00-21:00 local'",
    "next_allowed_at": "now() + interval '10 hours'",
    "profile_code": "'US'",
    "profile_version": "1",
}


MULTI_LOAN_BORROWER = "BB-five-loans"


def multi_loan_borrower() -> int:
    """A borrower with 5 loans, each with a case, and 500 timeline events among them (the
    borrower page's case); made once with the ORM, reused after. Returns the borrower's id."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from collections_app.models import Borrower, CaseEvent, CollectionCase, Loan
    from collections_app.services.escalation_writes import bulk_insert

    found = Borrower.objects.filter(external_id=MULTI_LOAN_BORROWER).first()
    if found is not None:
        return found.pk
    borrower = Borrower.objects.create(
        external_id=MULTI_LOAN_BORROWER, name="Riley Five-Loans", phone="+14159990000"
    )
    now = timezone.now()
    cases = []
    for k, currency in enumerate(("USD", "USD", "USD", "EUR", "EUR")):
        loan = Loan.objects.create(
            external_id=f"{MULTI_LOAN_BORROWER}-{k}", borrower=borrower, currency=currency,
            principal=Decimal("1000"), balance_principal=Decimal("1000"),
            outstanding_balance=Decimal("1000"),
        )  # fmt: skip
        cases.append(
            CollectionCase.objects.create(
                loan=loan, amount_overdue=Decimal("250"), overdue_since=now.date()
            )
        )
    bulk_insert(
        CaseEvent,
        [
            dict(case_id=case.pk, kind=CaseEvent.Kind.NOTE, from_state="reminder",
                 to_state="reminder", actor_id=None, reason=f"note {i} on loan {k}", data={},
                 created_at=now - dt.timedelta(minutes=i))
            for k, case in enumerate(cases)
            for i in range(100)
        ],
        now,
    )  # fmt: skip
    return borrower.pk


def pages(n: int, borrower_id: int | None = None) -> dict[str, tuple[str, str]]:
    """name -> (user, url). Ids spread over the whole table."""
    base = "/admin/collections_app/collectioncase/"
    mid = n // 2 + 7  # a case with events, a promise, a message
    # A deep page; a small portfolio has fewer. The list hides the closed 15% (STATE_SQL).
    page = min(50, max(1, n * 85 // 100 // PER_PAGE))
    local = f"{mid:07d}"  # the phone's local part: +1415 + 7 digits
    return {
        "list": ("agent1", base),
        f"list page {page}": ("agent1", base + f"?p={page}"),
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
        # The national format, the last 4 digits and a part of the name (admin/search.py).
        "search: phone national": ("agent1", base + f"?q=%28415%29+{local[:3]}-{local[3:]}"),
        "search: phone last 4": ("agent1", base + f"?q={local[-4:]}"),
        "search: part of name": ("agent1", base + "?q=iley+wil"),
        "supervisor view": ("supervisor", "/admin/collections_app/agentprofile/team/"),
        "case page (agent)": ("agent1", base + f"{mid}/change/"),
        "case page (supervisor, PII)": ("supervisor", base + f"{mid + 20}/change/"),
        **(
            {
                "borrower page, 5 loans, 500 events (agent)": (
                    "agent1",
                    f"/admin/collections_app/borrower/{borrower_id}/change/",
                ),
                "borrower page, 5 loans (supervisor, PII)": (
                    "supervisor",
                    f"/admin/collections_app/borrower/{borrower_id}/change/",
                ),
            }
            if borrower_id is not None
            else {}
        ),
    }


def measure(n: int, repeat: int, borrower_id: int | None = None) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    clients = {}
    for username in ("agent1", "supervisor"):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(get_user_model().objects.get(username=username))
        clients[username] = client
    rows = []
    for name, (user, url) in pages(n, borrower_id).items():
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
    rows = measure(args.cases, args.repeat, multi_loan_borrower())
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

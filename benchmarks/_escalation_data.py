"""The escalation benchmark's N cases, built by the database (generate_series), not the ORM.

Pseudo-random but deterministic. Mix: 70 % CN / 30 % US; 55 % reminder, 15 % negotiation,
15 % escalation, 5 % legal, 5 % paused, 5 % resolved; days past due 0-119; half the borrowers
without a time zone (the phone number decides); 2 % without any address; contacts, replies,
disputes, promises (due, kept, broken), partial payments and plans with a missed installment.

Every INSERT goes through benchmarks/_bulk.py: only the columns the mix shapes are written here,
the rest is what the ORM would save, so a column added to a model cannot break the build. Import
after django.setup(). In the SQL, `%%` is a literal %.
"""

from __future__ import annotations

import datetime as dt

from django.db.backends.utils import CursorWrapper

from benchmarks._bulk import insert_select
from collections_app.models import (
    Borrower,
    CaseEvent,
    CollectionCase,
    ContactAttempt,
    Loan,
    Payment,
    PaymentPlan,
    PlanInstallment,
    PromiseToPay,
)

SERIES = "FROM generate_series(1, %(n)s) g"
CASES = "FROM collections_app_collectioncase"
DPD = "((g::bigint * 7919) %% 120)::int"  # days past due, spread over 0-119

BORROWER = {
    "id": "g",
    "external_id": "'B' || g",
    "name": "'Borrower ' || g",
    "phone": """CASE WHEN g %% 50 = 0 THEN ''
        WHEN g %% 10 < 7 THEN '+86138' || lpad((g %% 100000000)::text, 8, '0')
        ELSE '+1415' || lpad((g %% 10000000)::text, 7, '0') END""",
    "email": "CASE WHEN g %% 5 = 0 THEN '' ELSE 'b' || g || '@example.com' END",
    "time_zone": """CASE WHEN g %% 2 = 0 THEN '' WHEN g %% 10 < 7 THEN 'Asia/Shanghai'
        ELSE 'America/Los_Angeles' END""",
    "preferred_language": "CASE WHEN g %% 10 < 7 THEN 'zh-Hans' ELSE 'en' END",
    "jurisdiction": "CASE WHEN g %% 10 < 7 THEN 'CN' ELSE 'US' END",
}

LOAN = {
    "id": "g",
    "external_id": "'L' || g",
    "borrower_id": "g",
    "product": "'cash-loan-12m'",
    "currency": "CASE WHEN g %% 10 < 7 THEN 'CNY' ELSE 'USD' END",
    "principal": "5000",
    "balance_principal": "3000",
    "outstanding_balance": "3000",
    "due_date": f"%(today)s::date - {DPD} - 1",
    "lender_data": """jsonb_build_object(
        'income_band', CASE (g / 10) %% 5 WHEN 0 THEN 'high' WHEN 1 THEN 'low'
                                         WHEN 2 THEN 'low' ELSE 'medium' END,
        'other_loans_current', (g / 10) %% 4 = 0)""",
}

CASE = {
    "id": "g",
    "loan_id": "g",
    "state": "st",
    "paused_from": "CASE WHEN st = 'paused' THEN 'reminder' ELSE '' END",
    "pause_reason": "CASE WHEN st = 'paused' THEN 'hardship' ELSE '' END",
    "close_reason": "CASE WHEN st = 'resolved' THEN 'paid' ELSE '' END",
    "amount_overdue": "100 + (g * 31) %% 4900",
    "overdue_since": "%(today)s::date - dpd",
    "opened_at": "(%(today)s::date - dpd)::timestamp AT TIME ZONE 'UTC' + interval '3 hours'",
    "closed_at": "CASE WHEN st = 'resolved' THEN now() END",
}
CASE_FROM = f"""FROM (
    SELECT g, {DPD} AS dpd,
           CASE WHEN (g / 3) %% 20 <= 10 THEN 'reminder'
                WHEN (g / 3) %% 20 <= 13 THEN 'negotiation'
                WHEN (g / 3) %% 20 <= 16 THEN 'escalation'
                WHEN (g / 3) %% 20 = 17 THEN 'legal'
                WHEN (g / 3) %% 20 = 18 THEN 'paused'
                ELSE 'resolved' END AS st
    {SERIES}
) s"""

OPENED = {
    "case_id": "id",
    "kind": "'opened'",
    "from_state": "'reminder'",
    "to_state": "'reminder'",
    "created_at": "opened_at",
}

# One transition into the current stage, somewhere between opening and today.
TRANSITION = {
    "case_id": "id",
    "kind": "'transition'",
    "from_state": """CASE state WHEN 'legal' THEN 'escalation' WHEN 'paused' THEN 'reminder'
        ELSE 'reminder' END""",
    "to_state": "state",
    "reason": "'generated'",
    "created_at": "opened_at + ((%(today)s::date - overdue_since) * ((id %% 7) + 1) / 8)"
    " * interval '1 day'",
}

# Replies (5 %), one in ten of them a dispute.
REPLY = {
    "case_id": "id",
    "kind": "'reply'",
    "from_state": "state",
    "to_state": "state",
    "reason": "'borrower replied'",
    "data": """CASE WHEN id %% 200 = 7 THEN '{"intent": "dispute"}'::jsonb
                    ELSE '{}'::jsonb END""",
    "created_at": "now() - interval '5 days'",
}

# Contact attempts in the last three weeks for 40 % of borrowers, three each.
ATTEMPT = {
    "borrower_id": "g",
    "case_id": "g",
    "channel": "'sms'",
    "address": "'generated'",
    "occurred_at": "now() - (k * 5) * interval '1 day'",
    "outcome": """CASE (g / 5) %% 4 WHEN 0 THEN 'delivered' WHEN 1 THEN 'failed'
        WHEN 2 THEN CASE k WHEN 1 THEN 'connected' ELSE 'delivered' END
        ELSE 'voicemail' END""",
}

# Promises on 10 % of cases: due yesterday (broken tonight), due later, kept, broken before.
PROMISE = {
    "case_id": "id",
    "amount": "50",
    "due_date": """CASE (id / 10) %% 4 WHEN 0 THEN %(today)s::date - 1
        WHEN 1 THEN %(today)s::date + 7 ELSE %(today)s::date - 20 END""",
    "status": """CASE (id / 10) %% 4 WHEN 0 THEN 'active' WHEN 1 THEN 'active'
        WHEN 2 THEN 'kept' ELSE 'broken' END""",
    "amount_paid": "CASE (id / 10) %% 4 WHEN 2 THEN 50 ELSE 0 END",
    "created_at": "now() - interval '25 days'",
    "resolved_at": "CASE WHEN (id / 10) %% 4 >= 2 THEN now() - interval '19 days' END",
}

# Partial payments on 5 % of cases.
PAYMENT = {
    "case_id": "id",
    "loan_id": "loan_id",
    "external_id": "'P' || id",
    "amount": "20",
    "currency": "'USD'",
    "received_at": "now() - interval '10 days'",
}

# Plans on 2 % of cases; the first installment was due three days ago and is unpaid.
PLAN = {
    "id": "id",
    "case_id": "id",
    "status": "'active'",
    "created_at": "now() - interval '20 days'",
}
INSTALLMENT = {
    "plan_id": "p.id",
    "sequence": "k",
    "due_date": "%(today)s::date - 3 + (k - 1) * 30",
    "amount": "100",
    "status": "'pending'",
}

STEPS = [
    (Borrower, BORROWER, SERIES),
    (Loan, LOAN, SERIES),
    (CollectionCase, CASE, CASE_FROM),
    (CaseEvent, OPENED, CASES),
    (
        CaseEvent,
        TRANSITION,
        f"{CASES} WHERE state IN ('negotiation', 'escalation', 'legal', 'paused', 'resolved')",
    ),
    (CaseEvent, REPLY, f"{CASES} WHERE id %% 20 = 7"),
    (ContactAttempt, ATTEMPT, f"{SERIES}, generate_series(1, 3) k WHERE g %% 5 IN (1, 2)"),
    (PromiseToPay, PROMISE, f"{CASES} WHERE id %% 10 = 3"),
    (Payment, PAYMENT, f"{CASES} WHERE id %% 20 = 11"),
    (PaymentPlan, PLAN, f"{CASES} WHERE id %% 50 = 13"),
    (
        PlanInstallment,
        INSTALLMENT,
        "FROM collections_app_paymentplan p, generate_series(1, 3) k",
    ),
]


def generate(cursor: CursorWrapper, n: int, today: dt.date) -> None:
    """Insert the N cases and everything around them (into empty tables)."""
    params = {"n": n, "today": today}
    for model, columns, from_sql in STEPS:
        insert_select(cursor, model, columns, from_sql, params)

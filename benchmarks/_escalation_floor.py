"""(c) The floor: the writes of the nightly run as hand-written set-based SQL, no Python between.

Same kinds of writes as the engine: broken promises + their events, missed installments +
defaulted plans + their events, every active case's segment / policy / next action, state
moves + their events, today's outreach into the outbox. The rules are the default policy's
dpd / broken-promise / missed-installment ones; the segment is a simple stand-in.

The UPDATEs and the facts table are the measured SQL as written. The rows it adds go through
benchmarks/_bulk.py, so a column added to caseevent or outboundmessage gets what the ORM would
save instead of breaking the floor (the defaults are constants: they cost the floor nothing).
Import after django.setup(); run inside one transaction (the facts table drops on commit).
"""

from __future__ import annotations

import datetime as dt

from django.db.backends.utils import CursorWrapper

from benchmarks._bulk import insert_select, insert_select_sql
from collections_app.models import CaseEvent, LenderEvent, LenderEventDelivery, OutboundMessage

BROKEN_PROMISES = """WITH p AS (
    UPDATE collections_app_promisetopay pr SET status = 'broken', resolved_at = now()
    FROM collections_app_collectioncase c
    WHERE pr.case_id = c.id AND c.state IN ('reminder', 'negotiation', 'escalation', 'legal')
      AND pr.status = 'active' AND pr.due_date < %(today)s::date
    RETURNING pr.id, pr.case_id, c.state
)
"""
PROMISE_EVENT = {
    "kind": "'promise'",
    "from_state": "state",
    "to_state": "state",
    "reason": "'Promise broken'",
    "data": "jsonb_build_object('promise_id', id, 'rule', 'promise-expired')",
    "case_id": "case_id",
}

DEFAULTED_PLANS = """WITH i AS (
    UPDATE collections_app_planinstallment pi SET status = 'missed'
    FROM collections_app_paymentplan pp, collections_app_collectioncase c
    WHERE pi.plan_id = pp.id AND pp.case_id = c.id AND pp.status = 'active'
      AND c.state IN ('reminder', 'negotiation', 'escalation', 'legal')
      AND pi.status = 'pending' AND pi.due_date < %(today)s::date
    RETURNING pi.plan_id
), d AS (
    UPDATE collections_app_paymentplan pp SET status = 'defaulted'
    WHERE pp.id IN (SELECT plan_id FROM i) RETURNING pp.id, pp.case_id
)
"""
PLAN_EVENT = {
    "kind": "'plan'",
    "from_state": "c.state",
    "to_state": "c.state",
    "reason": "'Plan defaulted'",
    "data": "jsonb_build_object('plan', d.id, 'rule', 'plan-installment-missed')",
    "case_id": "d.case_id",
}
PLAN_EVENT_FROM = "FROM d JOIN collections_app_collectioncase c ON c.id = d.case_id"

FACTS = [
    """CREATE TEMP TABLE facts ON COMMIT DROP AS
SELECT c.id, c.state, l.borrower_id, b.jurisdiction,
       %(today)s::date - c.overdue_since AS dpd,
       %(today)s::date - (coalesce(t.entered, c.opened_at) AT TIME ZONE 'UTC')::date
           AS days_in_stage,
       c.amount_overdue,
       EXISTS (SELECT 1 FROM collections_app_promisetopay pr WHERE pr.case_id = c.id
               AND pr.status = 'broken' AND pr.resolved_at >= coalesce(t.entered, c.opened_at))
           AS broke,
       EXISTS (SELECT 1 FROM collections_app_paymentplan pp
               JOIN collections_app_planinstallment pi ON pi.plan_id = pp.id
               WHERE pp.case_id = c.id AND pi.status = 'missed') AS missed
FROM collections_app_collectioncase c
JOIN collections_app_loan l ON l.id = c.loan_id
JOIN collections_app_borrower b ON b.id = l.borrower_id
LEFT JOIN (SELECT case_id, max(created_at) AS entered FROM collections_app_caseevent
           WHERE kind = 'transition' GROUP BY case_id) t ON t.case_id = c.id
WHERE c.state IN ('reminder', 'negotiation', 'escalation', 'legal')""",
    "ALTER TABLE facts ADD COLUMN target varchar(20)",
    """UPDATE facts SET target = CASE
    WHEN days_in_stage > 0 AND state IN ('reminder', 'negotiation')
         AND (broke OR missed OR dpd >= 30) THEN 'escalation'
    WHEN days_in_stage >= 14 AND state = 'escalation' AND dpd >= 90
         AND amount_overdue >= CASE jurisdiction WHEN 'CN' THEN 3000 ELSE 500 END THEN 'legal'
    ELSE state END""",
    """UPDATE collections_app_collectioncase c
SET state = f.target,
    segment = CASE WHEN f.dpd <= 7 THEN 'self_cure' WHEN f.broke THEN 'strategic'
                   ELSE 'hardship' END,
    segment_reasons = '["days_past_due"]'::jsonb,
    policy_key = CASE f.jurisdiction WHEN 'CN' THEN 'cn-default' ELSE 'us-default' END,
    policy_variant = 'champion',
    next_action_at = (%(today)s::date + 1 + time '10:00') AT TIME ZONE
        CASE f.jurisdiction WHEN 'CN' THEN 'Asia/Shanghai' ELSE 'America/New_York' END,
    updated_at = now()
FROM facts f WHERE c.id = f.id AND c.state = f.state""",
]

TRANSITION_EVENT = {
    "kind": "'transition'",
    "from_state": "state",
    "to_state": "target",
    "reason": "'Nightly run'",
    "data": """jsonb_build_object('transition', CASE target WHEN 'legal' THEN 'refer_to_legal'
                                                ELSE 'escalate' END, 'rule', 'dpd')""",
    "case_id": "id",
}

OUTREACH = {
    "channel": "s.channel",
    "template_key": "s.stage || '-day' || s.day || '-' || s.channel",
    "step": "s.stage || ':' || s.day || ':' || s.channel",
    "scheduled_at": """(%(today)s::date + s.at) AT TIME ZONE
        CASE f.jurisdiction WHEN 'CN' THEN 'Asia/Shanghai' ELSE 'America/New_York' END""",
    "idempotency_key": "f.id || ':' || s.stage || ':' || s.day || ':' || s.channel || ':' "
    "|| %(today_key)s",
    "status": "'queued'",
    "borrower_id": "f.borrower_id",
    "case_id": "f.id",
}
OUTREACH_FROM = """FROM facts f
JOIN (VALUES ('reminder', 0, 'sms', time '10:00'), ('reminder', 2, 'email', time '10:00'),
             ('reminder', 5, 'voice', time '14:00'), ('negotiation', 0, 'sms', time '10:00'),
             ('negotiation', 3, 'email', time '10:00'), ('escalation', 0, 'voice', time '14:00'),
             ('escalation', 0, 'email', time '10:00'), ('escalation', 7, 'sms', time '10:00'),
             ('legal', 0, 'email', time '10:00'))
     AS s(stage, day, channel, at)
  ON s.stage = f.target
 AND s.day = CASE WHEN f.target <> f.state THEN 0 ELSE f.days_in_stage END
ON CONFLICT (idempotency_key) DO NOTHING"""


# The lender's events for the night's moves and broken promises, and a delivery per active
# endpoint subscribed to the kind (the engine writes the same; nothing is sent here).
LENDER_MOVE = {
    "uuid": "gen_random_uuid()",
    "kind": "'case.state_changed'",
    "payload": """jsonb_build_object('case_id', f.id, 'loan_id', l.external_id,
        'borrower_id', b.external_id, 'from_state', f.state, 'to_state', f.target,
        'transition', CASE f.target WHEN 'legal' THEN 'refer_to_legal' ELSE 'escalate' END,
        'pause_reason', '', 'close_reason', '', 'by', 'system', 'rule', 'dpd')""",
    "case_id": "f.id",
    "loan_id": "l.id",
    "dedupe_key": "'case.state_changed:' || f.id || ':' || f.target || ':' || now()",
    "occurred_at": "now()",
}
LENDER_MOVE_FROM = """FROM facts f JOIN collections_app_collectioncase c ON c.id = f.id
JOIN collections_app_loan l ON l.id = c.loan_id
JOIN collections_app_borrower b ON b.id = l.borrower_id
WHERE f.target <> f.state"""
LENDER_BROKEN = {
    "uuid": "gen_random_uuid()",
    "kind": "'promise.broken'",
    "payload": """jsonb_build_object('case_id', p.case_id, 'loan_id', l.external_id,
        'borrower_id', b.external_id, 'promise_id', p.id)""",
    "case_id": "p.case_id",
    "loan_id": "l.id",
    "dedupe_key": "'promise.broken:' || p.id",
    "occurred_at": "now()",
}
LENDER_BROKEN_FROM = """FROM p JOIN collections_app_collectioncase c ON c.id = p.case_id
JOIN collections_app_loan l ON l.id = c.loan_id
JOIN collections_app_borrower b ON b.id = l.borrower_id"""
LENDER_DELIVERY = {
    "event_id": "e.id",
    "endpoint_id": "ep.id",
    "status": "'queued'",
    "attempt_limit": "12",
    "next_attempt_at": "now()",
}
LENDER_DELIVERY_FROM = """FROM collections_app_lenderevent e
JOIN collections_app_webhookendpoint ep
  ON ep.is_active AND (ep.event_kinds = '[]'::jsonb OR ep.event_kinds ? e.kind)
WHERE e.occurred_at = now()"""


def floor(cursor: CursorWrapper, today: dt.date) -> None:
    """The nightly run's writes for `today`, set-based."""
    params = {"today": today, "today_key": today.isoformat()}
    # The broken promises' audit rows and lender events, from one UPDATE ... RETURNING.
    audit, audit_params = insert_select_sql(CaseEvent, PROMISE_EVENT, "FROM p", params)
    told, told_params = insert_select_sql(LenderEvent, LENDER_BROKEN, LENDER_BROKEN_FROM, params)
    cursor.execute(
        BROKEN_PROMISES.rstrip().rstrip(")") + f"), audit AS ({audit} RETURNING 1)\n{told}",
        audit_params | told_params,
    )
    # The defaulted plans' audit rows: the INSERT after the WITH.
    sql, all_params = insert_select_sql(CaseEvent, PLAN_EVENT, PLAN_EVENT_FROM, params)
    cursor.execute(DEFAULTED_PLANS + sql, all_params)
    for sql in FACTS:
        cursor.execute(sql, params)
    insert_select(cursor, CaseEvent, TRANSITION_EVENT, "FROM facts WHERE target <> state", params)
    insert_select(cursor, LenderEvent, LENDER_MOVE, LENDER_MOVE_FROM, params)
    insert_select(cursor, LenderEventDelivery, LENDER_DELIVERY, LENDER_DELIVERY_FROM, params)
    insert_select(cursor, OutboundMessage, OUTREACH, OUTREACH_FROM, params)

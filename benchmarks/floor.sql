-- (c) The floor: the writes of the nightly run as hand-written set-based SQL, no Python between.
-- Same kinds of writes as the engine: broken promises + their events, missed installments +
-- defaulted plans + their events, every active case's segment / policy / next action, state
-- moves + their events, today's outreach into the outbox. The rules are the default policy's
-- dpd / broken-promise / missed-installment ones; the segment is a simple stand-in.
WITH p AS (
    UPDATE collections_app_promisetopay pr SET status = 'broken', resolved_at = now()
    FROM collections_app_collectioncase c
    WHERE pr.case_id = c.id AND c.state IN ('reminder', 'negotiation', 'escalation', 'legal')
      AND pr.status = 'active' AND pr.due_date < DATE '{today}'
    RETURNING pr.id, pr.case_id, c.state
)
INSERT INTO collections_app_caseevent (kind, from_state, to_state, reason, data, created_at, case_id)
SELECT 'promise', state, state, 'Promise broken',
       jsonb_build_object('promise_id', id, 'rule', 'promise-expired'), now(), case_id FROM p;

WITH i AS (
    UPDATE collections_app_planinstallment pi SET status = 'missed'
    FROM collections_app_paymentplan pp, collections_app_collectioncase c
    WHERE pi.plan_id = pp.id AND pp.case_id = c.id AND pp.status = 'active'
      AND c.state IN ('reminder', 'negotiation', 'escalation', 'legal')
      AND pi.status = 'pending' AND pi.due_date < DATE '{today}'
    RETURNING pi.plan_id
), d AS (
    UPDATE collections_app_paymentplan pp SET status = 'defaulted'
    WHERE pp.id IN (SELECT plan_id FROM i) RETURNING pp.id, pp.case_id
)
INSERT INTO collections_app_caseevent (kind, from_state, to_state, reason, data, created_at, case_id)
SELECT 'plan', c.state, c.state, 'Plan defaulted',
       jsonb_build_object('plan', d.id, 'rule', 'plan-installment-missed'), now(), d.case_id
FROM d JOIN collections_app_collectioncase c ON c.id = d.case_id;

CREATE TEMP TABLE facts ON COMMIT DROP AS
SELECT c.id, c.state, l.borrower_id, b.jurisdiction,
       DATE '{today}' - c.overdue_since AS dpd,
       DATE '{today}' - (coalesce(t.entered, c.opened_at) AT TIME ZONE 'UTC')::date AS days_in_stage,
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
WHERE c.state IN ('reminder', 'negotiation', 'escalation', 'legal');

ALTER TABLE facts ADD COLUMN target varchar(20);
UPDATE facts SET target = CASE
    WHEN days_in_stage > 0 AND state IN ('reminder', 'negotiation')
         AND (broke OR missed OR dpd >= 30) THEN 'escalation'
    WHEN days_in_stage >= 14 AND state = 'escalation' AND dpd >= 90
         AND amount_overdue >= CASE jurisdiction WHEN 'CN' THEN 3000 ELSE 500 END THEN 'legal'
    ELSE state END;

UPDATE collections_app_collectioncase c
SET state = f.target,
    segment = CASE WHEN f.dpd <= 7 THEN 'self_cure' WHEN f.broke THEN 'strategic' ELSE 'hardship' END,
    segment_reasons = '["days_past_due"]'::jsonb,
    policy_key = CASE f.jurisdiction WHEN 'CN' THEN 'cn-default' ELSE 'us-default' END,
    policy_variant = 'champion',
    next_action_at = (DATE '{today}' + 1 + time '10:00') AT TIME ZONE
        CASE f.jurisdiction WHEN 'CN' THEN 'Asia/Shanghai' ELSE 'America/New_York' END,
    updated_at = now()
FROM facts f WHERE c.id = f.id AND c.state = f.state;

INSERT INTO collections_app_caseevent (kind, from_state, to_state, reason, data, created_at, case_id)
SELECT 'transition', state, target, 'Nightly run',
       jsonb_build_object('transition', CASE target WHEN 'legal' THEN 'refer_to_legal'
                                                    ELSE 'escalate' END, 'rule', 'dpd'),
       now(), id
FROM facts WHERE target <> state;

INSERT INTO collections_app_outboundmessage
    (channel, template_key, step, scheduled_at, idempotency_key, status, to_address, provider,
     provider_id, error_code, error_message, attempt_count, created_at, updated_at, borrower_id,
     case_id, subject, body, html_body, send_token)
SELECT s.channel, s.stage || '-day' || s.day || '-' || s.channel, s.stage || ':' || s.day || ':' || s.channel,
       (DATE '{today}' + s.at) AT TIME ZONE
           CASE f.jurisdiction WHEN 'CN' THEN 'Asia/Shanghai' ELSE 'America/New_York' END,
       f.id || ':' || s.stage || ':' || s.day || ':' || s.channel || ':{today}',
       'queued', '', '', '', '', '', 0, now(), now(), f.borrower_id, f.id, '', '', '', ''
FROM facts f
JOIN (VALUES ('reminder', 0, 'sms', time '10:00'), ('reminder', 2, 'email', time '10:00'),
             ('reminder', 5, 'voice', time '14:00'), ('negotiation', 0, 'sms', time '10:00'),
             ('negotiation', 3, 'email', time '10:00'), ('escalation', 0, 'voice', time '14:00'),
             ('escalation', 0, 'email', time '10:00'), ('escalation', 7, 'sms', time '10:00'),
             ('legal', 0, 'email', time '10:00'))
     AS s(stage, day, channel, at)
  ON s.stage = f.target
 AND s.day = CASE WHEN f.target <> f.state THEN 0 ELSE f.days_in_stage END
ON CONFLICT (idempotency_key) DO NOTHING;

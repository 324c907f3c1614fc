-- N cases with a realistic mix, built by the database (generate_series), not the ORM.
-- Parameters (substituted by escalation.py): {n}, {today}. Pseudo-random but deterministic.
-- Mix: 70 % CN / 30 % US; 55 % reminder, 15 % negotiation, 15 % escalation, 5 % legal,
-- 5 % paused, 5 % resolved; days past due 0-119; half the borrowers without a time zone (the
-- phone number decides); 2 % without any address; contacts, replies, disputes, promises
-- (due, kept, broken), partial payments and plans with a missed installment.
INSERT INTO collections_app_borrower
    (id, external_id, name, phone, email, time_zone, preferred_language, jurisdiction,
     created_at, updated_at)
SELECT g, 'B' || g, 'Borrower ' || g,
       CASE WHEN g % 50 = 0 THEN ''
            WHEN g % 10 < 7 THEN '+86138' || lpad((g % 100000000)::text, 8, '0')
            ELSE '+1415' || lpad((g % 10000000)::text, 7, '0') END,
       CASE WHEN g % 5 = 0 THEN '' ELSE 'b' || g || '@example.com' END,
       CASE WHEN g % 2 = 0 THEN '' WHEN g % 10 < 7 THEN 'Asia/Shanghai'
            ELSE 'America/Los_Angeles' END,
       CASE WHEN g % 10 < 7 THEN 'zh-Hans' ELSE 'en' END,
       CASE WHEN g % 10 < 7 THEN 'CN' ELSE 'US' END,
       now(), now()
FROM generate_series(1, {n}) g;

INSERT INTO collections_app_loan
    (id, external_id, product, currency, principal, outstanding_balance, due_date, lender_data,
     created_at, updated_at, borrower_id)
SELECT g, 'L' || g, 'cash-loan-12m', CASE WHEN g % 10 < 7 THEN 'CNY' ELSE 'USD' END,
       5000, 3000, DATE '{today}' - (((g::bigint * 7919) % 120)::int) - 1,
       jsonb_build_object(
           'income_band', CASE (g / 10) % 5 WHEN 0 THEN 'high' WHEN 1 THEN 'low'
                                          WHEN 2 THEN 'low' ELSE 'medium' END,
           'other_loans_current', (g / 10) % 4 = 0),
       now(), now(), g
FROM generate_series(1, {n}) g;

INSERT INTO collections_app_collectioncase
    (id, state, paused_from, pause_reason, close_reason, amount_overdue, overdue_since, segment,
     next_action_at, opened_at, closed_at, updated_at, assigned_agent_id, loan_id, policy_key,
     policy_variant, segment_reasons)
SELECT g, st, CASE WHEN st = 'paused' THEN 'reminder' ELSE '' END,
       CASE WHEN st = 'paused' THEN 'hardship' ELSE '' END,
       CASE WHEN st = 'resolved' THEN 'paid' ELSE '' END,
       100 + (g * 31) % 4900, DATE '{today}' - dpd, '', NULL,
       (DATE '{today}' - dpd)::timestamp AT TIME ZONE 'UTC' + interval '3 hours',
       CASE WHEN st = 'resolved' THEN now() END, now(), NULL, g, '', '', '[]'::jsonb
FROM (
    SELECT g, ((g::bigint * 7919) % 120)::int AS dpd,
           CASE WHEN (g / 3) % 20 <= 10 THEN 'reminder'
                WHEN (g / 3) % 20 <= 13 THEN 'negotiation'
                WHEN (g / 3) % 20 <= 16 THEN 'escalation'
                WHEN (g / 3) % 20 = 17 THEN 'legal'
                WHEN (g / 3) % 20 = 18 THEN 'paused'
                ELSE 'resolved' END AS st
    FROM generate_series(1, {n}) g
) s;

INSERT INTO collections_app_caseevent
    (kind, from_state, to_state, reason, data, created_at, actor_id, case_id)
SELECT 'opened', 'reminder', 'reminder', '', '{{}}'::jsonb, opened_at, NULL, id
FROM collections_app_collectioncase;

-- One transition into the current stage, somewhere between opening and today.
INSERT INTO collections_app_caseevent
    (kind, from_state, to_state, reason, data, created_at, actor_id, case_id)
SELECT 'transition',
       CASE state WHEN 'legal' THEN 'escalation' WHEN 'paused' THEN 'reminder'
                  ELSE 'reminder' END,
       state, 'generated', '{{}}'::jsonb,
       opened_at + ((DATE '{today}' - overdue_since) * ((id % 7) + 1) / 8) * interval '1 day',
       NULL, id
FROM collections_app_collectioncase
WHERE state IN ('negotiation', 'escalation', 'legal', 'paused', 'resolved');

-- Replies (5 %), one in ten of them a dispute.
INSERT INTO collections_app_caseevent
    (kind, from_state, to_state, reason, data, created_at, actor_id, case_id)
SELECT 'reply', state, state, 'borrower replied',
       CASE WHEN id % 200 = 7 THEN '{{"intent": "dispute"}}'::jsonb ELSE '{{}}'::jsonb END,
       now() - interval '5 days', NULL, id
FROM collections_app_collectioncase WHERE id % 20 = 7;

-- Contact attempts in the last three weeks for 40 % of borrowers, three each.
INSERT INTO collections_app_contactattempt
    (channel, address, occurred_at, outcome, borrower_id, case_id, message_id, legally_required)
SELECT 'sms', 'generated', now() - (k * 5) * interval '1 day',
       CASE (g / 5) % 4 WHEN 0 THEN 'delivered' WHEN 1 THEN 'failed'
                        WHEN 2 THEN CASE k WHEN 1 THEN 'connected' ELSE 'delivered' END
                        ELSE 'voicemail' END,
       g, g, NULL, false
FROM generate_series(1, {n}) g, generate_series(1, 3) k
WHERE g % 5 IN (1, 2);

-- Promises on 10 % of cases: due yesterday (broken tonight), due later, kept, broken before.
INSERT INTO collections_app_promisetopay
    (amount, due_date, status, amount_paid, created_at, resolved_at, case_id, created_by_id)
SELECT 50, CASE (id / 10) % 4 WHEN 0 THEN DATE '{today}' - 1 WHEN 1 THEN DATE '{today}' + 7
                               ELSE DATE '{today}' - 20 END,
       CASE (id / 10) % 4 WHEN 0 THEN 'active' WHEN 1 THEN 'active' WHEN 2 THEN 'kept'
                          ELSE 'broken' END,
       CASE (id / 10) % 4 WHEN 2 THEN 50 ELSE 0 END,
       now() - interval '25 days',
       CASE WHEN (id / 10) % 4 >= 2 THEN now() - interval '19 days' END, id, NULL
FROM collections_app_collectioncase WHERE id % 10 = 3;

-- Partial payments on 5 % of cases.
INSERT INTO collections_app_payment
    (external_id, amount, currency, received_at, recorded_at, case_id, loan_id)
SELECT 'P' || id, 20, 'USD', now() - interval '10 days', now(), id, loan_id
FROM collections_app_collectioncase WHERE id % 20 = 11;

-- Plans on 2 % of cases; the first installment was due three days ago and is unpaid.
INSERT INTO collections_app_paymentplan (id, status, created_at, case_id, created_by_id)
SELECT id, 'active', now() - interval '20 days', id, NULL
FROM collections_app_collectioncase WHERE id % 50 = 13;
INSERT INTO collections_app_planinstallment
    (sequence, due_date, amount, paid_amount, status, plan_id)
SELECT k, DATE '{today}' - 3 + (k - 1) * 30, 100, 0, 'pending', p.id
FROM collections_app_paymentplan p, generate_series(1, 3) k;

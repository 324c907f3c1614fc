"""One batch of the nightly run: settle promises, default plans, score, move, queue outreach.

Everything is set-based: a fixed number of reads (escalation_signals), then grouped UPDATEs guarded
by the source state, bulk_create for the audit rows and the outbox. Cases are locked for the
batch (SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transaction holds the write lock),
so an agent acting at the same moment waits, then gets django-fsm's ConcurrentTransition.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from collections_app.lender.emitters import SettledPromise, promises_settled_emit
from collections_app.models import (
    CaseEvent,
    CollectionCase,
    LegalProposal,
    OutboundMessage,
    PaymentPlan,
    PlanInstallment,
    PromiseToPay,
)
from collections_app.outreach.outbox import borrower_idempotency_key
from collections_app.phrases import phrase, with_stored
from collections_app.policies.evaluate import CaseInput, Decision, PolicyBook, evaluate_case
from collections_app.policies.outreach import sends_per_borrower
from collections_app.policies.promises import (
    BROKEN,
    KEPT,
    PromiseTerms,
    promise_outcome,
    promise_terms,
)
from collections_app.policies.reach import was_reached
from collections_app.policies.selection import PolicySnapshot
from collections_app.policies.timezones import borrower_zone
from collections_app.selectors.debt_status import suit_forbidden_among
from collections_app.selectors.reach import reach_facts
from collections_app.services.case_entry import CaseMove, CasesChangedMeanwhile, cases_move
from collections_app.services.escalation_signals import (
    CASE_COLUMNS,
    BatchSignals,
    batch_signals,
    case_signals,
)
from collections_app.services.escalation_writes import bulk_insert
from collections_app.services.legal import legal_proposals_record, legal_proposals_refuse
from collections_app.services.settlements import settlements_lapse
from collections_app.states import ACTIVE_STATES, CaseState, is_allowed

# A guarded update touched fewer rows than expected: the batch rolls back and is retried.
ConcurrentBatchChange = CasesChangedMeanwhile


def _policy_data(policy: PolicySnapshot, rule: str, run: dict[str, Any]) -> dict[str, Any]:
    return {
        "policy": policy.key,
        "policy_version": policy.version,
        "variant": policy.variant,
        "rule": rule,
        **run,
    }


def _load_cases(first_id: int, last_id: int, limit: int) -> list[dict[str, Any]]:
    qs = CollectionCase.objects.filter(
        pk__gte=first_id, pk__lte=last_id, state__in=ACTIVE_STATES
    ).order_by("pk")
    if connection.features.has_select_for_update_of:
        qs = qs.select_for_update(of=("self",))
    return list(qs.values(*CASE_COLUMNS)[:limit])


def _settle_promises(
    id_range: tuple[int, int], today: dt.date, now: dt.datetime, policy_of: dict, run: dict
) -> tuple[list[dict[str, Any]], set[int]]:
    """Settle the batch's open promises whose deadline (due date + the case's policy's grace
    days) has passed: kept with at least the policy's threshold paid, broken with less. Returns
    (events, ids of the cases with a promise broken tonight: their follow-up is due)."""
    terms_of: dict[int, PromiseTerms] = {}
    settled: dict[str, list[tuple]] = {KEPT: [], BROKEN: []}
    for pk, case_id, amount, due, paid in PromiseToPay.objects.filter(
        case_id__gte=id_range[0],
        case_id__lte=id_range[1],
        case__state__in=ACTIVE_STATES,
        status=PromiseToPay.Status.ACTIVE,
        due_date__lt=today,  # grace is never negative: a superset, narrowed per policy below
    ).values_list("pk", "case_id", "amount", "due_date", "amount_paid"):
        if case_id not in policy_of:  # only the batch's cases (locked), covered by a policy
            continue
        policy = policy_of[case_id][0]
        if policy.id not in terms_of:
            terms_of[policy.id] = promise_terms(policy.promises)
        terms = terms_of[policy.id]
        outcome = promise_outcome(amount=amount, paid=paid, due_date=due, terms=terms, today=today)
        if outcome is not None:
            settled[outcome].append((pk, case_id, amount, due, paid, terms))
    events = []
    for outcome, rows in settled.items():
        if not rows:
            continue
        PromiseToPay.objects.filter(
            pk__in=[row[0] for row in rows], status=PromiseToPay.Status.ACTIVE
        ).update(status=outcome, resolved_at=now)
        events += [_settled_event(outcome, row, now, policy_of, run) for row in rows]
    promises_settled_emit(
        settled=[
            SettledPromise(pk, case_id, outcome, amount, paid, due)
            for outcome, rows in settled.items()
            for pk, case_id, amount, due, paid, _terms in rows
        ],
        now=now,
    )
    return events, {row[1] for row in settled[BROKEN]}


def _settled_event(
    outcome: str, row: tuple, now: dt.datetime, policy_of: dict, run: dict
) -> dict[str, Any]:
    pk, case_id, amount, due, paid, terms = row
    facts = {
        "promise": pk,
        "amount": amount,
        "due": due,
        "deadline": terms.deadline(due),
        "paid": paid,
        "threshold": terms.kept_threshold_percent,
    }
    if outcome == BROKEN:
        reason = phrase(
            "Promise #%(promise)s broken: %(amount)s was due %(due)s, %(paid)s paid by "
            "%(deadline)s (%(threshold)s%% needed)",
            **facts,
        )
        rule = "promise-expired"
    else:
        reason = phrase(
            "Promise #%(promise)s kept: %(paid)s of %(amount)s paid by %(deadline)s "
            "(%(threshold)s%% needed); the rest stays overdue on the case",
            **facts,
        )
        rule = "promise-kept-in-grace"
    return dict(
        case_id=case_id,
        kind=CaseEvent.Kind.PROMISE,
        from_state=policy_of[case_id][1],
        to_state=policy_of[case_id][1],
        reason=str(reason),
        data=with_stored(
            {
                "promise_id": pk,
                "status": outcome,
                "amount_paid": paid,
                "deadline": terms.deadline(due),
                "kept_threshold_percent": terms.kept_threshold_percent,
                **_policy_data(policy_of[case_id][0], rule, run),
            },
            reason,
        ),
        created_at=now,
    )


def _miss_installments(
    id_range: tuple[int, int], today: dt.date, now: dt.datetime, policy_of: dict, run: dict
) -> list[dict[str, Any]]:
    missed = [
        m
        for m in PlanInstallment.objects.filter(
            plan__case_id__gte=id_range[0],
            plan__case_id__lte=id_range[1],
            plan__case__state__in=ACTIVE_STATES,
            plan__status=PaymentPlan.Status.ACTIVE,
            status=PlanInstallment.Status.PENDING,
            due_date__lt=today,
        ).values_list("pk", "plan_id", "plan__case_id", "sequence", "due_date")
        if m[2] in policy_of
    ]
    if not missed:
        return []
    PlanInstallment.objects.filter(pk__in=[m[0] for m in missed]).update(
        status=PlanInstallment.Status.MISSED
    )
    # A missed installment defaults the plan: the case goes back to the policy's stage rules.
    by_plan: dict[tuple[int, int], list[tuple[int, dt.date]]] = defaultdict(list)
    for _pk, plan_id, case_id, sequence, due in missed:
        by_plan[(plan_id, case_id)].append((sequence, due))
    PaymentPlan.objects.filter(
        pk__in=[plan_id for plan_id, _ in by_plan], status=PaymentPlan.Status.ACTIVE
    ).update(status=PaymentPlan.Status.DEFAULTED)
    return [
        dict(
            case_id=case_id,
            kind=CaseEvent.Kind.PLAN,
            from_state=policy_of[case_id][1],
            to_state=policy_of[case_id][1],
            reason=str(text := _plan_defaulted(items)),
            data=with_stored(
                {
                    "plan": plan_id,
                    "missed": [seq for seq, _ in items],
                    "status": PaymentPlan.Status.DEFAULTED,
                    **_policy_data(policy_of[case_id][0], "plan-installment-missed", run),
                },
                text,
            ),
            created_at=now,
        )
        for (plan_id, case_id), items in by_plan.items()
    ]


def _plan_defaulted(items: list[tuple[int, dt.date]]) -> str:
    """One missed installment is said in each reader's language; several are listed as
    stored (English)."""
    missed = [phrase("#%(sequence)s due %(due)s", sequence=seq, due=due) for seq, due in items]
    installments = missed[0] if len(missed) == 1 else ", ".join(missed)
    return phrase("Plan defaulted: installment %(installments)s missed", installments=installments)


def _channels(row: dict[str, Any]) -> tuple[str, ...]:
    phone = ("sms", "voice") if row["loan__borrower__phone"] else ()
    return (*phone, "email") if row["loan__borrower__email"] else phone


def _entered_on(entered: dt.datetime, nightly_run_date: str | None) -> dt.date:
    """The date the case entered its stage. A move by the nightly run counts from the run's date
    (which `--date` may set), so re-running a date sees the same stage day as the first run."""
    entered_on = entered.astimezone(timezone.get_current_timezone()).date()
    if nightly_run_date:
        entered_on = max(entered_on, dt.date.fromisoformat(nightly_run_date))
    return entered_on


def _evaluate(
    rows: list[dict[str, Any]],
    batch: BatchSignals,
    book: PolicyBook,
    today: dt.date,
    broken_tonight: set[int],
) -> list[tuple[dict[str, Any], Decision]]:
    decisions = []
    for row in rows:
        entered = batch.entered.get(row["id"], row["opened_at"])
        signals, stage_signals = case_signals(
            row=row, batch=batch, today=today, stage_entered=entered
        )
        base = book.champion(row["loan__borrower__jurisdiction"], row["loan__product"] or "", None)
        fallback_zone = base.default_time_zone if base else ""
        case = CaseInput(
            id=row["id"],
            state=row["state"],
            days_in_stage=(today - _entered_on(entered, batch.nightly_entered.get(row["id"]))).days,
            jurisdiction=row["loan__borrower__jurisdiction"],
            product=row["loan__product"] or "",
            zone=borrower_zone(
                row["loan__borrower__time_zone"], row["loan__borrower__phone"], fallback_zone
            ),
            channels=_channels(row),
            promise_broken_tonight=row["id"] in broken_tonight,
            holds=tuple(
                sorted(
                    batch.held_borrowers.get(row["loan__borrower_id"], set())
                    | ({"disputed_debt"} if row["id"] in batch.disputed_cases else set())
                )
            ),
        )
        decision = evaluate_case(case, signals, stage_signals, book, today)
        if decision is not None:
            decisions.append((row, decision))
    return decisions


def process_batch(
    *,
    first_id: int,
    last_id: int,
    limit: int,
    today: dt.date,
    book: PolicyBook,
    run: dict[str, Any],
    now: dt.datetime | None = None,
) -> tuple[int | None, Counter]:
    """Process up to `limit` active cases with first_id <= id <= last_id, in the caller's
    transaction. Returns (last case id processed or None when there were none, counts)."""
    now = now or timezone.now()
    counts: Counter = Counter()
    rows = _load_cases(first_id, last_id, limit)
    if not rows:
        return None, counts
    ids = [r["id"] for r in rows]
    counts["cases_seen"] = len(rows)
    policy_of = {}
    for r in rows:
        base = book.champion(r["loan__borrower__jurisdiction"], r["loan__product"] or "", None)
        if base is not None:
            policy_of[r["id"]] = (book.for_case(r["id"], base), r["state"])
    counts["no_policy"] = len(rows) - len(policy_of)
    id_range = (ids[0], ids[-1])
    events, broken_tonight = _settle_promises(id_range, today, now, policy_of, run)
    counts["promises_broken"] = sum(1 for e in events if e["data"]["status"] == BROKEN)
    counts["promises_kept"] = len(events) - counts["promises_broken"]
    plan_events = _miss_installments(id_range, today, now, policy_of, run)
    counts["plans_defaulted"] = len(plan_events)
    events += plan_events
    # Settlements that can no longer be paid as agreed (their plan defaulted just above).
    counts["settlements_expired"] = settlements_lapse(id_range=id_range, today=today)

    lookback = max(
        (p.segmentation.get("lookback_days", 30) for p, _ in policy_of.values()), default=30
    )
    since = dt.datetime.combine(today - dt.timedelta(days=lookback), dt.time(), tzinfo=dt.UTC)
    batch = batch_signals(id_range=id_range, since=since)
    decisions = _evaluate(rows, batch, book, today, broken_tonight)
    bulk_insert(CaseEvent, events, now)
    _write_cases(decisions, now, run, counts)
    _write_proposals(decisions, batch, today, now, run, counts)
    _write_outbox(decisions, today, now, counts)
    return ids[-1], counts


def _write_cases(
    decisions: list[tuple[dict[str, Any], Decision]],
    now: dt.datetime,
    run: dict[str, Any],
    counts: Counter,
) -> None:
    """Group the cases whose fields change by the values to write: one UPDATE per group, with
    `state=<source>` in its WHERE so a concurrent change is never overwritten. Moves then go
    through case_entry.cases_move: the same entry effects as a person's move (assignment...)."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    moves = []
    # No move into legal for a time-barred debt (the FSM refuses it too; cases_move would raise).
    barred = suit_forbidden_among(
        [row["id"] for row, d in decisions if d.move and d.move.target == CaseState.LEGAL],
        timezone.localdate(now),
    )
    for row, d in decisions:
        if d.move is not None and row["id"] in barred:
            counts["legal_time_barred"] += 1
        elif d.move is not None:
            # The same table django-fsm's decorators come from (tests assert they agree); the
            # bulk path refuses what the FSM would refuse, and the batch rolls back.
            if not is_allowed(d.move.transition, row["state"]):
                raise TransitionNotAllowed(f"{d.move} not allowed from {row['state']}")
            counts[f"transition:{d.move.transition}"] += 1
            moves.append(
                CaseMove(
                    case_id=row["id"],
                    transition=d.move.transition,
                    source=row["state"],
                    target=d.move.target,
                    reason=phrase("Nightly run: rule %(rule)s", rule=d.move.rule),
                    data={
                        **_policy_data(d.policy, d.move.rule, run),
                        "segment": d.segmentation.segment,
                        "segment_reasons": list(d.segmentation.reasons),
                    },
                )
            )
        reasons = list(d.segmentation.reasons)
        values = (
            d.segmentation.segment,
            tuple(reasons),
            d.policy.key,
            d.policy.variant,
            d.next_action_at,
        )
        current = (
            row["segment"],
            tuple(row["segment_reasons"] or ()),
            row["policy_key"],
            row["policy_variant"],
            row["next_action_at"],
        )
        if values != current:
            groups[(row["state"], *values)].append(row["id"])
        if d.held:
            counts["held"] += 1
        if d.segmentation.segment != row["segment"]:
            counts[f"segment:{d.segmentation.segment or 'none'}"] += 1
    if groups and connection.vendor == "postgresql":
        _update_cases_postgresql(groups, now)
    else:
        for (source, segment, reasons, key, variant, next_at), ids in groups.items():
            updated = CollectionCase.objects.filter(pk__in=ids, state=source).update(
                segment=segment,
                segment_reasons=list(reasons),
                policy_key=key,
                policy_variant=variant,
                next_action_at=next_at,
                updated_at=now,
            )
            if updated != len(ids):
                raise ConcurrentBatchChange(f"{len(ids) - updated} cases changed state meanwhile")
    cases_move(moves=moves, actor=None, now=now)
    changed = {case_id for ids in groups.values() for case_id in ids}
    counts["cases_updated"] += len(changed | {m.case_id for m in moves})


def _proposal_facts(d: Decision) -> dict[str, Any]:
    facts = d.facts
    if facts is None:
        return {}
    return {
        "days_past_due": facts.days_past_due,
        "days_in_stage": facts.days_in_stage,
        "days_since_contact": facts.days_since_contact,
        "amount_overdue": facts.amount_overdue,
        "promises_broken": facts.promises_broken,
        "missed_installments": facts.missed_installments,
    }


def _write_proposals(
    decisions: list[tuple[dict[str, Any], Decision]],
    batch: BatchSignals,
    today: dt.date,
    now: dt.datetime,
    run: dict[str, Any],
    counts: Counter,
) -> None:
    """Record the legal referrals tonight's rules propose. Never for a borrower we never
    reached (policies/reach.py), never twice for one stay in escalation (an open proposal, or
    one decided since the case entered its stage)."""
    wanted = [(row, d) for row, d in decisions if d.proposal is not None]
    if not wanted:
        return
    for row, d in wanted:
        # What the person would approve must be a move the table allows from here.
        if not is_allowed(d.proposal.transition, row["state"]):
            raise TransitionNotAllowed(f"{d.proposal} not allowed from {row['state']}")
    since_entry = {row["id"]: batch.entered.get(row["id"], row["opened_at"]) for row, _ in wanted}
    already = {
        case_id
        for case_id, status, proposed_at in LegalProposal.objects.filter(
            case_id__in=list(since_entry)
        ).values_list("case_id", "status", "proposed_at")
        if status == LegalProposal.Status.PROPOSED or proposed_at >= since_entry[case_id]
    }
    fresh = [(row, d) for row, d in wanted if row["id"] not in already]
    # 12 CFR 1006.26(b): a time-barred debt (or one not shown within its period) is never
    # proposed; the refusal is recorded as a decided proposal, once per stay in escalation.
    barred = suit_forbidden_among([row["id"] for row, _ in fresh], today)
    if barred:
        counts["legal_time_barred"] += legal_proposals_refuse(
            refusals=[
                dict(
                    case_id=row["id"],
                    rule=d.proposal.rule,
                    policy_key=d.policy.key,
                    policy_version=d.policy.version,
                    policy_variant=d.policy.variant,
                    run_date=today,
                    reasons={**_proposal_facts(d), **barred[row["id"]].as_data()},
                    event_data=_policy_data(d.policy, d.proposal.rule, run),
                    status=barred[row["id"]],
                )
                for row, d in fresh
                if row["id"] in barred
            ],
            now=now,
        )
        fresh = [(row, d) for row, d in fresh if row["id"] not in barred]
    reach = reach_facts({row["loan__borrower_id"] for row, _ in fresh})
    proposals = []
    for row, d in fresh:
        facts = reach[row["loan__borrower_id"]]
        if not was_reached(facts):
            counts["legal_not_reached"] += 1
            continue
        policy_data = _policy_data(d.policy, d.proposal.rule, run)
        proposals.append(
            dict(
                case_id=row["id"],
                rule=d.proposal.rule,
                policy_key=d.policy.key,
                policy_version=d.policy.version,
                policy_variant=d.policy.variant,
                run_date=today,
                reasons={
                    "segment": d.segmentation.segment,
                    "segment_reasons": list(d.segmentation.reasons),
                    **_proposal_facts(d),
                    "reach": facts.as_reasons(),
                },
                event_data=policy_data,
            )
        )
    counts["legal_proposed"] += legal_proposals_record(proposals=proposals, now=now)


_PG_UPDATE = """
UPDATE collections_app_collectioncase AS c
SET segment = v.segment, segment_reasons = v.reasons::jsonb,
    policy_key = v.key, policy_variant = v.variant, next_action_at = v.next_at, updated_at = %s
FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[],
            %s::timestamptz[])
     AS v(id, source, segment, reasons, key, variant, next_at)
WHERE c.id = v.id AND c.state = v.source
"""


def _update_cases_postgresql(groups: dict[tuple, list[int]], now: dt.datetime) -> int:
    """The same guarded update as the portable path, as one statement per batch (grouping by
    value gives dozens of groups: each zone has its own next_action_at). Arrays, not a VALUES
    list: seven parameters instead of seven per case."""
    columns: list[list[Any]] = [[] for _ in range(7)]
    for (source, segment, reasons, key, variant, next_at), ids in groups.items():
        values = (source, segment, json.dumps(list(reasons)), key, variant, next_at)
        for case_id in ids:
            columns[0].append(case_id)
            for column, value in zip(columns[1:], values, strict=True):
                column.append(value)
    with connection.cursor() as cursor:
        cursor.execute(_PG_UPDATE, [now, *columns])
        updated = cursor.rowcount
    if updated != len(columns[0]):
        raise ConcurrentBatchChange(f"{len(columns[0]) - updated} cases changed state meanwhile")
    return updated


def _write_outbox(
    decisions: list[tuple[dict[str, Any], Decision]],
    today: dt.date,
    now: dt.datetime,
    counts: Counter,
) -> None:
    """Queue the outreach due today. The idempotency key (case, step, local date) makes a re-run
    a no-op; the dispatcher sends and applies the compliance gate at send time. A policy whose
    outreach is per borrower gets one message per (borrower, step, channel, date) instead,
    attached to the lowest case id (_write_borrower_outbox)."""
    messages = {}
    shared: dict[str, dict[str, Any]] = {}
    shared_cases: dict[str, list[int]] = defaultdict(list)
    for row, d in decisions:
        per_borrower = sends_per_borrower(d.policy.outreach)
        for step, scheduled_at in d.steps:
            if per_borrower:
                key = borrower_idempotency_key(
                    row["loan__borrower_id"], step.step, step.channel, today
                )
                shared_cases[key].append(row["id"])
                if key in shared:
                    continue  # rows come in id order: the first case of the borrower anchors it
            else:
                key = f"{row['id']}:{step.step}:{today.isoformat()}"
            (shared if per_borrower else messages)[key] = dict(
                case_id=row["id"],
                borrower_id=row["loan__borrower_id"],
                channel=step.channel,
                template_key=step.template_key,
                step=step.step,
                scheduled_at=scheduled_at,
                idempotency_key=key,
                created_at=now,
            )
    if not messages and not shared:
        return
    case_ids = [row["id"] for row, _ in decisions]
    existing = set(
        OutboundMessage.objects.filter(
            case_id__gte=min(case_ids),
            case_id__lte=max(case_ids),
            idempotency_key__endswith=f":{today.isoformat()}",
        ).values_list("idempotency_key", flat=True)
    )
    new = [m for k, m in messages.items() if k not in existing]
    bulk_insert(OutboundMessage, new, now)
    counts["outbox_queued"] += len(new)
    if shared:
        _write_borrower_outbox(shared, shared_cases, existing, today, now, counts)


def _write_borrower_outbox(
    shared: dict[str, dict[str, Any]],
    shared_cases: dict[str, list[int]],
    existing: set[str],
    today: dt.date,
    now: dt.datetime,
    counts: Counter,
) -> None:
    """The per-borrower messages: one query for those an earlier batch (another id range with
    the same borrower's other loan) or an earlier run already queued, one COPY. Two batches
    running at once for one borrower both try; ON CONFLICT keeps one, without an error."""
    already = set(
        OutboundMessage.objects.filter(idempotency_key__in=list(shared)).values_list(
            "idempotency_key", flat=True
        )
    )
    new = []
    for key, message in shared.items():
        step = message["step"]
        # Queued per case before the policy said otherwise (a re-run the same day): not again.
        per_case = {f"{case_id}:{step}:{today.isoformat()}" for case_id in shared_cases[key]}
        if key in already or per_case & existing:
            continue
        new.append(message)
        counts["outbox_loans_combined"] += len(shared_cases[key]) - 1
    bulk_insert(OutboundMessage, new, now, ignore_conflicts=True)
    counts["outbox_queued"] += len(new)


def dry_run_guard() -> None:
    """Roll back the current atomic block: a dry run computes exactly what a run would write."""
    transaction.set_rollback(True)

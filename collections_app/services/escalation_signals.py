"""Read side of the nightly run: everything one batch of cases needs, in a fixed number of
queries (grouped aggregates), never a query per case."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q
from django.db.models.fields.json import KT
from django.utils import timezone

from collections_app.models import (
    BadContactPoint,
    CaseEvent,
    CollectionPolicy,
    ContactAttempt,
    ContactHold,
    Dispute,
    Loan,
    Payment,
    PlanInstallment,
    PromiseToPay,
)
from collections_app.policies.segmentation import Signals
from collections_app.policies.selection import PolicySnapshot
from collections_app.states import ACTIVE_STATES, BORROWER_LEVEL_PAUSES

# Delivered to the borrower (a text or email arrived, a call rang out or reached voicemail; a
# busy line is read as before it had its own outcome, with the unanswered calls).
DELIVERED = (
    ContactAttempt.Outcome.DELIVERED,
    ContactAttempt.Outcome.UNANSWERED,
    ContactAttempt.Outcome.BUSY,
    ContactAttempt.Outcome.VOICEMAIL,
)
# Never reached a working phone or inbox (a number not in service was `failed` before).
FAILED = (ContactAttempt.Outcome.FAILED, ContactAttempt.Outcome.NOT_CONNECTED)

CASE_COLUMNS = (
    "id",
    "state",
    "segment",
    "segment_reasons",
    "policy_key",
    "policy_variant",
    "next_action_at",
    "overdue_since",
    "amount_overdue",
    "opened_at",
    "loan__product",
    "loan__lender_data",
    "loan__borrower_id",
    "loan__borrower__jurisdiction",
    "loan__borrower__time_zone",
    "loan__borrower__phone",
    "loan__borrower__email",
)


def current_policies() -> list[PolicySnapshot]:
    return [
        PolicySnapshot(
            id=p.pk,
            key=p.key,
            variant=p.variant,
            version=p.version,
            jurisdiction=p.jurisdiction,
            product=p.product,
            segment=p.segment,
            traffic_percent=p.traffic_percent,
            segmentation=p.segmentation,
            stages=p.stages,
            channel_switch=p.channel_switch,
            default_time_zone=p.default_time_zone,
            promises=p.promises,
            outreach=p.outreach or {},
        )
        for p in CollectionPolicy.objects.filter(is_current=True)
    ]


@dataclass
class BatchSignals:
    """Per case id (or borrower id) facts, each from one grouped query."""

    entered: dict[int, dt.datetime] = field(default_factory=dict)  # last transition
    nightly_entered: dict[int, str] = field(default_factory=dict)  # its run date, if nightly
    replies: dict[int, int] = field(default_factory=dict)
    disputes: set[int] = field(default_factory=set)  # case ids
    last_reply: dict[int, dt.datetime] = field(default_factory=dict)
    contacts: dict[int, dict[str, Any]] = field(default_factory=dict)  # by borrower id
    disputed_borrowers: set[int] = field(default_factory=set)
    # Cases with an open Dispute record (services/disputes.py): held, whatever their state.
    disputed_cases: set[int] = field(default_factory=set)
    # Standing borrower-level holds (states.BORROWER_LEVEL_PAUSES), by borrower id.
    held_borrowers: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    promises: dict[int, list[tuple[str, dt.datetime | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    payments: dict[int, int] = field(default_factory=dict)
    missed: dict[int, list[dt.date]] = field(default_factory=lambda: defaultdict(list))
    promised_in_window: set[int] = field(default_factory=set)  # case ids
    # Addresses providers refused, by borrower id.
    bad_points: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))


def batch_signals(*, id_range: tuple[int, int], since: dt.datetime) -> BatchSignals:
    """Facts about the cases with ids in `id_range` (a batch: contiguous ids; rows of the
    paused or closed cases between them are read and ignored, cheaper than a list of ids)
    and their borrowers. `since`: the start of the policy's lookback window."""
    out = BatchSignals()
    # The batch's borrowers as a subquery: a list of ids would be thousands of parameters.
    borrower_ids = Loan.objects.filter(
        cases__id__gte=id_range[0], cases__id__lte=id_range[1], cases__state__in=ACTIVE_STATES
    ).values("borrower_id")
    reply = Q(kind=CaseEvent.Kind.REPLY)
    for row in (
        CaseEvent.objects.filter(
            case_id__gte=id_range[0],
            case_id__lte=id_range[1],
            kind__in=(CaseEvent.Kind.REPLY, CaseEvent.Kind.TRANSITION),
        )
        .values("case_id")
        .annotate(
            entered=Max("created_at", filter=Q(kind=CaseEvent.Kind.TRANSITION)),
            nightly=Max(KT("data__run_date"), filter=Q(kind=CaseEvent.Kind.TRANSITION)),
            replies=Count("id", filter=reply & Q(created_at__gte=since)),
            disputes=Count("id", filter=reply & Q(created_at__gte=since, data__intent="dispute")),
            last_reply=Max("created_at", filter=reply),
        )
        .order_by()
    ):
        case_id = row["case_id"]
        if row["entered"]:
            out.entered[case_id] = row["entered"]
        if row["nightly"]:
            out.nightly_entered[case_id] = row["nightly"]
        if row["last_reply"]:
            out.last_reply[case_id] = row["last_reply"]
        out.replies[case_id] = row["replies"]
        if row["disputes"]:
            out.disputes.add(case_id)
    for row in (
        ContactAttempt.objects.filter(borrower_id__in=borrower_ids, occurred_at__gte=since)
        .values("borrower_id")
        .annotate(
            delivered=Count("id", filter=Q(outcome__in=DELIVERED)),
            failed=Count("id", filter=Q(outcome__in=FAILED)),
            connected=Count("id", filter=Q(outcome=ContactAttempt.Outcome.CONNECTED)),
            last_connected=Max("occurred_at", filter=Q(outcome=ContactAttempt.Outcome.CONNECTED)),
        )
        .order_by()
    ):
        out.contacts[row["borrower_id"]] = row
    for borrower_id, kind in ContactHold.objects.filter(
        borrower_id__in=borrower_ids,
        kind__in=(ContactHold.Kind.DISPUTE, *BORROWER_LEVEL_PAUSES),
        released_at__isnull=True,
    ).values_list("borrower_id", "kind"):
        if kind == ContactHold.Kind.DISPUTE:
            out.disputed_borrowers.add(borrower_id)
        else:
            out.held_borrowers[borrower_id].add(kind)
    # A disputed case is paused, but a person may resume it before the verification is sent:
    # the nightly run must still not collect it.
    out.disputed_cases = set(
        Dispute.objects.filter(
            case_id__gte=id_range[0], case_id__lte=id_range[1], status=Dispute.Status.OPEN
        ).values_list("case_id", flat=True)
    )
    out.disputes |= out.disputed_cases
    for case_id, status, resolved_at, created_at in PromiseToPay.objects.filter(
        case_id__gte=id_range[0], case_id__lte=id_range[1]
    ).values_list("case_id", "status", "resolved_at", "created_at"):
        if status in (PromiseToPay.Status.KEPT, PromiseToPay.Status.BROKEN):
            out.promises[case_id].append((status, resolved_at))
        # A promise broken since is no sign of engagement: it is the stonewaller's way out of
        # a call.
        if created_at >= since and status != PromiseToPay.Status.BROKEN:
            out.promised_in_window.add(case_id)
    for borrower_id, address in BadContactPoint.objects.filter(
        borrower_id__in=borrower_ids
    ).values_list("borrower_id", "address"):
        out.bad_points[borrower_id].add(address)
    out.payments = dict(
        # A payment the lender reversed (NSF, chargeback) was no payment: it shows no
        # engagement.
        Payment.objects.filter(
            case_id__gte=id_range[0],
            case_id__lte=id_range[1],
            received_at__gte=since,
            reversal__isnull=True,
        )
        .values("case_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("case_id", "n")
    )
    for case_id, due_date in PlanInstallment.objects.filter(
        plan__case_id__gte=id_range[0],
        plan__case_id__lte=id_range[1],
        status=PlanInstallment.Status.MISSED,
    ).values_list("plan__case_id", "due_date"):
        out.missed[case_id].append(due_date)
    return out


def case_signals(
    *,
    row: dict[str, Any],
    batch: BatchSignals,
    today: dt.date,
    stage_entered: dt.datetime,
) -> tuple[Signals, dict[str, int]]:
    """(segmentation signals, stage signals counted since the case entered its stage)."""
    case_id, borrower_id = row["id"], row["loan__borrower_id"]
    contacts = batch.contacts.get(borrower_id, {})
    replies = batch.replies.get(case_id, 0)
    delivered = contacts.get("delivered", 0)
    # Engaged in the window: a reply, a payment, or a promise not broken since. Contacts
    # delivered to a borrower who did none of these are the ones they ignored. A conversation
    # alone is not engagement: picking up to talk the caller down is how stonewalling sounds
    # (measured with the simulator: counting it lowered day-15 recall from 0.84 to 0.75).
    engaged_in_window = (
        replies > 0 or case_id in batch.promised_in_window or batch.payments.get(case_id, 0) > 0
    )
    engaged = [d for d in (batch.last_reply.get(case_id), contacts.get("last_connected")) if d]
    tz = timezone.get_current_timezone()
    days_since_contact = (today - max(engaged).astimezone(tz).date()).days if engaged else 9999
    promises = batch.promises.get(case_id, ())
    lender = row["loan__lender_data"] or {}
    income = str(lender.get("income_band", "")).lower()
    signals = Signals(
        days_past_due=max((today - row["overdue_since"]).days, 0),
        amount_overdue=float(row["amount_overdue"]),
        delivered_contacts=delivered,
        delivered_unanswered=0 if engaged_in_window else delivered,
        failed_contacts=contacts.get("failed", 0),
        connected_calls=contacts.get("connected", 0),
        replies=replies,
        replied_ever=int(case_id in batch.last_reply),
        # Only an address the borrower still has: a number they have since replaced says
        # nothing about them now.
        bad_contact_point=int(
            bool(
                batch.bad_points.get(borrower_id, set())
                & {row["loan__borrower__phone"], row["loan__borrower__email"]}
            )
        ),
        dispute_open=int(case_id in batch.disputes or borrower_id in batch.disputed_borrowers),
        promises_kept=sum(1 for s, _ in promises if s == PromiseToPay.Status.KEPT),
        promises_broken=sum(1 for s, _ in promises if s == PromiseToPay.Status.BROKEN),
        partial_payments=batch.payments.get(case_id, 0),
        missed_installments=len(batch.missed.get(case_id, ())),
        days_since_contact=days_since_contact,
        has_address=int(bool(row["loan__borrower__phone"] or row["loan__borrower__email"])),
        income_high=int(income == "high"),
        income_low=int(income == "low"),
        other_loans_current=int(lender.get("other_loans_current") is True),
    )
    entered_on = stage_entered.astimezone(tz).date()
    stage = {
        "promises_broken": sum(
            1
            for s, resolved in promises
            if s == PromiseToPay.Status.BROKEN and resolved and resolved >= stage_entered
        ),
        "missed_installments": sum(1 for d in batch.missed.get(case_id, ()) if d >= entered_on),
    }
    return signals, stage

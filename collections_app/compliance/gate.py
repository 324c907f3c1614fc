"""The gate every contact passes: automated, manual or retried, at send time.

The decision and the reservation of the attempt happen in one transaction holding the borrower's
ledger row lock (SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions serialise
writers). A second worker sending to the same borrower waits for the lock, then sees the first
one's attempt in the ledger, so caps hold. The provider call happens after commit: the reserved
attempt already counts, and is marked `not_sent` if the send fails before reaching the provider.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from collections_app.compliance.rules import Decision, contact_decision
from collections_app.compliance.snapshot import NoProfile, build_snapshot, own_addresses
from collections_app.models import (
    CollectionCase,
    ContactAttempt,
    ContactDecision,
    ContactLedger,
    OutboundMessage,
)


@dataclass(frozen=True)
class GateResult:
    decision: Decision
    record: ContactDecision
    attempt: ContactAttempt | None

    @property
    def allowed(self) -> bool:
        return self.decision.allowed


def gate_contact(
    *,
    case: CollectionCase,
    channel: str,
    at: dt.datetime | None = None,
    message: OutboundMessage | None = None,
    address: str | None = None,
    legally_required: bool = False,
    has_opt_out_notice: bool = True,
) -> GateResult:
    """Decide whether `case`'s borrower may be contacted on `channel` now, record the decision,
    and when allowed reserve the attempt in the contact ledger. Send only when `.allowed`."""
    at = at or timezone.now()
    borrower = case.loan.borrower
    with transaction.atomic():
        # The ledger row exists once per borrower; creating it races harmlessly.
        ContactLedger.objects.bulk_create(
            [ContactLedger(borrower_id=borrower.pk)], ignore_conflicts=True
        )
        ledger = ContactLedger.objects.select_for_update().get(borrower_id=borrower.pk)
        try:
            snapshot, profile = build_snapshot(
                case=case,
                channel=channel,
                at=at,
                address=address,
                legally_required=legally_required,
                has_opt_out_notice=has_opt_out_notice,
            )
            decision = contact_decision(snapshot, channel, at)
            profile_code, profile_version = profile.code, profile.version
            to_address = snapshot.address
        except NoProfile as exc:
            decision = Decision(allowed=False, rule="no_profile", detail=str(exc))
            profile_code, profile_version = borrower.jurisdiction, 0
            to_address = address or own_addresses(borrower).get(channel, "")
        record = ContactDecision.objects.create(
            borrower=borrower,
            case=case,
            message=message,
            channel=channel,
            decided_at=at,
            allowed=decision.allowed,
            rule=decision.rule,
            detail=decision.detail[:300],
            next_allowed_at=decision.next_allowed_at,
            profile_code=profile_code,
            profile_version=profile_version,
        )
        attempt = None
        if decision.allowed:
            attempt = ContactAttempt.objects.create(
                borrower=borrower,
                case=case,
                message=message,
                channel=channel,
                address=to_address,
                occurred_at=at,
                legally_required=legally_required,
            )
            ledger.last_contact_at = at
            ledger.save(update_fields=["last_contact_at", "updated_at"])
    return GateResult(decision=decision, record=record, attempt=attempt)


def gate_release(attempt: ContactAttempt) -> None:
    """The send failed before reaching the provider: the reserved attempt no longer counts."""
    ContactAttempt.objects.filter(pk=attempt.pk, outcome=ContactAttempt.Outcome.PENDING).update(
        outcome=ContactAttempt.Outcome.NOT_SENT
    )

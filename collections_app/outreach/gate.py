"""The gate every contact passes (automated, manual or retried, at send time), and the one writer
of what it keeps: the borrowers' `ContactLedger` locks, the `ContactDecision` rows and the
`ContactAttempt` reservations with their outcomes. The rules it applies are pure
(`compliance/rules.py`) and read from a snapshot (`compliance/snapshot.py`); what is written here
is the outreach service's.

The decisions and the reservation of the attempts happen in one transaction holding the
borrowers' ledger row locks (SELECT ... FOR UPDATE, in borrower id order so two batches cannot
deadlock; SQLite's IMMEDIATE transactions serialise writers). A second worker sending to the same
borrower waits for the lock, then sees the first one's attempt in the ledger, so caps hold; other
borrowers are not blocked. The provider call happens after commit: the reserved attempt already
counts, and is marked `not_sent` if the send fails before reaching the provider.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from collections_app.compliance.consent_rules import recording_for
from collections_app.compliance.rules import Decision, LedgerEntry, contact_decision
from collections_app.compliance.snapshot import (
    NoProfile,
    load_borrower_states,
    load_disputed_cases,
    load_validation_notices,
    own_addresses,
    snapshot_for,
    validation_period_for,
)
from collections_app.db import fast_update
from collections_app.models import (
    CollectionCase,
    ContactAttempt,
    ContactDecision,
    ContactLedger,
    OutboundMessage,
)


@dataclass(frozen=True)
class ContactRequest:
    case: CollectionCase
    channel: str
    message: OutboundMessage | None = None
    address: str | None = None  # None: the borrower's own address for the channel
    legally_required: bool = False
    has_opt_out_notice: bool = True
    # Which required notice (compliance/rules.py NOTICE_PASSES); with `legally_required` only.
    required_notice: str = ""
    # A demand or a statement of consequences (the template's flag): waits out a validation
    # period.
    overshadows_validation: bool = False

    @property
    def prerecorded(self) -> bool:
        """A voice contact carrying a message is our automated (prerecorded, text-to-speech)
        call; an agent's call carries none (services/calls.py)."""
        return self.channel == "voice" and self.message is not None


@dataclass(frozen=True)
class GateResult:
    request: ContactRequest
    decision: Decision
    record: ContactDecision
    attempt: ContactAttempt | None

    @property
    def allowed(self) -> bool:
        return self.decision.allowed


def gate_many(
    requests: list[ContactRequest],
    at: dt.datetime | None = None,
    send_margin: dt.timedelta = dt.timedelta(0),
) -> list[GateResult]:
    """Decide a batch of contacts at `at`, in order; record every decision and reserve the
    allowed attempts. Runs in (or opens) one transaction; results follow `requests`' order.
    `send_margin`: how long after `at` the send may happen (the window must stay open)."""
    at = at or timezone.now()
    if not requests:
        return []
    borrowers = {r.case.loan.borrower.pk: r.case.loan.borrower for r in requests}
    ids = sorted(borrowers)
    with transaction.atomic():
        # Each borrower has one ledger row; creating it races harmlessly.
        ContactLedger.objects.bulk_create(
            [ContactLedger(borrower_id=i) for i in ids], ignore_conflicts=True
        )
        list(ContactLedger.objects.select_for_update().filter(borrower_id__in=ids).order_by("pk"))
        states = load_borrower_states(list(borrowers.values()), at)
        case_ids = sorted({r.case.pk for r in requests})
        disputed = load_disputed_cases(case_ids)
        notices = load_validation_notices(case_ids)
        decisions: list[ContactDecision] = []
        attempts: list[ContactAttempt | None] = []
        outcomes: list[Decision] = []
        for request in requests:
            state = states[request.case.loan.borrower.pk]
            try:
                snapshot = snapshot_for(
                    state,
                    case=request.case,
                    channel=request.channel,
                    address=request.address,
                    legally_required=request.legally_required,
                    has_opt_out_notice=request.has_opt_out_notice,
                    send_margin=send_margin,
                    case_disputed=request.case.pk in disputed,
                    required_notice=request.required_notice if request.legally_required else "",
                    overshadows_validation=request.overshadows_validation,
                    validation_period_ends=validation_period_for(
                        state, request.case.pk, notices, at
                    ),
                    prerecorded=request.prerecorded,
                )
                decision = contact_decision(snapshot, request.channel, at)
                recorded, _disclose = recording_for(snapshot, request.channel)
                code, version, address = (
                    state.profile_row.code,
                    state.profile_row.version,
                    snapshot.address,
                )
            except NoProfile as exc:
                # The phrase itself (English, with its message id), not str(exc).
                detail = exc.args[0] if exc.args else str(exc)
                decision = Decision(allowed=False, rule="no_profile", detail=detail)
                code, version = state.borrower.jurisdiction, 0
                recorded = False
                address = request.address or own_addresses(state.borrower).get(request.channel, "")
            outcomes.append(decision)
            decisions.append(
                ContactDecision(
                    borrower=state.borrower,
                    case=request.case,
                    message=request.message,
                    channel=request.channel,
                    decided_at=at,
                    allowed=decision.allowed,
                    rule=decision.rule,
                    detail=decision.detail[:300],
                    next_allowed_at=decision.next_allowed_at,
                    profile_code=code,
                    profile_version=version,
                    legally_required=request.legally_required,
                    required_notice=request.required_notice if request.legally_required else "",
                    consent_exception_id=decision.exception.id if decision.exception else None,
                )
            )
            attempt = None
            if decision.allowed:
                attempt = ContactAttempt(
                    borrower=state.borrower,
                    case=request.case,
                    message=request.message,
                    channel=request.channel,
                    address=address,
                    occurred_at=at,
                    legally_required=request.legally_required,
                    recorded=recorded,
                )
                # Later requests in this batch must see this one.
                state.entries.append(
                    LedgerEntry(request.channel, address, at, attempt.outcome, request.case.pk)
                )
            attempts.append(attempt)
        ContactDecision.objects.bulk_create(decisions)
        ContactAttempt.objects.bulk_create([a for a in attempts if a is not None])
        ContactLedger.objects.filter(
            borrower_id__in={
                r.case.loan.borrower.pk for r, a in zip(requests, attempts, strict=True) if a
            }
        ).update(last_contact_at=at, updated_at=timezone.now())
    return [
        GateResult(request=r, decision=d, record=rec, attempt=a)
        for r, d, rec, a in zip(requests, outcomes, decisions, attempts, strict=True)
    ]


def gate_contact(
    *,
    case: CollectionCase,
    channel: str,
    at: dt.datetime | None = None,
    message: OutboundMessage | None = None,
    address: str | None = None,
    legally_required: bool = False,
    has_opt_out_notice: bool = True,
    required_notice: str = "",
    overshadows_validation: bool = False,
) -> GateResult:
    """Decide one contact (see gate_many). Send only when `.allowed`."""
    request = ContactRequest(
        case=case,
        channel=channel,
        message=message,
        address=address,
        legally_required=legally_required,
        has_opt_out_notice=has_opt_out_notice,
        required_notice=required_notice,
        overshadows_validation=overshadows_validation,
    )
    return gate_many([request], at)[0]


def gate_release(attempts: list[ContactAttempt] | ContactAttempt) -> None:
    """Sends that failed before reaching the provider: their reservations no longer count."""
    items = attempts if isinstance(attempts, list) else [attempts]
    _release(ContactAttempt.objects.filter(pk__in=[a.pk for a in items]))


def gate_release_for_messages(message_ids: Iterable[int]) -> None:
    """The reservations of messages that will not be sent on this claim (requeued, failed)."""
    _release(ContactAttempt.objects.filter(message_id__in=list(message_ids)))


def _release(attempts: QuerySet[ContactAttempt]) -> None:
    # Only a reservation still pending: an outcome a provider reported is kept.
    attempts.filter(outcome=ContactAttempt.Outcome.PENDING).update(
        outcome=ContactAttempt.Outcome.NOT_SENT
    )


def gate_record_sent(started_at: Mapping[int, dt.datetime]) -> None:
    """{message id: when its request went out}: the ledger holds the time of the send, not of
    the claim (the caps count from it)."""
    ledger = list(
        ContactAttempt.objects.filter(
            message_id__in=list(started_at), outcome=ContactAttempt.Outcome.PENDING
        )
    )
    for row in ledger:
        row.occurred_at = started_at[row.message_id]
    fast_update(ledger, ["occurred_at"])


def gate_record_outcome(
    *, message: OutboundMessage, outcome: str, refine: tuple[str, ...] = ()
) -> None:
    """How the message's latest contact attempt ended (a provider's callback): the pending one,
    or one whose outcome is in `refine` (a machine verdict refines a call first counted as a
    conversation). One released as `not_sent` is taken too: a provider reporting on the message
    is proof it was sent (the sweeper found no trace of it, say), so it counts for the caps."""
    attempt = (
        ContactAttempt.objects.filter(
            message=message,
            outcome__in=(ContactAttempt.Outcome.PENDING, ContactAttempt.Outcome.NOT_SENT, *refine),
        )
        .order_by("-occurred_at", "-pk")
        .first()
    )
    if attempt is not None and attempt.outcome != outcome:
        attempt.outcome = outcome
        attempt.save(update_fields=["outcome"])


def gate_complete_attempt(*, attempt: ContactAttempt, outcome: str) -> ContactAttempt:
    """How an agent's call, reserved by the gate, ended (the agent's wrap-up): a connected
    conversation starts the conversation cooldown, unanswered and voicemail count as attempts.
    Only a reservation still pending is completed: an outcome already recorded is kept."""
    with transaction.atomic():
        locked = ContactAttempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.outcome == ContactAttempt.Outcome.PENDING:
            locked.outcome = outcome
            locked.save(update_fields=["outcome"])
    return locked


def gate_record_inbound(
    *, case: CollectionCase, address: str, at: dt.datetime, outcome: str
) -> ContactAttempt:
    """A call the borrower made to us: nothing to decide (they called), but it is contact, and
    a conversation counts like one of ours for the rules that read the ledger (the cooldown,
    the CN per-day cap). Counting it towards the 7-in-7 attempts too is stricter than
    Regulation F asks (calls the consumer initiates are excluded there); the ledger does not
    tell who dialled."""
    borrower = case.loan.borrower
    with transaction.atomic():
        ContactLedger.objects.get_or_create(borrower=borrower)
        ContactLedger.objects.select_for_update().filter(borrower=borrower).first()
        attempt = ContactAttempt.objects.create(
            borrower=borrower,
            case=case,
            channel="voice",
            address=address,
            occurred_at=at,
            outcome=outcome,
        )
        ContactLedger.objects.filter(borrower=borrower).update(
            last_contact_at=at, updated_at=timezone.now()
        )
    return attempt

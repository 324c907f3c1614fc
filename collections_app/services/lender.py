"""The lender's data in: borrowers, loans, payments, reversals and ability-to-pay signals.

Every function takes records (lender/records.py: already parsed and checked field by field) and
the `source` of the change ("api:<integration>", "import:<job id>", "admin:<username>"), kept on
the rows it writes and in `data["source"]` of every case event. What only the database can say
(an unknown borrower, a loan changing currency) is a `LenderDataError` carrying `Problem`s at the
record's paths; a single upsert raises it, a bulk call returns it as that row's "rejected" result
and applies the other rows.

An upsert is the lender's whole view of the borrower or loan now: what a record leaves out is
removed (a contact point, a date of birth). The same record again changes nothing and writes
nothing, so an import run twice is a no-op.

A loan's reported status keeps its case in step: past due (or charged off) opens a case or
updates the amount overdue the messages quote (they are rendered at dispatch from the case, so
never stale); current or paid resolves it, which cancels its queued messages. Payments go through
services/payments.payment_record; a reversal puts back what the payment took off.

The bulk calls are set-based: a few queries per batch for any number of rows, none per unchanged
row. Each call is one transaction: call it with a batch (the API's 1,000, an import's chunk).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from collections_app.db import insert_models, update_rows
from collections_app.lender.balances import Balance, balance_paid
from collections_app.lender.records import (
    DELINQUENT_STATUSES,
    BorrowerRecord,
    LoanRecord,
    PaymentRecord,
    ReversalRecord,
    SignalRecord,
    engine_addresses,
)
from collections_app.lender.results import (
    CREATED,
    REJECTED,
    UNCHANGED,
    UPDATED,
    LenderDataError,
    UpsertResult,
    rejected,
    single,
)
from collections_app.lender.verification import (
    date_of_birth_digest,
    digests_verify,
    id_digits_digest,
)
from collections_app.models import (
    AbilitySignal,
    Borrower,
    CaseEvent,
    ChannelConsent,
    CollectionCase,
    ContactPoint,
    JurisdictionProfile,
    Loan,
    Payment,
)
from collections_app.models.loans import BALANCE_FIELDS
from collections_app.phrases import joined, phrase, with_stored
from collections_app.problems import Problem
from collections_app.services.case_entry import CaseMove, cases_move
from collections_app.services.cases import CaseOpening, cases_open
from collections_app.services.escalation_writes import bulk_insert
from collections_app.services.payments import payment_record
from collections_app.services.reversals import reversal_record
from collections_app.states import OPEN_STATES, CaseState, CloseReason

_SOURCE = re.compile(r"^[a-z][a-z0-9_-]{1,19}:\S.{0,78}$")
ZERO = Decimal("0")
ONE_DAY = dt.timedelta(days=1)
_BORROWER_DIGEST = "collections_app.lender.borrower-record"


def _check_source(source: str) -> None:
    # A programming error, not the lender's: the callers build it.
    if not isinstance(source, str) or not _SOURCE.match(source):
        raise ValueError(f"source must read like 'api:<integration>', got {source!r}")


K = TypeVar("K", bound=Hashable)


def _rounds(keys: Sequence[K]) -> Iterator[list[int]]:
    """The indexes of `keys` in rounds with each key at most once, in order: a batch naming one
    loan twice applies both records, the later last, each round set-based."""
    seen: dict[K, int] = defaultdict(int)
    rounds: list[list[int]] = []
    for i, key in enumerate(keys):
        n = seen[key]
        seen[key] += 1
        if n == len(rounds):
            rounds.append([])
        rounds[n].append(i)
    yield from rounds


def _once_more_on_a_race(apply: Callable[[], None]) -> None:
    """Run one round; if a concurrent call created one of its rows first (a unique key), run it
    again, now finding that row (the locks taken on existing rows keep updates in turn)."""
    try:
        with transaction.atomic():
            apply()
    except IntegrityError:
        with transaction.atomic():
            apply()


def _event(
    case_id: int, state: str, kind: str, reason: str, data: dict, now: dt.datetime
) -> dict[str, Any]:
    """A timeline row for bulk_insert (COPY on PostgreSQL)."""
    return {
        "case_id": case_id,
        "kind": kind,
        "from_state": state,
        "to_state": state,
        "reason": str(reason),
        "data": with_stored(data, reason),
        "created_at": now,
    }


# --- borrowers


def borrower_upsert(*, record: BorrowerRecord, source: str) -> UpsertResult:
    """Create or update one borrower by external id, with their contact points."""
    return single(borrowers_upsert_many(records=[record], source=source))


def borrowers_upsert_many(
    *, records: Sequence[BorrowerRecord], source: str, digests: Sequence[str] = ()
) -> list[UpsertResult]:
    """Upsert many borrowers set-based; one result per record, in order. `digests`: each
    record's borrower_record_digest, when the caller computed them already (an import does, in
    its parse process); "" or none given: computed here."""
    _check_source(source)
    results: list[UpsertResult | None] = [None] * len(records)
    if not records:
        return []
    known = set(JurisdictionProfile.objects.filter(is_current=True).values_list("code", flat=True))
    with transaction.atomic():
        for indexes in _rounds([r.external_id for r in records]):
            batch = [(i, records[i]) for i in indexes]
            _once_more_on_a_race(
                lambda batch=batch: _borrowers_round(batch, source, known, results, digests)
            )
    return results  # type: ignore[return-value]


# Borrower fields an upsert sets, from the record (phone and email through engine_addresses).
_BORROWER_FIELDS = (
    "name",
    "time_zone",
    "preferred_language",
    "jurisdiction",
    "region",
    "phone",
    "email",
    "date_of_birth_digest",
    "id_digits_digest",
)
_POINT_FIELDS = ("type", "source", "consent", "consent_at", "is_primary")


def _borrower_values(record: BorrowerRecord) -> dict[str, Any]:
    phone, email = engine_addresses(record.contact_points)
    return {
        "name": record.name,
        "time_zone": record.time_zone,
        "preferred_language": record.language,
        "jurisdiction": record.jurisdiction,
        "region": record.region,
        "phone": phone,
        "email": email,
        "date_of_birth_digest": date_of_birth_digest(record.external_id, record.date_of_birth),
        "id_digits_digest": id_digits_digest(record.external_id, record.id_last_digits),
    }


def _point_values(record: BorrowerRecord) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (p.kind, p.address): {
            "type": p.type,
            "source": p.source,
            "consent": p.consent,
            "consent_at": p.consent_at,
            "is_primary": p.primary,
        }
        for p in record.contact_points
    }


# Record field names, for the timeline: which of the borrower's details changed.
_FIELD_NAMES = {
    "name": "name",
    "time_zone": "time_zone",
    "preferred_language": "language",
    "jurisdiction": "jurisdiction",
    "region": "region",
    "phone": "phone",
    "email": "email",
    "contact_points": "contact_points",
}


_BORROWER_RECORD_FIELDS = tuple(f.name for f in fields(BorrowerRecord))


def borrower_record_digest(record: BorrowerRecord) -> str:
    """The fingerprint of what the lender sent. Keyed (it covers the date of birth and the ID
    digits, which a plain hash of a few thousand possible values would give away)."""
    # str() of each field: contact points are frozen dataclasses, whose repr names every value.
    text = "\x1f".join(str(getattr(record, name)) for name in _BORROWER_RECORD_FIELDS)
    return salted_hmac(_BORROWER_DIGEST, text, algorithm="sha256").hexdigest()


def _borrowers_round(
    batch: list[tuple[int, BorrowerRecord]],
    source: str,
    known_jurisdictions: set[str],
    results: list[UpsertResult | None],
    given: Sequence[str] = (),
) -> None:
    now = timezone.now()
    existing = {
        b.external_id: b
        for b in Borrower.objects.select_for_update()
        .filter(external_id__in=[r.external_id for _i, r in batch])
        .order_by("pk")
    }
    digests = {
        i: (given[i] if given and given[i] else borrower_record_digest(record))
        for i, record in batch
    }
    # The same record as last time changes nothing (and an edit made since in admin stands
    # until the lender's data changes): only the others need their contact points read.
    todo = []
    for i, record in batch:
        borrower = existing.get(record.external_id)
        if borrower is not None and borrower.reported_digest == digests[i]:
            results[i] = UpsertResult(UNCHANGED, borrower)
        elif record.jurisdiction not in known_jurisdictions:
            results[i] = rejected(
                [
                    Problem(
                        "jurisdiction",
                        _("has no contact-rules profile (known: %s)")
                        % ", ".join(sorted(known_jurisdictions)),
                    )
                ]
            )
        else:
            todo.append((i, record, borrower))
    points: dict[int, dict[tuple[str, str], ContactPoint]] = defaultdict(dict)
    for point in ContactPoint.objects.filter(
        borrower__in=[b for _i, _r, b in todo if b is not None]
    ):
        points[point.borrower_id][(point.kind, point.address)] = point

    created: list[tuple[int, Borrower, BorrowerRecord]] = []
    updated: list[tuple[int, Borrower, BorrowerRecord, list[str]]] = []
    refreshed: list[Borrower] = []  # only the digest differs (e.g. a new SECRET_KEY)
    for i, record, borrower in todo:
        values = _borrower_values(record)
        if borrower is None:
            borrower = Borrower(
                external_id=record.external_id,
                last_source=source,
                reported_digest=digests[i],
                **values,
            )
            created.append((i, borrower, record))
            continue
        changed = [f for f, v in values.items() if getattr(borrower, f) != v]
        have = {
            key: {f: getattr(p, f) for f in _POINT_FIELDS} for key, p in points[borrower.pk].items()
        }
        if have != _point_values(record):
            changed.append("contact_points")
        borrower.reported_digest = digests[i]
        if not changed:
            refreshed.append(borrower)
            results[i] = UpsertResult(UNCHANGED, borrower)
            continue
        for name, value in values.items():
            setattr(borrower, name, value)
        borrower.last_source = source
        borrower.updated_at = now
        updated.append((i, borrower, record, changed))

    insert_models([b for _i, b, _r in created])
    update_rows(
        [b for _i, b, _r, _c in updated],
        [*_BORROWER_FIELDS, "last_source", "reported_digest", "updated_at"],
    )
    update_rows(refreshed, ["reported_digest"])
    _contact_points_replace(
        [(b, r) for _i, b, r in created] + [(b, r) for _i, b, r, _c in updated],
        points,
        source,
        now,
    )
    _note_contact_changes(
        [(b, [_FIELD_NAMES[f] for f in c if f in _FIELD_NAMES]) for _i, b, _r, c in updated],
        source,
        now,
    )
    _honour_revoked_consent([(b, r) for _i, b, r in created] + [(b, r) for _i, b, r, _c in updated])
    for i, borrower, _r in created:
        results[i] = UpsertResult(CREATED, borrower)
    for i, borrower, _r, changed in updated:
        results[i] = UpsertResult(
            UPDATED,
            borrower,
            {"changed": [_FIELD_NAMES.get(f, f.removesuffix("_digest")) for f in changed]},
        )


def _contact_points_replace(
    rows: list[tuple[Borrower, BorrowerRecord]],
    have: dict[int, dict[tuple[str, str], ContactPoint]],
    source: str,
    now: dt.datetime,
) -> None:
    """Make each borrower's contact points the record's set: one DELETE, one INSERT and one
    UPDATE for the batch. A BadContactPoint is keyed by address, not by this row: it stays."""
    gone: list[int] = []
    new: list[ContactPoint] = []
    changed: list[ContactPoint] = []
    for borrower, record in rows:
        current = have.get(borrower.pk, {})
        wanted = _point_values(record)
        gone.extend(p.pk for key, p in current.items() if key not in wanted)
        for (kind, address), values in wanted.items():
            point = current.get((kind, address))
            if point is None:
                new.append(
                    ContactPoint(
                        borrower=borrower,
                        kind=kind,
                        address=address,
                        recorded_source=source,
                        recorded_at=now,
                        **values,
                    )
                )
            elif any(getattr(point, f) != v for f, v in values.items()):
                for name, value in values.items():
                    setattr(point, name, value)
                point.recorded_source, point.recorded_at = source, now
                changed.append(point)
    if gone:
        ContactPoint.objects.filter(pk__in=gone).delete()
    insert_models(new)
    update_rows(changed, [*_POINT_FIELDS, "recorded_source", "recorded_at"])


def _note_contact_changes(
    rows: list[tuple[Borrower, list[str]]], source: str, now: dt.datetime
) -> None:
    """One timeline entry per open case of each changed borrower (field names, never values:
    the timeline is shown to agents, who see addresses masked)."""
    changed = {b.pk: fields for b, fields in rows if fields}
    if not changed:
        return
    rows_out = [
        _event(
            case_id,
            state,
            CaseEvent.Kind.LENDER,
            phrase(
                "Contact details updated from %(source)s (%(fields)s)",
                source=source,
                fields=", ".join(changed[borrower_id]),
            ),
            {"source": source, "changed": changed[borrower_id]},
            now,
        )
        for case_id, state, borrower_id in CollectionCase.objects.filter(
            loan__borrower_id__in=list(changed), state__in=OPEN_STATES
        )
        .order_by("pk")
        .values_list("pk", "state", "loan__borrower_id")
    ]
    bulk_insert(CaseEvent, rows_out, now)


def _honour_revoked_consent(rows: list[tuple[Borrower, BorrowerRecord]]) -> None:
    """The lender says the borrower revoked consent for automated calls and texts to the
    number we contact: stop SMS and calls (the gate reads the opt-out). One way only: the
    lender's consent never undoes an opt-out, which may be the borrower's own."""
    from collections_app.services.consents import consent_opt_out

    revoked = [
        (borrower, point)
        for borrower, record in rows
        for point in record.contact_points
        if point.kind == "phone" and point.address == borrower.phone and point.consent == "revoked"
    ]
    if not revoked:
        return
    opted_out = set(
        ChannelConsent.objects.filter(
            borrower__in=[b for b, _p in revoked], status=ChannelConsent.Status.OPTED_OUT
        ).values_list("borrower_id", "channel")
    )
    for borrower, point in revoked:
        for channel in ("sms", "voice"):
            if (borrower.pk, channel) not in opted_out:
                consent_opt_out(
                    borrower=borrower,
                    channel=channel,
                    source=ChannelConsent.Source.LENDER,
                    requested_at=point.consent_at,
                    note=phrase("consent for automated calls and texts revoked (lender)"),
                )


def borrower_verify(
    *,
    borrower: Borrower,
    date_of_birth: dt.date | None = None,
    id_last_digits: str | None = None,
) -> bool:
    """Right-party check: True when something was given and all of it matches what the lender
    told us (compared as keyed digests, in constant time)."""
    return digests_verify(
        external_id=borrower.external_id,
        date_of_birth_digest=borrower.date_of_birth_digest,
        id_digits_digest=borrower.id_digits_digest,
        date_of_birth=date_of_birth,
        id_last_digits=id_last_digits,
    )


# --- loans


def loan_upsert(*, record: LoanRecord, source: str) -> UpsertResult:
    """Create or update one loan by external id and bring its case in step with its status."""
    return single(loans_upsert_many(records=[record], source=source))


def loans_upsert_many(
    *, records: Sequence[LoanRecord], source: str, digests: Sequence[str] = ()
) -> list[UpsertResult]:
    """Upsert many loans set-based, their cases opened, updated and closed in bulk; one result
    per record, in order. `digests`: as borrowers_upsert_many's (loan_record_digest)."""
    _check_source(source)
    results: list[UpsertResult | None] = [None] * len(records)
    if not records:
        return []
    with transaction.atomic():
        for indexes in _rounds([r.external_id for r in records]):
            batch = [(i, records[i]) for i in indexes]
            _once_more_on_a_race(lambda batch=batch: _loans_round(batch, source, results, digests))
    return results  # type: ignore[return-value]


_LOAN_RECORD_FIELDS = tuple(f.name for f in fields(LoanRecord))


def loan_record_digest(record: LoanRecord) -> str:
    """The fingerprint of what the lender reported (no secrets in it: a plain hash). Every
    value is a str, Decimal (2 places), int, date or None: its str() is canonical."""
    text = "\x1f".join(str(getattr(record, name)) for name in _LOAN_RECORD_FIELDS)
    return hashlib.sha256(text.encode()).hexdigest()


_LOAN_FIELDS = (
    "product",
    "principal",
    *BALANCE_FIELDS,
    "balance_as_of",
    "status",
    "amount_past_due",
    "due_date",
    "days_past_due_reported",
    "charge_off_date",
    "last_payment_date",
    "origination_date",
    "origination_state",
    "last_source",
    "reported_digest",
    "updated_at",
)


@dataclass
class _LoanChange:
    index: int
    loan: Loan
    record: LoanRecord
    created: bool
    # What is overdue now: the report's past-due amount, less what was paid since its date.
    overdue: Decimal = ZERO
    charged_off_now: bool = False
    detail: dict[str, Any] = field(default_factory=dict)


def _loan_problems(loan: Loan | None, record: LoanRecord, borrower_id: int | None) -> list[Problem]:
    problems = []
    if borrower_id is None:
        problems.append(
            Problem("borrower_external_id", _("no borrower has this id: send the borrower first"))
        )
    if loan is None:
        return problems
    if loan.currency != record.currency:
        problems.append(
            Problem(
                "currency",
                _("the loan is in %(currency)s; a loan's currency cannot change")
                % {"currency": loan.currency},
            )
        )
    if borrower_id is not None and loan.borrower_id != borrower_id:
        problems.append(
            Problem(
                "borrower_external_id",
                _("the loan belongs to another borrower; a loan cannot move to another borrower"),
            )
        )
    if loan.balance_as_of is not None and record.balance_as_of < loan.balance_as_of:
        problems.append(
            Problem(
                "balance_as_of",
                _(
                    "is older than the balance we have (as of %(as_of)s): a late report would "
                    "bring back an amount that has changed since"
                )
                % {"as_of": loan.balance_as_of.isoformat()},
            )
        )
    return problems


def _loans_round(
    batch: list[tuple[int, LoanRecord]],
    source: str,
    results: list[UpsertResult | None],
    given: Sequence[str] = (),
) -> None:
    now = timezone.now()
    borrower_ids = dict(
        Borrower.objects.filter(
            external_id__in={r.borrower_external_id for _i, r in batch}
        ).values_list("external_id", "pk")
    )
    # Locked, in one order for every caller: a payment (which locks its loan first) and a
    # concurrent sync wait for each other instead of deadlocking.
    existing = {
        loan.external_id: loan
        for loan in Loan.objects.select_for_update()
        .filter(external_id__in=[r.external_id for _i, r in batch])
        .order_by("pk")
    }
    changes: list[_LoanChange] = []
    for i, record in batch:
        loan = existing.get(record.external_id)
        digest = given[i] if given and given[i] else loan_record_digest(record)
        if loan is not None and loan.reported_digest == digest:
            results[i] = UpsertResult(UNCHANGED, loan)
            continue
        borrower_id = borrower_ids.get(record.borrower_external_id)
        problems = _loan_problems(loan, record, borrower_id)
        if problems:
            results[i] = rejected(problems)
            continue
        created = loan is None
        if created:
            loan = Loan(
                external_id=record.external_id, borrower_id=borrower_id, currency=record.currency
            )
        change = _LoanChange(
            i,
            loan,
            record,
            created,
            charged_off_now=bool(
                record.charge_off_date and record.charge_off_date != loan.charge_off_date
            ),
        )
        loan.reported_digest = digest
        changes.append(change)

    since = _paid_since_report([c for c in changes if not c.created])
    for change in changes:
        paid, reversed_ = (
            since.get(change.loan.pk, (ZERO, ZERO)) if not change.created else (ZERO, ZERO)
        )
        _loan_apply(change, source, now, paid, reversed_)

    insert_models([c.loan for c in changes if c.created])
    update_rows([c.loan for c in changes if not c.created], _LOAN_FIELDS)
    _cases_sync(changes, source, now)
    for change in changes:
        results[change.index] = UpsertResult(
            CREATED if change.created else UPDATED, change.loan, change.detail
        )


def _paid_since_report(changes: list[_LoanChange]) -> dict[int, tuple[Decimal, Decimal]]:
    """{loan id: (paid, reversed)} since each record's balance_as_of (dates in TIME_ZONE): the
    payments we recorded after the day the report describes, which it cannot include, and the
    reversals since of payments it did include. One query for the batch."""
    if not changes:
        return {}
    as_of = {c.loan.pk: c.record.balance_as_of for c in changes}
    cutoff = timezone.make_aware(dt.datetime.combine(min(as_of.values()) + ONE_DAY, dt.time()))
    out: dict[int, tuple[Decimal, Decimal]] = {}
    for loan_id, amount, received_at, reversed_at in Payment.objects.filter(
        Q(received_at__gte=cutoff) | Q(reversal__reversed_at__gte=cutoff), loan_id__in=list(as_of)
    ).values_list("loan_id", "amount", "received_at", "reversal__reversed_at"):
        day = as_of[loan_id]
        paid_after = timezone.localdate(received_at) > day
        reversed_after = reversed_at is not None and timezone.localdate(reversed_at) > day
        paid, back = out.get(loan_id, (ZERO, ZERO))
        if paid_after and reversed_at is None:
            paid += amount
        elif not paid_after and reversed_after:
            back += amount
        out[loan_id] = (paid, back)
    return out


def _loan_apply(
    change: _LoanChange, source: str, now: dt.datetime, paid: Decimal, reversed_: Decimal
) -> None:
    """Set the loan from the record, with what happened since the report's date applied on top
    (a reversal's amount is owed as principal again; the lender's next report says how)."""
    loan, record = change.loan, change.record
    reported = Balance(record.balance_principal, record.balance_interest, record.balance_fees)
    balance = reported + Balance(principal=reversed_)
    balance = balance - balance_paid(balance, paid)
    loan.set_balance(balance)
    loan.product = record.product
    loan.principal = record.principal
    loan.balance_as_of = record.balance_as_of
    loan.status = record.status
    loan.amount_past_due = record.amount_past_due
    loan.due_date = record.due_date
    loan.days_past_due_reported = record.days_past_due
    loan.charge_off_date = record.charge_off_date
    loan.last_payment_date = record.last_payment_date
    loan.origination_date = record.origination_date
    loan.origination_state = record.origination_state
    loan.last_source = source
    loan.updated_at = now
    change.overdue = min(max(record.amount_past_due + reversed_ - paid, ZERO), balance.total)
    if paid or reversed_:
        change.detail["since_report"] = {"paid": paid, "reversed": reversed_}


def _cases_sync(changes: list[_LoanChange], source: str, now: dt.datetime) -> None:
    """Open, update or close each loan's case as its reported status says, set-based."""
    if not changes:
        return
    open_cases = {
        case.loan_id: case
        for case in CollectionCase.objects.select_for_update()
        .filter(loan_id__in=[c.loan.pk for c in changes], state__in=OPEN_STATES)
        .order_by("pk")
    }
    openings: list[tuple[_LoanChange, CaseOpening]] = []
    amounts: list[CollectionCase] = []
    closes: list[CaseMove] = []
    events: list[dict[str, Any]] = []
    for change in changes:
        record, case = change.record, open_cases.get(change.loan.pk)
        owed = record.status in DELINQUENT_STATUSES and change.overdue > ZERO
        if owed:
            since = record.due_date + ONE_DAY  # type: ignore[operator]  # delinquent: has one
            if case is None:
                openings.append(
                    (
                        change,
                        CaseOpening(
                            loan_id=change.loan.pk,
                            amount_overdue=change.overdue,
                            overdue_since=since,
                            data={"source": source, "loan_status": record.status},
                            reason=phrase(
                                "Reported %(status)s by the lender (%(source)s)",
                                status=record.status,
                                source=source,
                            ),
                        ),
                    )
                )
                continue
            if case.amount_overdue != change.overdue or case.overdue_since != since:
                events.append(_amount_event(case, change.overdue, since, source, now))
                change.detail.update(
                    case=case.pk,
                    case_change="updated",
                    amount_overdue_before=case.amount_overdue,
                    amount_overdue=change.overdue,
                )
                case.amount_overdue, case.overdue_since, case.updated_at = (
                    change.overdue,
                    since,
                    now,
                )
                amounts.append(case)
            if change.charged_off_now:
                events.append(
                    _event(
                        case.pk,
                        case.state,
                        CaseEvent.Kind.LENDER,
                        phrase(
                            "Charged off by the lender on %(date)s (%(source)s); collection goes "
                            "on",
                            date=record.charge_off_date,
                            source=source,
                        ),
                        {"source": source, "charge_off_date": record.charge_off_date},
                        now,
                    )
                )
        elif case is not None:
            closes.append(_close_move(case, change, source))
            change.detail.update(case=case.pk, case_change="closed")
            if case.amount_overdue != ZERO:
                case.amount_overdue, case.updated_at = ZERO, now
                amounts.append(case)
    update_rows(amounts, ["amount_overdue", "overdue_since", "updated_at"])
    bulk_insert(CaseEvent, events, now)
    if closes:
        cases_move(moves=closes, actor=None, now=now)
    opened = cases_open(openings=[o for _c, o in openings], now=now)
    for (change, _o), case in zip(openings, opened, strict=True):
        change.detail.update(case=case.pk, case_change="opened")


def _amount_event(
    case: CollectionCase, overdue: Decimal, since: dt.date, source: str, now: dt.datetime
) -> dict[str, Any]:
    parts = [
        phrase("Amount overdue %(old)s → %(new)s", old=case.amount_overdue, new=overdue)
        if case.amount_overdue != overdue
        else "",
        phrase("overdue since %(old)s → %(new)s", old=case.overdue_since, new=since)
        if case.overdue_since != since
        else "",
    ]
    return _event(
        case.pk,
        case.state,
        CaseEvent.Kind.LENDER,
        phrase(
            "%(what)s, reported by the lender (%(source)s)", what=joined("; ", parts), source=source
        ),
        {
            "source": source,
            "amount_overdue_before": case.amount_overdue,
            "amount_overdue": overdue,
            "overdue_since_before": case.overdue_since,
            "overdue_since": since,
        },
        now,
    )


def _close_move(case: CollectionCase, change: _LoanChange, source: str) -> CaseMove:
    status = change.record.status
    if status == "current":
        reason, close_reason = phrase("Brought current by the lender"), CloseReason.CURRENT
    elif status == "paid":
        reason, close_reason = phrase("Paid off, reported by the lender"), CloseReason.PAID
    else:  # reported past due, and paid since the report's date
        reason, close_reason = phrase("Nothing overdue since the lender's report"), CloseReason.PAID
    return CaseMove(
        case_id=case.pk,
        transition="resolve",
        source=case.state,
        target=CaseState.RESOLVED,
        params={"close_reason": close_reason},
        reason=phrase("%(reason)s (%(source)s)", reason=reason, source=source),
        data={
            "source": source,
            "loan_status": status,
            "amount_overdue_before": case.amount_overdue,
        },
    )


# --- payments


def payment_post(*, record: PaymentRecord, source: str) -> UpsertResult:
    """Record one payment, once per external id (services/payments.payment_record)."""
    return single(payments_post_many(records=[record], source=source))


def payments_post_many(*, records: Sequence[PaymentRecord], source: str) -> list[UpsertResult]:
    """Post many payments: the ones we have are told apart in one query (unchanged, or a
    conflict), each new one is recorded with its effects (promises, plans, the case)."""
    _check_source(source)
    if not records:
        return []
    results: list[UpsertResult] = []
    with transaction.atomic():
        have = {
            p.external_id: p
            for p in Payment.objects.select_related("loan").filter(
                external_id__in={r.external_id for r in records}
            )
        }
        loans = {
            loan.external_id: loan
            for loan in Loan.objects.filter(external_id__in={r.loan_external_id for r in records})
        }
        for record in records:
            payment = have.get(record.external_id)
            if payment is not None:
                results.append(_payment_again(payment, record))
                continue
            loan = loans.get(record.loan_external_id)
            if loan is None:
                results.append(rejected([Problem("loan_external_id", _("no loan has this id"))]))
                continue
            if loan.currency != record.currency:
                results.append(
                    rejected(
                        [
                            Problem(
                                "currency",
                                _("the loan is in %(currency)s") % {"currency": loan.currency},
                            )
                        ]
                    )
                )
                continue
            try:
                with transaction.atomic():
                    payment, created = payment_record(
                        loan=loan,
                        external_id=record.external_id,
                        amount=record.amount,
                        currency=record.currency,
                        received_at=record.received_at,
                        source=source,
                    )
            except ValidationError as exc:
                results.append(rejected([Problem("", m) for m in exc.messages]))
                continue
            have[record.external_id] = payment
            results.append(
                UpsertResult(CREATED, payment, {"case": payment.case_id})
                if created
                else _payment_again(payment, record)
            )
    return results


def _payment_again(payment: Payment, record: PaymentRecord) -> UpsertResult:
    """A payment id we have: the same payment is a no-op; another under the same id is the
    lender's error, refused (never applied twice, never silently ignored)."""
    differs = [
        name
        for name, ours, theirs in (
            ("loan_external_id", payment.loan.external_id, record.loan_external_id),
            ("amount", payment.amount, record.amount),
            ("currency", payment.currency, record.currency),
            ("received_at", payment.received_at, record.received_at),
        )
        if ours != theirs
    ]
    if differs:
        return rejected(
            [
                Problem(
                    name,
                    _("payment %(id)s was recorded with another %(field)s")
                    % {"id": payment.external_id, "field": name},
                )
                for name in differs
            ]
        )
    return UpsertResult(UNCHANGED, payment)


def payment_reverse(*, record: ReversalRecord, source: str) -> UpsertResult:
    """Reverse a payment (NSF, chargeback) once: services/reversals.py."""
    _check_source(source)
    return reversal_record(record=record, source=source)


# --- ability-to-pay signals


def _value_digest(value: object) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def signal_record(*, record: SignalRecord, source: str) -> UpsertResult:
    """Store one ability-to-pay signal; the same fact (borrower, kind, time, value) twice is
    one row. Nothing acts on signals yet: the segmentation will read them."""
    _check_source(source)
    borrower = Borrower.objects.filter(external_id=record.borrower_external_id).first()
    problems = []
    if borrower is None:
        problems.append(Problem("borrower_external_id", _("no borrower has this id")))
    loan_id = None
    if record.loan_external_id:
        loan = Loan.objects.filter(external_id=record.loan_external_id).first()
        if loan is None:
            problems.append(Problem("loan_external_id", _("no loan has this id")))
        elif borrower is not None and loan.borrower_id != borrower.pk:
            problems.append(Problem("loan_external_id", _("the loan belongs to another borrower")))
        else:
            loan_id = loan.pk
    if problems:
        raise LenderDataError(problems)
    digest = _value_digest(record.value)
    fact = {
        "borrower": borrower,
        "kind": record.kind,
        "observed_at": record.observed_at,
        "value_digest": digest,
    }
    found = AbilitySignal.objects.filter(**fact).first()
    if found is not None:
        return UpsertResult(UNCHANGED, found)
    try:
        with transaction.atomic():
            signal = AbilitySignal.objects.create(
                **fact,
                loan_id=loan_id,
                value=record.value,
                source=source,
                lender_source=record.source,
            )
    except IntegrityError:  # the same fact, recorded by a concurrent call
        return UpsertResult(UNCHANGED, AbilitySignal.objects.get(**fact))
    return UpsertResult(CREATED, signal)


__all__ = [
    "CREATED",
    "REJECTED",
    "UNCHANGED",
    "UPDATED",
    "LenderDataError",
    "UpsertResult",
    "borrower_upsert",
    "borrower_verify",
    "borrowers_upsert_many",
    "loan_record_digest",
    "loan_upsert",
    "loans_upsert_many",
    "payment_post",
    "payment_reverse",
    "payments_post_many",
    "signal_record",
]

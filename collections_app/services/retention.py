"""The retention purge: personal data removed once the period its profile keeps it is over.

A case's records are kept `JurisdictionProfile.retention_years` after the last collection
activity on its debt (US: 12 CFR 1006.100(a), three years). After that, the purge blanks the
personal data in them (message bodies and addresses, numbers and free text in the timeline,
call notes, dispute texts) and, once every debt of a borrower is past its period, the
borrower's own details. The rows stay: the timeline still says what happened, and when.

What the period protects is never touched. A case is past its period only when
- it is closed (resolved or written off), and so is every other case of its loan (a debt's
  period runs from the last activity on the debt, whichever case it was in);
- nothing happened on its loan's cases since the cut-off: no event, contact, message, call or
  payment, and it closed before it;
- no dispute of it is unanswered, it never went to legal, and no legal hold is on it;
- its borrower's jurisdiction has a current profile (no profile: nothing is purged).

Every step is one UPDATE or DELETE over a batch of cases whose filter names only rows that
still hold personal data: a second run finds nothing, and a run killed half-way leaves whole
batches done (each batch commits with its counts) and the rest for the next run. A dry run
counts the same querysets instead of writing them.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Value
from django.db.models.expressions import Func
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collections_app.models import (
    AbilitySignal,
    BadContactPoint,
    Borrower,
    CallLog,
    CaseEvent,
    ChannelConsent,
    CollectionCase,
    ContactAttempt,
    ContactDecision,
    ContactHold,
    ContactPoint,
    DeliveryAttempt,
    Dispute,
    JurisdictionProfile,
    LegalProposal,
    LenderEvent,
    Loan,
    OutboundMessage,
    Payment,
    PurgeRun,
    RetentionHold,
    WebhookEvent,
)
from collections_app.phrases import STORED_KEY, phrase
from collections_app.states import CLOSED_STATES, CaseState

log = logging.getLogger(__name__)

# Keys of an event's details that hold what a person said or where they are reached.
EVENT_PII_KEYS = ("body", "number", "note", "phone", "email", "address", "to", "from", "name")
# A stored phrase with one of these values carries a person's words or details: its sentence
# goes too (the others, "Promise of 120.00 USD broken", stay as they are).
PHRASE_PII_PARAMS = ("reason", "why", "body", "note", "name", "address", "old", "new", "detail")
PURGED = {"purged": True}

# What a run's counts are keyed by (stable, in English) and how a person reads each.
STEP_LABELS = {
    "outbound messages": _("outbound messages"),
    "delivery attempts": _("delivery attempts"),
    "contact attempts": _("contact attempts"),
    "contact decisions": _("contact decisions"),
    "calls": _("calls"),
    "case events (sentence)": _("case events (sentence)"),
    "case events (details)": _("case events (details)"),
    "disputes": _("disputes"),
    "events to the lender": _("events to the lender"),
    "borrowers": _("borrowers"),
    "contact points": _("contact points (deleted)"),
    "bad contact points": _("bad contact points (deleted)"),
    "ability-to-pay signals": _("ability-to-pay signals (deleted)"),
    "contact holds": _("contact holds"),
    "channel consents": _("channel consents"),
    "webhook bodies": _("webhook bodies"),
}


def step_label(key: str) -> str:
    return str(STEP_LABELS.get(key, key))


def _redacted_phrase():  # noqa: ANN202 (a Phrase)
    return phrase("Removed after the retention period")


# --- Set-based JSON edits (SQLite and PostgreSQL) -----------------------------------------------


class JSONWithout(Func):
    """`data` without the given top-level keys, and with `set_key` set to `set_value` if given."""

    output_field = models.JSONField()

    def __init__(
        self, expression: str, keys: Iterable[str], set_key: str = "", set_value: object = None
    ) -> None:
        super().__init__(F(expression))
        self.keys = tuple(keys)
        self.set_key, self.set_value = set_key, set_value

    def as_sqlite(self, compiler, connection, **extra):  # noqa: ANN001, ANN201
        inner, params = compiler.compile(self.source_expressions[0])
        paths = ", ".join(["%s"] * len(self.keys))
        sql = f"json_remove({inner}, {paths})"
        params = [*params, *(f'$."{k}"' for k in self.keys)]
        if self.set_key:
            sql = f"json_set({sql}, %s, json(%s))"
            params += [f'$."{self.set_key}"', json.dumps(self.set_value)]
        return sql, params

    def as_postgresql(self, compiler, connection, **extra):  # noqa: ANN001, ANN201
        inner, params = compiler.compile(self.source_expressions[0])
        array = ", ".join(["%s"] * len(self.keys))
        sql = f"({inner} - ARRAY[{array}]::text[])"
        params = [*params, *self.keys]
        if self.set_key:
            sql = f"({sql} || jsonb_build_object(%s, %s::jsonb))"
            params += [self.set_key, json.dumps(self.set_value)]
        return sql, params

    def as_sql(self, compiler, connection, **extra):  # noqa: ANN001, ANN201
        raise NotImplementedError(f"JSONWithout has no SQL for {connection.vendor}")


# --- Which cases are past their period -----------------------------------------------------------


@dataclass(frozen=True)
class Period:
    code: str
    version: int
    years: int
    cutoff: dt.datetime

    def described(self) -> dict:
        return {
            "version": self.version,
            "retention_years": self.years,
            "cutoff": self.cutoff.isoformat(),
        }


def retention_periods(now: dt.datetime) -> list[Period]:
    """The current profile of each jurisdiction and the cut-off its period gives today."""
    return [
        Period(code, version, years, now - relativedelta(years=years))
        for code, version, years in JurisdictionProfile.objects.filter(is_current=True)
        .order_by("code")
        .values_list("code", "version", "retention_years")
    ]


def _activity_since(cutoff: dt.datetime) -> Q:
    """Cases of a loan with anything done on the loan since `cutoff` (OuterRef: the case)."""
    loan = OuterRef("loan_id")
    recent = (
        Exists(CaseEvent.objects.filter(case__loan_id=loan, created_at__gte=cutoff))
        | Exists(ContactAttempt.objects.filter(case__loan_id=loan, occurred_at__gte=cutoff))
        | Exists(OutboundMessage.objects.filter(case__loan_id=loan, created_at__gte=cutoff))
        | Exists(CallLog.objects.filter(case__loan_id=loan, started_at__gte=cutoff))
        | Exists(Payment.objects.filter(loan_id=loan, received_at__gte=cutoff))
    )
    return Q(recent)


def past_retention(periods: list[Period]) -> models.QuerySet:
    """Cases whose records' retention period is over (module docstring): what the purge may
    change. Everything else is protected."""
    closed = [s.value for s in CLOSED_STATES]
    in_period = Q(pk__in=[])
    for period in periods:
        in_period |= Q(
            loan__borrower__jurisdiction=period.code, closed_at__lt=period.cutoff
        ) & ~_activity_since(period.cutoff)
    case = OuterRef("pk")
    loan = OuterRef("loan_id")
    return (
        CollectionCase.objects.filter(in_period, state__in=closed, closed_at__isnull=False)
        # Every case of the debt closed (a reopened debt keeps its old case's records).
        .exclude(Exists(CollectionCase.objects.filter(loan_id=loan).exclude(state__in=closed)))
        .exclude(
            Exists(
                Dispute.objects.filter(
                    case_id=case,
                    status__in=[Dispute.Status.OPEN, Dispute.Status.VERIFICATION_SENT],
                )
            )
        )
        .exclude(Exists(RetentionHold.objects.filter(case_id=case, released_at__isnull=True)))
        # Litigation: a case that went to legal is kept (a person releases it by hand).
        .exclude(Exists(CaseEvent.objects.filter(case__loan_id=loan, to_state=CaseState.LEGAL)))
        .exclude(
            Exists(
                LegalProposal.objects.filter(
                    case__loan_id=loan, status=LegalProposal.Status.APPROVED
                )
            )
        )
    )


def _fully_past(case_ids: list[int], eligible: models.QuerySet) -> list[int]:
    """Borrowers of these cases every debt of whom is past its period, each once: in the batch
    of their last case (else a dry run would count them in each batch). Compared by counts over
    the batch's borrowers only, so the eligibility is evaluated for their cases alone."""
    borrower = OuterRef("pk")
    candidates = list(
        Borrower.objects.filter(loans__cases__in=case_ids)
        .exclude(Exists(Loan.objects.filter(borrower_id=borrower, cases__isnull=True)))
        .exclude(
            Exists(CollectionCase.objects.filter(loan__borrower_id=borrower, pk__gt=max(case_ids)))
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    if not candidates:
        return []

    def per_borrower(cases: models.QuerySet) -> dict[int, int]:
        rows = (
            cases.filter(loan__borrower_id__in=candidates)
            .order_by()
            .values("loan__borrower_id")
            .annotate(n=Count("pk"))
        )
        return {row["loan__borrower_id"]: row["n"] for row in rows}

    every, past = per_borrower(CollectionCase.objects.all()), per_borrower(eligible)
    return [b for b in candidates if past.get(b) == every.get(b)]


# --- The steps: (label, queryset of rows still holding personal data, what to write) -------------

Step = tuple[str, models.QuerySet, dict | None]  # None: delete the rows


def _not_blank(*fields: str) -> Q:
    q = Q(pk__in=[])
    for field in fields:
        q |= ~Q(**{field: ""})
    return q


def _blank(*fields: str) -> dict:
    return dict.fromkeys(fields, "")


def _case_steps(case_ids: list[int]) -> list[Step]:
    message_fields = ("subject", "body", "html_body", "to_address", "error_message")
    redacted = _redacted_phrase()
    pii_reason = (
        ~Q(data__has_key=STORED_KEY)
        | Q(**{f"data__{STORED_KEY}__has_key": "parts"})
        | Q(**{f"data__{STORED_KEY}__has_key": "nested"})
        | Q(**{f"data__{STORED_KEY}__params__has_any_keys": list(PHRASE_PII_PARAMS)})
    )
    events = CaseEvent.objects.filter(case_id__in=case_ids)
    sentences = events.exclude(reason="").exclude(reason=str(redacted)).filter(pii_reason)
    return [
        (
            "outbound messages",
            OutboundMessage.objects.filter(case_id__in=case_ids).filter(
                _not_blank(*message_fields)
            ),
            _blank(*message_fields),
        ),
        (
            "delivery attempts",
            DeliveryAttempt.objects.filter(message__case_id__in=case_ids).exclude(error_message=""),
            _blank("error_message"),
        ),
        (
            "contact attempts",
            ContactAttempt.objects.filter(case_id__in=case_ids).exclude(address=""),
            _blank("address"),
        ),
        (
            "contact decisions",
            ContactDecision.objects.filter(case_id__in=case_ids).exclude(detail=""),
            _blank("detail"),
        ),
        (
            "calls",
            CallLog.objects.filter(case_id__in=case_ids).filter(_not_blank("number", "note")),
            _blank("number", "note"),
        ),
        (
            "case events (sentence)",
            sentences,
            {
                "reason": str(redacted),
                "data": JSONWithout("data", EVENT_PII_KEYS, STORED_KEY, redacted.stored()),
            },
        ),
        (
            "case events (details)",
            # Disjoint from the sentences (which lose these keys too): a dry run counts each once.
            events.filter(data__has_any_keys=list(EVENT_PII_KEYS)).exclude(
                pk__in=sentences.values("pk")
            ),
            {"data": JSONWithout("data", EVENT_PII_KEYS)},
        ),
        (
            "disputes",
            Dispute.objects.filter(case_id__in=case_ids).filter(_not_blank("details", "response")),
            _blank("details", "response"),
        ),
        (
            "events to the lender",
            LenderEvent.objects.filter(case_id__in=case_ids).exclude(payload=PURGED),
            {"payload": PURGED},
        ),
    ]


def _borrower_steps(ids: list[int]) -> list[Step]:
    people = ("name", "phone", "email", "date_of_birth_digest", "id_digits_digest")
    hold_texts = ("note", "attorney_contact", "work_phone", "released_reason")
    return [
        (
            "borrowers",
            Borrower.objects.filter(pk__in=ids).filter(_not_blank(*people)),
            _blank(*people, "reported_digest"),
        ),
        ("contact points", ContactPoint.objects.filter(borrower_id__in=ids), None),
        ("bad contact points", BadContactPoint.objects.filter(borrower_id__in=ids), None),
        ("ability-to-pay signals", AbilitySignal.objects.filter(borrower_id__in=ids), None),
        (
            "contact holds",
            ContactHold.objects.filter(borrower_id__in=ids).filter(_not_blank(*hold_texts)),
            _blank(*hold_texts),
        ),
        (
            "channel consents",
            ChannelConsent.objects.filter(borrower_id__in=ids).exclude(note=""),
            _blank("note"),
        ),
        (
            "contact attempts",
            ContactAttempt.objects.filter(borrower_id__in=ids, case__isnull=True).exclude(
                address=""
            ),
            _blank("address"),
        ),
        (
            "contact decisions",
            ContactDecision.objects.filter(borrower_id__in=ids, case__isnull=True).exclude(
                detail=""
            ),
            _blank("detail"),
        ),
    ]


def _apply(steps: list[Step], dry_run: bool, counts: dict[str, int]) -> None:
    for label, queryset, values in steps:
        if dry_run:
            done = queryset.count()
        elif values is None:
            done = queryset.delete()[0]
        elif queryset.model is CaseEvent:
            done = queryset.redact(**values)
        else:
            done = queryset.update(**values)
        if done:
            counts[label] = counts.get(label, 0) + done


def _webhook_bodies(periods: list[Period]) -> models.QuerySet:
    """Raw provider requests, processed, older than the longest period of any profile: what
    they said is in the case's own records, which their periods keep."""
    if not periods:
        return WebhookEvent.objects.none()
    oldest = min(p.cutoff for p in periods)
    return WebhookEvent.objects.filter(processed_at__isnull=False, received_at__lt=oldest).exclude(
        payload=PURGED
    )


# --- Runs --------------------------------------------------------------------------------------


def purge_personal_data(
    *,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    run: PurgeRun | None = None,
    trigger: str = PurgeRun.Trigger.COMMAND,
    batch_size: int | None = None,
    on_batch: Callable[[PurgeRun], None] | None = None,
) -> PurgeRun:
    """Purge (or, dry, count) everything past its period; returns the run's record."""
    now = now or timezone.now()
    batch_size = batch_size or settings.RETENTION_PURGE_BATCH_SIZE
    periods = retention_periods(now)
    if run is None:
        run = PurgeRun.objects.create(trigger=trigger, dry_run=dry_run, started_at=now)
    # A run taken over scans again from the start: `cases` is what this scan found past its
    # period; the rows per table add up (each row is changed once, by whichever attempt).
    run.profiles, run.cases = {p.code: p.described() for p in periods}, 0
    run.save(update_fields=["profiles", "cases"])
    eligible = past_retention(periods)
    try:
        last = 0
        while True:
            ids = list(
                eligible.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            last = ids[-1]
            counts: dict[str, int] = dict(run.counts)
            with transaction.atomic():
                _apply(_case_steps(ids), dry_run, counts)
                _apply(_borrower_steps(_fully_past(ids, eligible)), dry_run, counts)
                _save_progress(run, counts, cases=len(ids))
            if on_batch:
                on_batch(run)
        hooks = _webhook_bodies(periods)
        if dry_run:
            _save_progress(run, _added(run.counts, "webhook bodies", hooks.count()), cases=0)
        while not dry_run:
            ids = list(hooks.order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            with transaction.atomic():
                done = (
                    WebhookEvent.objects.filter(pk__in=ids)
                    .exclude(payload=PURGED)
                    .update(
                        payload=PURGED,
                        error="",
                        # The provider's ids and numbers are in it; unique, so the row's own id.
                        dedupe_key=Concat(Value("purged:"), Cast("pk", models.CharField())),
                    )
                )
                _save_progress(run, _added(run.counts, "webhook bodies", done), cases=0)
    except Exception as error:
        PurgeRun.objects.filter(pk=run.pk).update(
            status=PurgeRun.Status.FAILED, error=repr(error), finished_at=timezone.now()
        )
        raise
    PurgeRun.objects.filter(pk=run.pk).update(
        status=PurgeRun.Status.DONE, finished_at=timezone.now()
    )
    run.refresh_from_db(fields=["status", "finished_at"])
    log.info("retention purge %s: %s cases, %s", run.pk, run.cases, run.counts)
    return run


def _added(counts: dict[str, int], label: str, done: int) -> dict[str, int]:
    return {**counts, label: counts.get(label, 0) + done} if done else dict(counts)


def _save_progress(run: PurgeRun, counts: dict[str, int], cases: int) -> None:
    run.counts, run.cases = counts, run.cases + cases
    run.heartbeat_at = timezone.now()
    run.save(update_fields=["counts", "cases", "heartbeat_at"])


def purge_scheduled(now: dt.datetime | None = None) -> PurgeRun | None:
    """Beat's tick: today's run, once. A run whose worker died (its heartbeat stale) is taken
    over and finished; a finished one, or one still beating, is left alone."""
    now = now or timezone.now()
    today = now.date()
    run, created = PurgeRun.objects.get_or_create(
        trigger=PurgeRun.Trigger.SCHEDULE,
        run_date=today,
        defaults={"started_at": now, "heartbeat_at": now},
    )
    if not created:
        stale = now - dt.timedelta(seconds=settings.RETENTION_PURGE_STALE_SECONDS)
        taken = PurgeRun.objects.filter(
            pk=run.pk,
            status__in=[PurgeRun.Status.RUNNING, PurgeRun.Status.FAILED],
            heartbeat_at__lt=stale,
        ).update(
            status=PurgeRun.Status.RUNNING,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            error=Value(""),
        )
        if not taken:
            return None
        run.refresh_from_db()
    return purge_personal_data(run=run, now=now)

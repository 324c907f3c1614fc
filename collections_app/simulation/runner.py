"""The simulation loop: one simulated day at a time, through the real engine.

Each day: the nightly run for that date; then hour by hour the due borrower actions (replies and
payments through the signed webhooks, promises recorded by the back office), a legal officer
approving the night's legal proposals in the morning, the real dispatcher
and compliance gate at that hour, the sends through the "sim" provider, and the provider's status
callbacks to the webhooks. Everything stored by the webhooks is processed by the real handlers
before the hour ends.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from collections_app.models import CollectionCase, LegalProposal, OutboundMessage
from collections_app.outreach.dispatch import dispatch_batch
from collections_app.outreach.sender import send_claimed
from collections_app.phrases import phrase
from collections_app.services.escalation import escalation_run_start, escalation_run_work
from collections_app.services.legal import legal_proposals_approve
from collections_app.services.payments import promise_create
from collections_app.simulation import provider
from collections_app.simulation.clock import SimClock, simulated_time
from collections_app.simulation.personas import Action, answers_call, on_delivered
from collections_app.simulation.portfolio import DEFAULT_MIX, SimBorrower, create_portfolio
from collections_app.simulation.webhooks import WebhookPoster
from collections_app.states import CaseState

HOUR = dt.timedelta(hours=1)
OPEN = {CaseState.REMINDER, CaseState.NEGOTIATION, CaseState.ESCALATION, CaseState.LEGAL}
# Fixed by default so a seed gives the same run whatever day it is run on.
DEFAULT_START = dt.date(2026, 3, 2)
SEGMENT_DAYS = (15, 30)
# The nightly run only proposes legal; the simulated legal officer decides each morning (UTC).
LEGAL_REVIEW_HOUR = 9
LEGAL_OFFICER = "sim-legal-officer"


@dataclass
class SimConfig:
    borrowers: int = 60
    days: int = 20
    seed: int = 7
    mix: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_MIX))
    start: dt.date = DEFAULT_START
    jurisdiction: str = ""  # --policy: the borrowers of that policy's jurisdiction only


@dataclass
class SimState:
    """What the simulation itself observed (the engine's own records are read at the end)."""

    borrowers: list[SimBorrower]
    by_borrower_id: dict[int, SimBorrower]
    by_case_id: dict[int, SimBorrower]
    actions: list[tuple[dt.datetime, int, int, Action]] = field(default_factory=list)
    seq: itertools.count = field(default_factory=itertools.count)
    posted_payments: dict[str, Decimal] = field(default_factory=dict)  # by currency
    payments_accepted: int = 0
    promises_agreed: int = 0
    states_by_day: list[dict[str, int]] = field(default_factory=list)
    segments_on_day: dict[int, dict[int, str]] = field(default_factory=dict)

    def schedule(self, actions: list[Action]) -> None:
        for a in actions:
            heapq.heappush(self.actions, (a.when, a.index, next(self.seq), a))


def _settings() -> dict[str, object]:
    """The engine as configured, with the provider swapped for the simulator's."""
    from django.conf import settings

    return {
        "SMS_PROVIDER": "sim",
        "VOICE_PROVIDER": "sim",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "TWILIO_AUTH_TOKEN": settings.TWILIO_AUTH_TOKEN or "sim-auth-token",
        "PAYMENTS_WEBHOOK_SECRET": settings.PAYMENTS_WEBHOOK_SECRET or "sim-payments-secret",
        # Simulated hours pass in milliseconds: provider rate limits would sleep in real time.
        "SMS_MESSAGES_PER_SECOND": 1e9,
        "VOICE_CALLS_PER_SECOND": 1e9,
        "EMAILS_PER_SECOND": 1e9,
        "RATE_LIMIT_REDIS_URL": "",
        "ANYMAIL": {
            **settings.ANYMAIL,
            "WEBHOOK_SECRET": settings.ANYMAIL.get("WEBHOOK_SECRET") or "sim:sim-anymail-secret",
        },
        # Stored webhooks are processed in this process (webhooks.process), not by a worker.
        "CELERY_BROKER_URL": "filesystem://",
    }


def simulate(cfg: SimConfig, progress: Callable[[str], None] | None = None) -> dict:
    from collections_app.simulation.report import build_summary
    from config.celery import app

    provider.reset()
    clock = SimClock(dt.datetime.combine(cfg.start, dt.time(0), dt.UTC))
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # a new webhook row is processed at once, in-process
    # An eager task logs a line per webhook: hundreds of thousands in a large run.
    trace_logger = logging.getLogger("celery.app.trace")
    trace_level = trace_logger.level
    trace_logger.setLevel(logging.WARNING)
    started = time.monotonic()
    try:
        with override_settings(**_settings()), simulated_time(clock):
            borrowers = create_portfolio(
                n=cfg.borrowers,
                mix=cfg.mix,
                seed=cfg.seed,
                start=cfg.start,
                jurisdiction=cfg.jurisdiction,
            )
            state = SimState(
                borrowers=borrowers,
                by_borrower_id={b.borrower_id: b for b in borrowers},
                by_case_id={b.case_id: b for b in borrowers},
            )
            poster = WebhookPoster()
            for d in range(cfg.days):
                _one_day(cfg, d, clock, state, poster)
                if progress:
                    counts = state.states_by_day[-1]
                    progress(
                        _("day %(day)d/%(days)d %(date)s  %(counts)s  (%(seconds).1fs)")
                        % {
                            "day": d + 1,
                            "days": cfg.days,
                            "date": cfg.start + dt.timedelta(days=d),
                            "counts": " ".join(f"{k}={v}" for k, v in counts.items() if v),
                            "seconds": time.monotonic() - started,
                        }
                    )
            summary = build_summary(cfg, state, poster)
    finally:
        app.conf.task_always_eager = eager
        trace_logger.setLevel(trace_level)
    summary_seconds = time.monotonic() - started
    return {"summary": summary, "seconds": summary_seconds}


def _one_day(
    cfg: SimConfig, d: int, clock: SimClock, state: SimState, poster: WebhookPoster
) -> None:
    day = cfg.start + dt.timedelta(days=d)
    midnight = dt.datetime.combine(day, dt.time(0), dt.UTC)
    clock.set(midnight + dt.timedelta(minutes=30))
    run = escalation_run_start(run_date=day, enqueue=False)
    escalation_run_work(run_id=run.pk)
    for hour in range(1, 25):
        clock.set(midnight + hour * HOUR)
        if hour == LEGAL_REVIEW_HOUR:
            _legal_review()
        _due_actions(clock, state, poster)
        _dispatch_and_send(clock, state, poster)
        poster.process()
        mail.outbox = []
    counts = dict(
        CollectionCase.objects.filter(pk__in=state.by_case_id)
        .values_list("state")
        .annotate(n=Count("id"))
        .order_by()
    )
    state.states_by_day.append({s: counts.get(s, 0) for s in CaseState.values})
    if d + 1 in SEGMENT_DAYS or d + 1 == cfg.days:
        state.segments_on_day[d + 1] = dict(
            CollectionCase.objects.filter(pk__in=state.by_case_id).values_list("pk", "segment")
        )


def _legal_review() -> None:
    """A legal officer who approves every proposal the nightly run made (the policy's rules are
    the ones the lender chose), through the same service as the admin action."""
    open_ids = list(
        LegalProposal.objects.filter(status=LegalProposal.Status.PROPOSED).values_list(
            "pk", flat=True
        )
    )
    if not open_ids:
        return
    officer = get_user_model().objects.filter(username=LEGAL_OFFICER).first()
    if officer is None:
        officer = get_user_model().objects.create_user(username=LEGAL_OFFICER, is_staff=True)
        officer.groups.add(Group.objects.get(name="legal"))
    legal_proposals_approve(
        proposal_ids=open_ids,
        actor=officer,
        reason=phrase("Simulated legal review: the rule holds"),
    )


def _dispatch_and_send(clock: SimClock, state: SimState, poster: WebhookPoster) -> None:
    while True:
        result = dispatch_batch(now=clock.now, limit=2000)
        if not result.claimed:
            return
        if not result.allowed:
            continue
        send_claimed(result.allowed)
        rows = (
            OutboundMessage.objects.filter(pk__in=result.allowed)
            .values_list("pk", "channel", "status", "provider_id", "template_key", "borrower_id")
            .order_by("pk")
        )
        for pk, channel, status, sid, key, borrower_id in rows:
            sb = state.by_borrower_id.get(borrower_id)
            if sb is None or status not in (OutboundMessage.Status.SENT,):
                continue
            _provider_reports(clock, state, poster, sb, pk, channel, sid, key)


def _provider_reports(
    clock: SimClock,
    state: SimState,
    poster: WebhookPoster,
    sb: SimBorrower,
    pk: int,
    channel: str,
    sid: str,
    key: str,
) -> None:
    """What Twilio would tell us about one accepted message, and the borrower's reaction."""
    now = clock.now
    if channel == "email":
        poster.email_delivered(pk, sid, sb.email, now.isoformat())
        state.schedule(on_delivered(sb, channel=channel, template_key=key, at=now, answered=False))
        return
    if sb.persona == "unreachable":  # a dead number: the carrier rejects it
        if channel == "sms":
            poster.sms_status(pk, sid, "failed", "30006")
        else:
            poster.voice_status(pk, sid, "failed")
        return
    if channel == "sms":
        poster.sms_status(pk, sid, "delivered")
        state.schedule(on_delivered(sb, channel=channel, template_key=key, at=now, answered=False))
        return
    outcome = answers_call(sb)
    if outcome == "no-answer":
        poster.voice_status(pk, sid, "no-answer")
        return
    answered_by = "human" if outcome == "human" else "machine_start"
    poster.voice_status(pk, sid, "completed", answered_by)
    state.schedule(
        on_delivered(sb, channel=channel, template_key=key, at=now, answered=outcome == "human")
    )


def _due_actions(clock: SimClock, state: SimState, poster: WebhookPoster) -> None:
    while state.actions and state.actions[0][0] <= clock.now:
        _, _, _, action = heapq.heappop(state.actions)
        sb = state.borrowers[action.index]
        if action.kind == "reply":
            poster.sms_inbound(provider.sid("SM"), sb.phone, action.body)
        elif action.kind == "pay":
            _pay(clock, state, poster, sb, action)
        elif action.kind == "promise":
            _promise(clock, state, sb, action)
        poster.process()


def _pay(
    clock: SimClock, state: SimState, poster: WebhookPoster, sb: SimBorrower, a: Action
) -> None:
    case = CollectionCase.objects.only("state", "amount_overdue").get(pk=sb.case_id)
    if case.state not in OPEN or case.amount_overdue <= 0:
        return
    amount = min(Decimal(a.body), case.amount_overdue) if a.body else case.amount_overdue
    sb.payments += 1
    accepted = poster.payment(
        payment_id=f"SIM-P{sb.index:06d}-{sb.payments}",
        loan_id=sb.loan_external_id,
        amount=amount,
        currency=sb.currency,
        received_at=clock.now.isoformat(),
    )
    if accepted:
        state.posted_payments[sb.currency] = state.posted_payments.get(sb.currency, 0) + amount
        state.payments_accepted += 1
        if amount >= case.amount_overdue:
            sb.paid_full = True
        else:
            sb.promise_pending = False  # a kept promise: the next part can be agreed


def _promise(clock: SimClock, state: SimState, sb: SimBorrower, a: Action) -> None:
    case = CollectionCase.objects.get(pk=sb.case_id)
    amount = (case.amount_overdue * Decimal(str(a.share))).quantize(Decimal("0.01"))
    due = clock.now.date() + dt.timedelta(days=a.days)
    try:
        promise_create(case=case, amount=amount, due_date=due, today=clock.now.date())
    except ValidationError:
        sb.promise_pending = False
        return
    state.promises_agreed += 1
    if a.keep:
        pay_at = dt.datetime.combine(due, dt.time(12), dt.UTC)
        state.schedule([Action(pay_at, sb.index, "pay", body=str(amount))])

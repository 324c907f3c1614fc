"""The agent workspace's queues: saved filters over cases, each served by an index.

Each function takes a case queryset and narrows it, so the admin's list filters, the benchmark
and the tests use the same definitions.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collections_app.models import CaseEvent, CollectionCase, PromiseToPay
from collections_app.policies.engagement import STAGES_A_PROMISE_MOVES
from collections_app.policies.recovery import recovery_likelihood
from collections_app.states import ACTIVE_STATES, OPEN_STATES, CaseState

# A reply older than this is no longer "new": it has been seen in the case's timeline or it is
# stale. The bound keeps the queue's scan to recent replies (index on kind, created_at).
NEW_REPLY_WINDOW = dt.timedelta(days=30)

QUEUES: dict[str, str] = {
    "mine": _("My queue"),
    "unassigned": _("Unassigned"),
    "due_today": _("Due today"),
    "promises_due": _("Promises due"),
    "broken_promises": _("Broken promises"),
    "new_replies": _("New replies"),
    "promise_waits_for_supervisor": _("Promise on an escalated case"),
}
# Queues for the people who decide a case's stage (supervisors), not for agents.
SUPERVISOR_QUEUES = frozenset({"promise_waits_for_supervisor"})
# An agent's queue: open cases except legal ones (legal and supervisors work those); a legal
# officer's (LEGAL_PERMISSION) has them.
AGENT_QUEUE_STATES = tuple(s for s in OPEN_STATES if s != CaseState.LEGAL)
LEGAL_PERMISSION = "collections_app.refer_case_to_legal"

# The queue's priority bands, best first.
PROMISE_DUE = 0
CALLBACK_DUE = 1
BY_EXPECTED_RECOVERY = 2
PRIORITY_LABELS = {
    PROMISE_DUE: _("Promise due"),
    CALLBACK_DUE: _("Callback due"),
    BY_EXPECTED_RECOVERY: "",
}

# Days past due, as (first day, last day); None: no upper bound. Computed from overdue_since as a
# date range, so the overdue_since index answers it (no per-row arithmetic).
DPD_BUCKETS: dict[str, tuple[int, int | None]] = {
    "1-30": (1, 30),
    "31-60": (31, 60),
    "61-90": (61, 90),
    "90+": (91, None),
}


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a local day, as aware datetimes."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def queue_cases(
    cases: QuerySet[CollectionCase],
    queue: str,
    *,
    user: AbstractBaseUser,
    now: dt.datetime | None = None,
) -> QuerySet[CollectionCase]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    if queue == "mine":
        # Legal cases are legal's work: out of everyone else's queue.
        states = OPEN_STATES if user.has_perm(LEGAL_PERMISSION) else AGENT_QUEUE_STATES
        mine = cases.filter(assigned_agent_id=user.pk, state__in=states)
        return prioritised(mine, now=now)
    if queue == "unassigned":
        return cases.filter(assigned_agent__isnull=True, state__in=ACTIVE_STATES)
    if queue == "due_today":
        start, end = day_bounds(today)
        return cases.filter(
            state__in=ACTIVE_STATES, next_action_at__gte=start, next_action_at__lt=end
        )
    if queue == "promises_due":
        due = PromiseToPay.objects.filter(
            status=PromiseToPay.Status.ACTIVE, due_date__lte=today
        ).values("case_id")
        return cases.filter(pk__in=due, state__in=OPEN_STATES)
    if queue == "broken_promises":
        broken = PromiseToPay.objects.filter(status=PromiseToPay.Status.BROKEN).values("case_id")
        return cases.filter(pk__in=broken, state__in=OPEN_STATES)
    if queue == "new_replies":
        return cases.filter(pk__in=_cases_with_new_replies(since=now - NEW_REPLY_WINDOW))
    if queue == "promise_waits_for_supervisor":
        # A promise normally moves these stages to negotiation; a case still in one with an
        # active promise is one whose stage a person set and a supervisor must decide
        # (policies/engagement.py).
        active = PromiseToPay.objects.filter(status=PromiseToPay.Status.ACTIVE).values("case_id")
        return cases.filter(pk__in=active, state__in=STAGES_A_PROMISE_MOVES)
    raise ValueError(f"unknown queue {queue!r}")


def with_expected_recovery(cases: QuerySet[CollectionCase]) -> QuerySet[CollectionCase]:
    """`expected_recovery` = amount overdue x the segment's likelihood (policies/recovery.py),
    computed by the database: a CASE over the segment, no row read into Python."""
    likelihood = Case(
        *[When(segment=segment, then=Value(p)) for segment, p in recovery_likelihood().items()],
        default=Value(Decimal("0")),
        output_field=DecimalField(max_digits=5, decimal_places=4),
    )
    return cases.annotate(
        expected_recovery=ExpressionWrapper(
            F("amount_overdue") * likelihood,
            output_field=DecimalField(max_digits=20, decimal_places=6),
        )
    )


def prioritised(
    cases: QuerySet[CollectionCase], *, now: dt.datetime | None = None
) -> QuerySet[CollectionCase]:
    """The work list's order: cases with a promise due (today, or past due and not yet broken)
    first, then callbacks due (next action due by now), then the rest; within each, the highest
    expected recovery first. All in SQL (CASE, EXISTS over the promise's case index), so the
    list pages through the database as any other ordering does."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    promise_due = Exists(
        PromiseToPay.objects.filter(
            case_id=OuterRef("pk"), status=PromiseToPay.Status.ACTIVE, due_date__lte=today
        )
    )
    return (
        with_expected_recovery(cases)
        .annotate(
            priority=Case(
                When(promise_due, then=Value(PROMISE_DUE)),
                When(Q(next_action_at__lte=now), then=Value(CALLBACK_DUE)),
                default=Value(BY_EXPECTED_RECOVERY),
                output_field=IntegerField(),
            )
        )
        .order_by("priority", "-expected_recovery", "next_action_at", "pk")
    )


def _cases_with_new_replies(*, since: dt.datetime) -> QuerySet:
    """Cases with a borrower reply that no person has acted on since: a reply is "new" until
    someone writes anything on the case (a note, a promise, a transition, an assignment)."""
    handled = CaseEvent.objects.filter(
        case_id=OuterRef("case_id"), actor__isnull=False, created_at__gt=OuterRef("created_at")
    )
    return (
        CaseEvent.objects.filter(kind=CaseEvent.Kind.REPLY, created_at__gte=since)
        .annotate(handled=Exists(handled))
        .filter(handled=False)
        .values("case_id")
    )


def dpd_bucket_cases(
    cases: QuerySet[CollectionCase], bucket: str, *, today: dt.date | None = None
) -> QuerySet[CollectionCase]:
    """days_past_due = today - overdue_since, so d1 <= dpd <= d2 is a range of overdue_since."""
    today = today or timezone.localdate()
    first, last = DPD_BUCKETS[bucket]
    cases = cases.filter(overdue_since__lte=today - dt.timedelta(days=first))
    if last is not None:
        cases = cases.filter(overdue_since__gte=today - dt.timedelta(days=last))
    return cases

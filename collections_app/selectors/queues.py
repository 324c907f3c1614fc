"""The agent workspace's queues: saved filters over cases, each served by an index.

Each function takes a case queryset and narrows it, so the admin's list filters, the benchmark
and the tests use the same definitions.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from collections_app.models import CaseEvent, CollectionCase, PromiseToPay
from collections_app.states import ACTIVE_STATES, OPEN_STATES

# A reply older than this is no longer "new": it has been seen in the case's timeline or it is
# stale. The bound keeps the queue's scan to recent replies (index on kind, created_at).
NEW_REPLY_WINDOW = dt.timedelta(days=30)

QUEUES: dict[str, str] = {
    "mine": "My cases",
    "unassigned": "Unassigned",
    "due_today": "Due today",
    "promises_due": "Promises due",
    "broken_promises": "Broken promises",
    "new_replies": "New replies",
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
        return cases.filter(assigned_agent_id=user.pk, state__in=OPEN_STATES)
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
    raise ValueError(f"unknown queue {queue!r}")


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

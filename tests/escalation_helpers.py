"""Cases for the nightly run, and running it in-process.

Cases are opened today, so their stage starts today; tests run the night of a LATER date
(`TODAY + n`), which makes them n days further into their stage and past due, without faking
audit timestamps.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from collections_app.models import CollectionCase, EscalationRun
from collections_app.services.escalation import escalation_run_start, escalation_run_work
from tests.factories import CaseFactory
from tests.helpers import bring_to

TODAY = timezone.localdate()


def day(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def make_case(*, dpd: int = 0, state: str = "reminder", **kw) -> CollectionCase:
    """A case `dpd` days past due today, in `state` since today."""
    case = CaseFactory(overdue_since=TODAY - dt.timedelta(days=dpd), **kw)
    return bring_to(case, state)


def run_night(run_date: dt.date, chunk_size: int | None = None) -> EscalationRun:
    run = escalation_run_start(run_date=run_date, chunk_size=chunk_size, enqueue=False)
    escalation_run_work(run_id=run.pk)
    run.refresh_from_db()
    return run

"""Claiming background work kept in database rows: one take / claim / heartbeat / sweep for every
queue (outbox messages, stored webhooks, escalation chunks, bulk actions).

The row is the work and the database the source of truth; the broker only carries ids, so a lost
task loses nothing and a task delivered twice does nothing twice. Each kind of row says, in a
`WorkKind` beside its owner, what "waiting" and "running" mean for it and when a claim has gone
stale; what is done with that is here, the same for all of them:

- `take`: lock waiting rows no other worker holds (SELECT ... FOR UPDATE SKIP LOCKED), for the
  caller's transaction: the dispatcher's batch, one webhook event.
- `claim`: a conditional UPDATE from waiting to running; only one worker wins. The claim carries
  a fencing token (the row's attempt number): `heartbeat` and `finish` write only while the row
  is still this claim's, so a worker that was swept cannot write over the one that took over.
- `heartbeat`: a long job refreshes `heartbeat_at` (with its progress, in the same UPDATE); a
  heartbeating job is never stale. It raises `ClaimLost` if the row was swept meanwhile.
- `sweep`: running rows whose heartbeat is older than `stale_after` go back to the queue (the
  owner's `requeue` when going back means more, as a message's release of its reservation), and
  waiting rows nobody has claimed for `lost_after` are listed for the caller to enqueue again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone


class ClaimLost(Exception):
    """The row is no longer this claim's: a sweep gave it back to the queue (the job looked
    dead), and maybe another worker has it now. Stop without writing."""


@dataclass(frozen=True)
class WorkKind:
    name: str
    model: type[models.Model]
    # Rows in the queue.
    waiting: Q
    # Rows a worker holds between transactions; None when a claim lasts one transaction only
    # (a row lock: nothing to go stale, a dead worker's lock dies with its connection).
    running: Q | None = None
    # What a claim writes (status -> running), and what going back to the queue writes.
    claims: Mapping[str, Any] = field(default_factory=dict)
    releases: Mapping[str, Any] = field(default_factory=dict)
    # The claim's time; the heartbeat a long job refreshes (the claim's time if it has none).
    claimed_at: str | None = "claimed_at"
    heartbeat_at: str | None = "heartbeat_at"
    # Counted up by every claim: the fencing token. None: fenced by `claimed_at`.
    attempts: str | None = "attempts"
    stale_after: Callable[[], dt.timedelta] | None = None
    # A waiting row older than this had its task lost: enqueue it again. None: never (a
    # periodic task takes everything waiting anyway, as the outbox dispatcher does).
    lost_after: Callable[[], dt.timedelta] | None = None
    # When a waiting row joined the queue, or was last touched: the first of these set.
    waiting_since: tuple[str, ...] = ()
    # Which lost rows may be enqueued again (attempts left, run still open).
    enqueue_where: Callable[[], Q] = Q
    # The owner's own way back to the queue: (stale rows, limit, reason) -> ids returned.
    requeue: Callable[[QuerySet, int | None, str], list[int]] | None = None

    @property
    def beat_field(self) -> str:
        name = self.heartbeat_at or self.claimed_at
        assert name, f"{self.name}: no heartbeat or claim time"
        return name


@dataclass
class Claim:
    kind: WorkKind
    pk: int
    # The fencing token: the attempt number this claim set, or its claim time.
    token: Any
    beat_at: dt.datetime

    def _held(self) -> QuerySet:
        fence = self.kind.attempts or self.kind.claimed_at
        assert self.kind.running is not None and fence
        return self.kind.model.objects.filter(self.kind.running, pk=self.pk, **{fence: self.token})


def take(
    kind: WorkKind, rows: QuerySet | None = None, *, limit: int | None = None
) -> list[models.Model]:
    """Lock the waiting rows among `rows` that no other worker holds, skipping those it does
    (neither waits for the other). Call inside a transaction: they are the caller's until it
    ends."""
    rows = (rows if rows is not None else kind.model.objects.all()).filter(kind.waiting)
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    return list(rows[:limit] if limit else rows)


def claim(
    kind: WorkKind, pk: int, *, now: dt.datetime | None = None, where: Q | None = None
) -> Claim | None:
    """Move the row from waiting to running if it is still waiting (and matches `where`: due
    by now, say); None when another worker has it, or it is done or gone (a redelivered task
    then does nothing)."""
    now = now or timezone.now()
    values: dict[str, Any] = {**kind.claims, kind.beat_field: now}
    if kind.claimed_at:
        values[kind.claimed_at] = now
    if kind.attempts:
        values[kind.attempts] = F(kind.attempts) + 1
    with transaction.atomic():
        rows = kind.model.objects.filter(kind.waiting, pk=pk)
        if where is not None:
            rows = rows.filter(where)
        if not rows.update(**values):
            return None
        token = (
            kind.model.objects.filter(pk=pk).values_list(kind.attempts, flat=True).get()
            if kind.attempts
            else now
        )
    return Claim(kind, pk, token, now)


def heartbeat(
    held: Claim,
    *,
    now: dt.datetime | None = None,
    every: dt.timedelta | None = None,
    **progress: Any,
) -> None:
    """The job is alive (and has made `progress`, written in the same UPDATE). With `every`,
    writes only that often when there is no progress to write. Raises `ClaimLost` when the row
    is no longer this claim's; inside the caller's transaction that undoes its last step too."""
    now = now or timezone.now()
    if every is not None and not progress and now - held.beat_at < every:
        return
    if not held._held().update(**{held.kind.beat_field: now}, **progress):
        raise ClaimLost(f"{held.kind.name} {held.pk}")
    held.beat_at = now


def finish(held: Claim, **values: Any) -> bool:
    """Write the job's end (done, failed, back to waiting for a retry) while the row is still
    this claim's. False when it is not (swept and maybe taken over): nothing written."""
    return bool(held._held().update(**values))


def waiting_ids(
    kind: WorkKind,
    *,
    older_than: dt.timedelta,
    now: dt.datetime | None = None,
    where: Q | None = None,
    limit: int | None = None,
) -> list[int]:
    """Waiting rows that have waited longer than `older_than`, oldest first."""
    now = now or timezone.now()
    since: Any = (
        F(kind.waiting_since[0])
        if len(kind.waiting_since) == 1
        else Coalesce(*kind.waiting_since, output_field=models.DateTimeField())
    )
    rows = (
        kind.model.objects.filter(kind.waiting)
        .filter(where if where is not None else kind.enqueue_where())
        .alias(waiting_since=since)
        .filter(waiting_since__lt=now - older_than)
        .order_by("waiting_since", "pk")
        .values_list("pk", flat=True)
    )
    return list(rows[:limit] if limit else rows)


@dataclass
class Swept:
    # Stale claims put back in the queue.
    returned: list[int] = field(default_factory=list)
    # Waiting rows whose task was lost (the returned ones among them): enqueue these again.
    lost: list[int] = field(default_factory=list)


def sweep(
    kind: WorkKind,
    *,
    now: dt.datetime | None = None,
    among: QuerySet | None = None,
    limit: int | None = None,
    reason: str = "stale claim",
) -> Swept:
    """Put stale claims back in the queue and list the waiting rows whose task was lost.
    A stale row is re-checked under its lock: a heartbeat that landed meanwhile keeps it."""
    now = now or timezone.now()
    swept = Swept()
    if kind.running is not None and kind.stale_after is not None:
        rows = among if among is not None else kind.model.objects.all()
        stale = rows.filter(kind.running, **{f"{kind.beat_field}__lt": now - kind.stale_after()})
        if kind.requeue is not None:
            swept.returned = kind.requeue(stale, limit, reason)
        else:
            with transaction.atomic():
                locked = stale.order_by("pk").select_for_update().values_list("pk", flat=True)
                swept.returned = list(locked[:limit] if limit else locked)
                kind.model.objects.filter(pk__in=swept.returned).update(**kind.releases)
    if kind.lost_after is not None:
        swept.lost = waiting_ids(kind, older_than=kind.lost_after(), now=now, limit=limit)
    return swept

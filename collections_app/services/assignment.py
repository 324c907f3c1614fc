"""Who works a case: automatic assignment on entering negotiation, and reassignment in bulk."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from collections_app.models import AgentProfile, CaseEvent, CollectionCase
from collections_app.services.cases import case_assign
from collections_app.states import OPEN_STATES

AGENT_ROLE = "agent"
ASSIGN_PERMISSION = "collections_app.assign_case"
# Reassignment writes one UPDATE and one batch of audit rows per this many cases.
REASSIGN_CHUNK = 1000


def agent_pick_for_case(*, case: CollectionCase) -> AbstractBaseUser | None:
    """The least-loaded active agent who serves the borrower's jurisdiction and language.

    Load is the number of open cases assigned; ties go to the agent who joined first, so the
    choice is repeatable. The matching profiles are locked (call it inside a transaction) so two
    cases entering negotiation at once are counted one after the other.
    """
    borrower = case.loan.borrower
    # of=("self",): lock the profiles only, not the joined user and group rows.
    candidates = (
        AgentProfile.objects.select_for_update(of=("self",))
        .filter(accepts_cases=True, user__is_active=True, user__groups__name=AGENT_ROLE)
        .order_by("user_id")
    )
    profiles = [
        p
        for p in candidates
        if p.serves(jurisdiction=borrower.jurisdiction, language=borrower.preferred_language)
    ]
    if not profiles:
        return None
    loads = dict(
        CollectionCase.objects.filter(
            assigned_agent_id__in=[p.user_id for p in profiles], state__in=OPEN_STATES
        )
        .values_list("assigned_agent_id")
        .annotate(n=Count("id"))
        .values_list("assigned_agent_id", "n")
    )
    chosen = min(profiles, key=lambda p: (loads.get(p.user_id, 0), p.user_id))
    return get_user_model().objects.get(pk=chosen.user_id)


def case_auto_assign(*, case: CollectionCase) -> AbstractBaseUser | None:
    """Give a case entering negotiation to an agent, unless an active agent already has it
    (the borrower keeps talking to the same person). Returns the agent, or None if nobody fits:
    the case then waits in the "unassigned" queue."""
    current = case.assigned_agent
    if current is not None and current.is_active:
        return current
    with transaction.atomic():  # the pick's row locks last until the assignment is written
        agent = agent_pick_for_case(case=case)
        if agent is not None:
            case_assign(case=case, agent=agent, actor=None)
    return agent


def cases_reassign(
    *, case_ids: Iterable[int], agent: AbstractBaseUser | None, actor: AbstractBaseUser
) -> int:
    """Give many open cases to `agent` (None: unassign), one audit row per case that changed.

    Set-based: a supervisor moving an agent's whole book should not wait for a request per case.
    Returns how many cases changed hands."""
    if not actor.has_perm(ASSIGN_PERMISSION):
        raise PermissionDenied(f"{actor} may not assign cases")
    ids = sorted(set(case_ids))
    to_agent = agent.pk if agent is not None else None
    changed = 0
    with transaction.atomic():
        for start in range(0, len(ids), REASSIGN_CHUNK):
            chunk = ids[start : start + REASSIGN_CHUNK]
            rows = list(
                CollectionCase.objects.select_for_update()
                .filter(pk__in=chunk, state__in=OPEN_STATES)
                .exclude(assigned_agent_id=to_agent)
                .values_list("pk", "assigned_agent_id", "state")
            )
            if not rows:
                continue
            now = timezone.now()
            CollectionCase.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(
                assigned_agent_id=to_agent, updated_at=now
            )
            CaseEvent.objects.bulk_create(
                CaseEvent(
                    case_id=pk,
                    kind=CaseEvent.Kind.ASSIGNMENT,
                    from_state=state,
                    to_state=state,
                    actor_id=actor.pk,
                    reason="Bulk reassignment",
                    data={"from_agent": previous, "to_agent": to_agent},
                    created_at=now,
                )
                for pk, previous, state in rows
            )
            changed += len(rows)
    return changed

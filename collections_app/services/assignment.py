"""Who works a case: automatic assignment on entering negotiation (for any number of cases at
once: the nightly run and a person's move call the same function), and reassignment in bulk.

One agent per borrower: a borrower with several loans talks to one person. A case entering
negotiation goes to the agent who already works the borrower's other open case(s), and moving
one case of a borrower to another agent moves all the borrower's open cases with it."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_app.models import AgentProfile, CaseEvent, CollectionCase, Loan
from collections_app.phrases import phrase, with_stored
from collections_app.services.escalation_writes import bulk_insert
from collections_app.states import OPEN_STATES

AGENT_ROLE = "agent"
ASSIGN_PERMISSION = "collections_app.assign_case"
# Reassignment writes one UPDATE and one batch of audit rows per this many cases.
REASSIGN_CHUNK = 1000


@dataclass(frozen=True)
class _Need:
    case_id: int
    state: str
    jurisdiction: str
    language: str
    borrower_id: int | None = None


def _loans_of_borrowers_with_several(borrower_ids: Collection[int]) -> dict[int, int]:
    """{loan id: borrower id} of the loans of those of `borrower_ids` who have more than one
    (a borrower with one loan has no other case to follow). Driven by the loan's borrower
    index, then the case's loan index: joined the other way, the planner may walk every
    assigned or open case instead."""
    loans = list(
        Loan.objects.filter(borrower_id__in=list(borrower_ids)).values_list("pk", "borrower_id")
    )
    several = Counter(borrower_id for _, borrower_id in loans)
    return {pk: borrower_id for pk, borrower_id in loans if several[borrower_id] > 1}


def borrower_open_case_ids(case_ids: Iterable[int]) -> list[int]:
    """`case_ids` and every other open case of the same borrowers (sorted): what moving these
    cases to an agent moves, so that a borrower keeps one agent. Three queries per chunk."""
    ids = sorted(set(case_ids))
    found = set(ids)
    for start in range(0, len(ids), REASSIGN_CHUNK):
        chunk = ids[start : start + REASSIGN_CHUNK]
        borrowers = set(
            CollectionCase.objects.filter(pk__in=chunk).values_list("loan__borrower_id", flat=True)
        )
        loans = _loans_of_borrowers_with_several(borrowers)
        if loans:
            found.update(
                CollectionCase.objects.filter(
                    loan_id__in=list(loans), state__in=OPEN_STATES
                ).values_list("pk", flat=True)
            )
    return sorted(found)


def _borrower_owners(needs: list[_Need]) -> dict[int, int]:
    """{borrower id: agent id} for the borrowers of `needs` whose other open cases an active
    person already works. Several (a supervisor's older split): the one with most of them,
    then the lowest id, so the choice is repeatable. One query."""
    borrower_ids = {n.borrower_id for n in needs if n.borrower_id is not None}
    loans = _loans_of_borrowers_with_several(borrower_ids) if borrower_ids else {}
    if not loans:
        return {}
    assigning = {n.case_id for n in needs}
    counts: dict[int, Counter] = defaultdict(Counter)
    for case_id, loan_id, agent_id in CollectionCase.objects.filter(
        loan_id__in=list(loans),
        state__in=OPEN_STATES,
        assigned_agent__isnull=False,
        assigned_agent__is_active=True,
    ).values_list("pk", "loan_id", "assigned_agent_id"):
        if case_id not in assigning:
            counts[loans[loan_id]][agent_id] += 1
    return {
        borrower_id: min(agents, key=lambda a: (-agents[a], a))
        for borrower_id, agents in counts.items()
    }


def _candidate_profiles() -> list[AgentProfile]:
    """Active agents taking cases, locked (call it inside a transaction) so that two
    transactions assigning at once count each other's assignments, one after the other."""
    # of=("self",): lock the profiles only, not the joined user and group rows.
    return list(
        AgentProfile.objects.select_for_update(of=("self",))
        .filter(accepts_cases=True, user__is_active=True, user__groups__name=AGENT_ROLE)
        .order_by("user_id")
    )


def _open_load(agent_ids: list[int]) -> dict[int, int]:
    return dict(
        CollectionCase.objects.filter(assigned_agent_id__in=agent_ids, state__in=OPEN_STATES)
        .values_list("assigned_agent_id")
        .annotate(n=Count("id"))
        .values_list("assigned_agent_id", "n")
    )


def _pick(needs: list[_Need]) -> dict[int, int]:
    """{case id: agent user id}: for each case in id order, the agent who works the borrower's
    other open cases (one agent per borrower), else the least-loaded agent serving the
    borrower's jurisdiction and language, counting the assignments already made in this call
    (two new cases of one borrower go to one agent). Ties go to the agent who joined first, so
    the choice is repeatable."""
    profiles = _candidate_profiles()
    owner_of = _borrower_owners(needs)
    load = _open_load([p.user_id for p in profiles]) if profiles else {}
    chosen: dict[int, int] = {}
    for need in sorted(needs, key=lambda n: n.case_id):
        owner = owner_of.get(need.borrower_id) if need.borrower_id is not None else None
        if owner is not None:
            load[owner] = load.get(owner, 0) + 1
            chosen[need.case_id] = owner
            continue
        fits = [
            p for p in profiles if p.serves(jurisdiction=need.jurisdiction, language=need.language)
        ]
        if not fits:
            continue  # nobody fits: the case waits in the "unassigned" queue
        agent_id = min(fits, key=lambda p: (load.get(p.user_id, 0), p.user_id)).user_id
        load[agent_id] = load.get(agent_id, 0) + 1
        chosen[need.case_id] = agent_id
        if need.borrower_id is not None:
            owner_of[need.borrower_id] = agent_id
    return chosen


def agent_pick_for_case(*, case: CollectionCase) -> AbstractBaseUser | None:
    """The agent automatic assignment would give `case` now (profiles locked: in a transaction)."""
    borrower = case.loan.borrower
    need = _Need(
        case.pk, case.state, borrower.jurisdiction, borrower.preferred_language, borrower.pk
    )
    agent_id = _pick([need]).get(case.pk)
    return get_user_model().objects.get(pk=agent_id) if agent_id is not None else None


def cases_auto_assign(
    *, case_ids: Collection[int], now: dt.datetime | None = None
) -> dict[int, int]:
    """Give cases entering negotiation to agents, set-based: unless an active agent already has
    a case (the borrower keeps talking to the same person), the agent of the borrower's other
    open cases, else the least-loaded matching agent gets it, with one system audit row per
    assignment. Returns {case id: agent id} of the cases that
    changed hands; a case nobody fits waits in the "unassigned" queue."""
    if not case_ids:
        return {}
    now = now or timezone.now()
    rows = CollectionCase.objects.filter(pk__in=list(case_ids)).values_list(
        "pk",
        "state",
        "assigned_agent_id",
        "assigned_agent__is_active",
        "loan__borrower__jurisdiction",
        "loan__borrower__preferred_language",
        "loan__borrower_id",
    )
    needs = [
        _Need(pk, state, jurisdiction, language, borrower_id)
        for pk, state, agent_id, agent_active, jurisdiction, language, borrower_id in rows
        if agent_id is None or not agent_active
    ]
    if not needs:
        return {}
    with transaction.atomic():  # the profile locks last until the assignments are written
        chosen = _pick(needs)
        by_agent: dict[int, list[int]] = defaultdict(list)
        for case_id, agent_id in chosen.items():
            by_agent[agent_id].append(case_id)
        previous = dict(
            CollectionCase.objects.filter(pk__in=list(chosen)).values_list(
                "pk", "assigned_agent_id"
            )
        )
        for agent_id, ids in by_agent.items():
            CollectionCase.objects.filter(pk__in=ids).update(
                assigned_agent_id=agent_id, updated_at=now
            )
        state_of = {n.case_id: n.state for n in needs}
        bulk_insert(
            CaseEvent,
            [
                dict(
                    case_id=case_id,
                    kind=CaseEvent.Kind.ASSIGNMENT,
                    from_state=state_of[case_id],
                    to_state=state_of[case_id],
                    actor_id=None,
                    reason="",
                    data={"from_agent": previous.get(case_id), "to_agent": agent_id},
                    created_at=now,
                )
                for case_id, agent_id in sorted(chosen.items())
            ],
            now,
        )
    return chosen


def cases_reassign(
    *, case_ids: Iterable[int], agent: AbstractBaseUser | None, actor: AbstractBaseUser
) -> int:
    """Give many open cases to `agent` (None: unassign), with every other open case of their
    borrowers (one agent per borrower), one audit row per case that changed.

    Set-based: a supervisor moving an agent's whole book should not wait for a request per case.
    Returns how many cases changed hands."""
    if not actor.has_perm(ASSIGN_PERMISSION):
        raise PermissionDenied(_("%(user)s may not assign cases") % {"user": actor})
    selected = set(case_ids)
    ids = borrower_open_case_ids(selected)
    to_agent = agent.pk if agent is not None else None
    changed = 0
    bulk = phrase("Bulk reassignment")
    with_borrower = phrase("Reassigned with the borrower's other loans (one agent per borrower)")
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
                    reason=str(text := bulk if pk in selected else with_borrower),
                    data=with_stored({"from_agent": previous, "to_agent": to_agent}, text),
                    created_at=now,
                )
                for pk, previous, state in rows
            )
            changed += len(rows)
    return changed


def borrower_cases_assign(
    *, case: CollectionCase, agent: AbstractBaseUser | None, actor: AbstractBaseUser | None
) -> int:
    """Give `case` (whatever its state) and its borrower's other open cases to `agent` (None:
    unassign), one audit row per case that changed. For trusted callers (services/cases.py
    case_assign); a person reassigns through cases_reassign, which checks the permission.
    Returns how many cases changed hands."""
    to_agent = agent.pk if agent is not None else None
    with transaction.atomic():
        siblings = CollectionCase.objects.filter(
            loan_id__in=Loan.objects.filter(borrower_id=case.loan.borrower_id).values("pk"),
            state__in=OPEN_STATES,
        ).values_list("pk", flat=True)
        rows = [
            row
            for row in CollectionCase.objects.select_for_update()
            .filter(pk__in=[case.pk, *siblings])
            .values_list("pk", "assigned_agent_id", "state")
            if row[1] != to_agent
        ]
        if not rows:
            return 0
        now = timezone.now()
        CollectionCase.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(
            assigned_agent_id=to_agent, updated_at=now
        )
        with_borrower = phrase(
            "Reassigned with the borrower's other loans (one agent per borrower)"
        )
        CaseEvent.objects.bulk_create(
            CaseEvent(
                case_id=pk,
                kind=CaseEvent.Kind.ASSIGNMENT,
                from_state=state,
                to_state=state,
                actor_id=actor.pk if actor is not None else None,
                reason=str(text := "" if pk == case.pk else with_borrower),
                data=with_stored({"from_agent": previous, "to_agent": to_agent}, text),
                created_at=now,
            )
            for pk, previous, state in sorted(rows)
        )
    return len(rows)

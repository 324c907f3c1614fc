"""Legal referral proposals: the nightly run proposes, a person with the legal role decides.

A rule never refers a case by itself, and no borrower is told of a referral that did not happen:
the referral notice (the legal stage's day-0 steps) is queued by the referral itself, which only a
person performs (`legal_proposals_approve`, or "Refer to legal" on the case).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from collections_app.models import CaseEvent, CollectionCase, LegalProposal
from collections_app.outreach.outbox import outbox_enqueue
from collections_app.phrases import phrase, with_stored
from collections_app.policies.evaluate import PolicyBook, scheduled_steps, stage_policy
from collections_app.policies.timezones import borrower_zone
from collections_app.selectors.debt_status import SuitForbidden, suit_refusal
from collections_app.selectors.timeline import stage_in_sentence
from collections_app.services.escalation_signals import current_policies
from collections_app.services.escalation_writes import bulk_insert
from collections_app.states import CaseState

APPROVE_PERMISSION = "collections_app.approve_legal_referral"
Status = LegalProposal.Status


class EmptyReason(ValueError):
    pass


def legal_proposals_record(*, proposals: Sequence[dict[str, Any]], now: dt.datetime) -> int:
    """The nightly run's proposals (rows of LegalProposal fields plus `event_data`), with one
    timeline entry each, in bulk. The caller has checked none is open for these cases."""
    if not proposals:
        return 0
    rows = [{k: v for k, v in p.items() if k != "event_data"} for p in proposals]
    bulk_insert(LegalProposal, [{**r, "proposed_at": now} for r in rows], now)
    bulk_insert(
        CaseEvent,
        [
            dict(
                case_id=p["case_id"],
                kind=CaseEvent.Kind.LEGAL,
                from_state=CaseState.ESCALATION,
                to_state=CaseState.ESCALATION,
                reason=str(
                    text := phrase(
                        "Nightly run proposes a legal referral (rule %(rule)s): the case stays "
                        "in escalation until a legal officer decides",
                        rule=p["rule"],
                    )
                ),
                data=with_stored({"status": Status.PROPOSED, **p["event_data"]}, text),
                created_at=now,
            )
            for p in proposals
        ],
        now,
    )
    return len(proposals)


def legal_proposals_refuse(*, refusals: Sequence[dict[str, Any]], now: dt.datetime) -> int:
    """The proposals tonight's rules would make for time-barred debts (12 CFR 1006.26(b)), as
    proposals decided at once by the system: rejected, with the reason, and one timeline entry
    each. The run does not try again during this stay in escalation (legal_proposals_record's
    caller skips a case with a proposal since it entered its stage)."""
    if not refusals:
        return 0
    reason_of = {r["case_id"]: suit_refusal(r["status"]) for r in refusals}
    rows = [
        {
            **{k: v for k, v in r.items() if k not in ("event_data", "status")},
            "status": Status.REJECTED,
            "proposed_at": now,
            "decided_at": now,
            "decision_reason": str(reason_of[r["case_id"]]),
        }
        for r in refusals
    ]
    bulk_insert(LegalProposal, rows, now)
    bulk_insert(
        CaseEvent,
        [
            dict(
                case_id=r["case_id"],
                kind=CaseEvent.Kind.LEGAL,
                from_state=CaseState.ESCALATION,
                to_state=CaseState.ESCALATION,
                reason=str(
                    text := phrase(
                        "Nightly run does not propose a legal referral (rule %(rule)s): %(reason)s",
                        rule=r["rule"],
                        reason=reason_of[r["case_id"]],
                    )
                ),
                data=with_stored(
                    {"status": Status.REJECTED, **r["event_data"], **r["status"].as_data()}, text
                ),
                created_at=now,
            )
            for r in refusals
        ],
        now,
    )
    return len(refusals)


def legal_proposals_settle(
    *, moves: Sequence[Any], actor: AbstractBaseUser | None, now: dt.datetime
) -> int:
    """Entry effect of leaving escalation (services/case_entry.py): the open proposal of each
    case is approved by a referral (whoever referred, with their reason) and withdrawn by any
    other move, so an open proposal always means "in escalation, waiting for a decision"."""
    target_of = {m.case_id: m for m in moves}
    open_rows = list(
        LegalProposal.objects.filter(case_id__in=list(target_of), status=Status.PROPOSED)
        .select_for_update()
        .values_list("pk", "case_id")
    )
    if not open_rows:
        return 0
    referred = [pk for pk, case_id in open_rows if target_of[case_id].target == CaseState.LEGAL]
    if referred:
        move_reason = {pk: target_of[case_id].reason for pk, case_id in open_rows}
        for pk in referred:
            LegalProposal.objects.filter(pk=pk).update(
                status=Status.APPROVED,
                decided_by_id=actor.pk if actor is not None else None,
                decided_at=now,
                decision_reason=move_reason[pk],
            )
    withdrawn = [(pk, case_id) for pk, case_id in open_rows if pk not in referred]
    if withdrawn:
        LegalProposal.objects.filter(pk__in=[pk for pk, _ in withdrawn]).update(
            status=Status.WITHDRAWN, decided_at=now
        )
        bulk_insert(
            CaseEvent,
            [
                dict(
                    case_id=case_id,
                    kind=CaseEvent.Kind.LEGAL,
                    from_state=target_of[case_id].target,
                    to_state=target_of[case_id].target,
                    actor_id=actor.pk if actor is not None else None,
                    reason=str(
                        text := phrase(
                            "Legal referral proposal withdrawn: the case moved to %(state)s",
                            state=stage_in_sentence(target_of[case_id].target),
                        )
                    ),
                    data=with_stored({"legal_proposal": pk, "status": Status.WITHDRAWN}, text),
                    created_at=now,
                )
                for pk, case_id in withdrawn
            ],
            now,
        )
    return len(open_rows)


def _check(actor: AbstractBaseUser, reason: str) -> str:
    if not actor.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied(_("You may not decide legal referrals."))
    reason = reason.strip()
    if not reason:
        raise EmptyReason(_("Say why: the reason is kept with the decision."))
    return reason


def legal_proposals_approve(
    *, proposal_ids: Collection[int], actor: AbstractBaseUser, reason: str
) -> Counter:
    """Refer each proposed case to legal (`refer_to_legal` through case_transition: the
    actor's permission, the audit row, the referral notice). Returns counts: referred,
    already_decided, not_in_escalation, changed_meanwhile."""
    from collections_app.services.cases import case_transition

    reason = _check(actor, reason)
    counts: Counter = Counter()
    for proposal in LegalProposal.objects.filter(pk__in=list(proposal_ids)).order_by("pk"):
        if proposal.status != Status.PROPOSED:
            counts["already_decided"] += 1
            continue
        case = CollectionCase.objects.get(pk=proposal.case_id)
        try:
            case_transition(
                case=case,
                name="refer_to_legal",
                actor=actor,
                reason=reason,
                data={"legal_proposal": proposal.pk, "rule": proposal.rule},
            )
        except SuitForbidden as refused:
            # The decision is the law's: the proposal is closed with the reason (the refusal
            # is on the case's timeline too, services/cases.py).
            LegalProposal.objects.filter(pk=proposal.pk, status=Status.PROPOSED).update(
                status=Status.REJECTED,
                decided_by_id=actor.pk,
                decided_at=timezone.now(),
                decision_reason=str(refused.reason),
            )
            counts["time_barred"] += 1
        except TransitionNotAllowed:
            counts["not_in_escalation"] += 1
        except ConcurrentTransition:
            counts["changed_meanwhile"] += 1
        else:
            counts["referred"] += 1
    return counts


def legal_proposals_reject(
    *, proposal_ids: Collection[int], actor: AbstractBaseUser, reason: str
) -> int:
    """Reject open proposals, with the reason on each case's timeline. The nightly run does not
    propose the case again until it has entered a stage again. Returns how many."""
    reason = _check(actor, reason)
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            LegalProposal.objects.select_for_update()
            .filter(pk__in=list(proposal_ids), status=Status.PROPOSED)
            .values_list("pk", "case_id", "case__state")
        )
        LegalProposal.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(
            status=Status.REJECTED, decided_by=actor, decided_at=now, decision_reason=reason
        )
        rejected = phrase("Legal referral proposal rejected: %(reason)s", reason=reason)
        bulk_insert(
            CaseEvent,
            [
                dict(
                    case_id=case_id,
                    kind=CaseEvent.Kind.LEGAL,
                    from_state=state,
                    to_state=state,
                    actor_id=actor.pk,
                    reason=str(rejected),
                    data=with_stored({"legal_proposal": pk, "status": Status.REJECTED}, rejected),
                    created_at=now,
                )
                for pk, case_id, state in rows
            ],
            now,
        )
    return len(rows)


def referral_notices_queue(*, case_ids: Collection[int], now: dt.datetime) -> int:
    """Entry effect of a referral: queue the legal stage's day-0 steps of each case's policy
    (the notice that the case was referred), today, through the gate like any message. The key
    is the nightly run's (case:step:date), so a run the same day does not queue it twice."""
    rows = CollectionCase.objects.filter(pk__in=list(case_ids)).select_related("loan__borrower")
    book = PolicyBook(current_policies())
    today = timezone.localdate(now)
    queued = 0
    for case in rows:
        borrower = case.loan.borrower
        policies = stage_policy(
            book, case.pk, borrower.jurisdiction, case.loan.product or "", case.segment
        )
        if policies is None:
            continue
        policy = policies[1]
        channels = [c for c, a in (("sms", borrower.phone), ("voice", borrower.phone)) if a]
        if borrower.email:
            channels.append("email")
        for step, at in scheduled_steps(
            policy,
            stage=CaseState.LEGAL,
            days_in_stage=0,
            segment=case.segment,
            zone=borrower_zone(borrower.time_zone, borrower.phone, policy.default_time_zone),
            channels=channels,
            today=today,
        ):
            _, created = outbox_enqueue(
                case=case,
                channel=step.channel,
                template_key=step.template_key,
                step=step.step,
                scheduled_at=at,
                key=f"{case.pk}:{step.step}:{today.isoformat()}",
            )
            queued += created
    return queued

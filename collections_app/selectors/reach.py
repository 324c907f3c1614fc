"""Reach evidence of many borrowers at once (three grouped queries), for policies/reach.py."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Count

from collections_app.models import CaseEvent, ContactAttempt, OutboundMessage
from collections_app.policies.reach import ReachFacts


def reach_facts(borrower_ids: Collection[int]) -> dict[int, ReachFacts]:
    """{borrower id: ReachFacts}, over all time (a borrower reached once was reached)."""
    if not borrower_ids:
        return {}
    ids = list(borrower_ids)
    delivered: dict[int, int] = dict.fromkeys(ids, 0)
    for borrower_id, n in (
        ContactAttempt.objects.filter(
            borrower_id__in=ids,
            outcome=ContactAttempt.Outcome.DELIVERED,
            channel__in=("sms", "email"),
        )
        .values("borrower_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("borrower_id", "n")
    ):
        delivered[borrower_id] += n
    # The ledger row is written with the status callback; a text or email marked delivered
    # without one still counts. Not a call: a completed call is `delivered` whoever answered.
    for borrower_id, n in (
        OutboundMessage.objects.filter(
            borrower_id__in=ids,
            status=OutboundMessage.Status.DELIVERED,
            channel__in=("sms", "email"),
            contacts__isnull=True,
        )
        .values("borrower_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("borrower_id", "n")
    ):
        delivered[borrower_id] += n
    right_party = dict(
        CaseEvent.objects.filter(
            case__loan__borrower_id__in=ids,
            kind=CaseEvent.Kind.CONTACT,
            data__right_party=True,
        )
        .values("case__loan__borrower_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("case__loan__borrower_id", "n")
    )
    return {
        b: ReachFacts(delivered_messages=delivered[b], right_party_calls=right_party.get(b, 0))
        for b in ids
    }

"""Collection policies change by new versions, never in place (decisions cite the version)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from collections_app.models import CollectionCase, CollectionPolicy
from collections_app.policies.evaluate import PolicyBook
from collections_app.policies.promises import PromiseTerms, promise_terms, validate_promises
from collections_app.policies.segmentation import validate_segmentation
from collections_app.policies.stages import validate_stages
from collections_app.services.escalation_signals import current_policies

VERSIONED_FIELDS = (
    "name",
    "jurisdiction",
    "product",
    "segment",
    "traffic_percent",
    "segmentation",
    "stages",
    "channel_switch",
    "default_time_zone",
    "promises",
)


def policy_validate(
    *,
    segmentation: dict[str, Any],
    stages: dict[str, Any],
    promises: dict[str, Any] | None = None,
) -> None:
    problems = (
        validate_segmentation(segmentation) + validate_stages(stages) + validate_promises(promises)
    )
    if problems:
        raise ValidationError(problems)


def policy_new_version(
    *,
    policy: CollectionPolicy,
    changes: dict[str, Any],
    actor: AbstractBaseUser | None,
    note: str = "",
) -> CollectionPolicy:
    """Write `changes` as the next version of `policy`'s key and variant; it becomes current."""
    values = {f: changes.get(f, getattr(policy, f)) for f in VERSIONED_FIELDS}
    policy_validate(
        segmentation=values["segmentation"], stages=values["stages"], promises=values["promises"]
    )
    with transaction.atomic():
        rows = CollectionPolicy.objects.select_for_update().filter(
            key=policy.key, variant=policy.variant
        )
        latest = rows.aggregate(v=Max("version"))["v"] or 0
        rows.filter(is_current=True).update(is_current=False)
        return CollectionPolicy.objects.create(
            key=policy.key,
            variant=policy.variant,
            version=latest + 1,
            is_current=True,
            created_by=actor,
            change_note=note,
            **values,
        )


def policy_promise_terms(*, case: CollectionCase) -> PromiseTerms:
    """The promise terms of the policy the nightly run judges this case's promises by (its
    jurisdiction and product's champion, then the case's variant of it); the shipped defaults
    when no policy covers the case."""
    book = PolicyBook(current_policies())
    loan = case.loan
    base = book.champion(loan.borrower.jurisdiction, loan.product or "", None)
    return promise_terms(book.for_case(case.pk, base).promises if base else None)

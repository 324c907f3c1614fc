"""Collection policies change by new versions, never in place (decisions cite the version)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from collections_app.models import CollectionPolicy, MessageTemplate
from collections_app.policies.validation import FALLBACK_LANGUAGE, policy_problems
from collections_app.problems import Problem, problems_by_field

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
)


def policy_check(*, segmentation: object, stages: object, channel_switch: object) -> list[Problem]:
    """policy_problems against the templates that exist now."""
    templates = set(
        MessageTemplate.objects.filter(is_active=True, language=FALLBACK_LANGUAGE).values_list(
            "key", "channel"
        )
    )
    return policy_problems(
        segmentation=segmentation,
        stages=stages,
        channel_switch=channel_switch,
        templates=templates,
    )


def policy_validate(*, segmentation: object, stages: object, channel_switch: object) -> None:
    """Raise a ValidationError keyed by field (segmentation, stages, channel_switch) when the
    policy cannot run as written. Every path that saves a policy calls this."""
    problems = policy_check(segmentation=segmentation, stages=stages, channel_switch=channel_switch)
    if problems:
        raise ValidationError(problems_by_field(problems))


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
        segmentation=values["segmentation"],
        stages=values["stages"],
        channel_switch=values["channel_switch"],
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

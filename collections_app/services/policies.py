"""Collection policies change by new versions, never in place (decisions cite the version)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from collections_app.models import CollectionPolicy
from collections_app.policies.segmentation import validate_segmentation
from collections_app.policies.stages import validate_stages

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


def policy_validate(*, segmentation: dict[str, Any], stages: dict[str, Any]) -> None:
    problems = validate_segmentation(segmentation) + validate_stages(stages)
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
    policy_validate(segmentation=values["segmentation"], stages=values["stages"])
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

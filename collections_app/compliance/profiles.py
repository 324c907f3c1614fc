"""Jurisdiction profiles are versioned: a change is a new row, the old one stays as it was."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from collections_app.compliance.profile_validation import profile_problems
from collections_app.models import JurisdictionProfile
from collections_app.problems import problems_by_field


def profile_values(profile: JurisdictionProfile) -> dict[str, object]:
    return {f.name: getattr(profile, f.attname) for f in JurisdictionProfile._meta.concrete_fields}


def profile_validate(values: dict[str, object]) -> None:
    """Raise a ValidationError keyed by field when the gate could not apply the profile as
    written, or its law forbids what it allows. Every path that saves a profile calls this."""
    problems = profile_problems(values)
    if problems:
        raise ValidationError(problems_by_field(problems))


def profile_save_new_version(
    *, profile: JurisdictionProfile, actor: AbstractBaseUser | None
) -> JurisdictionProfile:
    """Save `profile` (an edited copy of the current version) as the next version of its code.

    Decisions already made keep pointing at the version they applied.
    """
    profile_validate(profile_values(profile))
    with transaction.atomic():
        current = (
            JurisdictionProfile.objects.select_for_update()
            .filter(code=profile.code, is_current=True)
            .first()
        )
        latest = JurisdictionProfile.objects.filter(code=profile.code).aggregate(v=Max("version"))
        if current is not None:
            current.is_current = False
            current.save(update_fields=["is_current"])
        profile.pk = None
        profile._state.adding = True
        profile.version = (latest["v"] or 0) + 1
        profile.is_current = True
        profile.created_by = actor
        profile.save()
    return profile

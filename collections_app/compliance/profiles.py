"""Jurisdiction profiles are versioned: a change is a new row, the old one stays as it was."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max

from collections_app.models import JurisdictionProfile


def profile_save_new_version(
    *, profile: JurisdictionProfile, actor: AbstractBaseUser | None
) -> JurisdictionProfile:
    """Save `profile` (an edited copy of the current version) as the next version of its code.

    Decisions already made keep pointing at the version they applied.
    """
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

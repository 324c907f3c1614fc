"""Reads the webhooks need: who wrote to us, about which case, under which rules."""

from __future__ import annotations

from django.db.models import Max

from collections_app.models import Borrower, CollectionCase, JurisdictionProfile, OutboundMessage
from collections_app.states import OPEN_STATES


def borrower_by_phone(phone: str) -> Borrower | None:
    """The borrower with this number (E.164); when several share it, the one whose open case
    was opened last, so a reply lands where the latest collection is."""
    if not phone:
        return None
    candidates = Borrower.objects.filter(phone=phone).annotate(
        latest_case=Max("loans__cases__opened_at")
    )
    with_case = candidates.filter(loans__cases__state__in=OPEN_STATES).order_by("-latest_case")
    return with_case.first() or candidates.order_by("-pk").first()


def open_case_of(borrower: Borrower, *, for_update: bool = False) -> CollectionCase | None:
    """The borrower's most recent open case; with `for_update`, its row locked for the rest of
    the caller's transaction (a reply and an agent acting on the case decide one at a time)."""
    case = (
        CollectionCase.objects.select_related("loan")
        .filter(loan__borrower=borrower, state__in=OPEN_STATES)
        .order_by("-opened_at", "-pk")
        .first()
    )
    if case is None or not for_update:
        return case
    return CollectionCase.objects.select_for_update().get(pk=case.pk)


def opt_out_words(borrower: Borrower | None) -> list[str]:
    """The opt-out words of the borrower's jurisdiction profile (e.g. "T" in CN)."""
    if borrower is None:
        return []
    profile = (
        JurisdictionProfile.objects.filter(code=borrower.jurisdiction, is_current=True)
        .only("opt_out_keywords")
        .first()
    )
    words = profile.opt_out_keywords if profile else []
    return [w for w in words if isinstance(w, str)]


def message_for_callback(*, message_id: str, provider_id: str) -> OutboundMessage | None:
    """Our outbox row: by the id in the callback URL first (the sender may not have written the
    provider's SID yet), then by the SID."""
    if message_id:
        message = OutboundMessage.objects.filter(pk=int(message_id)).first()
        if message is not None:
            return message
    if provider_id:
        return OutboundMessage.objects.filter(provider_id=provider_id).order_by("-pk").first()
    return None

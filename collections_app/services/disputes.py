"""The dispute lifecycle, the one place a dispute's status changes.

    open ──verification sent──▶ verification_sent ──close (upheld / rejected)──▶ closed
      │                                   │
      └──────────withdraw / close (upheld)┴──────────────▶ withdrawn / closed

Recording a dispute stops collection of that debt: the case is paused for the dispute (so the
nightly run schedules nothing for it and its queued messages are cancelled), and the gate
refuses every contact about it except the notices the law requires. 15 USC 1692g(b) and
Regulation F: the collector must cease collection of a disputed debt until it has sent the
verification. So the hold lifts only when the verification notice has actually gone out (the
provider accepted it: `disputes_notices_sent`, called by the message lifecycle), never when it
is merely queued. The borrower's other loans are not touched: a dispute is about one debt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_app.lender.emitters import dispute_recorded_emit
from collections_app.models import (
    CaseEvent,
    CollectionCase,
    ContactHold,
    Dispute,
    DisputeDocument,
    JurisdictionProfile,
)
from collections_app.phrases import choice_label, phrase
from collections_app.services.dispute_notices import (
    IN_FLIGHT,
    RESPONSE_KEY,
    VERIFICATION_KEY,
    notice_dispatch_now,
    notice_queue,
)
from collections_app.services.events import case_event_record
from collections_app.states import (
    ACTIVE_STATES,
    BORROWER_LEVEL_PAUSES,
    OPEN_STATES,
    CaseState,
    PauseReason,
)

# When the borrower's jurisdiction has no current profile (it cannot be contacted anyway).
DEFAULT_RESPONSE_DAYS = 30
UNRESOLVED = (Dispute.Status.OPEN, Dispute.Status.VERIFICATION_SENT)


def response_days_for(case: CollectionCase) -> int:
    profile = JurisdictionProfile.objects.filter(
        code=case.loan.borrower.jurisdiction, is_current=True
    ).first()
    return profile.dispute_response_days if profile is not None else DEFAULT_RESPONSE_DAYS


def _event(
    dispute: Dispute, reason: str, actor: AbstractBaseUser | None, **data: object
) -> CaseEvent:
    return case_event_record(
        case=dispute.case,
        kind=CaseEvent.Kind.DISPUTE,
        actor=actor,
        reason=reason,
        data={"dispute": dispute.pk, "status": dispute.status, **data},
    )


def _locked_case(case_id: int) -> CollectionCase:
    return (
        CollectionCase.objects.select_for_update().select_related("loan__borrower").get(pk=case_id)
    )


def _locked(dispute: Dispute) -> Dispute:
    return (
        Dispute.objects.select_for_update()
        .select_related("case__loan__borrower")
        .get(pk=dispute.pk)
    )


def _pause_for(dispute: Dispute, case: CollectionCase, actor: AbstractBaseUser | None) -> bool:
    """Pause the case for the dispute (the system's move, citing it). False when the case was
    not active (already paused for something else, or closed): nothing to pause."""
    from collections_app.services.case_entry import CaseMove, cases_move

    if case.state not in ACTIVE_STATES:
        return False
    cases_move(
        moves=[
            CaseMove(
                case_id=case.pk,
                transition="pause",
                source=case.state,
                target=CaseState.PAUSED,
                params={"pause_reason": PauseReason.DISPUTE},
                reason=phrase(
                    "Dispute recorded: collection of this debt stops until it is verified."
                ),
                data={"dispute": dispute.pk},
            )
        ],
        actor=actor,
    )
    return True


def _lift(dispute: Dispute, actor: AbstractBaseUser | None, why: str) -> None:
    """The dispute no longer stops collection: resume the case if the dispute paused it and
    nothing else holds it (a borrower-level hold keeps it paused, and says so)."""
    from collections_app.services.case_entry import CaseMove, cases_move

    case = _locked_case(dispute.case_id)
    resumable = (
        dispute.paused_case
        and case.state == CaseState.PAUSED
        and case.pause_reason == PauseReason.DISPUTE
        and case.paused_from
    )
    if not resumable:
        _event(dispute, phrase("%(why)s The dispute hold is lifted.", why=why), actor)
        return
    standing = list(
        ContactHold.objects.filter(
            borrower_id=case.loan.borrower_id,
            kind__in=BORROWER_LEVEL_PAUSES,
            released_at__isnull=True,
        ).values_list("kind", flat=True)
    )
    if standing:
        _event(
            dispute,
            phrase(
                "%(why)s The dispute hold is lifted, but the case stays paused: the borrower's "
                "holds stand (%(holds)s).",
                why=why,
                holds=", ".join(sorted(standing)),
            ),
            actor,
        )
        return
    cases_move(
        moves=[
            CaseMove(
                case_id=case.pk,
                transition="resume",
                source=CaseState.PAUSED,
                target=case.paused_from,
                reason=phrase("%(why)s The dispute hold is lifted: collection resumes.", why=why),
                data={"dispute": dispute.pk},
            )
        ],
        actor=actor,
    )


# --- recording -------------------------------------------------------------------------------


def dispute_record(
    *,
    case: CollectionCase,
    kind: str,
    received_on: dt.date,
    received_via: str,
    details: str = "",
    documents: Sequence[UploadedFile] = (),
    actor: AbstractBaseUser | None = None,
) -> Dispute:
    """Record a dispute of the case's debt: outreach about it stops at once (the case pauses,
    its queued messages are cancelled, the gate refuses all but the legally required notices).
    Raises ValidationError (nothing written) for a closed case, a date in the future, or a
    dispute already unanswered on the case."""
    today = timezone.localdate()
    if received_on > today:
        raise ValidationError({"received_on": _("The date a dispute was received is not later.")})
    if kind not in Dispute.Kind.values:
        raise ValidationError({"kind": _("Choose the type of dispute.")})
    if received_via not in Dispute.ReceivedVia.values:
        raise ValidationError({"received_via": _("Choose how the dispute came in.")})
    with transaction.atomic():
        locked = _locked_case(case.pk)
        if locked.state not in OPEN_STATES:
            raise ValidationError(
                _("Case %(case)s is %(state)s: a dispute is recorded on an open case.")
                % {"case": locked.pk, "state": locked.get_state_display()}
            )
        if Dispute.objects.filter(case=locked, status__in=UNRESOLVED).exists():
            raise ValidationError(
                _("This debt already has an unanswered dispute: add the new letter to it.")
            )
        days = response_days_for(locked)
        try:
            with transaction.atomic():
                dispute = Dispute.objects.create(
                    case=locked,
                    kind=kind,
                    received_on=received_on,
                    received_via=received_via,
                    details=details.strip(),
                    response_due_on=received_on + dt.timedelta(days=days),
                    recorded_by=actor,
                )
        except IntegrityError as exc:  # a second person recorded one at the same moment
            raise ValidationError(_("This debt already has an unanswered dispute.")) from exc
        _event(
            dispute,
            phrase(
                "Dispute recorded (%(kind)s, received %(received)s by %(via)s): collection of "
                "this debt stops; answer due by %(due)s.",
                kind=choice_label(dispute, "kind"),
                received=received_on.isoformat(),
                via=choice_label(dispute, "received_via"),
                due=dispute.response_due_on.isoformat(),
            ),
            actor,
            kind=kind,
            due=dispute.response_due_on.isoformat(),
        )
        dispute.paused_case = _pause_for(dispute, locked, actor)
        if not dispute.paused_case:
            # Paused already (a hold) or not active: still nothing of it may wait to be sent.
            from collections_app.services.messages import messages_cancel

            messages_cancel(case_id=locked.pk, reason="dispute recorded")
        dispute.save(update_fields=["paused_case", "updated_at"])
        for upload in documents:
            _document_add(dispute, upload, "", actor)
        dispute_recorded_emit(dispute=dispute, actor=actor)
    return dispute


def _document_add(
    dispute: Dispute, upload: UploadedFile, description: str, actor: AbstractBaseUser | None
) -> DisputeDocument:
    name = (upload.name or "document")[:200]
    document = DisputeDocument(
        dispute=dispute, name=name, description=description[:300], uploaded_by=actor
    )
    document.file.save(name, upload, save=False)
    document.save()
    _event(dispute, phrase("Document added to the dispute: %(name)s", name=name), actor, file=name)
    return document


def dispute_document_add(
    *,
    dispute: Dispute,
    upload: UploadedFile,
    description: str = "",
    actor: AbstractBaseUser | None = None,
) -> DisputeDocument:
    with transaction.atomic():
        return _document_add(_locked(dispute), upload, description, actor)


# --- the notices -----------------------------------------------------------------------------


def dispute_verification_send(
    *, dispute: Dispute, channel: str, actor: AbstractBaseUser | None = None
) -> Model:
    """Send the verification of the debt (a legally required notice: it passes the dispute's
    own hold). The dispute moves to verification_sent, and the hold lifts, only once it has
    gone out (`disputes_notices_sent`)."""
    with transaction.atomic():
        dispute = _locked(dispute)
        if dispute.status != Dispute.Status.OPEN:
            raise ValidationError(
                _("The verification is sent once, on an open dispute (this one is %(status)s).")
                % {"status": dispute.get_status_display()}
            )
        pending = dispute.verification_message
        if pending is not None and pending.status in IN_FLIGHT:
            raise ValidationError(_("The verification is already on its way."))
        message = notice_queue(dispute, key=VERIFICATION_KEY, channel=channel, actor=actor)
        dispute.verification_channel = channel
        dispute.verification_message = message
        dispute.save(update_fields=["verification_channel", "verification_message", "updated_at"])
        _event(
            dispute,
            phrase(
                "Verification notice queued (%(channel)s): the dispute hold lifts once it is sent.",
                channel=choice_label(message, "channel"),
            ),
            actor,
            message=message.pk,
        )
        notice_dispatch_now(message)
    message.refresh_from_db()
    return message


def disputes_notices_sent(*, messages: Sequence[Model]) -> int:
    """Called by the message lifecycle (services/messages.py) when dispute notices went out:
    a verification moves its open dispute to verification_sent and lifts the hold; a response
    is dated. Idempotent (a second report finds nothing to move). Returns disputes moved."""
    by_id = {m.pk: m for m in messages}
    moved = 0
    with transaction.atomic():
        for dispute in (
            Dispute.objects.select_for_update()
            .filter(verification_message_id__in=list(by_id), status=Dispute.Status.OPEN)
            .select_related("case__loan__borrower")
            .order_by("pk")
        ):
            message = by_id[dispute.verification_message_id]
            dispute.status = Dispute.Status.VERIFICATION_SENT
            dispute.verification_sent_at = message.sent_at or timezone.now()
            dispute.save(update_fields=["status", "verification_sent_at", "updated_at"])
            _lift(
                dispute,
                None,
                phrase(
                    "Verification notice sent (%(channel)s).",
                    channel=choice_label(message, "channel"),
                ),
            )
            moved += 1
        for dispute in Dispute.objects.select_for_update().filter(
            response_message_id__in=list(by_id), response_sent_at__isnull=True
        ):
            message = by_id[dispute.response_message_id]
            dispute.response_sent_at = message.sent_at or timezone.now()
            dispute.save(update_fields=["response_sent_at", "updated_at"])
            _event(
                dispute,
                phrase(
                    "Dispute response sent (%(channel)s).", channel=choice_label(message, "channel")
                ),
                None,
            )
    return moved


# --- ending it -------------------------------------------------------------------------------


def dispute_withdraw(
    *, dispute: Dispute, note: str = "", actor: AbstractBaseUser | None = None
) -> Dispute:
    """The borrower withdrew the dispute: it ends, and an open one stops holding the debt."""
    with transaction.atomic():
        dispute = _locked(dispute)
        if dispute.status not in UNRESOLVED:
            raise ValidationError(
                _("This dispute is %(status)s already.") % {"status": dispute.get_status_display()}
            )
        was_open = dispute.status == Dispute.Status.OPEN
        dispute.status = Dispute.Status.WITHDRAWN
        dispute.outcome = Dispute.Outcome.WITHDRAWN
        dispute.closed_at = timezone.now()
        if note.strip():
            dispute.response = note.strip()
        dispute.save(update_fields=["status", "outcome", "closed_at", "response", "updated_at"])
        why = phrase("The borrower withdrew the dispute.")
        if was_open:
            _lift(dispute, actor, why)
        else:
            _event(dispute, why, actor)
    return dispute


def dispute_close(
    *,
    dispute: Dispute,
    outcome: str,
    response: str,
    send_by: str = "",
    actor: AbstractBaseUser | None = None,
) -> Dispute:
    """Close the dispute with its outcome and our response (optionally sent to the borrower as
    the dispute response, a legally required notice). Rejected needs the verification sent
    first (collection may not resume before it); upheld keeps the case paused until a
    supervisor resolves or writes it off (the borrower was right)."""
    if outcome not in (Dispute.Outcome.UPHELD, Dispute.Outcome.REJECTED):
        raise ValidationError({"outcome": _("Choose upheld or rejected.")})
    if not response.strip():
        raise ValidationError({"response": _("Write the response: it is the record of it.")})
    with transaction.atomic():
        dispute = _locked(dispute)
        if dispute.status not in UNRESOLVED:
            raise ValidationError(
                _("This dispute is %(status)s already.") % {"status": dispute.get_status_display()}
            )
        if outcome == Dispute.Outcome.REJECTED and dispute.status == Dispute.Status.OPEN:
            raise ValidationError(
                {
                    "outcome": _(
                        "Send the verification first: a disputed debt is not collected again "
                        "before it has gone out."
                    )
                }
            )
        dispute.status = Dispute.Status.CLOSED
        dispute.outcome = outcome
        dispute.response = response.strip()
        dispute.closed_at = timezone.now()
        dispute.save(update_fields=["status", "outcome", "response", "closed_at", "updated_at"])
        _event(
            dispute,
            phrase("Dispute closed: %(outcome)s.", outcome=choice_label(dispute, "outcome")),
            actor,
            outcome=outcome,
        )
        if outcome == Dispute.Outcome.UPHELD:
            case = _locked_case(dispute.case_id)
            paused = _pause_for(dispute, case, actor)
            _event(
                dispute,
                phrase(
                    "The borrower was right: the case stays paused until a supervisor resolves "
                    "or writes it off."
                ),
                actor,
                paused_now=paused,
            )
        if send_by:
            message = notice_queue(dispute, key=RESPONSE_KEY, channel=send_by, actor=actor)
            dispute.response_message = message
            dispute.save(update_fields=["response_message", "updated_at"])
            _event(
                dispute,
                phrase(
                    "Dispute response queued (%(channel)s).",
                    channel=choice_label(message, "channel"),
                ),
                actor,
                message=message.pk,
            )
            notice_dispatch_now(message)
    return dispute

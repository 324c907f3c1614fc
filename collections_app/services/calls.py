"""Calls an agent makes and takes: the one owner of a `CallLog`'s lifecycle.

    outbound:  call_check ─ refused (the gate said no; nothing can be logged as made)
                          └ open ─ call_log → logged
                                 └ call_cancel → cancelled (never dialled; reservation released)
    inbound:   call_inbound → open ─ call_log → logged

`call_check` asks the gate (outreach/gate.py) "may I call this number now?", the same decision
and the same ContactDecision record automated outreach gets; an allowed call reserves the
attempt, and `call_log` completes it with the wrap-up's outcome (a connected conversation starts
the conversation cooldown). An inbound call is not decided (the borrower called us) but is
recorded as contact. `call_verify` is the right-party check, limited per borrower per day.
Each wrap-up does what it says, in the same transaction as the log, and writes one timeline
entry credited to the agent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_app.channels import ChannelError
from collections_app.compliance.snapshot import borrower_zones
from collections_app.masking import mask_address
from collections_app.models import (
    AgentProfile,
    CallLog,
    CaseEvent,
    CollectionCase,
    ContactAttempt,
    ContactHold,
    ContactPoint,
    RightPartyCheck,
)
from collections_app.outreach.gate import (
    ContactRequest,
    gate_complete_attempt,
    gate_many,
    gate_record_inbound,
    gate_release,
)
from collections_app.phrases import choice_label, joined, phrase
from collections_app.services.cases import case_schedule_next_action
from collections_app.services.consents import hold_place
from collections_app.services.contact_points import contact_point_unusable_record
from collections_app.services.events import case_event_record
from collections_app.services.lender import borrower_verify

LOG_CALL = "collections_app.log_call"
# Failed right-party checks per borrower per (server-local) day before the check locks: a
# caller guessing dates of birth gets three tries, then a supervisor sees the lock.
RPV_MAX_FAILURES = 3
# The call is dialled a moment after the gate's answer: the contact window must stay open
# that long (a call allowed at 20:59:30 would start after 21:00).
DIAL_MARGIN = dt.timedelta(minutes=2)

WrapUp = CallLog.WrapUp
# What the ledger records for each wrap-up. Anyone answering is a conversation: stricter than
# counting only the borrower's (a third party is counted too), never looser.
_OUTCOMES = {
    WrapUp.NO_ANSWER: ContactAttempt.Outcome.UNANSWERED,
    WrapUp.VOICEMAIL: ContactAttempt.Outcome.VOICEMAIL,
    WrapUp.BUSY: ContactAttempt.Outcome.BUSY,
    WrapUp.NOT_IN_SERVICE: ContactAttempt.Outcome.NOT_CONNECTED,
}
# Wrap-ups that say the agent discussed the debt with the borrower: only after verification.
NEEDS_VERIFIED = frozenset(
    {WrapUp.RIGHT_PARTY, WrapUp.REFUSED_TO_PAY, WrapUp.PROMISE, WrapUp.DISPUTE}
)
# Reported by whoever answers (a relative reports a death): the hold is placed at once.
HOLDS = {
    WrapUp.ATTORNEY: ContactHold.Kind.ATTORNEY,
    WrapUp.BANKRUPTCY: ContactHold.Kind.BANKRUPTCY,
    WrapUp.DECEASED: ContactHold.Kind.DECEASED,
}
NOT_INBOUND = frozenset({WrapUp.NO_ANSWER, WrapUp.VOICEMAIL, WrapUp.BUSY, WrapUp.NOT_IN_SERVICE})


def now() -> dt.datetime:
    """The clock of every call step (one place for tests to hold it still)."""
    return timezone.now()


class CallError(ValueError):
    """What the agent is asked to do cannot be done on this call; the message says why."""


class VerificationLocked(CallError):
    pass


def _require(agent: AbstractBaseUser) -> None:
    if not agent.has_perm(LOG_CALL):
        raise PermissionDenied(_("You may not make or log calls."))


def borrower_numbers(case: CollectionCase) -> list[str]:
    """The numbers an agent may choose for this case's borrower: the engine's number first,
    then the lender's other phone contact points."""
    borrower = case.loan.borrower
    numbers = [borrower.phone] if borrower.phone else []
    for address in ContactPoint.objects.filter(
        borrower=borrower, kind=ContactPoint.Kind.PHONE
    ).values_list("address", flat=True):
        if address not in numbers:
            numbers.append(address)
    return numbers


def _check_number(case: CollectionCase, number: str) -> None:
    if number not in borrower_numbers(case):
        raise CallError(_("That number is not one of this borrower's."))


def call_check(
    *,
    case: CollectionCase,
    agent: AbstractBaseUser,
    number: str,
    at: dt.datetime | None = None,
) -> CallLog:
    """ "May I call this number now?" The gate's answer, recorded: an `open` call with its
    reserved attempt, or a `refused` one with the decision's rule and next allowed time. An
    open outbound call of this agent on this case is returned as it is (a reload of the call
    screen must not reserve a second attempt)."""
    _require(agent)
    _check_number(case, number)
    at = at or now()
    with transaction.atomic():
        existing = CallLog.objects.filter(
            case=case,
            agent=agent,
            direction=CallLog.Direction.OUTBOUND,
            status=CallLog.Status.OPEN,
            number=number,
        ).first()
        if existing is not None:
            return existing
        (result,) = gate_many(
            [ContactRequest(case=case, channel="voice", address=number)], at, DIAL_MARGIN
        )
        return CallLog.objects.create(
            case=case,
            borrower=case.loan.borrower,
            agent=agent,
            direction=CallLog.Direction.OUTBOUND,
            status=CallLog.Status.OPEN if result.allowed else CallLog.Status.REFUSED,
            number=number,
            decision=result.record,
            attempt=result.attempt,
            started_at=at,
            ended_at=None if result.allowed else at,
            recorded=bool(result.attempt and result.attempt.recorded),
        )


def call_inbound(
    *,
    case: CollectionCase,
    agent: AbstractBaseUser,
    number: str,
    at: dt.datetime | None = None,
) -> CallLog:
    """The borrower called us: no gate decision (we did not dial), logged like any call."""
    _require(agent)
    if not number:
        raise CallError(_("Which number is calling?"))
    return CallLog.objects.create(
        case=case,
        borrower=case.loan.borrower,
        agent=agent,
        direction=CallLog.Direction.INBOUND,
        number=number,
        started_at=at or now(),
    )


def _locked_call(call: CallLog, agent: AbstractBaseUser) -> CallLog:
    _require(agent)
    locked = (
        CallLog.objects.select_for_update().select_related("case__loan__borrower").get(pk=call.pk)
    )
    if locked.agent_id != agent.pk:
        raise PermissionDenied(_("This call is another agent's."))
    return locked


def call_cancel(*, call: CallLog, agent: AbstractBaseUser) -> CallLog:
    """The agent did not dial after all: the reserved attempt no longer counts."""
    with transaction.atomic():
        call = _locked_call(call, agent)
        if call.status != CallLog.Status.OPEN:
            raise CallError(_("Only a call in progress can be cancelled."))
        if call.attempt is not None:
            gate_release(call.attempt)
        call.status = CallLog.Status.CANCELLED
        call.ended_at = now()
        call.save(update_fields=["status", "ended_at"])
    return call


# --- right-party verification


def _day_start(at: dt.datetime) -> dt.datetime:
    local = timezone.localtime(at)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def rpv_failures_today(borrower_id: int, at: dt.datetime | None = None) -> int:
    at = at or now()
    return RightPartyCheck.objects.filter(
        borrower_id=borrower_id, succeeded=False, checked_at__gte=_day_start(at), checked_at__lte=at
    ).count()


def rpv_locked(borrower_id: int, at: dt.datetime | None = None) -> bool:
    return rpv_failures_today(borrower_id, at) >= RPV_MAX_FAILURES


def call_verify(
    *,
    call: CallLog,
    agent: AbstractBaseUser,
    date_of_birth: dt.date | None = None,
    id_last_digits: str = "",
    at: dt.datetime | None = None,
) -> bool:
    """Check what the person on the call says against the lender's digests (server-side, in
    constant time; the values are neither stored nor shown). Every try is recorded; after
    RPV_MAX_FAILURES failed tries today the borrower's check is locked until tomorrow."""
    at = at or now()
    id_last_digits = (id_last_digits or "").strip()
    if date_of_birth is None and not id_last_digits:
        raise CallError(_("Enter the date of birth or the ID digits the caller gives you."))
    with transaction.atomic():
        call = _locked_call(call, agent)
        if call.status != CallLog.Status.OPEN:
            raise CallError(_("Verification happens during a call in progress."))
        if call.right_party_verified:
            return True
        if rpv_locked(call.borrower_id, at):
            raise VerificationLocked(
                _(
                    "Verification is locked for this borrower today after %(count)s failed "
                    "attempts. A supervisor can see the attempts under Right-party checks."
                )
                % {"count": RPV_MAX_FAILURES}
            )
        ok = borrower_verify(
            borrower=call.borrower, date_of_birth=date_of_birth, id_last_digits=id_last_digits
        )
        offered = [
            name
            for name, given in (
                ("date_of_birth", date_of_birth is not None),
                ("id_last_digits", bool(id_last_digits)),
            )
            if given
        ]
        RightPartyCheck.objects.create(
            borrower=call.borrower,
            call=call,
            agent=agent,
            checked_at=at,
            offered=",".join(offered),
            succeeded=ok,
        )
        if ok:
            call.right_party_verified = True
            call.right_party_verified_at = at
            call.save(update_fields=["right_party_verified", "right_party_verified_at"])
    return ok


# --- click-to-call


def click_to_call_available(agent: AbstractBaseUser) -> bool:
    return bool(settings.CLICK_TO_CALL and _agent_phone(agent))


def _agent_phone(agent: AbstractBaseUser) -> str:
    profile = AgentProfile.objects.filter(user_id=agent.pk).only("phone").first()
    return profile.phone if profile is not None else ""


def call_bridge(*, call: CallLog, agent: AbstractBaseUser) -> CallLog:
    """Click-to-call: Twilio rings the agent's phone and bridges the borrower's number. Only an
    open outbound call has an allowed decision behind it; nothing else is dialled."""
    from collections_app.channels.twilio_voice import TwilioVoiceChannel

    if not settings.CLICK_TO_CALL:
        raise CallError(_("Click-to-call is not configured: dial the number yourself."))
    phone = _agent_phone(agent)
    if not phone:
        raise CallError(_("Add your own phone to your agent profile to use click-to-call."))
    with transaction.atomic():
        call = _locked_call(call, agent)
        if call.direction != CallLog.Direction.OUTBOUND or call.status != CallLog.Status.OPEN:
            raise CallError(_("Only an allowed outbound call can be dialled."))
        if call.decision is None or not call.decision.allowed or call.attempt is None:
            raise CallError(_("Only an allowed outbound call can be dialled."))
        if call.bridge_provider_id:
            raise CallError(_("This call has already been placed."))
        try:
            sid = TwilioVoiceChannel("voice").bridge(
                agent_phone=phone, to=call.number, record=call.recorded
            )
        except ChannelError as error:
            raise CallError(
                _("The call could not be placed: %(reason)s") % {"reason": error.message}
            ) from error
        call.bridge_provider_id = sid
        call.save(update_fields=["bridge_provider_id"])
    return call


# --- the wrap-up


@dataclass(frozen=True)
class WrapUpDetails:
    """What some wrap-ups need besides the code."""

    note: str = ""
    callback_at: dt.datetime | None = None
    attorney_contact: str = ""
    bankruptcy_case_number: str = ""


def _validate(call: CallLog, wrap_up: str, details: WrapUpDetails, at: dt.datetime) -> None:
    errors: dict[str, str] = {}
    if wrap_up not in WrapUp.values:
        errors["wrap_up"] = _("Choose how the call ended.")
    elif call.direction == CallLog.Direction.INBOUND and wrap_up in NOT_INBOUND:
        errors["wrap_up"] = _("An inbound call was answered: choose what was said.")
    elif wrap_up in NEEDS_VERIFIED and not call.right_party_verified:
        errors["wrap_up"] = _(
            "%(code)s needs the borrower verified on this call first (date of birth or ID "
            "digits). Otherwise log it as third party."
        ) % {"code": WrapUp(wrap_up).label}
    if wrap_up == WrapUp.CALLBACK:
        if details.callback_at is None:
            errors["callback_at"] = _("When should we call back?")
        elif details.callback_at <= at:
            errors["callback_at"] = _("A callback must be in the future.")
    if wrap_up == WrapUp.ATTORNEY and not details.attorney_contact.strip():
        errors["attorney_contact"] = _("The attorney's name and contact (firm, phone or email).")
    if wrap_up == WrapUp.BANKRUPTCY and not details.bankruptcy_case_number.strip():
        errors["bankruptcy_case_number"] = _("The bankruptcy case number.")
    if errors:
        raise ValidationError(errors)


def call_log(
    *,
    call: CallLog,
    agent: AbstractBaseUser,
    wrap_up: str,
    details: WrapUpDetails | None = None,
    at: dt.datetime | None = None,
) -> CallLog:
    """The call's result. Completes the gate's attempt (outbound) or records the contact
    (inbound), applies the wrap-up's effect and writes one timeline entry, all at once.
    Raises ValidationError (fields: wrap_up, callback_at, attorney_contact,
    bankruptcy_case_number) or CallError; then nothing is written."""
    details = details or WrapUpDetails()
    at = at or now()
    with transaction.atomic():
        call = _locked_call(call, agent)
        if call.status != CallLog.Status.OPEN:
            raise CallError(
                _("This call cannot be logged: it is %(status)s.")
                % {"status": call.get_status_display().lower()}
            )
        outbound = call.direction == CallLog.Direction.OUTBOUND
        if outbound and (call.decision is None or not call.decision.allowed or not call.attempt):
            # Belt and braces: an open outbound call always has an allowed decision.
            raise CallError(_("No call may be logged as made without the gate's allowed answer."))
        _validate(call, wrap_up, details, at)
        case = call.case
        outcome = _OUTCOMES.get(wrap_up, ContactAttempt.Outcome.CONNECTED)
        if outbound:
            gate_complete_attempt(attempt=call.attempt, outcome=outcome)
        else:
            call.attempt = gate_record_inbound(
                case=case, address=call.number, at=call.started_at, outcome=outcome
            )
        call.status = CallLog.Status.LOGGED
        call.wrap_up = wrap_up
        call.note = details.note.strip()
        call.ended_at = at
        call.save(update_fields=["status", "wrap_up", "note", "ended_at", "attempt"])
        _timeline_entry(call, agent, outcome, details)
        _apply(call, agent, wrap_up, details)
    return call


def _timeline_entry(
    call: CallLog, agent: AbstractBaseUser, outcome: str, details: WrapUpDetails
) -> CaseEvent:
    label = choice_label(call, "wrap_up")
    headline = (
        phrase("Outbound call: %(wrap_up)s", wrap_up=label)
        if call.direction == "outbound"
        else phrase("Inbound call: %(wrap_up)s", wrap_up=label)
    )
    parts: list[object] = [headline]
    if call.right_party_verified:
        parts.append(phrase("borrower verified"))
    if details.callback_at is not None and call.wrap_up == WrapUp.CALLBACK:
        zones = borrower_zones(call.borrower)
        when = details.callback_at.astimezone(ZoneInfo(zones[0])) if zones else details.callback_at
        parts.append(phrase("call back %(when)s", when=when.strftime("%Y-%m-%d %H:%M %Z")))
    if call.note:
        parts.append(call.note)
    return case_event_record(
        case=call.case,
        kind=CaseEvent.Kind.CALL,
        actor=agent,
        reason=joined(" — ", parts),
        data={
            "call": call.pk,
            "direction": call.direction,
            "wrap_up": call.wrap_up,
            "outcome": outcome,
            "number": mask_address(call.number),
            "right_party_verified": call.right_party_verified,
        },
    )


def _apply(call: CallLog, agent: AbstractBaseUser, wrap_up: str, details: WrapUpDetails) -> None:
    """What each code does beyond the log. Promise and dispute continue on their own forms
    (the admin view sends the agent there)."""
    if wrap_up == WrapUp.WRONG_NUMBER:
        # Not the borrower's: neither a call nor a text may go to it again.
        for channel in ("voice", "sms"):
            contact_point_unusable_record(
                borrower_id=call.borrower_id,
                channel=channel,
                address=call.number,
                code="wrong_number",
                reason=phrase(
                    "Wrong number, reported on call %(call)s by %(agent)s",
                    call=call.pk,
                    agent=agent.get_username(),
                ),
            )
    elif wrap_up == WrapUp.CALLBACK and details.callback_at is not None:
        case_schedule_next_action(case=call.case, at=details.callback_at)
    elif wrap_up in HOLDS:
        note = details.note.strip()
        if wrap_up == WrapUp.BANKRUPTCY:
            number = phrase(
                "Bankruptcy case number: %(number)s", number=details.bankruptcy_case_number.strip()
            )
            note = f"{number}. {note}" if note else number
        hold_place(
            borrower=call.borrower,
            kind=HOLDS[wrap_up],
            source=phrase("agent call %(call)s", call=call.pk),
            note=note,
            attorney_contact=details.attorney_contact.strip()[:300],
            actor=agent,
        )

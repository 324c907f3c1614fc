"""Calls an agent makes and takes (CallLog), the right-party checks made on them, and the call
scripts agents read. Every change of a call goes through services/calls.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from collections_app.masking import mask_address
from collections_app.models.borrowers import Borrower
from collections_app.models.cases import CollectionCase
from collections_app.models.choices import Language
from collections_app.models.compliance import ContactAttempt, ContactDecision


class CallLog(models.Model):
    """One call between an agent and a borrower's number, from "may I call?" to its wrap-up."""

    class Direction(models.TextChoices):
        OUTBOUND = "outbound", _("Outbound (we called)")
        INBOUND = "inbound", _("Inbound (the borrower called us)")

    class Status(models.TextChoices):
        # The gate said no: nothing may be dialled, nothing may be logged as made.
        REFUSED = "refused", _("Refused by the contact rules")
        # Allowed (or inbound): the attempt is reserved and the agent is on the call.
        OPEN = "open", _("In progress")
        LOGGED = "logged", _("Logged")
        # Opened and never dialled: the reservation is released.
        CANCELLED = "cancelled", _("Cancelled before dialling")

    class WrapUp(models.TextChoices):
        RIGHT_PARTY = "right_party", _("Right-party contact")
        THIRD_PARTY = "third_party", _("Third party")
        NO_ANSWER = "no_answer", _("No answer")
        # The call never connected to the number (12 CFR 1006.14(b)(3)(ii)): not counted
        # towards the 7 calls in 7 days where the profile counts as the rule does.
        BUSY = "busy", _("Busy signal")
        NOT_IN_SERVICE = "not_in_service", _("Number not in service")
        VOICEMAIL = "voicemail", _("Voicemail")
        WRONG_NUMBER = "wrong_number", _("Wrong number")
        REFUSED_TO_PAY = "refused_to_pay", _("Refused to pay")
        PROMISE = "promise", _("Promise to pay")
        CALLBACK = "callback", _("Callback requested")
        DISPUTE = "dispute", _("Dispute")
        ATTORNEY = "attorney", _("Reports an attorney")
        BANKRUPTCY = "bankruptcy", _("Reports bankruptcy")
        DECEASED = "deceased", _("Reports the borrower deceased")

    case = models.ForeignKey(
        CollectionCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="calls"
    )
    borrower = models.ForeignKey(
        Borrower, verbose_name=_("borrower"), on_delete=models.PROTECT, related_name="calls"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="calls",
    )
    direction = models.CharField(
        verbose_name=_("direction"), max_length=8, choices=Direction.choices
    )
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    number = models.CharField(
        verbose_name=_("phone number"),
        max_length=20,
        help_text=_("The number dialled or calling, E.164."),
    )
    # The gate's answer (outbound) and the attempt it reserved; the logged result completes it.
    decision = models.ForeignKey(
        ContactDecision,
        verbose_name=_("contact decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
    )
    attempt = models.ForeignKey(
        ContactAttempt,
        verbose_name=_("contact attempt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
    )
    started_at = models.DateTimeField(verbose_name=_("started at"), default=timezone.now)
    ended_at = models.DateTimeField(verbose_name=_("ended at"), null=True, blank=True)
    wrap_up = models.CharField(
        verbose_name=_("wrap-up code"), max_length=16, choices=WrapUp.choices, blank=True
    )
    note = models.TextField(verbose_name=_("note"), blank=True)
    right_party_verified = models.BooleanField(
        verbose_name=_("right party verified"), default=False
    )
    right_party_verified_at = models.DateTimeField(
        verbose_name=_("right party verified at"), null=True, blank=True
    )
    # The profile records calls: the agent's script opens with the recording disclosure.
    recorded = models.BooleanField(verbose_name=_("recorded"), default=False)
    # Click-to-call: the provider's id of the call that rang the agent and bridged the borrower.
    bridge_provider_id = models.CharField(
        verbose_name=_("provider's bridge call ID"), max_length=64, blank=True
    )

    class Meta:
        verbose_name = _("call log")
        verbose_name_plural = _("call logs")
        indexes = [
            models.Index(fields=["case", "started_at"], name="calllog_case_started_idx"),
            models.Index(fields=["agent", "started_at"], name="calllog_agent_started_idx"),
        ]
        permissions = [("log_call", "Can make and log calls from a case")]

    def __str__(self) -> str:
        return gettext("%(direction)s call %(id)s to %(number)s") % {
            "direction": self.get_direction_display(),
            "id": self.pk,
            "number": mask_address(self.number),
        }


class RightPartyCheck(models.Model):
    """One try at verifying the person on a call is the borrower (date of birth or ID digits,
    compared server-side with the lender's digests; the values are never stored)."""

    borrower = models.ForeignKey(
        Borrower, verbose_name=_("borrower"), on_delete=models.CASCADE, related_name="rpv_checks"
    )
    call = models.ForeignKey(
        CallLog, verbose_name=_("call"), on_delete=models.CASCADE, related_name="rpv_checks"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.PROTECT
    )
    checked_at = models.DateTimeField(verbose_name=_("checked at"), default=timezone.now)
    # What was offered, not its value: "date_of_birth", "id_last_digits", or both.
    offered = models.CharField(verbose_name=_("checked with"), max_length=40)
    succeeded = models.BooleanField(verbose_name=_("passed"))

    class Meta:
        verbose_name_plural = _("right-party checks")
        verbose_name = _("right-party check")
        indexes = [models.Index(fields=["borrower", "checked_at"], name="rpvcheck_borrower_at_idx")]

    def __str__(self) -> str:
        if self.succeeded:
            text = gettext("right-party check passed for borrower %(borrower)s")
        else:
            text = gettext("right-party check failed for borrower %(borrower)s")
        return text % {"borrower": self.borrower_id}


class CallScript(models.Model):
    """What an agent says on a call, per jurisdiction, stage and language (Django template
    syntax, the message templates' variables). `opening` is for whoever answers and must say
    nothing about a debt; `disclosure` and `body` are read only once the borrower is verified."""

    jurisdiction = models.CharField(
        verbose_name=_("jurisdiction"), max_length=16, help_text=_("Profile code: US, CN, ...")
    )
    stage = models.CharField(
        verbose_name=_("stage"), max_length=20, help_text=_("Case stage it is written for.")
    )
    language = models.CharField(verbose_name=_("language"), max_length=10, choices=Language.choices)
    opening = models.TextField(
        verbose_name=_("opening"), help_text=_("To whoever answers: no word about a debt.")
    )
    disclosure = models.TextField(
        verbose_name=_("disclosure"),
        blank=True,
        help_text=_("Said first once verified, when the profile requires it."),
    )
    body = models.TextField(
        verbose_name=_("body"), help_text=_("The talk track after verification.")
    )
    is_active = models.BooleanField(verbose_name=_("active"), default=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("call script")
        verbose_name_plural = _("call scripts")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "stage", "language"], name="one_call_script_per_stage"
            )
        ]

    def __str__(self) -> str:
        return gettext("call script %(jurisdiction)s/%(stage)s [%(language)s]") % {
            "jurisdiction": self.jurisdiction,
            "stage": self.stage,
            "language": self.language,
        }

"""The outbox: every message we mean to send is a row first (templates, messages, attempts)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from collections_app.masking import mask_address
from collections_app.message_states import MessageStatus
from collections_app.models.borrowers import Borrower
from collections_app.models.cases import CollectionCase
from collections_app.models.choices import Channel, Language


class MessageTemplate(models.Model):
    """Words for one step, per channel and language; Django template syntax. Editable in admin."""

    key = models.SlugField(
        verbose_name=_("key"), max_length=64, help_text=_("e.g. reminder-day0, escalation-notice")
    )
    channel = models.CharField(verbose_name=_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(verbose_name=_("language"), max_length=10, choices=Language.choices)
    stage = models.CharField(
        verbose_name=_("stage"),
        max_length=20,
        blank=True,
        help_text=_("Case stage it is written for."),
    )
    subject = models.CharField(
        verbose_name=_("subject"), max_length=200, blank=True, help_text=_("Email only.")
    )
    body = models.TextField(
        verbose_name=_("body"), help_text=_("Text (SMS, voice script, email text part).")
    )
    html_body = models.TextField(
        verbose_name=_("HTML body"), blank=True, help_text=_("Email only: the HTML part.")
    )
    # 12 CFR 1006.26(b): no suit or threat of suit on a time-barred debt. A flagged template
    # is refused for a debt not shown to be within its limitation period.
    threatens_suit = models.BooleanField(
        verbose_name=_("mentions legal action"),
        default=False,
        help_text=_(
            "Says or implies the borrower may be sued (a law firm, court, legal proceedings). "
            "Never sent for a time-barred debt."
        ),
    )
    # A demand for payment or a statement of consequences: during a debt's validation period
    # it waits (12 CFR 1006.38(b): nothing may overshadow the consumer's right to dispute).
    overshadows_validation = models.BooleanField(
        verbose_name=_("demands payment or states consequences"),
        default=False,
        help_text=_("Held back until the validation period of the debt has ended."),
    )
    is_active = models.BooleanField(verbose_name=_("active"), default=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "channel", "language"], name="one_template_per_key_channel_lang"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} [{self.channel}/{self.language}]"


class OutboundMessage(models.Model):
    # The statuses and the moves between them: message_states.py; the one writer of `status`
    # is services/messages.py.
    Status = MessageStatus

    case = models.ForeignKey(
        CollectionCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="messages"
    )
    # Denormalised from case.loan.borrower: the compliance gate locks per borrower.
    borrower = models.ForeignKey(
        Borrower, verbose_name=_("borrower"), on_delete=models.PROTECT, related_name="messages"
    )
    channel = models.CharField(verbose_name=_("channel"), max_length=10, choices=Channel.choices)
    template_key = models.SlugField(verbose_name=_("template"), max_length=64)
    # Which policy step asked for it ("reminder:0:sms"), or "manual".
    step = models.CharField(verbose_name=_("step"), max_length=80, blank=True)
    scheduled_at = models.DateTimeField(
        verbose_name=_("scheduled at"), help_text=_("Not sent before this time.")
    )
    # A notice the law requires (a dispute's verification, its response): the gate lets it pass
    # a dispute or cease-communication hold. Set only by the services that queue such notices.
    legally_required = models.BooleanField(verbose_name=_("required by law"), default=False)
    # case + step + day: the same step on the same day is one message, however often asked.
    idempotency_key = models.CharField(
        verbose_name=_("idempotency key"), max_length=160, unique=True
    )
    status = models.CharField(
        verbose_name=_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    to_address = models.CharField(verbose_name=_("sent to"), max_length=254, blank=True)
    # What exactly was sent, rendered when the message was claimed (audit, and provider lookup).
    subject = models.CharField(verbose_name=_("subject"), max_length=200, blank=True)
    body = models.TextField(verbose_name=_("body"), blank=True)
    html_body = models.TextField(verbose_name=_("HTML body"), blank=True)
    provider = models.CharField(verbose_name=_("provider"), max_length=20, blank=True)
    provider_id = models.CharField(
        verbose_name=_("provider's ID"), max_length=255, blank=True, db_index=True
    )
    # A provider's error code, or the compliance rule that held the message back.
    error_code = models.CharField(verbose_name=_("error code"), max_length=40, blank=True)
    error_message = models.TextField(verbose_name=_("error message"), blank=True)
    attempt_count = models.PositiveSmallIntegerField(verbose_name=_("attempts"), default=0)
    claimed_at = models.DateTimeField(verbose_name=_("claimed at"), null=True, blank=True)
    # Set by the one worker that starts sending this claim; a duplicate task finds it taken.
    send_token = models.CharField(
        verbose_name=_("send token"), max_length=32, blank=True, db_index=True
    )
    sent_at = models.DateTimeField(verbose_name=_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(verbose_name=_("delivered at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        indexes = [
            models.Index(fields=["status", "scheduled_at"]),
            models.Index(fields=["case", "created_at"]),
        ]
        permissions = [("send_manual_message", "Can send a message now from a case")]

    def __str__(self) -> str:
        return gettext("%(channel)s %(template)s for case %(case)s (%(status)s)") % {
            "channel": self.get_channel_display(),
            "template": self.template_key,
            "case": self.case_id,
            "status": self.get_status_display(),
        }


class DeliveryAttempt(models.Model):
    """One try at handing a message to its provider (Saleor's EventDeliveryAttempt)."""

    class Outcome(models.TextChoices):
        SENT = "sent", _("Accepted by the provider")
        TRANSIENT_ERROR = "transient_error", _("Transient error (will retry)")
        PERMANENT_ERROR = "permanent_error", _("Permanent error")
        UNKNOWN = "unknown", _("Unknown (timeout after sending)")
        # Nothing reached the provider (the batch's deadline passed first, or the sweeper found
        # it never arrived): not a try, so it does not count towards OUTBOX_MAX_ATTEMPTS.
        NOT_SENT = "not_sent", _("Not sent (never reached the provider)")

    message = models.ForeignKey(
        OutboundMessage,
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        related_name="attempts",
    )
    number = models.PositiveSmallIntegerField(verbose_name=_("attempt number"))
    started_at = models.DateTimeField(verbose_name=_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(verbose_name=_("finished at"), null=True, blank=True)
    outcome = models.CharField(
        verbose_name=_("outcome"), max_length=20, choices=Outcome.choices, blank=True
    )
    provider_id = models.CharField(verbose_name=_("provider's ID"), max_length=255, blank=True)
    error_code = models.CharField(verbose_name=_("error code"), max_length=20, blank=True)
    error_message = models.TextField(verbose_name=_("error message"), blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        constraints = [
            models.UniqueConstraint(fields=["message", "number"], name="one_attempt_per_number")
        ]

    def __str__(self) -> str:
        return gettext("attempt %(number)s of message %(message)s: %(outcome)s") % {
            "number": self.number,
            "message": self.message_id,
            "outcome": self.get_outcome_display(),
        }


class BadContactPoint(models.Model):
    """An address a provider told us cannot be used (invalid number, hard bounce). The gate
    refuses it until the borrower's address changes."""

    borrower = models.ForeignKey(
        Borrower, verbose_name=_("borrower"), on_delete=models.CASCADE, related_name="bad_points"
    )
    channel = models.CharField(verbose_name=_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(verbose_name=_("address"), max_length=254)
    code = models.CharField(verbose_name=_("error code"), max_length=20, blank=True)
    reason = models.TextField(verbose_name=_("reason"), blank=True)
    recorded_at = models.DateTimeField(verbose_name=_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("bad contact point")
        verbose_name_plural = _("bad contact points")
        constraints = [
            models.UniqueConstraint(
                fields=["borrower", "channel", "address"], name="one_bad_point_per_address"
            )
        ]

    def __str__(self) -> str:
        return gettext("%(channel)s %(address)s unusable (%(code)s)") % {
            "channel": self.get_channel_display(),
            "address": mask_address(self.address),
            "code": self.code,
        }

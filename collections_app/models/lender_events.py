"""What we tell the lender's systems: the events, the endpoints that receive them, and one
delivery per (event, endpoint) with one attempt row per try (collections_app/lender/)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collections_app.models.cases import CollectionCase
from collections_app.models.loans import Loan


class LenderEventKind(models.TextChoices):
    CASE_STATE_CHANGED = "case.state_changed", _("Case state changed")
    PROMISE_CREATED = "promise.created", _("Promise to pay made")
    PROMISE_KEPT = "promise.kept", _("Promise to pay kept")
    PROMISE_BROKEN = "promise.broken", _("Promise to pay broken")
    PLAN_CREATED = "plan.created", _("Payment plan agreed")
    CONSENT_OPTED_OUT = "consent.opted_out", _("Borrower opted out of a channel")
    HOLD_PLACED = "hold.placed", _("Contact hold placed")
    HOLD_RELEASED = "hold.released", _("Contact hold released")
    DISPUTE_OPENED = "dispute.opened", _("Debt disputed")
    PAYMENT_RECORDED = "payment.recorded", _("Payment recorded")
    PAYMENT_REVERSED = "payment.reversed", _("Payment reversed")
    LOAN_CASE_OPENED = "loan.case_opened", _("Case opened for a loan")
    LOAN_CASE_CLOSED = "loan.case_closed", _("Case closed for a loan")
    SETTLEMENT_AGREED = "settlement.agreed", _("Settlement agreed")
    SETTLEMENT_PAID = "settlement.paid", _("Settlement paid")


class WebhookEndpoint(models.Model):
    """A receiver of the lender's: where events are POSTed, signed with its secret."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    url = models.URLField(_("URL"), max_length=500)
    # HMAC needs the secret itself, so it is stored as it is; admin shows it once, when made.
    secret = models.CharField(verbose_name=_("secret"), max_length=200, editable=False)
    # During a rotation the old secret signs too (a second v1=), until this time.
    previous_secret = models.CharField(
        verbose_name=_("previous secret"), max_length=200, blank=True, editable=False
    )
    previous_secret_until = models.DateTimeField(
        verbose_name=_("previous secret valid until"), null=True, blank=True, editable=False
    )
    secret_created_at = models.DateTimeField(
        verbose_name=_("secret created at"), default=timezone.now, editable=False
    )
    event_kinds = models.JSONField(
        _("event kinds"),
        default=list,
        blank=True,
        help_text=_("The kinds of event sent to this endpoint; none ticked: every kind."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(verbose_name=_("disabled at"), null=True, blank=True)
    disabled_reason = models.CharField(
        verbose_name=_("disabled reason"), max_length=300, blank=True
    )
    # The receiver looks down (5xx, timeouts): nothing is tried before `blocked_until`, so a
    # night's thousands of deliveries wait together instead of each timing out in turn.
    consecutive_failures = models.PositiveIntegerField(
        verbose_name=_("consecutive failures"), default=0
    )
    blocked_until = models.DateTimeField(verbose_name=_("blocked until"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("lender webhook endpoint")
        verbose_name_plural = _("lender webhook endpoints")

    def __str__(self) -> str:
        return self.name

    def subscribes_to(self, kind: str) -> bool:
        return not self.event_kinds or kind in self.event_kinds


class LenderEvent(models.Model):
    """Something that happened, written in the transaction that made it happen (the outbox
    pattern): it exists if and only if the change committed."""

    Kind = LenderEventKind

    # The id the receiver sees (X-Event-Id, "id"): the same on every try and every replay.
    uuid = models.UUIDField(
        verbose_name=_("event ID"), default=uuid.uuid4, unique=True, editable=False
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=40, choices=LenderEventKind.choices)
    payload = models.JSONField(verbose_name=_("payload"), default=dict, encoder=DjangoJSONEncoder)
    case = models.ForeignKey(
        CollectionCase,
        verbose_name=_("case"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Not indexed: nothing looks events up by loan, and a night writes tens of thousands.
    loan = models.ForeignKey(
        Loan,
        verbose_name=_("loan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # One fact, one event: the same fact told twice (a retried service) is stored once.
    dedupe_key = models.CharField(verbose_name=_("deduplication key"), max_length=200, unique=True)
    occurred_at = models.DateTimeField(verbose_name=_("occurred at"), default=timezone.now)

    class Meta:
        verbose_name = _("lender event")
        verbose_name_plural = _("lender events")

    def __str__(self) -> str:
        return f"{self.kind} {self.uuid}"


class LenderEventDelivery(models.Model):
    """One event to one endpoint. Unique per pair: a retry or a replay sends the same event id
    again, never a second delivery the receiver would take as new."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    # Indexed by the unique (event, endpoint) and the (endpoint, ...) indexes below: an index of
    # each foreign key alone would only slow the night's inserts.
    event = models.ForeignKey(
        LenderEvent,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="deliveries",
        db_index=False,
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("endpoint"),
        on_delete=models.CASCADE,
        related_name="deliveries",
        db_index=False,
    )
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # Claims so far: the attempt number of the latest try, and the claim's fencing token.
    attempts = models.PositiveSmallIntegerField(verbose_name=_("attempts"), default=0)
    # Tries allowed up to this attempt number (a replay gives a fresh allowance).
    attempt_limit = models.PositiveSmallIntegerField(verbose_name=_("attempt limit"), default=0)
    next_attempt_at = models.DateTimeField(verbose_name=_("next attempt at"), default=timezone.now)
    claimed_at = models.DateTimeField(verbose_name=_("claimed at"), null=True, blank=True)
    delivered_at = models.DateTimeField(verbose_name=_("delivered at"), null=True, blank=True)
    last_error = models.TextField(verbose_name=_("last error"), blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now)
    replayed_at = models.DateTimeField(verbose_name=_("replayed at"), null=True, blank=True)
    replayed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replayed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("lender event delivery")
        verbose_name_plural = _("lender event deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "endpoint"], name="lender_delivery_per_endpoint"
            )
        ]
        indexes = [
            # The senders' query: an endpoint's queued rows by due time. Partial, so it stays
            # small, and per endpoint, so one endpoint's backlog is never scanned for another's.
            models.Index(
                fields=["endpoint", "next_attempt_at"],
                condition=models.Q(status="queued"),
                name="lender_delivery_due_idx",
            ),
            models.Index(
                fields=["claimed_at"],
                condition=models.Q(status="sending"),
                name="lender_delivery_sending_idx",
            ),
            models.Index(fields=["endpoint", "status"]),
        ]
        permissions = [
            ("replay_lendereventdelivery", "Can replay a delivery to the lender"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint_id} ({self.status})"


class LenderEventAttempt(models.Model):
    """One try: written before the request leaves, finished with what the receiver said. A row
    left unfinished is a worker that died mid-send (the sweeper says so on it)."""

    delivery = models.ForeignKey(  # indexed by the unique (delivery, number)
        LenderEventDelivery,
        verbose_name=_("delivery"),
        on_delete=models.CASCADE,
        related_name="attempt_rows",
        db_index=False,
    )
    number = models.PositiveSmallIntegerField(verbose_name=_("attempt number"))
    started_at = models.DateTimeField(verbose_name=_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(verbose_name=_("finished at"), null=True, blank=True)
    http_status = models.PositiveSmallIntegerField(
        verbose_name=_("HTTP status"), null=True, blank=True
    )
    response_excerpt = models.TextField(verbose_name=_("response (excerpt)"), blank=True)
    error = models.TextField(verbose_name=_("error"), blank=True)

    class Meta:
        verbose_name = _("lender event attempt")
        verbose_name_plural = _("lender event attempts")
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="lender_attempt_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"

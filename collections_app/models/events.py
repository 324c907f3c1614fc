"""The append-only audit trail of a case: every transition, contact, payment, promise and note."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from collections_app.models.cases import CollectionCase
from collections_app.states import CaseState


def _stage(value: str) -> str:
    """A stage by its label, in the reader's language (a value we do not know, as it is)."""
    try:
        return str(CaseState(value).label)
    except ValueError:
        return value


class AppendOnlyError(Exception):
    """Audit rows are never changed or removed."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError("CaseEvent rows are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("CaseEvent rows are append-only")

    def redact(self, **kwargs: object) -> int:
        """The one change audit rows allow: the retention purge (services/retention.py) blanks
        the personal data in them once their retention period is over. The row, its kind, its
        stages and its time stay, so the timeline still says what happened."""
        return super().update(**kwargs)


class CaseEvent(models.Model):
    class Kind(models.TextChoices):
        OPENED = "opened", _("Case opened")
        TRANSITION = "transition", _("Transition")
        NOTE = "note", _("Note")
        CONTACT = "contact", _("Contact")
        REPLY = "reply", _("Borrower reply")
        PAYMENT = "payment", _("Payment")
        PROMISE = "promise", _("Promise to pay")
        PLAN = "plan", _("Payment plan")
        ASSIGNMENT = "assignment", _("Assignment")
        COMPLIANCE = "compliance", _("Compliance")
        CONSENT = "consent", _("Consent / hold")
        LEGAL = "legal", _("Legal referral proposal")
        # What the lender's systems changed: contact details, the amount overdue, a charge-off.
        LENDER = "lender", _("Lender's data")
        REVERSAL = "reversal", _("Payment reversed")
        DISPUTE = "dispute", _("Dispute")
        # An agent's call and its wrap-up (services/calls.py).
        CALL = "call", _("Call")
        SETTLEMENT = "settlement", _("Settlement")
        PAYMENT_LINK = "payment_link", _("Payment link")

    case = models.ForeignKey(
        CollectionCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=Kind.choices)
    from_state = models.CharField(verbose_name=_("from state"), max_length=20, blank=True)
    to_state = models.CharField(verbose_name=_("to state"), max_length=20, blank=True)
    # Null actor means the system (nightly run, webhook, worker).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    reason = models.TextField(verbose_name=_("reason"), blank=True)
    data = models.JSONField(
        verbose_name=_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [
            models.Index(fields=["case", "created_at"]),
            # The "new replies" queue reads recent replies across all cases.
            models.Index(fields=["kind", "created_at"], name="caseevent_kind_created_idx"),
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        if self.kind == self.Kind.TRANSITION:
            return f"{_stage(self.from_state)} → {_stage(self.to_state)}"
        return self.get_kind_display()

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AppendOnlyError("CaseEvent rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("CaseEvent rows are append-only")

    @property
    def actor_label(self) -> str:
        return self.actor.get_username() if self.actor_id else gettext("system")

"""A legal referral the nightly run proposes and a person with the legal role decides."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from collections_app.models.cases import CollectionCase


class LegalProposal(models.Model):
    """Until the legal stage exists, a policy rule may only propose legal. The case stays in
    escalation; approving performs `refer_to_legal`, and only then is the borrower told."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved: referred")
        REJECTED = "rejected", _("Rejected")
        # The case left escalation another way (paid, paused, negotiating) before a decision.
        WITHDRAWN = "withdrawn", _("Withdrawn")

    case = models.ForeignKey(
        CollectionCase,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="legal_proposals",
    )
    status = models.CharField(
        verbose_name=_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    rule = models.CharField(
        verbose_name=_("rule"), max_length=64, help_text=_("The policy rule that proposed it.")
    )
    policy_key = models.CharField(verbose_name=_("policy"), max_length=64)
    policy_version = models.PositiveIntegerField(verbose_name=_("policy version"))
    policy_variant = models.CharField(verbose_name=_("policy variant"), max_length=32, blank=True)
    # What the legal officer works from: segment and its reasons, days past due, amount, days
    # since contact and in stage, and how the borrower was reached.
    reasons = models.JSONField(
        verbose_name=_("reasons"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    run_date = models.DateField(verbose_name=_("run date"), null=True, blank=True)
    proposed_at = models.DateTimeField(verbose_name=_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(verbose_name=_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(verbose_name=_("decision reason"), blank=True)

    class Meta:
        verbose_name = _("legal proposal")
        verbose_name_plural = _("legal proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="proposed"),
                name="one_open_legal_proposal_per_case",
            )
        ]
        indexes = [models.Index(fields=["status", "proposed_at"], name="legalproposal_queue_idx")]
        permissions = [
            ("approve_legal_referral", "Can approve or reject a proposed legal referral"),
        ]

    def __str__(self) -> str:
        return gettext("Legal proposal %(id)s for case %(case)s (%(status)s)") % {
            "id": self.pk,
            "case": self.case_id,
            "status": self.get_status_display(),
        }

"""Collection policies: which stage a case belongs in, what to send, and the segment rules.

One row per (key, variant, version). Rows are never edited in place: a change saved in admin
writes a new version (services/policies.py), and every automated CaseEvent records the version and
the rule that acted, so last month's decisions can still be explained with last month's rules.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collections_app.models.choices import Segment

CHAMPION = "champion"


class CollectionPolicy(models.Model):
    key = models.SlugField(
        verbose_name=_("key"), max_length=64, help_text=_("e.g. us-default; its variants share it.")
    )
    variant = models.SlugField(
        verbose_name=_("variant"),
        max_length=32,
        default=CHAMPION,
        help_text=_("'champion', or a challenger's name (e.g. fast-escalation)."),
    )
    version = models.PositiveIntegerField(verbose_name=_("version"), default=1)
    is_current = models.BooleanField(verbose_name=_("current"), default=True)
    name = models.CharField(verbose_name=_("name"), max_length=200)
    # Scope: blank means "any". The most specific current champion that matches a case wins.
    jurisdiction = models.CharField(verbose_name=_("jurisdiction"), max_length=16, blank=True)
    product = models.CharField(
        verbose_name=_("product"),
        max_length=64,
        blank=True,
        help_text=_("Loan.product, blank: any."),
    )
    segment = models.CharField(
        verbose_name=_("segment"),
        max_length=20,
        choices=Segment.choices,
        blank=True,
        help_text=_("Blank: any segment."),
    )
    traffic_percent = models.PositiveSmallIntegerField(
        verbose_name=_("traffic share (%)"),
        default=0,
        help_text=_("Challengers only: share of the champion's cases (0-100) they take instead."),
    )
    # {"lookback_days": 30, "rules": [{segment, signal, op, value, weight}], "thresholds": {...},
    #  "priority": [...], "default": "self_cure"}; see policies/segmentation.py.
    segmentation = models.JSONField(verbose_name=_("segmentation rules"), default=dict)
    # {"reminder": {"entry": [rules], "cadence": [steps]}, "negotiation": {...}, ...};
    # see policies/stages.py.
    stages = models.JSONField(verbose_name=_("stage rules"), default=dict)
    # {"grace_days": 2, "kept_threshold_percent": 90, "follow_up": [steps]}: when a promise to
    # pay is kept or broken, and what is sent when it is broken; see policies/promises.py.
    # A missing key reads as the shipped default.
    promises = models.JSONField(verbose_name=_("promise rules"), default=dict, blank=True)
    # {"plans": {...}, "settlements": {...}, "segments": {...}}: the payment plans agents may
    # offer and the settlement discount each role may give; see policies/payment_terms.py.
    # A missing key reads as the shipped default.
    payment_terms = models.JSONField(verbose_name=_("payment terms"), default=dict, blank=True)
    # {"per_borrower": true}: one message for a borrower's cases due the same step on the same
    # day, not one per loan; see policies/outreach.py (off when missing).
    outreach = models.JSONField(verbose_name=_("outreach settings"), default=dict, blank=True)
    # {"sms": "email", ...}: the channel unreachable cases are switched to.
    channel_switch = models.JSONField(verbose_name=_("channel switch"), default=dict, blank=True)
    default_time_zone = models.CharField(
        verbose_name=_("default time zone"),
        max_length=64,
        blank=True,
        help_text=_("When neither the borrower nor the phone says."),
    )
    change_note = models.CharField(verbose_name=_("change note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("collection policy")
        verbose_name_plural = _("collection policies")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "variant", "version"], name="one_policy_per_version"
            ),
            models.UniqueConstraint(
                fields=["key", "variant"],
                condition=models.Q(is_current=True),
                name="one_current_policy_per_variant",
            ),
        ]

    def __str__(self) -> str:
        variant = "" if self.variant == CHAMPION else f" [{self.variant}]"
        return f"{self.key}{variant} v{self.version}"

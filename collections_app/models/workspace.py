"""What the agent workspace needs to know about people: who works which cases, who saw what."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import lazystr
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from collections_app.models.borrowers import Borrower
from collections_app.models.cases import CollectionCase
from collections_app.validators import validate_e164, validate_time_zone

# The workspace's languages, each named in its own language as a language menu names them (read
# by someone who may not read the current one): the same on every screen, so never translated,
# and lazy like every other label.
WORKSPACE_LANGUAGES = [(code, lazystr(name)) for code, name in settings.LANGUAGES]


class AgentProfile(models.Model):
    """Which cases automatic assignment may give an agent. Empty lists mean "any"."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="agent_profile",
    )
    jurisdictions = models.JSONField(
        verbose_name=_("jurisdictions"),
        default=list,
        blank=True,
        help_text=_('Jurisdiction codes, e.g. ["US"]. Empty: any.'),
    )
    languages = models.JSONField(
        verbose_name=_("languages"),
        default=list,
        blank=True,
        help_text=_('Language codes, e.g. ["en", "zh-Hans"]. Empty: any.'),
    )
    accepts_cases = models.BooleanField(
        verbose_name=_("takes new cases"),
        default=True,
        help_text=_("Off while on leave: automatic assignment skips this agent."),
    )
    # Click-to-call rings this number first, then bridges the borrower (services/calls.py).
    phone = models.CharField(
        verbose_name=_("phone"),
        max_length=20,
        blank=True,
        validators=[validate_e164],
        help_text=_("The agent's own phone for click-to-call, E.164."),
    )
    # The workspace in the person's own language and clock (collections_app/web/locale.py).
    language = models.CharField(
        _("workspace language"),
        max_length=10,
        blank=True,
        choices=WORKSPACE_LANGUAGES,
        help_text=_("Empty: the language the browser asks for."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_(
            "Times on screen are shown in this zone, e.g. Asia/Shanghai. Empty: the server's."
        ),
    )

    class Meta:
        verbose_name = _("agent profile")
        verbose_name_plural = _("agent profiles")
        permissions = [
            ("view_team_dashboard", "Can see the supervisor view (each agent's cases and week)")
        ]

    def __str__(self) -> str:
        return gettext("profile of %(user)s") % {"user": self.user}

    def serves(self, *, jurisdiction: str, language: str) -> bool:
        return (not self.jurisdictions or jurisdiction in self.jurisdictions) and (
            not self.languages or language in self.languages
        )


class PiiAccessLog(models.Model):
    """One row each time a person was shown a borrower's unmasked phone or email.

    Written only by services.pii.pii_reveal. A table of its own rather than CaseEvent: a
    borrower page has no case, and one row per page view would drown the case timeline agents
    read."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT
    )
    # Empty for an address shown that belongs to no borrower we know (a stored webhook from an
    # unknown number): the path says what was shown.
    borrower = models.ForeignKey(
        Borrower,
        verbose_name=_("borrower"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pii_views",
    )
    case = models.ForeignKey(
        CollectionCase, verbose_name=_("case"), on_delete=models.PROTECT, null=True, blank=True
    )
    fields = models.CharField(
        verbose_name=_("fields shown"),
        max_length=100,
        help_text=_("Which fields were shown, e.g. phone,email"),
    )
    path = models.CharField(verbose_name=_("page"), max_length=300, blank=True)
    viewed_at = models.DateTimeField(verbose_name=_("viewed at"), default=timezone.now)

    class Meta:
        verbose_name_plural = _("PII access logs")
        verbose_name = _("PII access log")
        indexes = [
            models.Index(fields=["borrower", "viewed_at"]),
            models.Index(fields=["user", "viewed_at"]),
        ]

    def __str__(self) -> str:
        return gettext("%(user)s saw %(fields)s of borrower %(borrower)s") % {
            "user": self.user,
            "fields": self.fields,
            "borrower": self.borrower_id,
        }

"""Contact rules (jurisdiction profiles), holds, and the contact ledger the gate reads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from collections_app.masking import mask_address
from collections_app.models.borrowers import Borrower
from collections_app.models.cases import CollectionCase
from collections_app.models.choices import Channel
from collections_app.models.loans import MONEY
from collections_app.validators import validate_e164


class CollectorRole(models.TextChoices):
    """Who collects under a profile: the creditor itself, or a debt collector for others."""

    FIRST_PARTY = "first_party", _("First party (the creditor)")
    THIRD_PARTY = "third_party", _("Third party (a debt collector)")


class JurisdictionProfile(models.Model):
    """The contact rules of one jurisdiction, one row per version.

    Rows are never edited in place: saving a change in admin writes a new version, and every
    decision records the version it applied. Empty caps mean "no such cap in this jurisdiction".
    """

    class CallCounting(models.TextChoices):
        """How the 7-day call rules count (1006.14(b)(2)): as the rule does, or more strictly."""

        CALENDAR_DAYS = "calendar_days", _("Calendar days, as the rule counts")
        ROLLING_HOURS = "rolling_hours", _("Rolling 7 x 24 hours, every call counted")

    code = models.CharField(
        verbose_name=_("code"), max_length=16, help_text=_("CN, US, or a custom code.")
    )
    version = models.PositiveIntegerField(verbose_name=_("version"), default=1)
    name = models.CharField(verbose_name=_("name"), max_length=100)
    is_current = models.BooleanField(verbose_name=_("current"), default=True)
    window_start = models.TimeField(
        verbose_name=_("allowed hours from"),
        help_text=_("Earliest local time a contact may start."),
    )
    window_end = models.TimeField(
        verbose_name=_("allowed hours until"),
        help_text=_("Contacts must start before this local time."),
    )
    max_call_attempts_per_debt_7d = models.PositiveSmallIntegerField(
        verbose_name=_("call attempts per debt in 7 days (cap)"),
        null=True,
        blank=True,
        help_text=_("Call attempts per debt in any 7 consecutive days."),
    )
    call_cooldown_after_conversation_days = models.PositiveSmallIntegerField(
        verbose_name=_("days without calls after a conversation"),
        null=True,
        blank=True,
        help_text=_("Days without calls after a phone conversation."),
    )
    max_call_attempts_per_person_7d = models.PositiveSmallIntegerField(
        verbose_name=_("call attempts per person in 7 days (cap)"),
        null=True,
        blank=True,
        help_text=_(
            "Call attempts to the borrower across all of their debts in any 7 consecutive days "
            "(a policy cap; the law's cap is per debt)."
        ),
    )
    call_counting = models.CharField(
        verbose_name=_("call counting"),
        max_length=16,
        choices=CallCounting.choices,
        default=CallCounting.CALENDAR_DAYS,
        help_text=_(
            "Calendar days: as Regulation F counts (dates in the borrower's time zone, the day "
            "of a conversation is day one, calls that never connected to the number are not "
            "counted). Rolling hours: 7 x 24 hours back from each call, every call counted "
            "(stricter)."
        ),
    )
    max_connected_calls_per_day = models.PositiveSmallIntegerField(
        verbose_name=_("connected calls per day (cap)"),
        null=True,
        blank=True,
        help_text=_("Connected calls per borrower per local day."),
    )
    max_unanswered_calls_per_number_day = models.PositiveSmallIntegerField(
        verbose_name=_("unanswered calls per number per day (cap)"),
        null=True,
        blank=True,
        help_text=_("Unanswered call attempts per number per local day."),
    )
    max_messages_per_day = models.PositiveSmallIntegerField(
        verbose_name=_("messages per day (cap)"),
        null=True,
        blank=True,
        help_text=_("SMS + email per borrower per local day (custom rule)."),
    )
    requires_opt_out_notice = models.BooleanField(
        verbose_name=_("opt-out notice required"),
        default=True,
        help_text=_("Every SMS and email must say how to opt out."),
    )
    opt_out_keywords = models.JSONField(
        verbose_name=_("opt-out keywords"),
        default=list,
        help_text=_("Reply words that end the channel (case-insensitive)."),
    )
    blackout_dates = models.JSONField(
        verbose_name=_("no-contact dates"),
        default=list,
        blank=True,
        help_text=_("Local dates (YYYY-MM-DD) with no contact at all."),
    )
    third_party_contact_allowed = models.BooleanField(
        verbose_name=_("third-party contact allowed"), default=False
    )
    # US: 15 USC 1692g(b) / Reg F 12 CFR 1006.34 set no deadline for the answer, only that
    # collection of a disputed debt stops until verification is mailed: 30 days is a business
    # SLA. CN: no collection rule sets one; 15 days follows the complaint-handling deadline
    # financial institutions apply (a default, set per profile).
    dispute_response_days = models.PositiveSmallIntegerField(
        verbose_name=_("days to answer a dispute"),
        default=30,
        help_text=_("Days after a dispute is received by which it must be answered (the SLA)."),
    )
    # Third party: the validation notice (12 CFR 1006.34) is owed and every communication says
    # it is from a debt collector (1006.18(e)); the validation period stops demands meanwhile.
    collector_role = models.CharField(
        verbose_name=_("who collects"),
        max_length=12,
        choices=CollectorRole.choices,
        default=CollectorRole.FIRST_PARTY,
        help_text=_(
            "Third party: the validation notice is sent and every message says it is from a "
            "debt collector."
        ),
    )
    # Read on every agent's call once the borrower is verified (US: 15 U.S.C. 1692e(11)).
    requires_call_disclosure = models.BooleanField(
        verbose_name=_("call disclosure required"),
        default=False,
        help_text=_(
            "Calls must say they are an attempt to collect a debt (the call script's disclosure)."
        ),
    )
    # US: 12 CFR 1006.100(a), records kept three years after the last collection activity on
    # the debt. CN: three years too, the general limitation period (Civil Code art. 188) within
    # which a complaint or a claim about the collection can come, and no longer than needed
    # (PIPL art. 19). After it, services/retention.py removes the personal data.
    retention_years = models.PositiveSmallIntegerField(
        verbose_name=_("years records are kept"),
        default=3,
        help_text=_(
            "Years after a debt's last collection activity before its personal data is removed."
        ),
    )
    # Statute of limitations (compliance/limitations.py reads it; profile_validation checks it).
    limitation_rules = models.JSONField(
        verbose_name=_("statute of limitations"),
        default=dict,
        blank=True,
        help_text=_(
            "Years a debt may be sued on, per state or region and by default, and the event the "
            "period runs from (JSON). A debt no rule covers is treated as time-barred for suits."
        ),
    )
    # Consent (issue 16). TCPA, 47 U.S.C. 227(b)(1)(A)(iii): an artificial or prerecorded voice
    # to a mobile number needs the prior express consent the lender recorded for that number.
    prerecorded_voice_needs_consent = models.BooleanField(
        verbose_name=_("prerecorded calls to mobiles need consent"),
        default=False,
        help_text=_(
            "Automated (prerecorded or artificial voice) calls to a number not recorded as a "
            "landline need the prior express consent the lender recorded for it; without it only "
            "an agent may call."
        ),
    )
    calls_recorded = models.BooleanField(
        verbose_name=_("calls recorded"),
        default=False,
        help_text=_("Calls in this jurisdiction are recorded (automated and agents' calls)."),
    )
    recording_disclosure_regions = models.JSONField(
        verbose_name=_("recording disclosure regions"),
        default=list,
        blank=True,
        help_text=_(
            'Regions (state or province, e.g. "CA") where a recorded call must say so at its '
            'start; "*" for every region.'
        ),
    )
    consent_exception_frequency = models.BooleanField(
        verbose_name=_("consent lifts the call frequency limits"),
        default=False,
        help_text=_(
            "Calls the borrower agreed to directly within the last 7 days are not held to the "
            "7-calls-in-7-days and conversation limits (12 CFR 1006.14(b)(3)(i))."
        ),
    )
    consent_exception_hours = models.BooleanField(
        verbose_name=_("consent allows contact outside the allowed hours"),
        default=False,
        help_text=_(
            "A time the borrower agreed to may be outside the allowed hours (CN guideline: "
            '"unless the debtor agreed").'
        ),
    )
    sources = models.TextField(
        verbose_name=_("sources"), blank=True, help_text=_("Where each number comes from.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("jurisdiction profile")
        verbose_name_plural = _("jurisdiction profiles")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="one_profile_per_version"),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(is_current=True),
                name="one_current_profile_per_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class ContactHold(models.Model):
    """Something that stops or limits contact, with where and when it came from."""

    class Kind(models.TextChoices):
        CEASE_COMMUNICATION = "cease_communication", _("Cease communication")
        DISPUTE = "dispute", _("Dispute (until answered)")
        BANKRUPTCY = "bankruptcy", _("Bankruptcy")
        DECEASED = "deceased", _("Deceased")
        ATTORNEY = "attorney", _("Represented by an attorney")
        NO_CALLS_AT_WORK = "no_calls_at_work", _("Do not call at work")

    borrower = models.ForeignKey(
        Borrower, verbose_name=_("borrower"), on_delete=models.CASCADE, related_name="holds"
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=30, choices=Kind.choices)
    source = models.CharField(
        verbose_name=_("source"),
        max_length=100,
        help_text=_("Who told us: borrower, agent, court..."),
    )
    note = models.TextField(verbose_name=_("note"), blank=True)
    attorney_contact = models.CharField(
        verbose_name=_("attorney's contact details"), max_length=300, blank=True
    )
    # Where communication about the debt goes instead of the borrower (12 CFR 1006.6(b)(2)):
    # the agent desktop shows them on every case of the borrower; the gate refuses the borrower.
    attorney_phone = models.CharField(
        verbose_name=_("attorney's phone"),
        max_length=20,
        blank=True,
        validators=[validate_e164],
        help_text=_("E.164, e.g. +14155550100"),
    )
    attorney_email = models.EmailField(verbose_name=_("attorney's email"), blank=True)
    bankruptcy_case_number = models.CharField(
        verbose_name=_("bankruptcy case number"), max_length=60, blank=True
    )
    work_phone = models.CharField(
        verbose_name=_("work phone"),
        max_length=20,
        blank=True,
        help_text=_("For do-not-call-at-work."),
    )
    recorded_at = models.DateTimeField(verbose_name=_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    released_at = models.DateTimeField(verbose_name=_("released at"), null=True, blank=True)
    released_reason = models.CharField(verbose_name=_("release reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("contact hold")
        verbose_name_plural = _("contact holds")
        indexes = [models.Index(fields=["borrower", "released_at"])]
        permissions = [
            # Agents record what the borrower tells them from the case, without the holds admin.
            ("record_hold", "Can record holds and opt-outs from a case"),
            ("release_hold", "Can release a hold from a case"),
        ]

    def __str__(self) -> str:
        return gettext("%(kind)s for borrower %(borrower)s") % {
            "kind": self.get_kind_display(),
            "borrower": self.borrower_id,
        }


class ContactLedger(models.Model):
    """One row per borrower. Sends lock it (SELECT ... FOR UPDATE) so that two workers sending to
    the same borrower at the same moment decide one after the other, and caps hold."""

    borrower = models.OneToOneField(
        Borrower, verbose_name=_("borrower"), on_delete=models.CASCADE, related_name="ledger"
    )
    last_contact_at = models.DateTimeField(verbose_name=_("last contact"), null=True, blank=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("contact ledger")
        verbose_name_plural = _("contact ledgers")

    def __str__(self) -> str:
        return gettext("ledger of borrower %(borrower)s") % {"borrower": self.borrower_id}


class ContactAttempt(models.Model):
    """Every contact attempt and how it ended: what the caps and the segmentation count."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        CONNECTED = "connected", _("Connected conversation")
        UNANSWERED = "unanswered", _("Unanswered")
        # The call never connected to the dialled number (12 CFR 1006.14(b)(3)(ii)): a busy
        # signal, or a number not in service / a call the network could not complete.
        BUSY = "busy", _("Busy signal")
        NOT_CONNECTED = "not_connected", _("Not connected (number not in service)")
        VOICEMAIL = "voicemail", _("Voicemail left")
        # Reserved by the gate but never handed to the provider (error before sending).
        NOT_SENT = "not_sent", _("Not sent")

    borrower = models.ForeignKey(
        Borrower, verbose_name=_("borrower"), on_delete=models.CASCADE, related_name="contacts"
    )
    case = models.ForeignKey(
        CollectionCase,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    # A message retried after a failure has one attempt per try.
    message = models.ForeignKey(
        "collections_app.OutboundMessage",
        verbose_name=_("message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
    )
    channel = models.CharField(verbose_name=_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(verbose_name=_("address"), max_length=254)
    occurred_at = models.DateTimeField(verbose_name=_("occurred at"))
    outcome = models.CharField(
        verbose_name=_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING
    )
    # A notice the law requires (it may pass a cease-communication or dispute hold).
    legally_required = models.BooleanField(verbose_name=_("required by law"), default=False)
    # A call the profile records (its disclosure is said at the start where the profile asks).
    recorded = models.BooleanField(verbose_name=_("recorded"), default=False)

    class Meta:
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")
        indexes = [
            models.Index(fields=["borrower", "occurred_at"]),
            models.Index(fields=["occurred_at"]),
        ]

    def __str__(self) -> str:
        # Masked: a record's name appears in page titles, links and logs, to anyone.
        return gettext("%(channel)s to %(to)s at %(at)s (%(outcome)s)") % {
            "channel": self.get_channel_display(),
            "to": mask_address(self.address),
            "at": self.occurred_at,
            "outcome": self.get_outcome_display(),
        }


class ContactDecision(models.Model):
    """Every decision of the gate, allowed and denied, with the rule and the profile version."""

    borrower = models.ForeignKey(
        Borrower, verbose_name=_("borrower"), on_delete=models.CASCADE, related_name="decisions"
    )
    case = models.ForeignKey(
        CollectionCase,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    message = models.ForeignKey(
        "collections_app.OutboundMessage",
        verbose_name=_("message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    channel = models.CharField(verbose_name=_("channel"), max_length=10, choices=Channel.choices)
    decided_at = models.DateTimeField(verbose_name=_("decided at"))
    allowed = models.BooleanField(verbose_name=_("allowed"))
    rule = models.CharField(verbose_name=_("rule"), max_length=60, blank=True)
    detail = models.CharField(verbose_name=_("detail"), max_length=300, blank=True)
    next_allowed_at = models.DateTimeField(verbose_name=_("next allowed at"), null=True, blank=True)
    profile_code = models.CharField(verbose_name=_("contact rules profile"), max_length=16)
    profile_version = models.PositiveIntegerField(verbose_name=_("profile version"))
    # A notice the law requires, decided as one (it may have passed a collection hold).
    legally_required = models.BooleanField(verbose_name=_("required by law"), default=False)
    required_notice = models.CharField(verbose_name=_("required notice"), max_length=30, blank=True)
    # Allowed only because of a consent the borrower gave (a rule the consent lifts).
    consent_exception = models.ForeignKey(
        "collections_app.ConsentException",
        verbose_name=_("consent exception used"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )

    class Meta:
        verbose_name = _("contact decision")
        verbose_name_plural = _("contact decisions")
        indexes = [
            models.Index(fields=["decided_at"]),
            models.Index(fields=["borrower", "decided_at"]),
        ]
        permissions = [("view_compliance_report", "Can view the compliance report")]

    def __str__(self) -> str:
        if self.allowed:
            text = gettext("%(channel)s to borrower %(borrower)s: allowed")
        else:
            text = gettext("%(channel)s to borrower %(borrower)s: denied by %(rule)s")
        return text % {
            "channel": self.get_channel_display(),
            "borrower": self.borrower_id,
            "rule": self.rule,
        }


class ValidationNotice(models.Model):
    """The validation information of 12 CFR 1006.34 for one debt, as generated from the case:
    the itemization and the dates. `provided_on` is the day it went out (the email sent, the
    letter mailed); the validation period ends on `period_ends_on`."""

    case = models.ForeignKey(
        CollectionCase,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="validation_notices",
    )
    message = models.ForeignKey(
        "collections_app.OutboundMessage",
        verbose_name=_("message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="validation_notices",
    )
    language = models.CharField(verbose_name=_("language"), max_length=10)
    currency = models.CharField(verbose_name=_("currency"), max_length=3)
    itemization_date = models.DateField(verbose_name=_("itemization date"))
    itemization_amount = models.DecimalField(
        verbose_name=_("amount on the itemization date"), **MONEY
    )
    interest_since = models.DecimalField(verbose_name=_("interest since"), **MONEY)
    fees_since = models.DecimalField(verbose_name=_("fees since"), **MONEY)
    payments_since = models.DecimalField(verbose_name=_("payments since"), **MONEY)
    credits_since = models.DecimalField(verbose_name=_("credits since"), **MONEY)
    current_amount = models.DecimalField(verbose_name=_("amount now"), **MONEY)
    provided_on = models.DateField(verbose_name=_("provided on"), null=True, blank=True)
    period_ends_on = models.DateField(
        verbose_name=_("validation period ends on"), null=True, blank=True
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("validation notice")
        verbose_name_plural = _("validation notices")
        indexes = [models.Index(fields=["case", "created_at"])]

    def __str__(self) -> str:
        return gettext("validation notice for case %(case)s") % {"case": self.case_id}

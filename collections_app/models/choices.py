from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    VOICE = "voice", _("Voice call")
    EMAIL = "email", _("Email")


class Language(models.TextChoices):
    ZH_HANS = "zh-Hans", _("Simplified Chinese")
    EN = "en", _("English")


class Jurisdiction(models.TextChoices):
    """Jurisdictions shipped with a contact-rules profile. Compliance can add custom ones."""

    CN = "CN", _("China")
    US = "US", _("United States")


class Segment(models.TextChoices):
    """Behaviour segment, set by the policy engine with its reasons."""

    UNSCORED = "", _("Not scored yet")
    SELF_CURE = "self_cure", _("Self-cure")
    HARDSHIP = "hardship", _("Hardship")
    STRATEGIC = "strategic", _("Strategic (able, unwilling)")
    UNREACHABLE = "unreachable", _("Unreachable")
    DISPUTING = "disputing", _("Disputing")

from django.db import models


class Channel(models.TextChoices):
    SMS = "sms", "SMS"
    VOICE = "voice", "Voice call"
    EMAIL = "email", "Email"


class Language(models.TextChoices):
    ZH_HANS = "zh-Hans", "简体中文"
    EN = "en", "English"


class Jurisdiction(models.TextChoices):
    """Jurisdictions shipped with a contact-rules profile. Compliance can add custom ones."""

    CN = "CN", "China"
    US = "US", "United States"


class Segment(models.TextChoices):
    """Behaviour segment, set by the policy engine with its reasons."""

    UNSCORED = "", "Not scored yet"
    SELF_CURE = "self_cure", "Self-cure"
    HARDSHIP = "hardship", "Hardship"
    STRATEGIC = "strategic", "Strategic (able, unwilling)"
    UNREACHABLE = "unreachable", "Unreachable"
    DISPUTING = "disputing", "Disputing"

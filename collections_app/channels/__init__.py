"""Outreach channels: one small interface, one module per provider (healthchecks' transports).

`get_channel("sms")` returns the provider configured for that channel in settings
(`SMS_PROVIDER`, `VOICE_PROVIDER`; email always goes through Django's EMAIL_BACKEND).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from collections_app.channels.base import Channel, ChannelError, OutgoingMessage

PROVIDERS: dict[str, dict[str, str]] = {
    "sms": {
        "file": "collections_app.channels.local.FileChannel",
        "console": "collections_app.channels.local.ConsoleChannel",
    },
    "voice": {
        "file": "collections_app.channels.local.FileChannel",
        "console": "collections_app.channels.local.ConsoleChannel",
    },
    "email": {"django": "collections_app.channels.email.EmailChannel"},
}
PROVIDERS["sms"]["twilio"] = "collections_app.channels.twilio_sms.TwilioSMSChannel"
PROVIDERS["voice"]["twilio"] = "collections_app.channels.twilio_voice.TwilioVoiceChannel"


def provider_name(kind: str) -> str:
    if kind == "email":
        return "django"
    return {"sms": settings.SMS_PROVIDER, "voice": settings.VOICE_PROVIDER}[kind]


def get_channel(kind: str) -> Channel:
    name = provider_name(kind)
    try:
        path = PROVIDERS[kind][name]
    except KeyError:
        known = ", ".join(sorted(PROVIDERS.get(kind, {})))
        raise ValueError(f"Unknown {kind} provider {name!r} (known: {known})") from None
    return import_string(path)(kind)


__all__ = ["Channel", "ChannelError", "OutgoingMessage", "get_channel"]

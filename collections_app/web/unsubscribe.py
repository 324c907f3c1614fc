"""Email unsubscribe: a signed link in every email and the List-Unsubscribe header.

The token carries the borrower and the channel, signed with SECRET_KEY: holding the link is the
authorisation, so no login and no CSRF token (mail clients' RFC 8058 one-click POST carries
neither). GET only shows a button: link scanners and previews fetch URLs, and must not opt
anyone out.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from collections_app.models import Borrower, ChannelConsent
from collections_app.outreach.links import (  # noqa: F401  (re-exported for callers)
    UNSUBSCRIBE_SALT,
    unsubscribe_token,
    unsubscribe_url,
)
from collections_app.services.consents import consent_opt_out

logger = logging.getLogger(__name__)

# Tokens are made by outreach/links.py (the renderer puts the link in every email).
SALT = UNSUBSCRIBE_SALT
# CAN-SPAM (16 CFR 316.5) wants an opt-out link to work for 30 days after sending; a year lets a
# borrower use the link in any reminder they still have.
TOKEN_MAX_AGE = dt.timedelta(days=365)

# The page is in the borrower's language (not the browser's): drawn under it, from the catalogue.
TEXT = {
    "title": _("Unsubscribe"),
    "confirm": _("Stop emails from %(company)s to %(email)s?"),
    "button": _("Unsubscribe"),
    "done": _("You will no longer receive emails from %(company)s."),
    "invalid": _(
        "This unsubscribe link is not valid or has expired. "
        "Reply to any of our emails with the word UNSUBSCRIBE, or call us."
    ),
}


def _read_token(token: str) -> tuple[Borrower, str] | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict) or data.get("c") != "email":
        return None
    borrower = Borrower.objects.filter(pk=data.get("b")).first()
    return (borrower, data["c"]) if borrower else None


def _page(
    request: HttpRequest, language: str, key: str, status: int = 200, **extra: str
) -> HttpResponse:
    with translation.override(language):
        context = {
            "lang": language,
            "title": str(TEXT["title"]),
            "message": TEXT[key] % {"company": settings.COMPANY_NAME, **extra},
            "button": str(TEXT["button"]) if key == "confirm" else "",
        }
        return render(request, "collections_app/unsubscribe.html", context, status=status)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = _read_token(token)
    if found is None:
        return _page(request, "en", "invalid", status=400)
    borrower, channel = found
    language = "zh-Hans" if borrower.preferred_language == "zh-Hans" else "en"
    if request.method == "GET":
        return _page(request, language, "confirm", email=borrower.email)

    # A one-click POST (body `List-Unsubscribe=One-Click`) and a click on our button land here
    # alike; a second one must not write a second audit row.
    already = ChannelConsent.objects.filter(
        borrower=borrower, channel=channel, status=ChannelConsent.Status.OPTED_OUT
    ).exists()
    if not already:
        consent_opt_out(
            borrower=borrower,
            channel=channel,
            source=ChannelConsent.Source.BORROWER_REPLY,
            requested_at=timezone.now(),
            note="unsubscribe link"
            + (" (one-click)" if request.POST.get("List-Unsubscribe") == "One-Click" else ""),
        )
        logger.info("borrower %s unsubscribed from %s", borrower.pk, channel)
    return _page(request, language, "done")

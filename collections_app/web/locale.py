"""Each person's workspace in their own language and time zone.

Django's LocaleMiddleware picks the browser's language (the `django_language` cookie, then
Accept-Language). For a signed-in person, what they chose on their profile wins
(`AgentProfile.language`, `AgentProfile.time_zone`), and every time on the page is then shown in
their zone (Django converts aware datetimes to the active zone when it renders them).

The choice is read from the profile once per session and kept in the session: a page costs no
extra query. Saving the preferences page updates both; a change made by a supervisor on the
profile applies at the person's next sign-in.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import lru_cache

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SESSION_KEY = (
    "workspace_locale"  # {"language": "zh-hans" or "", "time_zone": "Asia/Shanghai" or ""}
)


def _profile_choice(user: object) -> dict[str, str]:
    from collections_app.models import AgentProfile

    row = (
        AgentProfile.objects.filter(user=user).values("language", "time_zone").first()
        if getattr(user, "pk", None)
        else None
    )
    return {
        "language": (row or {}).get("language", ""),
        "time_zone": (row or {}).get("time_zone", ""),
    }


@lru_cache(maxsize=64)
def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None  # a zone since removed from the tz database: the server's zone


def _language_code(code: str) -> str | None:
    known = {lang for lang, _name in settings.LANGUAGES}
    return code if code in known else None


class WorkspaceLocaleMiddleware:
    """After AuthenticationMiddleware: the signed-in person's language and time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        choice = self._choice(request)
        language = _language_code(choice.get("language", ""))
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        zone = _zone(choice.get("time_zone", "")) if choice.get("time_zone") else None
        if zone is not None:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    @staticmethod
    def _choice(request: HttpRequest) -> dict[str, str]:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return {}
        session = request.session
        choice = session.get(SESSION_KEY)
        if not isinstance(choice, dict):
            choice = _profile_choice(user)
            session[SESSION_KEY] = choice
        return choice


@receiver(user_logged_in)
def _forget_choice_at_sign_in(
    sender: object, request: HttpRequest | None, **kwargs: object
) -> None:
    """A sign-in reads the profile afresh (a supervisor may have changed it since)."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)


def _zone_choices() -> list[tuple[str, str]]:
    return [("", gettext_lazy("The server's zone"))] + [
        (name, name) for name in sorted(zoneinfo.available_timezones())
    ]


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        choices=[("", gettext_lazy("The browser's language")), *settings.LANGUAGES],
    )
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        required=False,
        choices=_zone_choices,
        help_text=gettext_lazy("Every time in the workspace is shown in this zone."),
    )


def preferences_view(request: HttpRequest) -> HttpResponse:
    """A person's own language and time zone (any signed-in staff member)."""
    from collections_app.models import AgentProfile

    current = _profile_choice(request.user)
    form = PreferencesForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        choice = {
            "language": form.cleaned_data["language"],
            "time_zone": form.cleaned_data["time_zone"],
        }
        AgentProfile.objects.update_or_create(user=request.user, defaults=choice)
        request.session[SESSION_KEY] = choice
        language = _language_code(choice["language"]) or translation.get_language_from_request(
            request
        )
        translation.activate(language)  # the confirmation in the language just chosen
        messages.success(request, _("Your language and time zone are saved."))
        response = redirect("workspace_preferences")
        if choice["language"]:  # kept after signing out: the sign-in page in that language
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                choice["language"],
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
            )
        else:
            response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        return response
    context = {
        **admin.site.each_context(request),
        "title": _("Language and time zone"),
        "form": form,
        "server_zone": settings.TIME_ZONE,
    }
    return render(request, "admin/workspace_preferences.html", context)

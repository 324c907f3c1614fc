"""Integration keys for the lender API: created here (the key is shown once, on the page that
answers the form, never stored or sent in a cookie), revoked here, never deleted (the audit
trail names the integration that wrote)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

# Importing it registers the package's own APIKey page, which we do not use: take it away.
from rest_framework_api_key import admin as _package_admin  # noqa: F401
from rest_framework_api_key.models import APIKey

from collections_app.models import IntegrationKey

if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)


@admin.register(IntegrationKey)
class IntegrationKeyAdmin(admin.ModelAdmin):
    list_display = (
        "integration",
        "name",
        "prefix",
        "scope",
        "created",
        "created_by",
        "expiry_date",
        "revoked",
    )
    list_filter = ("scope", "revoked")
    search_fields = ("integration", "name", "prefix")
    list_select_related = ("created_by",)
    actions = ["revoke_keys"]

    def get_fields(self, request: HttpRequest, obj: IntegrationKey | None = None) -> list[str]:
        fields = ["integration", "name", "scope", "expiry_date"]
        return fields if obj is None else ["prefix", *fields, "revoked", "created", "created_by"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: IntegrationKey | None = None
    ) -> tuple[str, ...]:
        if obj is None:
            return ()
        # What a key may do is fixed at creation: a wider scope is a new key, shown once.
        fixed = ("prefix", "integration", "scope", "created", "created_by")
        if obj.revoked:
            return (*fixed, "name", "expiry_date", "revoked")
        return fixed

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        if not self.has_change_permission(request):
            actions.pop("revoke_keys", None)
        return actions

    def save_model(
        self, request: HttpRequest, obj: IntegrationKey, form: object, change: bool
    ) -> None:
        if not change:
            obj.created_by = request.user
            # Kept on the request for response_add only: never saved, logged or in a cookie.
            request._new_integration_key = IntegrationKey.objects.assign_key(obj)  # type: ignore[attr-defined]
        obj.save()

    def response_add(
        self, request: HttpRequest, obj: IntegrationKey, post_url_continue: str | None = None
    ) -> HttpResponse:
        key = getattr(request, "_new_integration_key", None)
        if key is None:  # pragma: no cover - save_model always sets it on an add
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "key": key,
            "title": _("The new key"),
        }
        response = TemplateResponse(
            request, "admin/collections_app/integrationkey/created.html", context
        )
        # The page holds a secret: kept in no cache.
        add_never_cache_headers(response)
        return response

    @admin.action(description=gettext_lazy("Revoke selected keys (cannot be undone)"))
    def revoke_keys(self, request: HttpRequest, queryset: QuerySet[IntegrationKey]) -> None:
        revoked = 0
        for key in queryset.filter(revoked=False):
            key.revoked = True
            key.save(update_fields=["revoked"])
            revoked += 1
        self.message_user(
            request,
            ngettext("%(n)d key revoked.", "%(n)d keys revoked.", revoked) % {"n": revoked},
            messages.SUCCESS,
        )

"""Events back to the lender: the endpoints (a secret shown once, rotated, disabled), what was
sent, each delivery with its tries, and a replay."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collections_app.admin.base import ReadOnlyAdmin
from collections_app.admin.paginator import EstimatedCountPaginator
from collections_app.admin.pii import pretty_json
from collections_app.lender.deliveries import lender_deliveries_replay
from collections_app.lender.endpoints import (
    endpoint_problems,
    webhook_endpoint_create,
    webhook_endpoint_disable,
    webhook_endpoint_enable,
    webhook_endpoint_end_rotation,
    webhook_endpoint_rotate_secret,
)
from collections_app.models import (
    LenderEvent,
    LenderEventAttempt,
    LenderEventDelivery,
    LenderEventKind,
    WebhookEndpoint,
)
from collections_app.phrases import phrase

REPLAY_PERMISSION = "collections_app.replay_lendereventdelivery"
SHOWN_ONCE_TEMPLATE = "admin/collections_app/webhookendpoint/secret.html"


def _link(model: str, pk: object, text: object) -> str:
    return format_html(
        '<a href="{}">{}</a>', reverse(f"admin:collections_app_{model}_change", args=[pk]), text
    )


def _uuid_or_none(term: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(term.strip())
    except ValueError:
        return None


class EndpointForm(forms.ModelForm):
    url = forms.URLField(label=gettext_lazy("URL"), max_length=500, assume_scheme="https")
    event_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Event kinds"),
        choices=LenderEventKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("None ticked: every kind, including kinds added later."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("name", "url", "event_kinds")

    def clean(self) -> dict:
        data = super().clean()
        problems = endpoint_problems(
            url=data.get("url") or "", event_kinds=data.get("event_kinds") or []
        )
        for field, errors in problems.items():
            if field not in self.errors:  # the field's own error (not a URL at all) says enough
                self.add_error(field, errors)
        return data


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = (
        "name",
        "url",
        "is_active",
        "kinds",
        "consecutive_failures",
        "blocked_until",
        "rotating_until",
        "deliveries_link",
    )
    list_filter = ("is_active",)
    search_fields = ("name",)
    actions = ["rotate_secret", "end_rotation", "disable", "enable"]
    readonly_fields = (
        "is_active",
        "secret_set",
        "rotating_until",
        "consecutive_failures",
        "blocked_until",
        "disabled_at",
        "disabled_reason",
        "created_at",
        "created_by",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> tuple[str, ...]:
        return self.readonly_fields if obj is not None else ()

    def get_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return ["name", "url", "event_kinds", *self.get_readonly_fields(request, obj)]

    @admin.display(description=gettext_lazy("Kinds"))
    def kinds(self, endpoint: WebhookEndpoint) -> str:
        return ", ".join(endpoint.event_kinds) or _("every kind")

    @admin.display(description=gettext_lazy("Secret"))
    def secret_set(self, endpoint: WebhookEndpoint) -> str:
        # Never the secret itself: it was shown once, when made.
        return _("set %(when)s (shown once; rotate to get a new one)") % {
            "when": timezone.localtime(endpoint.secret_created_at).strftime("%Y-%m-%d %H:%M %Z")
        }

    @admin.display(description=gettext_lazy("Old secret signs until"))
    def rotating_until(self, endpoint: WebhookEndpoint) -> object:
        if endpoint.previous_secret and endpoint.previous_secret_until:
            return endpoint.previous_secret_until
        return "—"

    @admin.display(description=gettext_lazy("Deliveries"))
    def deliveries_link(self, endpoint: WebhookEndpoint) -> str:
        url = reverse("admin:collections_app_lendereventdelivery_changelist")
        return format_html('<a href="{}?endpoint__id__exact={}">{}</a>', url, endpoint.pk, _("see"))

    def save_model(
        self, request: HttpRequest, obj: WebhookEndpoint, form: forms.ModelForm, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        endpoint, secret = webhook_endpoint_create(
            name=obj.name, url=obj.url, event_kinds=obj.event_kinds, actor=request.user
        )
        obj.pk, obj.secret, obj._state.adding = endpoint.pk, endpoint.secret, False
        request.lender_secrets = [(endpoint, secret)]

    def response_add(
        self, request: HttpRequest, obj: WebhookEndpoint, post_url_continue: str | None = None
    ) -> HttpResponse:
        # The secret is on this page only: not in a message (kept in a cookie or the session).
        return self._show_secrets(
            request, getattr(request, "lender_secrets", []), _("Endpoint created")
        )

    def _show_secrets(self, request: HttpRequest, secrets: list, title: str) -> HttpResponse:
        context = self.admin_site.each_context(request) | {
            "title": title,
            "opts": self.model._meta,
            "secrets": secrets,
        }
        response = TemplateResponse(request, SHOWN_ONCE_TEMPLATE, context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(
        permissions=["change"],
        description=gettext_lazy("Rotate the secret (the old one signs beside it for a while)"),
    )
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        rotated = [
            (endpoint, webhook_endpoint_rotate_secret(endpoint=endpoint))
            for endpoint in queryset.order_by("pk")
        ]
        for endpoint, _secret in rotated:
            self.log_change(request, endpoint, _("Rotated the secret."))
        return self._show_secrets(request, rotated, _("New secrets"))

    @admin.action(
        permissions=["change"],
        description=gettext_lazy("End the rotation: sign with the new secret only"),
    )
    def end_rotation(self, request: HttpRequest, queryset: QuerySet) -> None:
        for endpoint in queryset:
            webhook_endpoint_end_rotation(endpoint=endpoint)
            self.log_change(request, endpoint, _("Ended the secret rotation."))
        self.message_user(request, _("The old secrets no longer sign."), messages.SUCCESS)

    @admin.action(permissions=["change"], description=gettext_lazy("Disable selected endpoints"))
    def disable(self, request: HttpRequest, queryset: QuerySet) -> None:
        reason = phrase("Disabled by %(user)s.", user=request.user.get_username())
        n = sum(webhook_endpoint_disable(endpoint=e, reason=reason) for e in queryset)
        self.message_user(
            request,
            _("%(n)s endpoints disabled; their deliveries wait until they are enabled again.")
            % {"n": n},
            messages.SUCCESS,
        )

    @admin.action(permissions=["change"], description=gettext_lazy("Enable selected endpoints"))
    def enable(self, request: HttpRequest, queryset: QuerySet) -> None:
        n = sum(webhook_endpoint_enable(endpoint=e) for e in queryset)
        self.message_user(
            request,
            _("%(n)s endpoints enabled; what waited is being sent.") % {"n": n},
            messages.SUCCESS,
        )


class DeliveryInline(admin.TabularInline):
    model = LenderEventDelivery
    extra = 0
    can_delete = False
    fields = ("delivery", "endpoint", "status", "attempts", "next_attempt_at", "delivered_at")
    readonly_fields = fields
    show_change_link = False

    @admin.display(description=gettext_lazy("Delivery"))
    def delivery(self, obj: LenderEventDelivery) -> str:
        return _link("lendereventdelivery", obj.pk, obj.pk)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(LenderEvent)
class LenderEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "kind", "uuid", "case_link", "loan_link")
    list_filter = ("kind",)
    search_fields = ("dedupe_key",)
    search_help_text = gettext_lazy("An event id, or a case number.")
    ordering = ("-id",)
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    fields = ("uuid", "kind", "occurred_at", "case_link", "loan_link", "dedupe_key", "data")
    readonly_fields = fields
    inlines = [DeliveryInline]

    @admin.display(description=gettext_lazy("Case"))
    def case_link(self, event: LenderEvent) -> object:
        return _link("collectioncase", event.case_id, event.case_id) if event.case_id else "—"

    @admin.display(description=gettext_lazy("Loan"))
    def loan_link(self, event: LenderEvent) -> object:
        return _link("loan", event.loan_id, event.loan_id) if event.loan_id else "—"

    @admin.display(description=gettext_lazy("Data"))
    def data(self, event: LenderEvent) -> str:
        return pretty_json(event.payload)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        found = _uuid_or_none(term)
        if found is not None:
            return queryset.filter(uuid=found), False
        if term.isdigit():
            return queryset.filter(case_id=int(term)), False
        return queryset.none(), False


class AttemptInline(admin.TabularInline):
    model = LenderEventAttempt
    extra = 0
    can_delete = False
    ordering = ("-number",)
    fields = (
        "number",
        "started_at",
        "finished_at",
        "http_status",
        "error",
        "response_excerpt",
    )
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # The tries are part of the delivery: whoever reads it reads them.
        return request.user.has_perm("collections_app.view_lendereventdelivery")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(LenderEventDelivery)
class LenderEventDeliveryAdmin(ReadOnlyAdmin):
    change_form_template = "admin/collections_app/lendereventdelivery/change_form.html"
    list_display = (
        "id",
        "event_kind",
        "event_link",
        "endpoint",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "error",
    )
    list_filter = ("status", "endpoint", "event__kind")
    list_select_related = ("event", "endpoint")
    search_fields = ("event__dedupe_key",)
    search_help_text = gettext_lazy("An event id.")
    ordering = ("-id",)
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    actions = ["replay"]
    fields = (
        "event_link",
        "event_kind",
        "endpoint",
        "status",
        "attempts",
        "attempt_limit",
        "next_attempt_at",
        "claimed_at",
        "delivered_at",
        "last_error",
        "replayed_at",
        "replayed_by",
        "created_at",
    )
    readonly_fields = fields
    inlines = [AttemptInline]

    @admin.display(description=gettext_lazy("Kind"), ordering="event__kind")
    def event_kind(self, delivery: LenderEventDelivery) -> str:
        return delivery.event.kind

    @admin.display(description=gettext_lazy("Event id"))
    def event_link(self, delivery: LenderEventDelivery) -> str:
        return _link("lenderevent", delivery.event_id, delivery.event.uuid)

    @admin.display(description=gettext_lazy("Last error"))
    def error(self, delivery: LenderEventDelivery) -> str:
        return delivery.last_error[:120]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        found = _uuid_or_none(term)
        return (queryset.filter(event__uuid=found) if found else queryset.none()), False

    def has_replay_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm(REPLAY_PERMISSION)

    @admin.action(
        permissions=["replay"],
        description=gettext_lazy("Replay: send again with the same event id"),
    )
    def replay(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        self._report_replay(
            request, lender_deliveries_replay(delivery_ids=ids, actor=request.user), len(ids)
        )

    def _report_replay(self, request: HttpRequest, replayed: int, selected: int) -> None:
        if replayed:
            self.message_user(
                request,
                _(
                    "%(n)s of %(total)s deliveries queued again with their event ids: a "
                    "receiver that has one already deduplicates it."
                )
                % {"n": replayed, "total": selected},
                messages.SUCCESS,
            )
        if replayed < selected:
            self.message_user(
                request,
                _("%(n)s being sent right now: left alone.") % {"n": selected - replayed},
                messages.WARNING,
            )

    def get_urls(self) -> list[URLPattern]:
        replay = path(
            "<int:delivery_id>/replay/",
            self.admin_site.admin_view(self.replay_view),
            name="collections_app_lendereventdelivery_replay",
        )
        return [replay, *super().get_urls()]

    def replay_view(self, request: HttpRequest, delivery_id: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_replay_permission(request):
            raise PermissionDenied
        delivery = get_object_or_404(LenderEventDelivery, pk=delivery_id)
        replayed = lender_deliveries_replay(delivery_ids=[delivery.pk], actor=request.user)
        self._report_replay(request, replayed, 1)
        return HttpResponseRedirect(
            reverse("admin:collections_app_lendereventdelivery_change", args=[delivery.pk])
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        extra = (extra_context or {}) | {"can_replay": self.has_replay_permission(request)}
        return super().change_view(request, object_id, form_url, extra)

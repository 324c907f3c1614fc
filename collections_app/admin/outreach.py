"""Templates (with preview), the outbox, and manual "send now" from a case."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

from collections_app.admin.pii import PiiFieldsMixin
from collections_app.models import (
    Borrower,
    CollectionCase,
    DeliveryAttempt,
    Loan,
    MessageTemplate,
    OutboundMessage,
)
from collections_app.outreach.dispatch import dispatch_batch
from collections_app.outreach.outbox import manual_key, outbox_enqueue
from collections_app.outreach.rendering import TemplateRenderError, render_template
from collections_app.phrases import shown_text
from collections_app.services.dispute_notices import DISPUTE_NOTICE_KEYS
from collections_app.services.pii import mask_text
from collections_app.web.voice import third_party_safe_message
from collections_app.webhooks import ivr


def preview_case(template: MessageTemplate) -> CollectionCase:
    """An unsaved sample case to render previews with (no real borrower's data on screen)."""
    jurisdiction = "CN" if template.language == "zh-Hans" else "US"
    borrower = Borrower(
        name="王伟" if jurisdiction == "CN" else "Avery Stone",
        phone="+8613800138000" if jurisdiction == "CN" else "+14155550100",
        email="borrower@example.com",
        preferred_language=template.language,
        jurisdiction=jurisdiction,
    )
    loan = Loan(
        external_id="SAMPLE-1",
        borrower=borrower,
        currency="CNY" if jurisdiction == "CN" else "USD",
        principal=1200,
        outstanding_balance=1200,
        due_date=timezone.localdate(),
    )
    case = CollectionCase(
        loan=loan,
        amount_overdue=300,
        overdue_since=timezone.localdate() - timezone.timedelta(days=12),
    )
    # In the template's own stage: legal wording renders only for a case in legal.
    CollectionCase.state.field.set_state(case, template.stage or case.state)
    return case


TEMPLATE_FIELDS = (
    "key",
    "channel",
    "language",
    "stage",
    "subject",
    "body",
    "html_body",
    "threatens_suit",
    "overshadows_validation",
    "is_active",
)


class TemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = TEMPLATE_FIELDS

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        candidate = MessageTemplate(**{k: data.get(k, "") for k in TEMPLATE_FIELDS})
        try:
            render_template(candidate, preview_case(candidate))
        except TemplateRenderError as exc:
            raise forms.ValidationError(
                gettext("This template cannot be rendered: %(error)s") % {"error": exc}
            ) from exc
        return data


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = TemplateForm
    list_display = (
        "key",
        "channel",
        "language",
        "stage",
        "overshadows_validation",
        "is_active",
        "updated_at",
    )
    list_filter = ("channel", "language", "stage", "overshadows_validation", "is_active")
    search_fields = ("key", "body")
    readonly_fields = ("preview",)

    @admin.display(description=gettext_lazy("Preview (sample borrower)"))
    def preview(self, obj: MessageTemplate) -> str:
        if obj.pk is None:
            return gettext("Save to see a preview.")
        try:
            rendered = render_template(obj, preview_case(obj))
        except TemplateRenderError as exc:
            return format_html('<strong style="color:#ba2121">{}</strong>', exc)
        if obj.channel == "voice":
            return _call_preview(obj, rendered.body)
        parts = rendered.sms
        cost = (
            gettext("%(encoding)s, %(units)s units, %(segments)s segment(s)")
            % {"encoding": parts.encoding, "units": parts.units, "segments": parts.segments}
            if parts
            else ""
        )
        return format_html(
            "<div><strong>{}</strong></div><pre style='white-space:pre-wrap'>{}</pre><div>{}</div>",
            rendered.subject,
            rendered.body,
            cost,
        )


def _call_preview(template: MessageTemplate, body: str) -> str:
    """The call as it is heard: this template is only the middle of it (web/voice.py)."""
    borrower = preview_case(template).loan.borrower
    ctx = ivr.CallContext(
        message_id=None,
        language=template.language,
        name=borrower.name,
        company=settings.COMPANY_NAME,
    )
    return format_html(
        gettext(
            "<ol><li>Whoever answers: <q>{identity}</q></li><li>Keypad 1 (the borrower): "
            "<q>{body}</q> then <q>{menu}</q></li><li>Keypad 2: a polite goodbye. No key: the "
            "message below. Neither hears a word about the debt.</li></ol><div>A machine, a "
            "fax, or no key hears only: <q>{safe}</q></div>"
        ),
        identity=ivr.spoken(ctx, "identity"),
        body=body,
        menu=ivr.spoken(ctx, "menu"),
        safe=third_party_safe_message(borrower),
    )


class AttemptInline(PiiFieldsMixin, admin.TabularInline):
    model = DeliveryAttempt
    pii_text_fields = ("error_message",)
    extra = 0
    can_delete = False
    readonly_fields = (
        "number",
        "started_at",
        "finished_at",
        "outcome",
        "provider_id",
        "error_code",
        "error_message",
    )

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboundMessage)
class OutboundMessageAdmin(PiiFieldsMixin, admin.ModelAdmin):
    pii_address_fields = ("to_address",)
    pii_text_fields = ("error_message", "subject", "body", "html_body")
    list_display = (
        "id",
        "case",
        "channel",
        "template_key",
        "status",
        "scheduled_at",
        "sent_at",
        "error_code",
    )
    list_filter = ("status", "channel", "template_key")
    raw_id_fields = ("case", "borrower", "created_by")
    show_full_result_count = False
    inlines = [AttemptInline]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [f.name for f in OutboundMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # through the policy run, or "Send now" on a case

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class SendNowForm(forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"),
        choices=[
            ("sms", gettext_lazy("SMS")),
            ("email", gettext_lazy("Email")),
            ("voice", gettext_lazy("Call")),
        ],
    )
    template_key = forms.ChoiceField(label=gettext_lazy("Template"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        keys = sorted(
            set(MessageTemplate.objects.filter(is_active=True).values_list("key", flat=True))
            # A dispute's notices go from the dispute (they move it on), never by hand.
            - DISPUTE_NOTICE_KEYS
        )
        self.fields["template_key"].choices = [(k, k) for k in keys]


class SendNowMixin:
    """Adds "Send now" to the case admin: the same outbox, the same gate, right away."""

    def get_urls(self) -> list[URLPattern]:
        send = path(
            "<int:case_id>/send/",
            self.admin_site.admin_view(self.send_now_view),
            name="collections_app_collectioncase_send",
        )
        return [send, *super().get_urls()]

    def send_now_view(self, request: HttpRequest, case_id: int) -> HttpResponse:
        if not request.user.has_perm("collections_app.send_manual_message"):
            raise PermissionDenied
        case = get_object_or_404(
            CollectionCase.objects.select_related("loan__borrower"), pk=case_id
        )
        form = SendNowForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            self._send_now(request, case, **form.cleaned_data)
            return HttpResponseRedirect(
                reverse("admin:collections_app_collectioncase_change", args=[case.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Send a message now: case %(case)s") % {"case": case.pk},
            "opts": CollectionCase._meta,
            "original": case,
            "form": form,
        }
        return TemplateResponse(request, "admin/collections_app/send_now.html", context)

    def _send_now(
        self, request: HttpRequest, case: CollectionCase, channel: str, template_key: str
    ) -> None:
        from collections_app.tasks import send_messages

        with transaction.atomic():
            message, _ = outbox_enqueue(
                case=case,
                channel=channel,
                template_key=template_key,
                step="manual",
                scheduled_at=timezone.now(),
                actor=request.user,
                key=manual_key(case),
            )
            result = dispatch_batch(ids=[message.pk])
            if result.allowed:
                transaction.on_commit(lambda: send_messages.delay(result.allowed))
        message.refresh_from_db()
        # The gate's and the provider's words may quote the address: masked for everyone here.
        reason = mask_text(shown_text(message.error_message), (message.to_address,))
        if result.allowed:
            self.message_user(
                request,
                gettext("%(channel)s is being sent.") % {"channel": message.get_channel_display()},
                messages.SUCCESS,
            )
        elif message.status == OutboundMessage.Status.QUEUED:
            self.message_user(
                request,
                gettext("Held by the %(rule)s rule: %(reason)s It will go at %(at)s.")
                % {
                    "rule": message.error_code,
                    "reason": reason,
                    "at": f"{timezone.localtime(message.scheduled_at):%Y-%m-%d %H:%M %Z}",
                },
                messages.WARNING,
            )
        else:
            self.message_user(
                request,
                gettext("Not sent (%(rule)s): %(reason)s")
                % {"rule": message.error_code, "reason": reason},
                messages.ERROR,
            )

"""The disputes: a work list with the due dates (overdue first), and each dispute's page with
its documents and its steps (send the verification, close with the outcome, withdraw).
Disputes are recorded from the case ("Record dispute"); every step calls services/disputes.py."""

from __future__ import annotations

import typing

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collections_app.admin.pii import PiiFieldsMixin
from collections_app.admin.restriction_forms import (
    CloseDisputeForm,
    DisputeDocumentForm,
    SendVerificationForm,
    WithdrawDisputeForm,
)
from collections_app.models import Borrower, Dispute, DisputeDocument, OutboundMessage
from collections_app.phrases import shown_text
from collections_app.services.dispute_notices import IN_FLIGHT
from collections_app.services.disputes import (
    UNRESOLVED,
    dispute_close,
    dispute_document_add,
    dispute_verification_send,
    dispute_withdraw,
)
from collections_app.services.pii import mask_text

CHANGE_DISPUTE = "collections_app.change_dispute"
FORM_TEMPLATE = "admin/collections_app/includes/restriction_form.html"
# Refusals about this channel only: the notice may still go by the other one.
OTHER_CHANNEL_HELPS = frozenset({"opted_out", "no_contact_point", "contact_point_unusable"})


class OverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("response")
    parameter_name = "due"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [
            ("overdue", gettext_lazy("Overdue (open, past its due date)")),
            ("unresolved", gettext_lazy("Not answered yet")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "overdue":
            return queryset.filter(
                status=Dispute.Status.OPEN, response_due_on__lt=timezone.localdate()
            )
        if self.value() == "unresolved":
            return queryset.filter(status__in=UNRESOLVED)
        return queryset


class DocumentInline(admin.TabularInline):
    model = DisputeDocument
    extra = 0
    can_delete = False
    fields = ("download", "description", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("file"))
    def download(self, obj: DisputeDocument) -> str:
        url = reverse("admin:collections_app_dispute_document", args=[obj.dispute_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.name)

    # The documents are the dispute's: whoever may see the dispute sees them.
    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm("collections_app.view_dispute")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Dispute)
class DisputeAdmin(PiiFieldsMixin, admin.ModelAdmin):
    change_form_template = "admin/collections_app/dispute/change_form.html"
    pii_text_fields = ("details", "response")
    list_display = (
        "id",
        "case",
        "borrower_name",
        "kind",
        "status",
        "received_on",
        "due",
        "recorded_by",
    )
    list_filter = (OverdueFilter, "status", "kind", "received_via")
    list_select_related = ("case__loan__borrower", "recorded_by")
    search_fields = ("case__id", "case__loan__external_id", "case__loan__borrower__name")
    raw_id_fields = ("case",)
    inlines = [DocumentInline]
    fields = (
        "case",
        "kind",
        "status",
        "received_on",
        "received_via",
        "details",
        "response_due_on",
        "verification_channel",
        "verification_sent_at",
        "response",
        "response_sent_at",
        "outcome",
        "closed_at",
        "recorded_by",
        "recorded_at",
    )
    readonly_fields = fields

    def pii_borrower(self, obj: Dispute) -> Borrower:
        return obj.case.loan.borrower

    def get_queryset(self, request: HttpRequest) -> QuerySet[Dispute]:
        # Unanswered first, the earliest due (so the overdue ones) at the top.
        return (
            super()
            .get_queryset(request)
            .annotate(
                answered=Case(
                    When(status__in=UNRESOLVED, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("answered", "response_due_on", "pk")
        )

    @admin.display(description=gettext_lazy("borrower"))
    def borrower_name(self, obj: Dispute) -> str:
        return obj.case.loan.borrower.name

    @admin.display(description=gettext_lazy("response due"), ordering="response_due_on")
    def due(self, obj: Dispute) -> str:
        if obj.is_overdue:
            return format_html(
                '<strong class="dispute-overdue">{} ({})</strong>',
                obj.response_due_on.isoformat(),
                _("overdue"),
            )
        return obj.response_due_on.isoformat()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # recorded from the case: "Record dispute"

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Read here; every change is a step (the buttons), through services/disputes.py.
        return False if obj is not None else super().has_change_permission(request, obj)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path(
                "<int:dispute_id>/verify/",
                view(self.verify_view),
                name="collections_app_dispute_verify",
            ),
            path(
                "<int:dispute_id>/close/",
                view(self.close_view),
                name="collections_app_dispute_close",
            ),
            path(
                "<int:dispute_id>/withdraw/",
                view(self.withdraw_view),
                name="collections_app_dispute_withdraw",
            ),
            path(
                "<int:dispute_id>/documents/add/",
                view(self.add_document_view),
                name="collections_app_dispute_add_document",
            ),
            path(
                "<int:dispute_id>/documents/<int:document_id>/",
                view(self.document_view),
                name="collections_app_dispute_document",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, typing.Any] | None = None,
    ) -> HttpResponse:
        context = dict(extra_context or {})
        dispute = Dispute.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if dispute is not None:
            can = request.user.has_perm(CHANGE_DISPUTE)
            pending = dispute.verification_message
            in_flight = pending is not None and pending.status in IN_FLIGHT
            context.update(
                can_verify=can and dispute.status == Dispute.Status.OPEN and not in_flight,
                can_close=can and dispute.status in UNRESOLVED,
                can_add_document=can,
                verification_message=dispute.verification_message,
            )
        return super().change_view(request, object_id, form_url, context)

    # --- the steps

    def _dispute(self, request: HttpRequest, dispute_id: int) -> Dispute:
        if not request.user.has_perm(CHANGE_DISPUTE):
            raise PermissionDenied
        return get_object_or_404(
            Dispute.objects.select_related("case__loan__borrower"), pk=dispute_id
        )

    def _back(self, dispute: Dispute) -> HttpResponseRedirect:
        return HttpResponseRedirect(
            reverse("admin:collections_app_dispute_change", args=[dispute.pk])
        )

    def _page(
        self, request: HttpRequest, dispute: Dispute, form: forms.Form, title: str, help_text: str
    ) -> HttpResponse:
        context = self.admin_site.each_context(request) | {
            "title": title,
            "help_text": help_text,
            "opts": self.model._meta,
            "original": dispute,
            "form": form,
            "form_id": "dispute-step-form",
            "cancel_url": self._back(dispute).url,
        }
        return TemplateResponse(request, FORM_TEMPLATE, context)

    def verify_view(self, request: HttpRequest, dispute_id: int) -> HttpResponse:
        dispute = self._dispute(request, dispute_id)
        borrower = dispute.case.loan.borrower
        form = SendVerificationForm(
            request.POST or None, initial={"channel": "email" if borrower.email else "sms"}
        )
        if request.method == "POST" and form.is_valid():
            try:
                message = dispute_verification_send(
                    dispute=dispute, channel=form.cleaned_data["channel"], actor=request.user
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                self._report_send(request, message)
                return self._back(dispute)
        return self._page(
            request,
            dispute,
            form,
            _("Send the verification: dispute %(id)s") % {"id": dispute.pk},
            _(
                "The verification of the debt goes out through the outbox and the contact rules "
                "(a notice the law requires: the dispute does not stop it). The dispute hold "
                "lifts, and the case resumes, once it has been sent."
            ),
        )

    def _report_send(self, request: HttpRequest, message: OutboundMessage) -> None:
        reason = mask_text(shown_text(message.error_message), (message.to_address,))
        if message.status in (OutboundMessage.Status.SENDING, OutboundMessage.Status.SENT):
            self.message_user(
                request,
                _("The verification is being sent (%(channel)s).")
                % {"channel": message.get_channel_display()},
                messages.SUCCESS,
            )
        elif message.status == OutboundMessage.Status.QUEUED:
            self.message_user(
                request,
                _("Held by the %(rule)s rule: %(reason)s It goes at %(at)s.")
                % {
                    "rule": message.error_code,
                    "reason": reason,
                    "at": f"{timezone.localtime(message.scheduled_at):%Y-%m-%d %H:%M %Z}",
                },
                messages.WARNING,
            )
        else:
            text = _("Not sent (%(rule)s): %(reason)s") % {
                "rule": message.error_code,
                "reason": reason,
            }
            if message.error_code in OTHER_CHANNEL_HELPS:
                text = f"{text} {_('Send it by the other channel.')}"
            self.message_user(request, text, messages.ERROR)

    def close_view(self, request: HttpRequest, dispute_id: int) -> HttpResponse:
        dispute = self._dispute(request, dispute_id)
        form = CloseDisputeForm(request.POST or None, initial={"response": dispute.response})
        if request.method == "POST" and form.is_valid():
            try:
                dispute_close(dispute=dispute, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error.messages)
            else:
                self.message_user(request, _("Dispute closed."), messages.SUCCESS)
                return self._back(dispute)
        return self._page(
            request,
            dispute,
            form,
            _("Close dispute %(id)s") % {"id": dispute.pk},
            _(
                "Rejected: the debt is verified (the verification must have been sent). "
                "Upheld: the borrower is right; the case stays paused for a supervisor to "
                "resolve or write off."
            ),
        )

    def withdraw_view(self, request: HttpRequest, dispute_id: int) -> HttpResponse:
        dispute = self._dispute(request, dispute_id)
        form = WithdrawDisputeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                dispute_withdraw(
                    dispute=dispute, note=form.cleaned_data["note"], actor=request.user
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                self.message_user(request, _("Dispute withdrawn."), messages.SUCCESS)
                return self._back(dispute)
        return self._page(
            request,
            dispute,
            form,
            _("Withdraw dispute %(id)s") % {"id": dispute.pk},
            _("The borrower withdrew the dispute: an open one stops holding the debt."),
        )

    def add_document_view(self, request: HttpRequest, dispute_id: int) -> HttpResponse:
        dispute = self._dispute(request, dispute_id)
        form = DisputeDocumentForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            dispute_document_add(
                dispute=dispute,
                upload=form.cleaned_data["document"],
                description=form.cleaned_data["description"],
                actor=request.user,
            )
            self.message_user(request, _("Document added."), messages.SUCCESS)
            return self._back(dispute)
        return self._page(
            request,
            dispute,
            form,
            _("Add a document: dispute %(id)s") % {"id": dispute.pk},
            _("Stored with the dispute; only people who may see disputes can open it."),
        )

    def document_view(
        self, request: HttpRequest, dispute_id: int, document_id: int
    ) -> FileResponse:
        if not request.user.has_perm("collections_app.view_dispute"):
            raise PermissionDenied
        document = get_object_or_404(DisputeDocument, pk=document_id, dispute_id=dispute_id)
        try:
            handle = document.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404(_("The file is missing from storage.")) from exc
        return FileResponse(handle, as_attachment=True, filename=document.name)

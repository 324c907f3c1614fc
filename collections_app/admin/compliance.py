"""Compliance officers' pages: profiles (versioned), holds, consents, decisions and the report."""

from __future__ import annotations

import csv
import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from collections_app.admin.base import ReadOnlyAdmin
from collections_app.admin.pii import PiiFieldsMixin
from collections_app.compliance.profiles import (
    profile_save_new_version,
    profile_validate,
    profile_values,
)
from collections_app.compliance.report import compliance_report
from collections_app.models import (
    ChannelConsent,
    ConsentException,
    ContactAttempt,
    ContactDecision,
    ContactHold,
    JurisdictionProfile,
    ValidationNotice,
)
from collections_app.services.consent_exceptions import (
    consent_exception_check,
    consent_exception_record,
    consent_exception_revoke,
)
from collections_app.services.consents import (
    consent_opt_in,
    consent_opt_out,
    hold_place,
    hold_release,
)
from collections_app.services.pii import mask_text


class ProfileForm(forms.ModelForm):
    """Refuses, beside the field it is in, a window or cap the gate could not apply or the
    profile's law forbids."""

    class Meta:
        model = JurisdictionProfile
        fields = (
            "code",
            "name",
            "window_start",
            "window_end",
            "max_call_attempts_per_debt_7d",
            "call_cooldown_after_conversation_days",
            "call_counting",
            "max_call_attempts_per_person_7d",
            "max_connected_calls_per_day",
            "max_unanswered_calls_per_number_day",
            "max_messages_per_day",
            "requires_opt_out_notice",
            "opt_out_keywords",
            "blackout_dates",
            "third_party_contact_allowed",
            "dispute_response_days",
            "requires_call_disclosure",
            "retention_years",
            "limitation_rules",
            "collector_role",
            "prerecorded_voice_needs_consent",
            "calls_recorded",
            "recording_disclosure_regions",
            "consent_exception_frequency",
            "consent_exception_hours",
            "sources",
        )

    def clean(self) -> dict:
        data = super().clean()
        values = profile_values(self.instance) | data
        try:
            profile_validate(values)
        except ValidationError as problems:
            for field, messages_ in problems.message_dict.items():
                # A field that already has its own error (not a time, not JSON) keeps only it.
                if field not in self.errors:
                    self.add_error(field if field in self.fields else None, messages_)
        return data


@admin.register(JurisdictionProfile)
class JurisdictionProfileAdmin(admin.ModelAdmin):
    form = ProfileForm
    list_display = ("code", "version", "name", "is_current", "window_start", "window_end")
    list_filter = ("code", "is_current")
    readonly_fields = ("version", "is_current", "created_by", "created_at")

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> tuple[str, ...]:
        # The code names a profile; once saved it is fixed (borrowers point at it).
        return (*self.readonly_fields, "code") if obj else self.readonly_fields

    def has_change_permission(
        self, request: HttpRequest, obj: JurisdictionProfile | None = None
    ) -> bool:
        if obj is not None and not obj.is_current:
            return False  # past versions are history
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: JurisdictionProfile, form: forms.Form, change: bool
    ) -> None:
        profile_save_new_version(profile=obj, actor=request.user)
        self.message_user(
            request,
            gettext("Saved as %(code)s version %(version)s.")
            % {"code": obj.code, "version": obj.version},
            messages.INFO,
        )


class HoldForm(forms.ModelForm):
    class Meta:
        model = ContactHold
        fields = (
            "borrower",
            "kind",
            "source",
            "note",
            "attorney_contact",
            "attorney_phone",
            "attorney_email",
            "bankruptcy_case_number",
            "work_phone",
        )


@admin.register(ContactHold)
class ContactHoldAdmin(PiiFieldsMixin, admin.ModelAdmin):
    form = HoldForm
    pii_address_fields = ("work_phone",)
    pii_text_fields = ("note", "attorney_contact", "released_reason")
    list_display = ("borrower", "kind", "source", "recorded_at", "recorded_by", "released_at")
    list_filter = ("kind", ("released_at", admin.EmptyFieldListFilter))
    raw_id_fields = ("borrower",)
    list_select_related = ("borrower", "recorded_by")
    search_fields = ("borrower__external_id", "borrower__name")
    actions = ["release_holds"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: ContactHold, form: forms.Form, change: bool
    ) -> None:
        saved = hold_place(actor=request.user, **form.cleaned_data)
        obj.pk = saved.pk

    @admin.action(description=_("Release the selected holds"), permissions=["add"])
    def release_holds(self, request: HttpRequest, queryset: QuerySet[ContactHold]) -> None:
        for hold in queryset.filter(released_at__isnull=True):
            hold_release(
                hold=hold, reason=f"Released in admin by {request.user}", actor=request.user
            )
        self.message_user(request, gettext("Released."), messages.SUCCESS)


class ConsentForm(forms.ModelForm):
    class Meta:
        model = ChannelConsent
        fields = ("borrower", "channel", "status", "source", "note")


@admin.register(ChannelConsent)
class ChannelConsentAdmin(PiiFieldsMixin, admin.ModelAdmin):
    form = ConsentForm
    pii_text_fields = ("note",)
    list_display = ("borrower", "channel", "status", "source", "requested_at", "recorded_at")
    list_filter = ("channel", "status", "source")
    raw_id_fields = ("borrower",)
    search_fields = ("borrower__external_id", "borrower__name")

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: ChannelConsent, form: forms.Form, change: bool
    ) -> None:
        data = dict(form.cleaned_data)
        record = (
            consent_opt_out
            if data.pop("status") == ChannelConsent.Status.OPTED_OUT
            else (consent_opt_in)
        )
        saved = record(actor=request.user, **data)
        obj.pk = saved.pk


class ConsentExceptionForm(forms.ModelForm):
    class Meta:
        model = ConsentException
        fields = (
            "borrower",
            "case",
            "kind",
            "channel",
            "given_at",
            "method",
            "valid_from",
            "valid_until",
            "note",
        )


@admin.register(ConsentException)
class ConsentExceptionAdmin(PiiFieldsMixin, admin.ModelAdmin):
    """Recorded through services/consent_exceptions.py (its checks beside the fields); never
    edited: a consent taken back is revoked, and the decisions that used it keep it."""

    form = ConsentExceptionForm
    pii_text_fields = ("note",)
    list_display = (
        "borrower",
        "case",
        "kind",
        "channel",
        "given_at",
        "method",
        "valid_from",
        "valid_until",
        "recorded_by",
        "revoked_at",
    )
    list_filter = ("kind", "method", ("revoked_at", admin.EmptyFieldListFilter))
    raw_id_fields = ("borrower", "case")
    list_select_related = ("borrower", "recorded_by")
    search_fields = ("borrower__external_id", "borrower__name")
    actions = ["revoke_exceptions"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: ConsentException, form: forms.Form, change: bool
    ) -> None:
        saved = consent_exception_record(actor=request.user, **form.cleaned_data)
        obj.pk = saved.pk

    def get_form(
        self, request: HttpRequest, obj: object = None, **kwargs: object
    ) -> type[forms.ModelForm]:
        form_class = super().get_form(request, obj, **kwargs)

        class Checked(form_class):  # type: ignore[valid-type,misc]
            def clean(self) -> dict:
                # The service's checks, beside their fields, before anything is saved.
                data = super().clean()
                if self.errors:
                    return data
                try:
                    consent_exception_check(**data)
                except ValidationError as problems:
                    for field, texts in problems.message_dict.items():
                        self.add_error(field if field in self.fields else None, texts)
                return data

        return Checked

    @admin.action(description=_("Revoke the selected consent exceptions"), permissions=["add"])
    def revoke_exceptions(self, request: HttpRequest, queryset: QuerySet[ConsentException]) -> None:
        for row in queryset.filter(revoked_at__isnull=True):
            consent_exception_revoke(exception=row, actor=request.user)
        self.message_user(request, gettext("Revoked."), messages.SUCCESS)


@admin.register(ContactAttempt)
class ContactAttemptAdmin(PiiFieldsMixin, ReadOnlyAdmin):
    pii_address_fields = ("address",)
    list_display = ("occurred_at", "borrower", "case", "channel", "address", "outcome")
    list_filter = ("channel", "outcome")
    list_select_related = ("borrower",)
    raw_id_fields = ("borrower", "case", "message")
    show_full_result_count = False


class ReportForm(forms.Form):
    start = forms.DateField(label=_("Start"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("End"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(gettext("The start must not be after the end."))
        if data.get("start") and data.get("end") and (data["end"] - data["start"]).days > 366:
            raise forms.ValidationError(gettext("Report at most a year at a time."))
        return data


@admin.register(ContactDecision)
class ContactDecisionAdmin(PiiFieldsMixin, ReadOnlyAdmin):
    pii_text_fields = ("detail",)
    list_display = (
        "decided_at",
        "borrower",
        "case",
        "channel",
        "allowed",
        "rule",
        "legally_required",
        "next_allowed_at",
        "profile_code",
        "profile_version",
    )
    list_filter = ("allowed", "channel", "rule", "legally_required", "profile_code")
    list_select_related = ("borrower",)
    raw_id_fields = ("borrower", "case", "message")
    show_full_result_count = False
    change_list_template = "admin/collections_app/contactdecision/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        report = path(
            "report/",
            self.admin_site.admin_view(self.report_view),
            name="collections_app_compliance_report",
        )
        return [report, *super().get_urls()]

    def report_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("collections_app.view_compliance_report"):
            raise PermissionDenied
        today = timezone.localdate()
        form = ReportForm(request.GET or {"start": today - dt.timedelta(days=30), "end": today})
        report = compliance_report(**form.cleaned_data) if form.is_valid() else None
        if report is not None and request.GET.get("format") == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            name = f"compliance-{report.start}-{report.end}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            writer = csv.writer(response)
            writer.writerow(["section", "key", "value"])
            # An export leaves the log's reach: masked for everyone.
            writer.writerows([mask_text(cell) for cell in row] for row in report.rows())
            return response
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Compliance report"),
            "opts": self.model._meta,
            "form": form,
            "report": report,
            "violations": [(v, mask_text(v.detail)) for v in report.violations] if report else [],
        }
        return TemplateResponse(request, "admin/collections_app/compliance_report.html", context)


@admin.register(ValidationNotice)
class ValidationNoticeAdmin(admin.ModelAdmin):
    """The validation notices generated (services/validation_notices.py): read here; the one
    change is recording a letter mailed (its PDF, dated today, downloaded at the same time)."""

    list_display = (
        "created_at",
        "case",
        "language",
        "current_amount",
        "provided_on",
        "period_ends_on",
    )
    list_select_related = ("case",)
    raw_id_fields = ("case", "message")
    actions = ("mail_letter",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [f.name for f in ValidationNotice._meta.fields]

    @admin.action(
        description=_("Letter (PDF) dated today, recorded as mailed today"),
        permissions=["change"],
    )
    def mail_letter(
        self, request: HttpRequest, queryset: QuerySet[ValidationNotice]
    ) -> HttpResponse | None:
        from collections_app.services.validation_letter import validation_letter_pdf
        from collections_app.services.validation_notices import validation_notice_provided

        if queryset.count() != 1:
            self.message_user(request, gettext("Select one notice."), messages.ERROR)
            return None
        notice = queryset.select_related("case__loan__borrower").get()
        today = timezone.localdate()
        pdf = validation_letter_pdf(notice, today)
        validation_notice_provided(notice, today)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="validation-notice-{notice.case_id}-{today}.pdf"'
        )
        return response

from __future__ import annotations

import typing

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from collections_app.admin.filters import BorrowerJurisdictionFilter
from collections_app.admin.paginator import EstimatedCountPaginator
from collections_app.admin.search import search_borrowers, search_loans
from collections_app.models import Borrower, ChannelConsent, Loan
from collections_app.services.pii import borrower_contact_for, can_view_pii, mask_email, mask_phone

PII_FIELDS = ("phone", "email")


class ChannelConsentInline(admin.TabularInline):
    """Read-only here: consents change through the Channel consents page (audited service)."""

    model = ChannelConsent
    extra = 0
    can_delete = False
    readonly_fields = ("channel", "status", "source", "requested_at", "recorded_at", "note")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class LoanInline(admin.TabularInline):
    model = Loan
    extra = 0
    fields = ("external_id", "currency", "principal", "outstanding_balance", "due_date")
    readonly_fields = fields
    show_change_link = True


@admin.register(Borrower)
class BorrowerAdmin(admin.ModelAdmin):
    list_display = ("external_id", "name", "jurisdiction", "preferred_language", "time_zone")
    list_filter = (BorrowerJurisdictionFilter, "preferred_language")
    search_fields = ("external_id",)  # see get_search_results: exact / prefix, index-served
    search_help_text = "Borrower id, exact phone or email, or the start of the name."
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    inlines = [ChannelConsentInline, LoanInline]

    @admin.display(description="Phone")
    def masked_phone(self, obj: Borrower) -> str:
        return mask_phone(obj.phone)

    @admin.display(description="Email")
    def masked_email(self, obj: Borrower) -> str:
        return mask_email(obj.email)

    def get_fields(self, request: HttpRequest, obj: Borrower | None = None) -> list[str]:
        fields = list(super().get_fields(request, obj))
        if obj is not None and not can_view_pii(request.user):
            # Without view_pii the raw values are neither shown nor editable.
            fields = [f for f in fields if f not in PII_FIELDS]
            fields[2:2] = ["masked_phone", "masked_email"]
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Borrower | None = None) -> list:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not can_view_pii(request.user):
            readonly += ["masked_phone", "masked_email"]
        return readonly

    def get_exclude(self, request: HttpRequest, obj: Borrower | None = None) -> list[str]:
        exclude = list(super().get_exclude(request, obj) or [])
        if obj is not None and not can_view_pii(request.user):
            exclude += PII_FIELDS
        return exclude

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, typing.Any] | None = None,
    ) -> HttpResponse:
        if request.method == "GET" and can_view_pii(request.user):
            borrower = self.get_object(request, unquote(object_id))
            if borrower is not None:
                borrower_contact_for(user=request.user, borrower=borrower, path=request.path)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        return search_borrowers(queryset, search_term), False


@admin.register(Loan)
class LoanAdmin(admin.ModelAdmin):
    list_display = (
        "external_id",
        "borrower",
        "product",
        "currency",
        "principal",
        "outstanding_balance",
        "due_date",
    )
    search_fields = ("external_id",)  # see get_search_results
    search_help_text = "Loan id, or the borrower's exact phone or email or the start of the name."
    list_select_related = ("borrower",)
    raw_id_fields = ("borrower",)
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        return search_loans(queryset, search_term), False

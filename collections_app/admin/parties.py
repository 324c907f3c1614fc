from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from collections_app.admin.borrower_page import BorrowerPageMixin
from collections_app.admin.filters import BorrowerJurisdictionFilter
from collections_app.admin.paginator import EstimatedCountPaginator
from collections_app.admin.pii import PiiFieldsMixin
from collections_app.admin.search import search_borrowers, search_loans
from collections_app.models import Borrower, ChannelConsent, Loan


class ChannelConsentInline(PiiFieldsMixin, admin.TabularInline):
    """Read-only here: consents change through the Channel consents page (audited service)."""

    model = ChannelConsent
    extra = 0
    can_delete = False
    readonly_fields = ("channel", "status", "source", "requested_at", "recorded_at", "note")
    pii_text_fields = ("note",)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Borrower)
class BorrowerAdmin(BorrowerPageMixin, PiiFieldsMixin, admin.ModelAdmin):
    # The change page is the borrower page (borrower_page.py): its loans-and-cases table
    # replaces an inline of the loans.
    # Without view_pii the raw values are neither shown nor editable.
    pii_address_fields = ("phone", "email")
    list_display = ("external_id", "name", "jurisdiction", "preferred_language", "time_zone")
    list_filter = (BorrowerJurisdictionFilter, "preferred_language")
    search_fields = ("external_id",)  # see get_search_results: exact / prefix, index-served
    search_help_text = _("Borrower id, exact phone or email, or the start of the name.")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    inlines = [ChannelConsentInline]
    # The verification digests are not editable fields: no form shows them.
    readonly_fields = ("last_source",)

    def save_model(self, request: HttpRequest, obj: Borrower, form: object, change: bool) -> None:
        obj.last_source = f"admin:{request.user.get_username()}"
        super().save_model(request, obj, form, change)

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
    search_help_text = _(
        "Loan id, or the borrower's exact phone or email or the start of the name."
    )
    list_select_related = ("borrower",)
    raw_id_fields = ("borrower",)
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    # The balance is its parts' sum (Loan.set_balance, held by a database constraint).
    readonly_fields = ("outstanding_balance", "last_source")

    def save_model(self, request: HttpRequest, obj: Loan, form: object, change: bool) -> None:
        obj.set_balance(obj.balance)
        obj.last_source = f"admin:{request.user.get_username()}"
        super().save_model(request, obj, form, change)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        return search_loans(queryset, search_term), False

from django.contrib import admin
from django.http import HttpRequest

from collections_app.models import Borrower, ChannelConsent, Loan


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
    list_filter = ("jurisdiction", "preferred_language")
    search_fields = ("external_id", "name", "phone", "email")
    inlines = [ChannelConsentInline, LoanInline]


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
    search_fields = ("external_id", "borrower__name")
    list_select_related = ("borrower",)
    raw_id_fields = ("borrower",)

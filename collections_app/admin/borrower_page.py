"""The borrower page an agent works from: restrictions first, then who the borrower is (masked
contact points), every loan and case, the money per currency, and one timeline of all their
cases. Read-only: changes go through the case pages and the services they call."""

from __future__ import annotations

import typing
from dataclasses import replace

from django.contrib.admin.utils import unquote
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from collections_app.models import Borrower, CollectionCase
from collections_app.policies.timezones import borrower_zone
from collections_app.selectors.borrower import borrower_overview, borrower_restrictions
from collections_app.selectors.timeline import BORROWER_TIMELINE_MAX_PAGES, borrower_timeline
from collections_app.services.pii import borrower_contact_for, can_view_pii, mask_text

# Built by the holds/disputes work: shown first when it exists; this page's own minimal list
# of holds and opt-outs stands in until then and stays as the detail under it.
RESTRICTIONS_BANNER = "admin/collections_app/includes/restrictions_banner.html"
TIMELINE_PAGE = "timeline_page"


def restrictions_banner_template() -> str | None:
    try:
        get_template(RESTRICTIONS_BANNER)
    except TemplateDoesNotExist:
        return None
    return RESTRICTIONS_BANNER


# The case page lists this many of the borrower's other cases (the borrower page has them all).
OTHER_CASES_LIMIT = 10


def borrower_links_context(case: CollectionCase) -> dict:
    """For the case page: the borrower page's address and the borrower's other cases (open ones
    first), in one query."""
    siblings = CollectionCase.objects.filter(loan__borrower_id=case.loan.borrower_id).exclude(
        pk=case.pk
    )
    others = list(
        siblings.select_related("loan").order_by(F("closed_at").asc(nulls_first=True), "-id")[
            : OTHER_CASES_LIMIT + 1
        ]
    )
    count = len(others) if len(others) <= OTHER_CASES_LIMIT else siblings.count()
    return {
        "borrower_url": reverse(
            "admin:collections_app_borrower_change", args=[case.loan.borrower_id]
        ),
        "borrower_other_cases": others[:OTHER_CASES_LIMIT],
        "borrower_other_cases_count": count,
    }


def _page_number(request: HttpRequest) -> int:
    try:
        page = int(request.GET.get(TIMELINE_PAGE, "1"))
    except ValueError:
        return 1
    return min(max(page, 1), BORROWER_TIMELINE_MAX_PAGES)


class BorrowerPageMixin:
    change_form_template = "admin/collections_app/borrower/borrower_change_form.html"

    def borrower_page_context(self, request: HttpRequest, borrower: Borrower) -> dict:
        overview = borrower_overview(borrower)
        page = _page_number(request)
        timeline, more = borrower_timeline(borrower, overview.case_ids, page=page)
        masked = [
            replace(e, text=mask_text(e.text, (borrower.phone, borrower.email))) for e in timeline
        ]
        quotes_pii = masked != timeline
        if not can_view_pii(request.user):
            timeline = masked
        case_loan = {c.pk: lc.loan.external_id for lc in overview.loans for c in lc.cases}
        rows = [
            {
                "entry": e,
                "cases": [
                    (
                        case_loan.get(case_id, case_id),
                        reverse("admin:collections_app_collectioncase_change", args=[case_id]),
                    )
                    for case_id in (e.case_id, *e.also_cases)
                    if case_id is not None
                ],
            }
            for e in timeline
        ]
        holds, opted_out = borrower_restrictions(borrower)
        return {
            "restrictions_banner_template": restrictions_banner_template(),
            "restrictions_borrower": borrower,
            "borrower_holds": holds,
            "borrower_opted_out": opted_out,
            # Lazy, as on the case page: evaluated (and, when unmasked, logged once for the
            # page, the form's fields and the timeline's quoted addresses included) when drawn.
            "borrower_contact": SimpleLazyObject(
                lambda: borrower_contact_for(
                    user=request.user,
                    borrower=borrower,
                    path=request.path,
                    also_shown=["timeline"] if quotes_pii else [],
                )
            ),
            "borrower_zone": borrower_zone(borrower.time_zone, borrower.phone, ""),
            "borrower_loans": overview.loans,
            "borrower_more_loans": overview.more_loans,
            "borrower_totals": overview.totals,
            "borrower_open_cases": len(overview.open_cases),
            "timeline_rows": rows,
            "timeline_page": page,
            "timeline_next": page + 1 if more and page < BORROWER_TIMELINE_MAX_PAGES else None,
            "timeline_previous": page - 1 if page > 1 else None,
            "timeline_capped": more and page >= BORROWER_TIMELINE_MAX_PAGES,
        }

    def pii_log_view(self, request: HttpRequest, obj: Borrower) -> None:
        """Logged by the page's header (borrower_contact_for), once, like the case page: the
        form below shows the same phone and email."""

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, typing.Any] | None = None,
    ) -> HttpResponse:
        context = dict(extra_context or {})
        borrower = self.get_object(request, unquote(object_id))
        if borrower is not None and self.has_view_or_change_permission(request, borrower):
            context.update(self.borrower_page_context(request, borrower))
        return super().change_view(request, object_id, form_url, context)

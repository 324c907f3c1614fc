"""Legal proposals: what the nightly run proposes, decided by a person with the legal role."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collections_app.admin.base import ReadOnlyAdmin
from collections_app.admin.paginator import EstimatedCountPaginator
from collections_app.models import LegalProposal
from collections_app.services.legal import (
    APPROVE_PERMISSION,
    legal_proposals_approve,
    legal_proposals_reject,
)

# One decision covers at most this many proposals (each referral is its own transaction).
DECIDE_MAX = 500
TEMPLATE = "admin/collections_app/legalproposal/decide.html"


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Kept with the decision and shown on each case's timeline."),
        error_messages={"required": gettext_lazy("Say why: the reason is kept with the decision.")},
    )


@admin.register(LegalProposal)
class LegalProposalAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "case_link",
        "borrower",
        "status",
        "rule",
        "policy",
        "days_past_due",
        "reached",
        "proposed_at",
        "decided_by",
        "decided_at",
    )
    list_filter = ("status", "rule", "policy_key")
    list_select_related = ("case__loan__borrower", "decided_by")
    ordering = ("-id",)
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    actions = ["approve_referrals", "reject_proposals"]
    fields = (
        "case",
        "status",
        "rule",
        "policy_key",
        "policy_version",
        "policy_variant",
        "run_date",
        "reasons",
        "proposed_at",
        "decided_by",
        "decided_at",
        "decision_reason",
    )

    @admin.display(description=gettext_lazy("Case"), ordering="case_id")
    def case_link(self, obj: LegalProposal) -> str:
        url = reverse("admin:collections_app_collectioncase_change", args=[obj.case_id])
        return format_html('<a href="{}">{}</a>', url, obj.case_id)

    @admin.display(description=gettext_lazy("Borrower"))
    def borrower(self, obj: LegalProposal) -> str:
        return obj.case.loan.borrower.name

    @admin.display(description=gettext_lazy("Policy"))
    def policy(self, obj: LegalProposal) -> str:
        return f"{obj.policy_key} v{obj.policy_version} ({obj.policy_variant or '-'})"

    @admin.display(description=gettext_lazy("Days past due"))
    def days_past_due(self, obj: LegalProposal) -> object:
        return (obj.reasons or {}).get("days_past_due", "")

    @admin.display(description=gettext_lazy("Reached by"))
    def reached(self, obj: LegalProposal) -> str:
        reach = (obj.reasons or {}).get("reach", {})
        return _("%(messages)s delivered, %(calls)s right-party calls") % {
            "messages": reach.get("delivered_messages", 0),
            "calls": reach.get("right_party_calls", 0),
        }

    def has_approve_legal_referral_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(APPROVE_PERMISSION)

    @admin.action(
        permissions=["approve_legal_referral"],
        description=gettext_lazy("Approve: refer selected cases to legal…"),
    )
    def approve_referrals(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._decide(
            request,
            queryset,
            action="approve_referrals",
            title=_("Refer to legal"),
            explanation=_(
                "Each case moves to legal and the borrower is sent the referral notice. Only "
                "proposals still open and cases still in escalation are referred."
            ),
        )

    @admin.action(
        permissions=["approve_legal_referral"],
        description=gettext_lazy("Reject selected proposals…"),
    )
    def reject_proposals(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._decide(
            request,
            queryset,
            action="reject_proposals",
            title=_("Reject proposals"),
            explanation=_(
                "The cases stay in escalation; the nightly run does not propose them again "
                "until they have entered a stage again."
            ),
        )

    def _decide(
        self, request: HttpRequest, queryset: QuerySet, *, action: str, title: str, explanation: str
    ) -> HttpResponse | None:
        if not request.user.has_perm(APPROVE_PERMISSION):
            raise PermissionDenied
        proposals = list(queryset.select_related("case").order_by("pk")[: DECIDE_MAX + 1])
        if len(proposals) > DECIDE_MAX:
            self.message_user(
                request,
                _("More than %(n)s proposals selected: filter the list first.") % {"n": DECIDE_MAX},
                messages.ERROR,
            )
            return None
        form = DecisionForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            ids = [p.pk for p in proposals]
            reason = form.cleaned_data["reason"]
            if action == "approve_referrals":
                self._report_approvals(
                    request,
                    legal_proposals_approve(proposal_ids=ids, actor=request.user, reason=reason),
                )
            else:
                rejected = legal_proposals_reject(
                    proposal_ids=ids, actor=request.user, reason=reason
                )
                self.message_user(
                    request,
                    _("Rejected %(n)s of %(total)s selected proposals.")
                    % {"n": rejected, "total": len(ids)},
                    messages.SUCCESS,
                )
            return None
        context = self.admin_site.each_context(request) | {
            "title": title,
            "opts": self.model._meta,
            "proposals": proposals,
            "action": action,
            "form": form,
            "explanation": explanation,
        }
        return TemplateResponse(request, TEMPLATE, context)

    def _report_approvals(self, request: HttpRequest, counts: dict[str, int]) -> None:
        labels = {
            "referred": _("referred to legal"),
            "already_decided": _("already decided"),
            "not_in_escalation": _("no longer in escalation"),
            "changed_meanwhile": _("changed meanwhile: try again"),
            "time_barred": _("refused: time-barred or not shown within the limitation period"),
        }
        parts = [f"{counts[k]} {label}" for k, label in labels.items() if counts.get(k)]
        level = messages.SUCCESS if counts.get("referred") else messages.WARNING
        self.message_user(request, ", ".join(parts) or _("Nothing to do."), level)

"""The case page's money screens: "Make a plan" (the policy's offers, a schedule to confirm),
"Offer settlement" (up to the person's discount limit, above it a second person approves), the
open settlement's actions, and "Payment link" (the lender's signed checkout, through the gate).
Thin: every change goes through services/payments.py, services/settlements.py and
services/payment_links.py."""

from __future__ import annotations

import datetime as dt
import typing

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_app.admin.money_forms import PaymentLinkForm, PlanForm, ReasonForm, SettlementForm
from collections_app.models import CollectionCase, OutboundMessage
from collections_app.models.settlements import Settlement
from collections_app.phrases import shown_text
from collections_app.policies.plans import (
    frequency_label,
    plan_offer_problems,
    plan_offers,
    plan_schedule,
)
from collections_app.services.payment_links import (
    LINK_PERMISSION,
    payment_link_default_amount,
    payment_link_send,
    payment_links_configured,
)
from collections_app.services.payments import plan_agree
from collections_app.services.pii import mask_text
from collections_app.services.policies import policy_payment_terms
from collections_app.services.settlements import (
    APPROVE_PERMISSION,
    OFFER_PERMISSION,
    OFFER_STATES,
    OPEN,
    discount_limit,
    settled_amount,
    settlement_accept,
    settlement_balance,
    settlement_cancel,
    settlement_offer,
)
from collections_app.states import ACTIVE_STATES

PLAN_PERMISSION = "collections_app.add_paymentplan"
MONEY_TEMPLATE = "admin/collections_app/collectioncase/money_form.html"
PREVIEWED = "_previewed"  # what the schedule on screen was drawn for


class CaseMoneyMixin:
    def get_urls(self) -> list[URLPattern]:
        prefix = "collections_app_collectioncase"
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/plan/", view(self.make_plan_view), name=f"{prefix}_plan"),
            path(
                "<path:object_id>/settlement/",
                view(self.offer_settlement_view),
                name=f"{prefix}_settlement",
            ),
            path(
                "<path:object_id>/settlement/<int:settlement_id>/<str:action>/",
                view(self.settlement_action_view),
                name=f"{prefix}_settlement_action",
            ),
            path(
                "<path:object_id>/payment-link/",
                view(self.payment_link_view),
                name=f"{prefix}_payment_link",
            ),
            *super().get_urls(),
        ]

    # --- the case page

    def _money_context(self, request: HttpRequest, case: CollectionCase) -> dict[str, object]:
        user = request.user
        settlement = (
            case.settlements.filter(status__in=OPEN)
            .select_related("proposed_by", "decided_by", "plan")
            .first()
        )
        workable = case.state in OFFER_STATES
        review_url = ""
        if settlement is not None and user.has_perm(APPROVE_PERMISSION):
            review_url = reverse("admin:collections_app_settlement_change", args=[settlement.pk])
        return {
            # An open settlement has its own terms (and plan): no second plan beside it.
            "can_make_plan": user.has_perm(PLAN_PERMISSION) and workable and settlement is None,
            "plan_url": self._case_url(case, "plan"),
            "can_offer_settlement": user.has_perm(OFFER_PERMISSION)
            and workable
            and settlement is None,
            "settlement_url": self._case_url(case, "settlement"),
            "open_settlement": settlement,
            "can_act_on_settlement": user.has_perm(OFFER_PERMISSION),
            "settlement_review_url": review_url,
            "can_send_link": user.has_perm(LINK_PERMISSION) and case.state in ACTIVE_STATES,
            "links_configured": payment_links_configured(),
            "payment_link_url": self._case_url(case, "payment_link"),
        }

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, typing.Any] | None = None,
    ) -> HttpResponse:
        case = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if case is not None:
            context.update(self._money_context(request, case))
        return super().change_view(request, object_id, form_url, context)

    # --- helpers

    def _money_case(self, request: HttpRequest, object_id: str, permission: str) -> CollectionCase:
        case = self.get_object(request, unquote(object_id))
        if (
            case is None
            or not self.has_change_permission(request, case)
            or not request.user.has_perm(permission)
        ):
            raise PermissionDenied
        return case

    def _money_page(
        self, request: HttpRequest, case: CollectionCase, **context: object
    ) -> HttpResponse:
        return render(
            request,
            MONEY_TEMPLATE,
            self.admin_site.each_context(request)
            | {"opts": self.model._meta, "original": case, "currency": case.loan.currency}
            | context,
        )

    def _refuse(self, request: HttpRequest, case: CollectionCase, text: str) -> HttpResponse:
        self.message_user(request, text, messages.ERROR)
        return HttpResponseRedirect(self._case_url(case))

    # --- Make a plan

    def make_plan_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        case = self._money_case(request, object_id, PLAN_PERMISSION)
        if case.state not in OFFER_STATES:
            return self._refuse(
                request,
                case,
                _("A plan cannot be made on a %(state)s case.")
                % {"state": case.get_state_display()},
            )
        if case.settlements.filter(status__in=OPEN).exists():
            return self._refuse(
                request,
                case,
                _("This case has an open settlement: cancel it before agreeing another plan."),
            )
        if request.method == "POST" and (stale := self._stale_redirect(request, case)):
            return stale
        terms = policy_payment_terms(case=case).plans
        today = timezone.localdate()
        total = case.amount_overdue
        currency = case.loan.currency
        offers = plan_offers(terms=terms, total=total)
        form = PlanForm(
            request.POST if request.method == "POST" else None,
            offers=offers,
            currency=currency,
            initial={
                "first_due": today + dt.timedelta(days=min(7, terms.first_due_within_days)),
            },
        )
        schedule = None
        previewed = ""
        if request.method == "POST" and form.is_valid():
            count, frequency = form.cleaned_data["offer"]
            first_due = form.cleaned_data["first_due"]
            seen = f"{count}-{frequency}-{first_due.isoformat()}"
            problems = plan_offer_problems(
                terms=terms,
                total=total,
                count=count,
                frequency=frequency,
                first_due=first_due,
                today=today,
                currency=currency,
            )
            for problem in problems:
                form.add_error(None, problem)
            if not problems and "_confirm" in request.POST and request.POST.get(PREVIEWED) == seen:
                try:
                    plan = plan_agree(
                        case=case,
                        count=count,
                        frequency=frequency,
                        first_due=first_due,
                        actor=request.user,
                        today=today,
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    self.message_user(
                        request,
                        _(
                            "Plan #%(plan)s agreed: %(count)s %(frequency)s instalments, %(total)s "
                            "%(currency)s in all."
                        )
                        % {
                            "plan": plan.pk,
                            "count": count,
                            "frequency": frequency_label(frequency),
                            "total": total,
                            "currency": currency,
                        },
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(self._case_url(case) + "#case-timeline")
            elif not problems:
                schedule = plan_schedule(
                    total=total,
                    count=count,
                    first_due=first_due,
                    frequency=frequency,
                    remainder=terms.remainder,
                )
                previewed = seen
        intro = [
            _("Amount overdue: %(total)s %(currency)s. The instalments add up to it exactly.")
            % {"total": total, "currency": currency},
            _(
                "The policy offers %(counts)s instalments of at least %(minimum)s %(currency)s, "
                "the first due within %(days)s days."
            )
            % {
                "counts": ", ".join(map(str, terms.installment_counts)),
                "minimum": terms.min_installment,
                "currency": currency,
                "days": terms.first_due_within_days,
            },
        ]
        if not offers:
            intro.append(_("No plan the policy allows fits this amount: record a promise instead."))
        return self._money_page(
            request,
            case,
            title=_("Make a plan: case %(case)s") % {"case": case.pk},
            intro=intro,
            form=form,
            schedule=schedule,
            schedule_total=total if schedule else None,
            previewed=previewed,
            preview_label=_("Show the schedule"),
            confirm_label=_("Confirm plan"),
            form_id="plan-form",
        )

    # --- Offer settlement

    def offer_settlement_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        case = self._money_case(request, object_id, OFFER_PERMISSION)
        if case.state not in OFFER_STATES:
            return self._refuse(
                request,
                case,
                _("A settlement cannot be offered on a %(state)s case.")
                % {"state": case.get_state_display()},
            )
        if case.settlements.filter(status__in=OPEN).exists():
            return self._refuse(
                request, case, _("This case already has an open settlement; see the case page.")
            )
        if request.method == "POST" and (stale := self._stale_redirect(request, case)):
            return stale
        terms = policy_payment_terms(case=case)
        today = timezone.localdate()
        balance = settlement_balance(case)
        currency = case.loan.currency
        limit = discount_limit(request.user, terms)
        form = SettlementForm(
            request.POST if request.method == "POST" else None,
            counts=terms.settlements.installment_counts,
            initial={
                "method": Settlement.Method.LUMP_SUM,
                "first_due": today + dt.timedelta(days=7),
                "frequency": "monthly",
            },
        )
        summary: list[tuple[str, str]] = []
        schedule = None
        previewed = ""
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            pct = data["discount_percent"]
            seen = "|".join(
                str(data.get(k) or "")
                for k in (
                    "discount_percent",
                    "method",
                    "first_due",
                    "installment_count",
                    "frequency",
                )
            )
            if "_confirm" in request.POST and request.POST.get(PREVIEWED) == seen:
                try:
                    settlement = settlement_offer(
                        case=case,
                        actor=request.user,
                        discount_percent=pct,
                        method=data["method"],
                        first_due=data["first_due"],
                        installment_count=data.get("installment_count"),
                        frequency=data.get("frequency") or "",
                        today=today,
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    if settlement.needs_approval:
                        text = _(
                            "Settlement #%(id)s offered: %(discount)s %% is above your limit of "
                            "%(limit)s %%, so it waits for a supervisor's approval."
                        )
                    else:
                        text = _(
                            "Settlement #%(id)s offered and approved (%(discount)s %% is within "
                            "your limit of %(limit)s %%): record the borrower's answer on the "
                            "case."
                        )
                    self.message_user(
                        request,
                        text % {"id": settlement.pk, "discount": pct, "limit": limit},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(self._case_url(case))
            else:
                amount = settled_amount(balance, pct)
                previewed = seen
                summary = [
                    (_("Balance"), f"{balance} {currency}"),
                    (_("Settled for"), f"{amount} {currency}"),
                    (_("Forgiven"), f"{balance - amount} {currency}"),
                    (
                        _("Approval"),
                        _("needs a second person (above your limit of %(limit)s %%)")
                        % {"limit": limit}
                        if pct > limit
                        else _("within your limit of %(limit)s %%") % {"limit": limit},
                    ),
                ]
                if data["method"] == Settlement.Method.PLAN:
                    try:
                        schedule = plan_schedule(
                            total=amount,
                            count=data["installment_count"],
                            first_due=data["first_due"],
                            frequency=data["frequency"],
                            remainder=terms.plans.remainder,
                        )
                    except ValueError as error:
                        form.add_error(None, str(error))
        intro = [
            _(
                "Balance: %(balance)s %(currency)s. You may give up to %(limit)s %% off; up to "
                "%(highest)s %% with a second person's approval."
            )
            % {
                "balance": balance,
                "currency": currency,
                "limit": limit,
                "highest": terms.settlements.highest_limit,
            },
            _(
                "Paid in one sum within %(days)s days, or in %(counts)s instalments. Paid in "
                "full, the case closes as settled and the rest is forgiven."
            )
            % {
                "days": terms.settlements.pay_within_days,
                "counts": ", ".join(map(str, terms.settlements.installment_counts)),
            },
        ]
        return self._money_page(
            request,
            case,
            title=_("Offer a settlement: case %(case)s") % {"case": case.pk},
            intro=intro,
            form=form,
            summary=summary,
            schedule=schedule,
            schedule_total=settled_amount(balance, form.cleaned_data["discount_percent"])
            if schedule
            else None,
            previewed=previewed,
            preview_label=_("Show the offer"),
            confirm_label=_("Confirm offer"),
            form_id="settlement-form",
        )

    # --- the open settlement's actions (the borrower's answer)

    def settlement_action_view(
        self, request: HttpRequest, object_id: str, settlement_id: int, action: str
    ) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        case = self._money_case(request, object_id, OFFER_PERMISSION)
        settlement = case.settlements.filter(pk=settlement_id).first()
        if settlement is None or action not in ("accept", "cancel"):
            raise PermissionDenied
        try:
            if action == "accept":
                settlement = settlement_accept(settlement=settlement, actor=request.user)
                text = _("Settlement #%(id)s accepted by the borrower.")
            else:
                form = ReasonForm(request.POST)
                reason = form.cleaned_data["reason"] if form.is_valid() else ""
                settlement = settlement_cancel(
                    settlement=settlement, actor=request.user, reason=reason
                )
                text = _("Settlement #%(id)s cancelled.")
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, text % {"id": settlement.pk}, messages.SUCCESS)
        return HttpResponseRedirect(self._case_url(case))

    # --- Payment link

    def payment_link_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        case = self._money_case(request, object_id, LINK_PERMISSION)
        configured = payment_links_configured()
        form = PaymentLinkForm(
            request.POST if request.method == "POST" and configured else None,
            initial={"amount": payment_link_default_amount(case), "channel": "sms"},
        )
        if configured and request.method == "POST" and form.is_valid():
            try:
                sent = payment_link_send(
                    case=case,
                    amount=form.cleaned_data["amount"],
                    channel=form.cleaned_data["channel"],
                    actor=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self._report_link(request, sent.message, bool(sent.dispatched.allowed))
                return HttpResponseRedirect(self._case_url(case) + "#case-timeline")
        intro = [
            _(
                "The borrower pays on the lender's checkout page; no card details are typed or "
                "seen here. The link is signed, carries the amount and expires after %(hours)s "
                "hours. It is sent through the same contact rules as any message."
            )
            % {"hours": _hours()},
        ]
        if not configured:
            intro.append(
                _(
                    "Payment links are not configured: an administrator must set "
                    "LENDER_CHECKOUT_URL and LENDER_CHECKOUT_SECRET (the lender's checkout and the "
                    "secret it verifies links with)."
                )
            )
        return self._money_page(
            request,
            case,
            title=_("Send a payment link: case %(case)s") % {"case": case.pk},
            intro=intro,
            form=form if configured else None,
            preview_label=_("Send link"),
            form_id="payment-link-form",
            not_configured=not configured,
        )

    def _report_link(self, request: HttpRequest, message: OutboundMessage, sent: bool) -> None:
        reason = mask_text(shown_text(message.error_message), (message.to_address,))
        if sent:
            self.message_user(
                request,
                _("Payment link is being sent by %(channel)s.")
                % {"channel": message.get_channel_display()},
                messages.SUCCESS,
            )
        elif message.status == OutboundMessage.Status.QUEUED:
            self.message_user(
                request,
                _("Payment link held by the %(rule)s rule: %(reason)s It will go at %(at)s.")
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
                _("Payment link not sent (%(rule)s): %(reason)s")
                % {"rule": message.error_code, "reason": reason},
                messages.ERROR,
            )


def _hours() -> int:
    return settings.PAYMENT_LINK_HOURS

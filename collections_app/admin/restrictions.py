"""From the case: record a dispute, a hold or an opt-out at once, and (compliance, supervisors)
release a hold. The banner of standing restrictions heads the case page. Thin: the services
(disputes.py, consents.py) decide and write."""

from __future__ import annotations

import typing

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from collections_app.admin.restriction_forms import (
    RecordDisputeForm,
    RecordHoldForm,
    RecordOptOutForm,
    ReleaseHoldForm,
)
from collections_app.models import ChannelConsent, CollectionCase, ContactHold
from collections_app.selectors.holds import active_restrictions
from collections_app.services.consents import consent_opt_out, hold_place, hold_release
from collections_app.services.disputes import dispute_record

APP = "collections_app"
ADD_DISPUTE = f"{APP}.add_dispute"
VIEW_DISPUTE = f"{APP}.view_dispute"
RECORD_HOLD = f"{APP}.record_hold"
RELEASE_HOLD = f"{APP}.release_hold"
FORM_TEMPLATE = "admin/collections_app/includes/restriction_form.html"


def restrictions_context(
    request: HttpRequest, borrower: object, case: CollectionCase | None
) -> dict[str, typing.Any]:
    """What restrictions_banner.html needs (the borrower page includes it too)."""
    return {
        "restrictions": active_restrictions(borrower, case, viewer=request.user),
        "can_release_hold": request.user.has_perm(RELEASE_HOLD),
        "can_view_dispute": request.user.has_perm(VIEW_DISPUTE),
        "restrictions_back_to": request.get_full_path(),
    }


class RestrictionsCaseMixin:
    def get_urls(self) -> list[URLPattern]:
        prefix = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/dispute/",
                view(self.record_dispute_view),
                name=f"{prefix}_dispute",
            ),
            path("<path:object_id>/hold/", view(self.record_hold_view), name=f"{prefix}_hold"),
            path(
                "<path:object_id>/opt-out/",
                view(self.record_opt_out_view),
                name=f"{prefix}_optout",
            ),
            path(
                "holds/<int:hold_id>/release/",
                view(self.release_hold_view),
                name=f"{prefix}_release_hold",
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
        case = self.get_object(request, unquote(object_id))
        if case is not None:
            context.update(restrictions_context(request, case.loan.borrower, case))
            context.update(
                can_record_dispute=request.user.has_perm(ADD_DISPUTE),
                can_record_hold=request.user.has_perm(RECORD_HOLD),
            )
        return super().change_view(request, object_id, form_url, context)

    # --- helpers

    def _case_for(self, request: HttpRequest, object_id: str, perm: str) -> CollectionCase:
        case = self.get_object(request, unquote(object_id))
        if case is None or not request.user.has_perm(perm):
            raise PermissionDenied
        return case

    def _back(self, case: CollectionCase) -> HttpResponseRedirect:
        return HttpResponseRedirect(
            reverse("admin:collections_app_collectioncase_change", args=[case.pk])
        )

    def _form_page(
        self,
        request: HttpRequest,
        case: CollectionCase | None,
        form: forms.Form,
        *,
        title: str,
        help_text: str,
        form_id: str,
        cancel_url: str,
    ) -> HttpResponse:
        context = self.admin_site.each_context(request) | {
            "title": title,
            "help_text": help_text,
            "opts": self.model._meta,
            "original": case,
            "form": form,
            "form_id": form_id,
            "cancel_url": cancel_url,
        }
        return TemplateResponse(request, FORM_TEMPLATE, context)

    # --- views

    def record_dispute_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        case = self._case_for(request, object_id, ADD_DISPUTE)
        form = RecordDisputeForm(
            request.POST or None,
            request.FILES or None,
            initial={"received_on": timezone.localdate()},
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                dispute = dispute_record(
                    case=case,
                    kind=data["kind"],
                    received_on=data["received_on"],
                    received_via=data["received_via"],
                    details=data["details"],
                    documents=[data["document"]] if data.get("document") else [],
                    actor=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                self.message_user(
                    request,
                    _(
                        "Dispute recorded: outreach about this debt has stopped. Send the "
                        "verification by %(due)s."
                    )
                    % {"due": dispute.response_due_on.isoformat()},
                    messages.SUCCESS,
                )
                return self._back(case)
        return self._form_page(
            request,
            case,
            form,
            title=_("Record dispute: case %(case)s") % {"case": case.pk},
            help_text=_(
                "Collection of this debt stops at once (its other loans go on): only the "
                "verification and the dispute response may be sent until the verification "
                "has gone out."
            ),
            form_id="record-dispute-form",
            cancel_url=self._back(case).url,
        )

    def record_hold_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        case = self._case_for(request, object_id, RECORD_HOLD)
        form = RecordHoldForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = {
                k: (v.strip() if isinstance(v, str) else v) for k, v in form.cleaned_data.items()
            }
            hold = hold_place(borrower=case.loan.borrower, actor=request.user, **data)
            self.message_user(
                request,
                _("%(hold)s recorded for the borrower: it applies to every loan.")
                % {"hold": hold.get_kind_display()},
                messages.SUCCESS,
            )
            return self._back(case)
        return self._form_page(
            request,
            case,
            form,
            title=_("Record a hold: case %(case)s") % {"case": case.pk},
            help_text=_(
                "A hold is about the person: it stops contact on every loan of the borrower at "
                "once. Only compliance or a supervisor can release it."
            ),
            form_id="record-hold-form",
            cancel_url=self._back(case).url,
        )

    def record_opt_out_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        case = self._case_for(request, object_id, RECORD_HOLD)
        form = RecordOptOutForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                for channel in form.cleaned_data["channels"]:
                    consent_opt_out(
                        borrower=case.loan.borrower,
                        channel=channel,
                        source=ChannelConsent.Source.AGENT,
                        note=form.cleaned_data["note"],
                        actor=request.user,
                    )
            self.message_user(
                request,
                _("Opt-out recorded (%(channels)s): it applies to every loan.")
                % {"channels": ", ".join(form.cleaned_data["channels"])},
                messages.SUCCESS,
            )
            return self._back(case)
        return self._form_page(
            request,
            case,
            form,
            title=_("Record an opt-out: case %(case)s") % {"case": case.pk},
            help_text=_("Queued messages on these channels are cancelled at once."),
            form_id="record-opt-out-form",
            cancel_url=self._back(case).url,
        )

    def release_hold_view(self, request: HttpRequest, hold_id: int) -> HttpResponse:
        if not request.user.has_perm(RELEASE_HOLD):
            raise PermissionDenied
        hold = get_object_or_404(ContactHold.objects.select_related("borrower"), pk=hold_id)
        back = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("admin:collections_app_collectioncase_changelist")
        form = ReleaseHoldForm(request.POST if "reason" in request.POST else None)
        if hold.released_at is not None:
            self.message_user(request, _("This hold was released already."), messages.INFO)
            return HttpResponseRedirect(back)
        if form.is_bound and form.is_valid():
            hold_release(hold=hold, reason=form.cleaned_data["reason"], actor=request.user)
            self.message_user(
                request,
                _("%(hold)s released.") % {"hold": hold.get_kind_display()},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(back)
        form.fields["next"] = forms.CharField(widget=forms.HiddenInput, initial=back)
        return self._form_page(
            request,
            None,
            form,
            title=_("Release: %(hold)s") % {"hold": hold.get_kind_display()},
            help_text=_(
                "Contact on every loan of the borrower may start again (within the other "
                "rules). Paused cases stay paused until someone resumes them."
            ),
            form_id="release-hold-form",
            cancel_url=back,
        )

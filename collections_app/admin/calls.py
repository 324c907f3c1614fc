"""The call screen on the case admin ("Call"), and the calls, right-party checks and call
scripts in admin. Thin: every change goes through services/calls.py."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collections_app.admin.base import ReadOnlyAdmin
from collections_app.admin.call_forms import CallStartForm, VerifyForm, WrapUpForm
from collections_app.admin.pii import PiiFieldsMixin
from collections_app.compliance.snapshot import borrower_zones
from collections_app.models import CallLog, CallScript, CollectionCase, RightPartyCheck
from collections_app.outreach.call_scripts import render_call_script
from collections_app.outreach.rendering import TemplateRenderError
from collections_app.phrases import shown_text
from collections_app.services import calls
from collections_app.services.pii import can_view_pii, mask_phone, mask_text, pii_reveal

DISPUTE_URL = "admin:collections_app_collectioncase_dispute"

# The gate's rules in the words an agent reads on the call screen.
REFUSAL_REASONS = {
    "quiet_hours": gettext_lazy("outside allowed hours"),
    "blackout_date": gettext_lazy("a no-contact day in the borrower's calendar"),
    "conversation_cooldown": gettext_lazy(
        "a telephone conversation about this debt took place recently"
    ),
    "call_attempts_7d": gettext_lazy("the limit of call attempts about this debt in 7 days"),
    "call_attempts_person_7d": gettext_lazy(
        "the limit of call attempts to this borrower in 7 days, across their debts"
    ),
    "connected_calls_per_day": gettext_lazy("the limit of connected calls today"),
    "unanswered_calls_per_number_day": gettext_lazy(
        "the limit of unanswered calls to this number today"
    ),
    "opted_out": gettext_lazy("the borrower opted out of calls"),
    "cease_communication": gettext_lazy("the borrower asked us to stop communicating"),
    "dispute": gettext_lazy("the debt is disputed"),
    "attorney": gettext_lazy("the borrower is represented by an attorney"),
    "bankruptcy": gettext_lazy("the borrower is in bankruptcy"),
    "deceased": gettext_lazy("the borrower is recorded as deceased"),
    "contact_point_unusable": gettext_lazy("this number is marked unusable"),
    "third_party": gettext_lazy("only the borrower's own numbers may be called"),
    "no_calls_at_work": gettext_lazy("the borrower asked not to be called at work"),
    "case_not_active": gettext_lazy("the case is paused or closed"),
    "no_profile": gettext_lazy("no contact rules for the borrower's jurisdiction"),
    "unknown_time_zone": gettext_lazy("the borrower's time zone is unknown"),
}


def _local_time(at: dt.datetime, zone: str) -> str:
    return at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")


def refusal_text(call: CallLog) -> str:
    """ "Refused: outside allowed hours, next allowed at 2026-12-02 08:00 PST (borrower's time)"."""
    decision = call.decision
    reason = REFUSAL_REASONS.get(decision.rule, decision.rule)
    if decision.next_allowed_at is None:
        return _("Refused: %(reason)s. Waiting does not lift this.") % {"reason": reason}
    zones = borrower_zones(call.borrower)
    when = _local_time(decision.next_allowed_at, zones[0]) if zones else ""
    return _(
        "Refused: %(reason)s, next allowed at %(when)s (borrower's time; your time %(yours)s)."
    ) % {
        "reason": reason,
        "when": when,
        "yours": timezone.localtime(decision.next_allowed_at).strftime("%Y-%m-%d %H:%M %Z"),
    }


class CallsMixin:
    """Adds "Call" to the case admin: the start form and the call screen."""

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:case_id>/call/",
                self.admin_site.admin_view(self.call_start_view),
                name="collections_app_collectioncase_call",
            ),
            path(
                "<int:case_id>/call/<int:call_id>/",
                self.admin_site.admin_view(self.call_screen_view),
                name="collections_app_collectioncase_call_screen",
            ),
            *super().get_urls(),
        ]

    # --- helpers

    def _call_case(self, request: HttpRequest, case_id: int) -> CollectionCase:
        if not request.user.has_perm(calls.LOG_CALL):
            raise PermissionDenied
        case = get_object_or_404(
            CollectionCase.objects.select_related("loan__borrower"), pk=case_id
        )
        if not self.has_change_permission(request, case):
            raise PermissionDenied
        return case

    def _shown(self, request: HttpRequest, number: str) -> str:
        return number if can_view_pii(request.user) else mask_phone(number)

    def _screen_url(self, call: CallLog) -> str:
        return reverse(
            "admin:collections_app_collectioncase_call_screen", args=[call.case_id, call.pk]
        )

    def _case_page(self, case: CollectionCase) -> str:
        return reverse("admin:collections_app_collectioncase_change", args=[case.pk])

    def _page(
        self, request: HttpRequest, case: CollectionCase, template: str, **ctx: object
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": CollectionCase._meta,
            "original": case,
            **ctx,
        }
        name = f"admin/collections_app/collectioncase/{template}"
        return TemplateResponse(request, name, context)

    # --- views

    def call_start_view(self, request: HttpRequest, case_id: int) -> HttpResponse:
        case = self._call_case(request, case_id)
        numbers = calls.borrower_numbers(case)
        choices = [(i, self._shown(request, n)) for i, n in enumerate(numbers)]
        form = CallStartForm(request.POST or None, numbers=choices)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            chosen = numbers[data["number"]] if data.get("number") is not None else ""
            try:
                if data["direction"] == CallLog.Direction.OUTBOUND:
                    call = calls.call_check(case=case, agent=request.user, number=chosen)
                else:
                    call = calls.call_inbound(
                        case=case,
                        agent=request.user,
                        number=data.get("inbound_number") or chosen,
                    )
            except calls.CallError as error:
                form.add_error(None, str(error))
            else:
                return HttpResponseRedirect(self._screen_url(call))
        return self._page(
            request,
            case,
            "call_start.html",
            title=_("Call: case %(case)s") % {"case": case.pk},
            form=form,
        )

    def call_screen_view(self, request: HttpRequest, case_id: int, call_id: int) -> HttpResponse:
        case = self._call_case(request, case_id)
        call = get_object_or_404(
            CallLog.objects.select_related("decision", "borrower", "agent"),
            pk=call_id,
            case=case,
        )
        zones = borrower_zones(call.borrower)
        wrap_form = WrapUpForm(
            request.POST if request.POST.get("action") == "log" else None,
            zone=zones[0] if zones else timezone.get_current_timezone_name(),
        )
        if request.method == "POST":
            if call.agent_id != request.user.pk:
                raise PermissionDenied
            response = self._call_action(request, case, call, wrap_form)
            if response is not None:
                return response
            call.refresh_from_db()
        return self._screen(request, case, call, wrap_form)

    def _call_action(
        self, request: HttpRequest, case: CollectionCase, call: CallLog, wrap_form: WrapUpForm
    ) -> HttpResponse | None:
        """One POST on the call screen; a redirect, or None to draw the screen with errors."""
        action = request.POST.get("action")
        here = HttpResponseRedirect(self._screen_url(call))
        try:
            if action == "verify":
                form = VerifyForm(request.POST)
                if not form.is_valid():
                    self.message_user(request, _("Enter a valid date of birth."), messages.ERROR)
                    return here
                ok = calls.call_verify(call=call, agent=request.user, **form.cleaned_data)
                if ok:
                    self.message_user(request, _("Borrower verified."), messages.SUCCESS)
                else:
                    left = calls.RPV_MAX_FAILURES - calls.rpv_failures_today(call.borrower_id)
                    self.message_user(
                        request,
                        _("Not verified: what was given does not match. %(left)s tries left today.")
                        % {"left": max(left, 0)},
                        messages.ERROR,
                    )
                return here
            if action == "bridge":
                calls.call_bridge(call=call, agent=request.user)
                self.message_user(
                    request,
                    _("Your phone is ringing: answer it and you are connected."),
                    messages.SUCCESS,
                )
                return here
            if action == "cancel":
                calls.call_cancel(call=call, agent=request.user)
                self.message_user(request, _("Call cancelled before dialling."), messages.INFO)
                return HttpResponseRedirect(self._case_page(case))
            if action == "log":
                if not wrap_form.is_valid():
                    return None
                return self._log(request, case, call, wrap_form)
        except calls.CallError as error:
            self.message_user(request, str(error), messages.ERROR)
            return here
        return here

    def _log(
        self, request: HttpRequest, case: CollectionCase, call: CallLog, form: WrapUpForm
    ) -> HttpResponse | None:
        data = form.cleaned_data
        details = calls.WrapUpDetails(
            note=data["note"],
            callback_at=data.get("callback_at"),
            attorney_contact=data["attorney_contact"],
            bankruptcy_case_number=data["bankruptcy_case_number"],
        )
        wrap_up = data["wrap_up"]
        try:
            calls.call_log(call=call, agent=request.user, wrap_up=wrap_up, details=details)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
            return None
        label = CallLog.WrapUp(wrap_up).label
        self.message_user(
            request, _("Call logged: %(wrap_up)s.") % {"wrap_up": label}, messages.SUCCESS
        )
        if wrap_up == CallLog.WrapUp.PROMISE:
            return HttpResponseRedirect(
                reverse("admin:collections_app_collectioncase_promise", args=[case.pk])
            )
        if wrap_up == CallLog.WrapUp.DISPUTE:
            try:
                return HttpResponseRedirect(reverse(DISPUTE_URL, args=[case.pk]))
            except NoReverseMatch:
                self.message_user(
                    request,
                    _("Record the dispute on the case: the dispute form is not available here."),
                    messages.WARNING,
                )
        return HttpResponseRedirect(self._case_page(case))

    def _screen(
        self, request: HttpRequest, case: CollectionCase, call: CallLog, wrap_form: WrapUpForm
    ) -> HttpResponse:
        script, script_error = None, ""
        # Another person's call in progress is only summarised: its number and script are theirs.
        mine = call.agent_id == request.user.pk
        if call.status == CallLog.Status.OPEN and mine:
            try:
                script = render_call_script(case, request.user)
            except TemplateRenderError as error:
                script_error = str(error)
        dial_number = ""
        click_to_call = False
        if mine and call.status == "open" and call.direction == CallLog.Direction.OUTBOUND:
            click_to_call = calls.click_to_call_available(request.user)
            # The gate allowed this call: an agent who dials it needs the number, and that
            # showing is logged like any unmasked view. Click-to-call dials for them.
            reveal = can_view_pii(request.user) or not click_to_call
            dial_number = call.number if reveal else mask_phone(call.number)
        shown_number = self._shown(request, call.number)
        if call.number in (dial_number, shown_number):
            pii_reveal(
                user=request.user,
                borrower=call.borrower,
                case=case,
                fields=["phone"],
                path=request.path,
            )
        verified = call.right_party_verified
        return self._page(
            request,
            case,
            "call_screen.html",
            title=_("Call: case %(case)s") % {"case": case.pk},
            call=call,
            mine=mine,
            refusal=refusal_text(call) if call.status == CallLog.Status.REFUSED else "",
            refusal_detail=(
                # Stored in English; said in the agent's language when it has no values.
                mask_text(shown_text(call.decision.detail), (call.number, call.borrower.phone))
                if call.status == CallLog.Status.REFUSED
                else ""
            ),
            shown_number=shown_number,
            dial_number=dial_number,
            click_to_call=click_to_call,
            script=script,
            script_error=script_error,
            verified=verified,
            rpv_locked=not verified and calls.rpv_locked(call.borrower_id),
            verify_form=VerifyForm(),
            wrap_form=wrap_form,
            amount_due=(f"{case.loan.currency} {case.amount_overdue:,.2f}" if verified else ""),
        )


# --- admin pages of their own


@admin.register(CallLog)
class CallLogAdmin(PiiFieldsMixin, ReadOnlyAdmin):
    pii_address_fields = ("number",)
    pii_text_fields = ("note",)
    list_display = (
        "started_at",
        "case",
        "agent",
        "direction",
        "status",
        "wrap_up",
        "right_party_verified",
        "number",
    )
    list_filter = ("status", "direction", "wrap_up", "right_party_verified")
    list_select_related = ("case", "agent")
    raw_id_fields = ("case", "borrower", "agent", "decision", "attempt")
    ordering = ("-id",)
    show_full_result_count = False


@admin.register(RightPartyCheck)
class RightPartyCheckAdmin(ReadOnlyAdmin):
    """Every verification try; a borrower with RPV_MAX_FAILURES failures today is locked."""

    list_display = ("checked_at", "borrower", "agent", "call", "offered", "succeeded", "locked")
    list_filter = ("succeeded",)
    list_select_related = ("borrower", "agent")
    raw_id_fields = ("borrower", "call", "agent")
    ordering = ("-id",)
    show_full_result_count = False

    @admin.display(boolean=True, description=gettext_lazy("Locked today"))
    def locked(self, obj: RightPartyCheck) -> bool:
        return calls.rpv_locked(obj.borrower_id)


class CallScriptForm(forms.ModelForm):
    class Meta:
        model = CallScript
        fields = ("jurisdiction", "stage", "language", "opening", "disclosure", "body", "is_active")

    def clean(self) -> dict:
        from collections_app.admin.outreach import preview_case
        from collections_app.outreach.call_scripts import OPENING_VARIABLES
        from collections_app.outreach.rendering import message_context, render_text

        data = super().clean()
        if self.errors:
            return data
        sample = preview_case(
            type("Sample", (), {"language": data["language"], "stage": data["stage"]})()
        )
        context = message_context(sample) | {"agent_name": "Sam"}
        try:
            render_text(data["opening"], {k: context[k] for k in OPENING_VARIABLES}, _("opening"))
            render_text(data.get("disclosure", ""), context, _("disclosure"))
            render_text(data["body"], context, _("body"))
        except TemplateRenderError as exc:
            raise forms.ValidationError(
                _(
                    "This script cannot be rendered: %(error)s. The opening may use only "
                    "%(names)s (whoever answers hears it)."
                )
                % {"error": exc, "names": ", ".join(OPENING_VARIABLES)}
            ) from exc
        return data


@admin.register(CallScript)
class CallScriptAdmin(admin.ModelAdmin):
    form = CallScriptForm
    list_display = ("jurisdiction", "stage", "language", "is_active", "updated_at")
    list_filter = ("jurisdiction", "stage", "language", "is_active")
    search_fields = ("opening", "body")

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # switched off with is_active

"""Policies (edited by new versions) and the nightly runs (read-only progress)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collections_app.models import CollectionPolicy, EscalationChunk, EscalationRun
from collections_app.services.escalation import escalation_chunks_retry_failed
from collections_app.services.policies import VERSIONED_FIELDS, policy_new_version, policy_validate


class PolicyForm(forms.ModelForm):
    """Refuses, beside the field it is in, anything the nightly run could not run as written."""

    class Meta:
        model = CollectionPolicy
        fields = ("key", "variant", *VERSIONED_FIELDS, "change_note")

    def clean(self) -> dict:
        data = super().clean()
        json_fields = (
            "segmentation",
            "stages",
            "channel_switch",
            "promises",
            "payment_terms",
            "outreach",
        )
        if any(f in self.errors for f in json_fields):
            return data  # not JSON yet: the field's own error says so
        values = {f: data.get(f, getattr(self.instance, f)) for f in json_fields}
        try:
            policy_validate(**values)
        except ValidationError as problems:
            self.add_error(None, problems)
        return data


@admin.register(CollectionPolicy)
class CollectionPolicyAdmin(admin.ModelAdmin):
    form = PolicyForm
    list_display = (
        "key",
        "variant",
        "version",
        "is_current",
        "jurisdiction",
        "product",
        "segment",
        "traffic_percent",
        "created_at",
    )
    list_filter = ("is_current", "jurisdiction", "variant")
    search_fields = ("key", "name")
    readonly_fields = ("version", "is_current", "created_by", "created_at")

    def get_readonly_fields(
        self, request: HttpRequest, obj: CollectionPolicy | None = None
    ) -> tuple[str, ...]:
        # key and variant name a policy's history; a change is a new version of the same pair.
        extra = ("key", "variant") if obj else ()
        return (*self.readonly_fields, *extra)

    def save_model(
        self, request: HttpRequest, obj: CollectionPolicy, form: object, change: bool
    ) -> None:
        if not change:
            obj.created_by = request.user
            obj.save()
            return
        original = CollectionPolicy.objects.get(pk=obj.pk)
        new = policy_new_version(
            policy=original,
            changes={f: getattr(obj, f) for f in VERSIONED_FIELDS},
            actor=request.user,
            note=obj.change_note,
        )
        obj.pk, obj.version = new.pk, new.version
        messages.info(
            request,
            _("Saved as version %(new)s; version %(old)s kept.")
            % {"new": new.version, "old": original.version},
        )


class EscalationChunkInline(admin.TabularInline):
    model = EscalationChunk
    extra = 0
    can_delete = False
    fields = (
        "sequence",
        "first_case_id",
        "last_case_id",
        "status",
        "attempts",
        "cases_seen",
        "claimed_at",
        "finished_at",
        "error",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(EscalationRun)
class EscalationRunAdmin(admin.ModelAdmin):
    list_display = (
        "run_date",
        "status",
        "progress",
        "seen_so_far",
        "started_at",
        "finished_at",
        "errors",
    )
    readonly_fields = [f.name for f in EscalationRun._meta.fields]
    inlines = [EscalationChunkInline]
    actions = ["retry_failed_chunks"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(
                chunks_done=Count("chunks", filter=Q(chunks__status=EscalationChunk.Status.DONE)),
                chunks_seen=Sum("chunks__cases_seen"),
            )
        )

    @admin.display(description=gettext_lazy("chunks done"))
    def progress(self, run: EscalationRun) -> str:
        return f"{run.chunks_done} / {run.chunk_count}"

    @admin.display(description=gettext_lazy("cases seen"))
    def seen_so_far(self, run: EscalationRun) -> int:
        return run.cases_seen or run.chunks_seen or 0

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("collections_app.retry_escalationrun")

    @admin.action(description=gettext_lazy("Retry the failed chunks"), permissions=["retry"])
    def retry_failed_chunks(self, request: HttpRequest, queryset: QuerySet) -> None:
        n = sum(len(escalation_chunks_retry_failed(run_id=run.pk)) for run in queryset)
        messages.info(request, _("%(n)s chunks queued again.") % {"n": n})


@admin.register(EscalationChunk)
class EscalationChunkAdmin(admin.ModelAdmin):
    list_display = ("run", "sequence", "status", "attempts", "cases_seen", "claimed_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in EscalationChunk._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from collections_app.models.choices import Segment
from collections_app.models.loans import MONEY, Loan
from collections_app.states import (
    ACTIVE_STATES,
    OPEN_STATES,
    TRANSITIONS,
    CaseState,
    CloseReason,
    PauseReason,
    entry_fields,
)


def _fsm(name: str, target: object | None = None) -> Callable[[Callable], Callable]:
    """django-fsm's @transition, filled in from the one transition table in states.py."""
    spec = TRANSITIONS[name]
    return transition(
        field="state",
        source=list(spec.sources),
        target=target if target is not None else spec.target,
        permission=spec.permission,
        custom={"label": spec.label, "help_text": spec.help_text},
    )


class CollectionCase(ConcurrentTransitionMixin, models.Model):
    """One overdue loan being collected. Change it only through services.case_* functions."""

    loan = models.ForeignKey(
        Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="cases"
    )
    state = FSMField(
        verbose_name=_("state"),
        max_length=20,
        choices=CaseState.choices,
        default=CaseState.REMINDER,
        protected=True,
    )
    paused_from = models.CharField(
        verbose_name=_("paused from"), max_length=20, choices=CaseState.choices, blank=True
    )
    pause_reason = models.CharField(
        verbose_name=_("pause reason"), max_length=30, choices=PauseReason.choices, blank=True
    )
    close_reason = models.CharField(
        verbose_name=_("close reason"), max_length=30, choices=CloseReason.choices, blank=True
    )
    amount_overdue = models.DecimalField(verbose_name=_("amount overdue"), **MONEY)
    overdue_since = models.DateField(
        verbose_name=_("overdue since"), help_text=_("First day the loan was past due.")
    )
    assigned_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    segment = models.CharField(
        verbose_name=_("segment"), max_length=20, choices=Segment.choices, blank=True, default=""
    )
    next_action_at = models.DateTimeField(verbose_name=_("next action"), null=True, blank=True)
    opened_at = models.DateTimeField(verbose_name=_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(verbose_name=_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)
    # Set by the nightly run (services/escalation): why the case has its segment, and which
    # policy variant it was assigned (stable per case, so champion and challenger can be compared).
    segment_reasons = models.JSONField(verbose_name=_("segment reasons"), default=list, blank=True)
    policy_key = models.CharField(verbose_name=_("policy"), max_length=64, blank=True)
    policy_variant = models.CharField(verbose_name=_("policy variant"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("collection case")
        verbose_name_plural = _("collection cases")
        constraints = [
            models.UniqueConstraint(
                fields=["loan"],
                condition=models.Q(state__in=[s.value for s in OPEN_STATES]),
                name="one_open_case_per_loan",
            )
        ]
        indexes = [
            models.Index(fields=["state", "next_action_at"]),
            models.Index(fields=["assigned_agent", "state"]),
            models.Index(fields=["overdue_since"]),
            # Agent workspace queues (admin list filters), newest first.
            models.Index(fields=["segment", "id"], name="case_segment_id_idx"),
            models.Index(fields=["state", "id"], name="case_state_id_idx"),
        ]
        permissions = [
            ("negotiate_case", "Can move a case to negotiation"),
            ("escalate_case", "Can escalate a case"),
            ("refer_case_to_legal", "Can refer a case to legal"),
            ("pause_case", "Can pause a case"),
            ("resume_case", "Can resume a paused case"),
            ("resolve_case", "Can resolve a case"),
            ("write_off_case", "Can write off a case"),
            ("assign_case", "Can assign cases to agents"),
            ("note_case", "Can add a note to a case"),
        ]

    def __str__(self) -> str:
        return gettext("Case %(id)s (%(state)s)") % {
            "id": self.pk,
            "state": self.get_state_display(),
        }

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def days_past_due(self, as_of: dt.date | None = None) -> int:
        as_of = as_of or timezone.localdate()
        return max((as_of - self.overdue_since).days, 0)

    # --- Transitions: fields only, no side effects (ConcurrentTransitionMixin relies on it).
    # Services in services/cases.py call these, save, and write the CaseEvent. The fields come
    # from states.entry_fields, which the nightly bulk UPDATE writes too.

    def _enter(self, name: str, **params: str) -> None:
        fields = entry_fields(name, source=self.state, now=timezone.now(), **params)
        for field, value in fields.items():
            setattr(self, field, value)

    @_fsm("start_negotiation")
    def start_negotiation(self) -> None:
        self._enter("start_negotiation")

    @_fsm("escalate")
    def escalate(self) -> None:
        self._enter("escalate")

    @_fsm("refer_to_legal")
    def refer_to_legal(self) -> None:
        # 12 CFR 1006.26(b): a time-barred debt (or one not shown not to be) is never sued on.
        from collections_app.selectors.debt_status import legal_entry_check

        legal_entry_check(self)
        self._enter("refer_to_legal")

    @_fsm("pause")
    def pause(self, pause_reason: str = PauseReason.DISPUTE) -> None:
        self._enter("pause", pause_reason=pause_reason)

    @_fsm("resume", target=RETURN_VALUE(*ACTIVE_STATES))
    def resume(self) -> str:
        previous = self.paused_from or CaseState.REMINDER
        if previous == CaseState.LEGAL:
            from collections_app.selectors.debt_status import legal_entry_check

            legal_entry_check(self)
        self._enter("resume")
        return previous

    @_fsm("resolve")
    def resolve(self, close_reason: str = CloseReason.PAID) -> None:
        self._enter("resolve", close_reason=close_reason)

    @_fsm("write_off")
    def write_off(self, close_reason: str = CloseReason.UNCOLLECTABLE) -> None:
        self._enter("write_off", close_reason=close_reason)

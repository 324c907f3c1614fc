"""Collection policies change by new versions, never in place (decisions cite the version)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from collections_app.models import CollectionCase, CollectionPolicy, MessageTemplate
from collections_app.policies.evaluate import PolicyBook
from collections_app.policies.outreach import outreach_problems
from collections_app.policies.payment_terms import (
    PaymentTerms,
    payment_terms,
    payment_terms_problems,
)
from collections_app.policies.promises import (
    CHANNELS,
    FOLLOW_UP,
    PromiseTerms,
    promise_terms,
    validate_promises,
)
from collections_app.policies.stages import template_key
from collections_app.policies.validation import FALLBACK_LANGUAGE, policy_problems
from collections_app.problems import Problem, problems_by_field
from collections_app.services.escalation_signals import current_policies

_PROMISES_PREFIX = re.compile(r"^promises\s*[:：]\s*")

VERSIONED_FIELDS = (
    "name",
    "jurisdiction",
    "product",
    "segment",
    "traffic_percent",
    "segmentation",
    "stages",
    "channel_switch",
    "default_time_zone",
    "promises",
    "payment_terms",
    "outreach",
)


def policy_check(
    *,
    segmentation: object,
    stages: object,
    channel_switch: object,
    promises: object = None,
    payment_terms: object = None,
    outreach: object = None,
) -> list[Problem]:
    """policy_problems, the promise and payment terms' and the outreach settings' problems,
    against the templates that exist now."""
    templates = set(
        MessageTemplate.objects.filter(is_active=True, language=FALLBACK_LANGUAGE).values_list(
            "key", "channel"
        )
    )
    problems = policy_problems(
        segmentation=segmentation,
        stages=stages,
        channel_switch=channel_switch,
        templates=templates,
    )
    # The messages start with their field ("promises: ..."), in the reader's language: a
    # translation may keep a full-width colon.
    problems += [
        Problem("promises", _PROMISES_PREFIX.sub("", text, count=1))
        for text in validate_promises(promises)
    ]
    problems += payment_terms_problems(payment_terms)
    problems += outreach_problems(outreach)
    return problems + _follow_up_template_problems(promises, templates)


def _follow_up_template_problems(
    promises: object, templates: set[tuple[str, str]]
) -> list[Problem]:
    """A promise follow-up step whose template does not exist would fail every night it is due."""
    steps = promises.get("follow_up", []) if isinstance(promises, dict) else []
    problems = []
    for i, step in enumerate(steps if isinstance(steps, list) else []):
        if not isinstance(step, dict) or step.get("channel") not in CHANNELS:
            continue  # validate_promises has said what is wrong with it
        key = template_key(step, step["channel"], FOLLOW_UP)
        if (key, step["channel"]) not in templates:
            problems.append(
                Problem(
                    f"promises.follow_up[{i}].template",
                    _("no active %(channel)s template %(key)r in %(language)s")
                    % {"channel": step["channel"], "key": key, "language": FALLBACK_LANGUAGE},
                )
            )
    return problems


def policy_validate(
    *,
    segmentation: object,
    stages: object,
    channel_switch: object,
    promises: object = None,
    payment_terms: object = None,
    outreach: object = None,
) -> None:
    """Raise a ValidationError keyed by field (segmentation, stages, channel_switch, promises,
    outreach) when the policy cannot run as written. Every path that saves a policy calls this."""
    problems = policy_check(
        segmentation=segmentation,
        stages=stages,
        channel_switch=channel_switch,
        promises=promises,
        payment_terms=payment_terms,
        outreach=outreach,
    )
    if problems:
        raise ValidationError(problems_by_field(problems))


def policy_new_version(
    *,
    policy: CollectionPolicy,
    changes: dict[str, Any],
    actor: AbstractBaseUser | None,
    note: str = "",
) -> CollectionPolicy:
    """Write `changes` as the next version of `policy`'s key and variant; it becomes current."""
    values = {f: changes.get(f, getattr(policy, f)) for f in VERSIONED_FIELDS}
    policy_validate(
        segmentation=values["segmentation"],
        stages=values["stages"],
        channel_switch=values["channel_switch"],
        promises=values["promises"],
        payment_terms=values["payment_terms"],
        outreach=values["outreach"],
    )
    with transaction.atomic():
        rows = CollectionPolicy.objects.select_for_update().filter(
            key=policy.key, variant=policy.variant
        )
        latest = rows.aggregate(v=Max("version"))["v"] or 0
        rows.filter(is_current=True).update(is_current=False)
        return CollectionPolicy.objects.create(
            key=policy.key,
            variant=policy.variant,
            version=latest + 1,
            is_current=True,
            created_by=actor,
            change_note=note,
            **values,
        )


def policy_promise_terms(*, case: CollectionCase) -> PromiseTerms:
    """The promise terms of the policy the nightly run judges this case's promises by (its
    jurisdiction and product's champion, then the case's variant of it); the shipped defaults
    when no policy covers the case."""
    book = PolicyBook(current_policies())
    loan = case.loan
    base = book.champion(loan.borrower.jurisdiction, loan.product or "", None)
    return promise_terms(book.for_case(case.pk, base).promises if base else None)


def policy_payment_terms(*, case: CollectionCase) -> PaymentTerms:
    """The plans and settlement limits of the policy that covers this case (chosen as for its
    promise terms), for the case's segment; the shipped defaults when no policy covers it."""
    book = PolicyBook(current_policies())
    loan = case.loan
    base = book.champion(loan.borrower.jurisdiction, loan.product or "", None)
    raw = None
    if base is not None:
        chosen = book.for_case(case.pk, base)
        raw = (
            CollectionPolicy.objects.filter(pk=chosen.id)
            .values_list("payment_terms", flat=True)
            .first()
        )
    return payment_terms(raw, case.segment or "")

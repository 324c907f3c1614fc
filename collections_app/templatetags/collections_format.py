"""Template filters for agent-facing pages: `{{ case.amount_overdue|money:case.loan.currency }}`
and `{{ case|segment_reasons }}` (the segment's reasons as sentences)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from collections_app.money import format_money
from collections_app.policies.reason_sentences import reason_sentence

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    return format_money(amount, currency or "")


@register.filter
def reason_sentences(reasons: list[str] | None) -> list[str]:
    return [reason_sentence(r) for r in reasons or ()]

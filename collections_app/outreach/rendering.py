"""Render a message template for one case: the words, the opt-out line the jurisdiction needs,
and for SMS the encoding and segment count. A template that cannot render raises
TemplateRenderError; nothing half-rendered is ever sent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from collections_app.compliance.limitations import DebtStatus
from collections_app.models import (
    Borrower,
    CollectionCase,
    MessageTemplate,
    OutboundMessage,
    PromiseToPay,
)
from collections_app.outreach import copy
from collections_app.outreach.combined import LoansTotal, amount_due_text, balance_text
from collections_app.outreach.links import payment_url, unsubscribe_url
from collections_app.outreach.sms import SmsParts, sms_parts
from collections_app.selectors.debt_status import case_debt_status, suit_refusal
from collections_app.states import CaseState

# Unknown variables render as this marker, so a typo is an error instead of a silent blank.
_MISSING = "\x00missing:%s\x00"
_TEXT = Engine(string_if_invalid=_MISSING, autoescape=False)
_HTML = Engine(string_if_invalid=_MISSING, autoescape=True)


class TemplateRenderError(ValueError):
    """The template has a syntax error or uses a variable that does not exist."""


# Wording written for these stages states a fact about the case ("has been referred to our
# partner law firm"): it may reach only a case where that fact holds, whoever picked the
# template (a policy step or an agent's "Send now"). 12 CFR 1006.18: no false representation.
FACT_STAGES = frozenset({CaseState.LEGAL})


def wording_fits(template_stage: str, case: CollectionCase) -> bool:
    """May wording written for `template_stage` go to `case` (in its stage, or paused there)?"""
    return template_stage not in FACT_STAGES or (case.paused_from or case.state) == template_stage


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    html_body: str
    has_opt_out_notice: bool
    headers: dict[str, str] = field(default_factory=dict)
    channel: str = ""

    @property
    def sms(self) -> SmsParts | None:
        """Encoding and segment count (previews; the dispatcher does not need them)."""
        return sms_parts(self.body) if self.channel == "sms" else None


def money(amount: Decimal, currency: str) -> str:
    return f"{currency} {amount:,.2f}"


@dataclass(frozen=True)
class _PromiseFacts:
    amount: Decimal
    due_date: dt.date
    paid: Decimal


def _broken_promise_lookup(case: CollectionCase, today: dt.date) -> Callable[[], _PromiseFacts]:
    """The case's most recently broken promise, looked up once and only when a template uses a
    promise variable (most never do: no query for them). A case without one cannot say "you
    promised": the message fails instead of being sent with invented facts."""

    @cache
    def facts() -> _PromiseFacts:
        if case.pk is None:  # an admin preview's unsaved sample case
            return _PromiseFacts(Decimal("100"), today - dt.timedelta(days=3), Decimal("50"))
        promise = (
            PromiseToPay.objects.filter(case=case, status=PromiseToPay.Status.BROKEN)
            .order_by("-resolved_at", "-id")
            .first()
        )
        if promise is None:
            raise TemplateRenderError(
                _("case %(case)s has no broken promise to write about") % {"case": case.pk}
            )
        return _PromiseFacts(promise.amount, promise.due_date, promise.amount_paid)

    return facts


@dataclass(frozen=True)
class _LinkFacts:
    url: str
    amount: str
    expires: str


def _payment_link_lookup(
    case: CollectionCase, message: OutboundMessage | None
) -> Callable[[], _LinkFacts]:
    """The signed checkout link this message carries (services/payment_links.py), looked up only
    when a template uses it. A message without one, or whose link has expired, fails: a
    borrower never gets a sample link or a dead one."""

    @cache
    def facts() -> _LinkFacts:
        if message is None:  # an admin preview
            return _LinkFacts("https://checkout.example.com/pay?ref=sample", "USD 100.00", "—")
        from collections_app.models import PaymentLink

        link = PaymentLink.objects.filter(message_id=message.pk).first()
        if link is None:
            raise TemplateRenderError(_("this message has no payment link to send"))
        if link.expires_at <= timezone.now():
            raise TemplateRenderError(_("its payment link expired at %s") % link.expires_at)
        zone = case.loan.borrower.time_zone or settings.TIME_ZONE
        try:
            expires = link.expires_at.astimezone(ZoneInfo(zone))
        except (ValueError, ZoneInfoNotFoundError):
            expires = timezone.localtime(link.expires_at)
        return _LinkFacts(
            link.url, money(link.amount, link.currency), f"{expires:%Y-%m-%d %H:%M %Z}"
        )

    return facts


def message_context(
    case: CollectionCase,
    *,
    today: dt.date | None = None,
    stage: str = "",
    message: OutboundMessage | None = None,
    loans: LoansTotal | None = None,
    debt: DebtStatus | None = None,
) -> dict[str, object]:
    """Everything a template may use. Keep README's template section in step with this.
    `stage`: the stage the template is written for (its consequences), else the case's.
    `loans`: a message for several of the borrower's loans (outreach per borrower) quotes
    their total per currency and their number."""
    loan = case.loan
    borrower = loan.borrower
    language = borrower.preferred_language
    stage = stage or case.paused_from or case.state
    link = payment_url(loan)
    amount_due = (
        amount_due_text(loans, language) if loans else money(case.amount_overdue, loan.currency)
    )
    today = today or timezone.localdate()
    promise = _broken_promise_lookup(case, today)
    checkout = _payment_link_lookup(case, message)
    return {
        "name": borrower.name,
        "first_name": borrower.name.split()[0] if " " in borrower.name else borrower.name,
        "amount_due": amount_due,
        "balance": balance_text(loans) if loans else money(loan.outstanding_balance, loan.currency),
        "loan_count": loans.loans if loans else 1,
        # The loan's oldest unpaid due date; a loan the lender reported without one (current
        # again) still has its case's: the day before it became overdue.
        "due_date": (loan.due_date or case.overdue_since - dt.timedelta(days=1)).isoformat(),
        "days_past_due": case.days_past_due(today),
        "loan_id": loan.external_id,
        "payment_link": link,
        "repayment_steps": copy.pick(copy.REPAYMENT_STEPS, language).format(
            payment_link=link, amount_due=amount_due
        ),
        "consequences": copy.pick(_consequences(stage, debt), language),
        "company_name": settings.COMPANY_NAME,
        "callback_number": settings.COMPANY_CALLBACK_NUMBER,
        # The broken-promise follow-up: what was promised, by when, and what was paid towards
        # it (callables: the template engine calls them only when a template uses them).
        "promise_amount": lambda: money(promise().amount, loan.currency),
        "promise_due_date": lambda: promise().due_date.isoformat(),
        "promise_paid": lambda: money(promise().paid, loan.currency),
        # The dispute response notice: the answer recorded on the case's latest dispute.
        "dispute_response": lambda: _dispute_response(case),
        # A payment link's message (the payment-link template): the signed checkout link.
        "checkout_link": lambda: checkout().url,
        "checkout_amount": lambda: checkout().amount,
        "checkout_expires": lambda: checkout().expires,
        # The validation notice's email (services/validation_notices.py), dated today.
        "validation_notice": lambda: _validation_notice(case, today),
        "validation_notice_subject": lambda: _validation_subject(case),
    }


def _consequences(stage: str, debt: DebtStatus | None) -> dict[str, str]:
    if debt is not None and debt.suit_forbidden and stage in copy.CONSEQUENCES_NO_SUIT:
        return copy.CONSEQUENCES_NO_SUIT[stage]
    return copy.CONSEQUENCES.get(stage, copy.CONSEQUENCES["reminder"])


def time_barred_disclosure(debt: DebtStatus, language: str) -> str:
    """The disclosure the debt's rule requires, in the borrower's language ("" for none)."""
    table = copy.TIME_BARRED_DISCLOSURES.get(debt.disclosure) if debt.disclosure else None
    return copy.pick(table, language) if table else ""


def _validation_notice(case: CollectionCase, today: dt.date) -> str:
    from collections_app.services.validation_notices import (
        itemization,
        notice_text,
        stored_itemization,
    )

    notice = case.validation_notices.order_by("-created_at", "-pk").first() if case.pk else None
    item = stored_itemization(notice) if notice is not None else itemization(case)
    return notice_text(case, item, today)


def _validation_subject(case: CollectionCase) -> str:
    from collections_app.services.validation_notices import notice_subject

    return notice_subject(case)


def debt_collector_disclosure(borrower: Borrower, channel: str) -> str:
    """12 CFR 1006.18(e): every communication of a third-party collector says it is from a debt
    collector (in full in an email, the short form in an SMS or a recorded message), in the
    borrower's language; blank for a first-party profile."""
    from collections_app.models import JurisdictionProfile
    from collections_app.models.compliance import CollectorRole

    role = (
        JurisdictionProfile.objects.filter(code=borrower.jurisdiction, is_current=True)
        .values_list("collector_role", flat=True)
        .first()
    )
    if role != CollectorRole.THIRD_PARTY:
        return ""
    with translation.override(borrower.preferred_language):
        if channel == "email":
            return _(
                "This is a communication from a debt collector attempting to collect a debt. "
                "Any information obtained will be used for that purpose."
            )
        return _("This communication is from a debt collector.")


def _dispute_response(case: CollectionCase) -> str:
    if case.pk is None:  # an admin preview's unsaved sample case
        return "We checked our records: the amount shown is correct."
    dispute = case.disputes.exclude(response="").order_by("-pk").first()
    if dispute is None:
        raise TemplateRenderError(
            _("case %(case)s has no dispute response to send") % {"case": case.pk}
        )
    return dispute.response


@lru_cache(maxsize=512)
def _compiled(engine: Engine, source: str) -> Template:
    # Templates are compiled once per process and text (an edit is a new text, a new entry).
    return engine.from_string(source)


def _render(engine: Engine, source: str, context: dict[str, object], what: str) -> str:
    try:
        # The engine says whether to escape: a Context escapes by default, which put "&amp;" in
        # plain-text SMS (a link with two query parameters broke).
        text = _compiled(engine, source).render(Context(context, autoescape=engine.autoescape))
    except TemplateSyntaxError as exc:
        raise TemplateRenderError(f"{what}: {exc}") from exc
    if "\x00missing:" in text:
        names = sorted({part.split("\x00")[0] for part in text.split("\x00missing:")[1:]})
        raise TemplateRenderError(
            _("%(what)s: unknown variable(s) %(names)s") % {"what": what, "names": ", ".join(names)}
        )
    return text.strip()


def render_text(source: str, context: dict[str, object], what: str) -> str:
    """Plain text from template syntax, unknown variables an error (call scripts use it)."""
    return _render(_TEXT, source, context, what)


def spoken_digits(number: str) -> str:
    """'+18005550100' → '1 8 0 0 5 5 5 0 1 0 0': read digit by digit, not as a large number."""
    return " ".join(ch for ch in number if ch.isdigit())


def sms_opt_out_line(borrower: Borrower) -> str:
    table = copy.SMS_OPT_OUT.get(borrower.jurisdiction, copy.DEFAULT_SMS_OPT_OUT)
    return copy.pick(table, borrower.preferred_language)


def render_template(
    template: MessageTemplate,
    case: CollectionCase,
    *,
    today: dt.date | None = None,
    message: OutboundMessage | None = None,
    loans: LoansTotal | None = None,
    debt: DebtStatus | None = None,
) -> Rendered:
    """`debt`: the case's debt status (selectors/debt_status.py), read here when not given (the
    dispatcher reads a batch's at once)."""
    if not wording_fits(template.stage, case):
        raise TemplateRenderError(
            _("%(template)s is %(stage)s wording; case %(case)s is in %(state)s, not %(stage)s")
            % {"template": template, "stage": template.stage, "case": case.pk, "state": case.state}
        )
    debt = debt or case_debt_status(case, today)
    if template.threatens_suit and debt.suit_forbidden:
        # 12 CFR 1006.26(b): no threat of suit on a time-barred debt. The reason is the
        # message's failure detail and the case's timeline entry (outreach/dispatch.py).
        raise TemplateRenderError(
            _("%(template)s mentions legal action and may not be sent for this debt: %(reason)s")
            % {"template": template, "reason": suit_refusal(debt)}
        )
    borrower = case.loan.borrower
    context = message_context(
        case, today=today, stage=template.stage, message=message, loans=loans, debt=debt
    )
    disclosure = time_barred_disclosure(debt, borrower.preferred_language)
    if template.channel == "voice":
        # Said by text-to-speech: a number digit by digit, not as one large number.
        context["callback_number"] = spoken_digits(str(context["callback_number"]))
    body = _render(_TEXT, template.body, context, f"{template} body")
    if disclosure and disclosure not in body:
        body = f"{body} {disclosure}" if template.channel != "email" else f"{body}\n\n{disclosure}"
    collector = debt_collector_disclosure(borrower, template.channel)
    if collector and collector not in body:
        body = f"{body}\n\n{collector}" if template.channel == "email" else f"{body} {collector}"
    if template.channel == "sms":
        line = sms_opt_out_line(borrower)
        if line not in body:
            body = f"{body} {line}"
        return Rendered("", body, "", has_opt_out_notice=True, channel="sms")
    if template.channel == "email":
        link = unsubscribe_url(borrower)
        footer = copy.pick(copy.EMAIL_OPT_OUT, borrower.preferred_language).format(
            unsubscribe_url=link
        )
        subject = _render(_TEXT, template.subject, context, f"{template} subject")
        html = (
            _render(_HTML, template.html_body, context, f"{template} HTML")
            if (template.html_body)
            else ""
        )
        if html and disclosure:
            html += _render(
                _HTML, "<p>{{ disclosure }}</p>", {"disclosure": disclosure}, "disclosure"
            )
        footer_html = _render(
            _HTML,
            '<p style="color:#666;font-size:12px">{{ footer }}</p>',
            {"footer": footer},
            "footer",
        )
        collector_html = (
            _render(_HTML, "<p>{{ disclosure }}</p>\n", {"disclosure": collector}, "disclosure")
            + "\n"
            if collector
            else ""
        )
        return Rendered(
            subject=subject,
            body=f"{body}\n\n--\n{footer}",
            html_body=f"{html}\n{collector_html}{footer_html}" if html else "",
            has_opt_out_notice=True,
            # RFC 2369 / RFC 8058: mail clients show an unsubscribe button and POST to it.
            headers={
                "List-Unsubscribe": f"<{link}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
    # Voice: the spoken script; no opt-out line (the borrower can ask on the call).
    return Rendered("", body, "", has_opt_out_notice=True)


def find_template(key: str, channel: str, language: str) -> MessageTemplate | None:
    """The active template for the borrower's language, falling back to English."""
    found = {
        t.language: t
        for t in MessageTemplate.objects.filter(
            key=key, channel=channel, language__in=[language, "en"], is_active=True
        )
    }
    return found.get(language) or found.get("en")

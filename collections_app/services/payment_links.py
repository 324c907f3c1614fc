"""Taking a payment over the phone: a signed link to the lender's checkout (lender/checkout.py)
sent by SMS or email through the outbox and the compliance gate, exactly like "Send now". The
link is written on the timeline; its message on the timeline too, with what the gate said."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_app.lender.checkout import CheckoutLink, checkout_url
from collections_app.models import CaseEvent, CollectionCase, OutboundMessage
from collections_app.models.settlements import PaymentLink, Settlement
from collections_app.outreach.dispatch import DispatchResult, dispatch_batch
from collections_app.outreach.outbox import manual_key, outbox_enqueue
from collections_app.phrases import choice_label, phrase
from collections_app.services.events import case_event_record
from collections_app.services.settlements import settlement_balance
from collections_app.states import ACTIVE_STATES

LINK_PERMISSION = "collections_app.add_paymentlink"
TEMPLATE_KEY = "payment-link"
CHANNELS = ("sms", "email")


def payment_links_configured() -> bool:
    return bool(settings.LENDER_CHECKOUT_URL and settings.LENDER_CHECKOUT_SECRET)


def payment_link_default_amount(case: CollectionCase) -> Decimal:
    """What a link asks for unless the agent says otherwise: what is left of an agreed
    settlement, else the amount overdue."""
    settlement = case.settlements.filter(
        status__in=[Settlement.Status.APPROVED, Settlement.Status.ACCEPTED]
    ).first()
    return settlement.remaining if settlement is not None else case.amount_overdue


@dataclass(frozen=True)
class LinkSent:
    link: PaymentLink
    message: OutboundMessage
    dispatched: DispatchResult


def payment_link_send(
    *,
    case: CollectionCase,
    amount: Decimal,
    channel: str,
    actor: AbstractBaseUser,
    now: dt.datetime | None = None,
) -> LinkSent:
    """Create the signed link and send it now through the outbox and the gate. Raises
    ValidationError (nothing written) for a link that cannot be made; a send the gate holds or
    refuses is reported in the result, as "Send now" reports it."""
    from collections_app.tasks import send_messages

    if not actor.has_perm(LINK_PERMISSION):
        raise PermissionDenied(_("You may not send payment links."))
    if not payment_links_configured():
        raise ValidationError(
            _(
                "Payment links are not configured: LENDER_CHECKOUT_URL and "
                "LENDER_CHECKOUT_SECRET must be set."
            )
        )
    if channel not in CHANNELS:
        raise ValidationError(_("A payment link goes by SMS or email."))
    if case.state not in ACTIVE_STATES:
        raise ValidationError(
            _("No payment link can be sent on a %(state)s case.")
            % {"state": case.get_state_display()}
        )
    owed = settlement_balance(case)
    if amount <= 0:
        raise ValidationError(_("The amount must be positive."))
    if amount > owed:
        raise ValidationError(
            _("The amount is more than is owed (%(owed)s %(currency)s).")
            % {"owed": owed, "currency": case.loan.currency}
        )
    now = now or timezone.now()
    loan = case.loan
    reference = uuid.uuid4().hex
    expires_at = now + dt.timedelta(hours=settings.PAYMENT_LINK_HOURS)
    url = checkout_url(
        settings.LENDER_CHECKOUT_URL,
        CheckoutLink(reference, loan.external_id, case.pk, amount, loan.currency, expires_at),
        settings.LENDER_CHECKOUT_SECRET,
    )
    with transaction.atomic():
        message, _created = outbox_enqueue(
            case=case,
            channel=channel,
            template_key=TEMPLATE_KEY,
            step=TEMPLATE_KEY,
            scheduled_at=now,
            actor=actor,
            key=manual_key(case),
        )
        link = PaymentLink.objects.create(
            case=case,
            reference=reference,
            amount=amount,
            currency=loan.currency,
            expires_at=expires_at,
            url=url,
            channel=channel,
            message=message,
            settlement=case.settlements.filter(
                status__in=[Settlement.Status.APPROVED, Settlement.Status.ACCEPTED]
            ).first(),
            created_by=actor,
            created_at=now,
        )
        case_event_record(
            case=case,
            kind=CaseEvent.Kind.PAYMENT_LINK,
            actor=actor,
            reason=phrase(
                "Payment link for %(amount)s %(currency)s (valid until %(expires)s) sent by "
                "%(channel)s",
                amount=amount,
                currency=loan.currency,
                expires=f"{timezone.localtime(expires_at):%Y-%m-%d %H:%M %Z}",
                channel=choice_label(message, "channel"),
            ),
            data={
                "link": link.pk,
                "reference": reference,
                "amount": amount,
                "currency": loan.currency,
                "message": message.pk,
                "channel": channel,
            },
        )
        result = dispatch_batch(ids=[message.pk], now=now)
        if result.allowed:
            allowed = list(result.allowed)
            transaction.on_commit(lambda: send_messages.delay(allowed))
    message.refresh_from_db()
    return LinkSent(link=link, message=message, dispatched=result)

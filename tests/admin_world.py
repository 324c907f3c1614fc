"""One row of every model an admin page shows, around one borrower with a known phone and email
that turn up wherever they do in real life: the outbox, provider errors, the ledger, gate
decisions, holds, consents, stored webhooks, replies on the timeline. The role matrix and the
masking tests walk every page over it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from collections_app.models import (
    AgentProfile,
    BadContactPoint,
    BulkAction,
    CallLog,
    CallScript,
    CaseEvent,
    ChannelConsent,
    CollectionCase,
    CollectionPolicy,
    ConsentException,
    ContactAttempt,
    ContactDecision,
    ContactHold,
    DeliveryAttempt,
    Dispute,
    EscalationChunk,
    EscalationRun,
    ImportJob,
    IntegrationKey,
    JurisdictionProfile,
    LegalProposal,
    LenderEvent,
    LenderEventAttempt,
    LenderEventDelivery,
    MessageTemplate,
    OutboundMessage,
    Payment,
    PaymentPlan,
    PiiAccessLog,
    PlanInstallment,
    PromiseToPay,
    PurgeRun,
    RetentionHold,
    RightPartyCheck,
    WebhookEndpoint,
    WebhookEvent,
)
from collections_app.services.consents import consent_opt_out
from collections_app.services.events import case_event_record
from tests.factories import CaseFactory

PHONE = "+14155550187"
EMAIL = "dana.known@example.org"
WORK_PHONE = "+14155550142"
ATTORNEY = "Kim Law, +14155550111, kim@law.example"
# Every form of these that must never reach a masked viewer.
SECRETS = (PHONE, EMAIL, WORK_PHONE, "+14155550111", "kim@law.example", "4155550187")


@dataclass
class World:
    case: CollectionCase
    objects: dict[str, object]  # model label_lower -> one row of it


def build_world() -> World:
    case = CaseFactory(
        loan__borrower__name="Dana Known",
        loan__borrower__phone=PHONE,
        loan__borrower__email=EMAIL,
    )
    borrower, loan = case.loan.borrower, case.loan
    now = timezone.now()
    message = OutboundMessage.objects.create(
        case=case,
        borrower=borrower,
        channel="sms",
        template_key="reminder-day0-sms",
        step="reminder:0:sms",
        scheduled_at=now,
        idempotency_key="world-sms-1",
        status=OutboundMessage.Status.FAILED,
        to_address=PHONE,
        body="Dana, 300.00 USD is due. Reply STOP to opt out.",
        error_code="21211",
        error_message=f"The 'To' number {PHONE} is not a valid phone number.",
    )
    DeliveryAttempt.objects.create(
        message=message,
        number=1,
        outcome=DeliveryAttempt.Outcome.PERMANENT_ERROR,
        error_code="21211",
        error_message=f"The 'To' number {PHONE} is not a valid phone number.",
    )
    email = OutboundMessage.objects.create(
        case=case,
        borrower=borrower,
        channel="email",
        template_key="reminder-day2-email",
        scheduled_at=now,
        idempotency_key="world-email-1",
        to_address=EMAIL,
    )
    attempt = ContactAttempt.objects.create(
        borrower=borrower, case=case, message=email, channel="email", address=EMAIL,
        occurred_at=now, outcome=ContactAttempt.Outcome.DELIVERED,
    )  # fmt: skip
    from collections_app.services.validation_notices import validation_notice_queue

    decision = ContactDecision.objects.create(
        borrower=borrower, case=case, message=message, channel="sms", decided_at=now,
        allowed=False, rule="contact_point_unusable",
        detail=f"The provider reported {PHONE} unusable.", profile_code="US", profile_version=1,
    )  # fmt: skip
    BadContactPoint.objects.create(borrower=borrower, channel="sms", address=PHONE, code="21211")
    # Written directly: through hold_place an attorney hold would pause the world's case, and
    # the walk needs an open case (its promise and send-now pages).
    hold = ContactHold.objects.create(
        borrower=borrower,
        kind=ContactHold.Kind.ATTORNEY,
        source="borrower letter",
        note=f"Letter says: write to me at {EMAIL}",
        attorney_contact=ATTORNEY,
        work_phone=WORK_PHONE,
    )
    consent_opt_out(
        borrower=borrower, channel="voice", source="agent", note=f"asked by phone from {PHONE}"
    )
    case_event_record(
        case=case,
        kind=CaseEvent.Kind.REPLY,
        reason=f"SMS reply: my new email is {EMAIL}, call 415-555-0187",
        data={"body": f"my new email is {EMAIL}, call 415-555-0187", "from": PHONE},
    )
    payment = Payment.objects.create(
        external_id="P-world-1", loan=loan, case=case, amount=Decimal("10.00"), currency="USD",
        received_at=now,
    )  # fmt: skip
    promise = PromiseToPay.objects.create(
        case=case, amount=Decimal("50.00"), due_date=timezone.localdate() + dt.timedelta(days=7)
    )
    plan = PaymentPlan.objects.create(case=case)
    PlanInstallment.objects.create(
        plan=plan, sequence=1, due_date=timezone.localdate(), amount=Decimal("100.00")
    )
    bulk = BulkAction.objects.create(transition="pause", case_ids=[case.pk])
    inbound = WebhookEvent.objects.create(
        provider="twilio",
        kind="sms.inbound",
        dedupe_key="sms-inbound:SMworld",
        payload={"form": {"From": PHONE, "To": "+18005550100", "Body": "STOP"}, "query": {}},
        error=f"no borrower with number {PHONE}",
    )
    run = EscalationRun.objects.create(run_date=timezone.localdate(), chunk_count=1)
    chunk = EscalationChunk.objects.create(
        run=run, sequence=0, first_case_id=case.pk, last_case_id=case.pk,
        status=EscalationChunk.Status.FAILED,
    )  # fmt: skip
    someone = get_user_model().objects.create_user("world-agent", password="x", is_staff=True)
    profile = AgentProfile.objects.create(user=someone)
    log = PiiAccessLog.objects.create(user=someone, borrower=borrower, fields="phone")
    proposal = LegalProposal.objects.create(
        case=case, rule="strategic-dpd-60", policy_key="us-default", policy_version=1,
        reasons={"reached": "sms delivered"},
    )  # fmt: skip
    imported = ImportJob.objects.create(
        file_name="portfolio.csv", format="csv", status=ImportJob.Status.DONE, rows_done=1
    )
    imported.problems.create(line=2, path="phone1", message=f"{PHONE} is not a mobile number")
    endpoint = WebhookEndpoint.objects.create(
        name="lender core", url="https://lender.example/hooks", secret="whsec_world"
    )
    event = LenderEvent.objects.create(
        kind="case.state_changed", case=case, loan=loan, dedupe_key="world:moved",
        payload={"case_id": case.pk, "loan_id": loan.external_id, "to_state": "negotiation"},
    )  # fmt: skip
    delivery = LenderEventDelivery.objects.create(
        event=event, endpoint=endpoint, status=LenderEventDelivery.Status.QUEUED, attempts=1,
        attempt_limit=12, last_error="HTTP 503: busy",
    )  # fmt: skip
    LenderEventAttempt.objects.create(
        delivery=delivery, number=1, finished_at=now, http_status=503, response_excerpt="busy"
    )
    # Written directly: through dispute_record it would pause the world's case.
    dispute = Dispute.objects.create(
        case=case,
        kind=Dispute.Kind.AMOUNT_WRONG,
        received_on=timezone.localdate(),
        received_via=Dispute.ReceivedVia.PHONE,
        details=f"Says the amount is wrong; write to {EMAIL}",
        response_due_on=timezone.localdate() + dt.timedelta(days=30),
    )
    call = CallLog.objects.create(
        case=case, borrower=borrower, agent=someone, direction=CallLog.Direction.OUTBOUND,
        status=CallLog.Status.LOGGED, number=PHONE, wrap_up=CallLog.WrapUp.NO_ANSWER,
        note=f"rang {PHONE}, no answer",
    )  # fmt: skip
    check = RightPartyCheck.objects.create(
        borrower=borrower, call=call, agent=someone, offered="date_of_birth", succeeded=False
    )
    objects = {
        "collections_app.calllog": call,
        "collections_app.rightpartycheck": check,
        "collections_app.callscript": CallScript.objects.first(),
        "collections_app.dispute": dispute,
        "collections_app.importjob": imported,
        "collections_app.webhookendpoint": endpoint,
        "collections_app.lenderevent": event,
        "collections_app.lendereventdelivery": delivery,
        "collections_app.collectioncase": case,
        "collections_app.borrower": borrower,
        "collections_app.loan": loan,
        "collections_app.outboundmessage": message,
        "collections_app.contactattempt": attempt,
        "collections_app.contactdecision": decision,
        "collections_app.validationnotice": validation_notice_queue(case),
        "collections_app.contacthold": hold,
        "collections_app.consentexception": ConsentException.objects.create(
            borrower=borrower,
            case=case,
            kind="contact_hours",
            channel="voice",
            given_at=now,
            method="on_our_call",
            valid_from=now,
            valid_until=now + dt.timedelta(hours=1),
            note=f"call me late at {PHONE}",
        ),
        "collections_app.channelconsent": ChannelConsent.objects.get(borrower=borrower),
        "collections_app.caseevent": CaseEvent.objects.filter(case=case).latest("id"),
        "collections_app.payment": payment,
        "collections_app.promisetopay": promise,
        "collections_app.paymentplan": plan,
        "collections_app.bulkaction": bulk,
        "collections_app.webhookevent": inbound,
        "collections_app.escalationrun": run,
        "collections_app.escalationchunk": chunk,
        "collections_app.purgerun": PurgeRun.objects.create(
            trigger="command", dry_run=True, counts={"outbound messages": 3}
        ),
        "collections_app.retentionhold": RetentionHold.objects.create(
            case=case, reason="complaint to the regulator"
        ),
        "collections_app.agentprofile": profile,
        "collections_app.piiaccesslog": log,
        "collections_app.legalproposal": proposal,
        "collections_app.messagetemplate": MessageTemplate.objects.first(),
        "collections_app.jurisdictionprofile": JurisdictionProfile.objects.get(
            code="US", is_current=True
        ),
        "collections_app.collectionpolicy": CollectionPolicy.objects.filter(
            is_current=True
        ).first(),
        "django_celery_beat.periodictask": PeriodicTask.objects.first(),
        "django_celery_beat.crontabschedule": CrontabSchedule.objects.first(),
        "auth.user": someone,
        "collections_app.integrationkey": IntegrationKey.objects.create_key(
            name="nightly sync", integration="core-banking", scope="write"
        )[0],
    }
    objects |= _money_rows(case, someone, message)
    return World(case=case, objects=objects)


def _money_rows(case: CollectionCase, someone: object, message: OutboundMessage) -> dict:
    """A settlement waiting for approval and a payment link sent (admin/settlements.py)."""
    from collections_app.models import PaymentLink, Settlement

    today = timezone.localdate()
    settlement = Settlement.objects.create(
        case=case, currency="USD", balance=Decimal("1200.00"), amount=Decimal("900.00"),
        discount_percent=Decimal("25"), first_due=today, offer_valid_until=today,
        proposed_by=someone, proposer_limit_percent=Decimal("10"), needs_approval=True,
    )  # fmt: skip
    link = PaymentLink.objects.create(
        case=case, reference="world-link", amount=Decimal("100.00"), currency="USD",
        expires_at=timezone.now(), url="https://checkout.example/pay?ref=world-link",
        channel="sms", message=message,
    )  # fmt: skip
    return {"collections_app.settlement": settlement, "collections_app.paymentlink": link}

"""The dispatcher and the sender on the real database, with the file provider as the far end."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from collections_app.models import (
    BadContactPoint,
    CaseEvent,
    ContactAttempt,
    ContactDecision,
    ContactPoint,
    DeliveryAttempt,
    OutboundMessage,
)
from collections_app.outreach.dispatch import dispatch_batch
from collections_app.outreach.outbox import outbox_enqueue
from collections_app.outreach.sender import send_claimed
from collections_app.services.consents import consent_opt_out
from collections_app.services.payments import payment_record
from tests.outreach.conftest import enqueue, make_case

pytestmark = pytest.mark.django_db


def lines(folder, channel="sms"):
    path = folder / f"{channel}.jsonl"
    return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []


def test_the_same_step_on_the_same_day_is_one_message(daytime_zone) -> None:
    case = make_case(daytime_zone)
    first = enqueue(case, step="reminder:0:sms")
    second = enqueue(case, step="reminder:0:sms")
    assert first.pk == second.pk
    assert OutboundMessage.objects.count() == 1


def test_a_due_message_is_gated_rendered_sent_and_recorded(daytime_zone, _file_provider) -> None:
    case = make_case(daytime_zone)
    message = enqueue(case)

    result = dispatch_batch()
    assert result.allowed == [message.pk]
    message.refresh_from_db()
    assert message.status == "sending"
    assert "Reply STOP to opt out." in message.body
    assert ContactAttempt.objects.get(message=message).outcome == "pending"

    summary = send_claimed(result.allowed)

    assert summary.sent == 1
    message.refresh_from_db()
    assert (message.status, message.provider, message.attempt_count) == ("sent", "file", 1)
    (line,) = lines(_file_provider)
    assert line["provider_id"] == message.provider_id
    assert line["to"] == case.loan.borrower.phone
    assert line["status_callback_url"].endswith(f"/webhooks/twilio/sms/status/?m={message.pk}")
    attempt = DeliveryAttempt.objects.get(message=message)
    assert (attempt.number, attempt.outcome) == (1, "sent")


def test_a_send_task_delivered_twice_sends_once(daytime_zone, _file_provider) -> None:
    case = make_case(daytime_zone)
    enqueue(case)
    ids = dispatch_batch().allowed
    send_claimed(ids)
    again = send_claimed(ids)
    assert (again.sent, again.skipped) == (0, 1)
    assert len(lines(_file_provider)) == 1


def test_at_night_the_message_waits_for_the_next_allowed_slot(nighttime_zone) -> None:
    case = make_case(nighttime_zone)
    message = enqueue(case)

    result = dispatch_batch()

    assert (result.allowed, result.rescheduled) == ([], 1)
    message.refresh_from_db()
    decision = ContactDecision.objects.get(message=message)
    assert message.status == "queued"
    assert message.scheduled_at == decision.next_allowed_at > timezone.now()
    assert message.error_code == "quiet_hours"
    assert not ContactAttempt.objects.exists()
    # and it is not claimed again before then
    assert dispatch_batch().claimed == 0


def test_an_opted_out_channel_cancels_with_the_rule_on_the_timeline(daytime_zone) -> None:
    case = make_case(daytime_zone)
    message = enqueue(case)
    # opt-out recorded behind the outbox's back (as if it raced the enqueue)
    from collections_app.models import ChannelConsent

    ChannelConsent.objects.create(
        borrower=case.loan.borrower,
        channel="sms",
        status="opted_out",
        source="agent",
        recorded_at=timezone.now(),
    )
    result = dispatch_batch()
    assert result.cancelled == 1
    message.refresh_from_db()
    assert (message.status, message.error_code) == ("cancelled", "opted_out")
    assert case.events.filter(kind=CaseEvent.Kind.COMPLIANCE, data__rule="opted_out").exists()


def test_opting_out_cancels_queued_messages_before_the_dispatcher_sees_them(daytime_zone) -> None:
    case = make_case(daytime_zone)
    message = enqueue(case)
    consent_opt_out(borrower=case.loan.borrower, channel="sms", source="borrower_reply")
    message.refresh_from_db()
    assert message.status == "cancelled"
    assert dispatch_batch().claimed == 0


def test_a_payment_or_a_pause_cancels_the_cases_queued_messages(daytime_zone) -> None:
    from collections_app.services.cases import case_transition

    paid, paused = make_case(daytime_zone), make_case(daytime_zone)
    m1, m2 = enqueue(paid), enqueue(paused)
    payment_record(
        loan=paid.loan,
        external_id="P1",
        amount=paid.amount_overdue,
        currency=paid.loan.currency,
        received_at=timezone.now(),
    )
    case_transition(case=paused, name="pause", pause_reason="dispute")
    m1.refresh_from_db()
    m2.refresh_from_db()
    assert (m1.status, m2.status) == ("cancelled", "cancelled")


def test_a_missing_template_fails_the_message_with_a_clear_error(daytime_zone) -> None:
    case = make_case(daytime_zone)
    message = enqueue(case, key="no-such-template")
    result = dispatch_batch()
    assert result.failed == 1
    message.refresh_from_db()
    assert (message.status, message.error_code) == ("failed", "template")
    assert "no-such-template" in message.error_message
    assert not ContactAttempt.objects.exists()


def test_an_automated_call_to_a_mobile_without_consent_is_cancelled(daytime_zone) -> None:
    """TCPA: no prerecorded voice to a mobile without the consent the lender recorded; waiting
    cannot help, so the message is cancelled with the rule (an agent may still call)."""
    case = make_case(daytime_zone)
    message = enqueue(case, channel="voice", step="call0")
    result = dispatch_batch()
    assert (len(result.allowed), result.cancelled) == (0, 1)
    message.refresh_from_db()
    assert (message.status, message.error_code) == ("cancelled", "prerecorded_voice_consent")


def test_future_messages_are_not_claimed(daytime_zone) -> None:
    case = make_case(daytime_zone)
    enqueue(case, scheduled_at=timezone.now() + dt.timedelta(hours=1))
    assert dispatch_batch().claimed == 0


def test_a_batch_respects_caps_between_its_own_messages(daytime_zone) -> None:
    """Eight calls for one US debt queued at once: the gate lets one through (the first is a
    possible conversation until its outcome is known); the rest wait. The lender recorded the
    consent automated calls to the mobile need (TCPA)."""
    case = make_case(daytime_zone)
    borrower = case.loan.borrower
    ContactPoint.objects.create(
        borrower=borrower,
        kind="phone",
        address=borrower.phone,
        type="mobile",
        consent="prior_express_consent",
    )
    for i in range(8):
        enqueue(case, channel="voice", step=f"call{i}")
    result = dispatch_batch()
    assert (len(result.allowed), result.rescheduled) == (1, 7)


def test_a_stale_claim_goes_back_through_the_gate(daytime_zone, settings) -> None:
    case = make_case(daytime_zone)
    message = enqueue(case)
    ids = dispatch_batch().allowed
    OutboundMessage.objects.filter(pk=message.pk).update(
        claimed_at=timezone.now() - dt.timedelta(seconds=settings.OUTBOX_CLAIM_TTL + 1)
    )
    summary = send_claimed(ids)
    assert (summary.sent, summary.requeued_stale) == (0, 1)
    message.refresh_from_db()
    assert message.status == "queued"
    assert ContactAttempt.objects.get(message=message).outcome == "not_sent"


class TestProviderErrors:
    def test_transient_errors_retry_later_and_release_the_reservation(
        self, daytime_zone, scripted
    ) -> None:
        from collections_app.channels import ChannelError

        scripted.script = [ChannelError("429 too many requests", code="20429")]
        case = make_case(daytime_zone)
        message = enqueue(case)
        summary = send_claimed(dispatch_batch().allowed)
        assert summary.retrying == 1
        message.refresh_from_db()
        assert (message.status, message.attempt_count) == ("queued", 1)
        assert message.scheduled_at > timezone.now() + dt.timedelta(seconds=20)
        assert ContactAttempt.objects.get(message=message).outcome == "not_sent"
        assert DeliveryAttempt.objects.get(message=message).outcome == "transient_error"

    def test_an_invalid_number_stops_retries_and_every_later_send(
        self, daytime_zone, scripted
    ) -> None:
        from collections_app.channels import ChannelError

        scripted.script = [ChannelError("invalid To", permanent=True, code="21211")]
        case = make_case(daytime_zone)
        message = enqueue(case)
        assert send_claimed(dispatch_batch().allowed).failed == 1
        message.refresh_from_db()
        assert (message.status, message.error_code) == ("failed", "21211")
        assert BadContactPoint.objects.filter(address=case.loan.borrower.phone).exists()
        later = enqueue(case, step="s2")
        assert dispatch_batch().cancelled == 1
        later.refresh_from_db()
        assert later.error_code == "contact_point_unusable"

    def test_our_missing_geo_permission_fails_the_message_not_the_number(
        self, daytime_zone, scripted
    ) -> None:
        from collections_app.channels import ChannelError

        scripted.script = [ChannelError("region not enabled", permanent=True, code="21408")]
        case = make_case(daytime_zone)
        message = enqueue(case)
        assert send_claimed(dispatch_batch().allowed).failed == 1
        message.refresh_from_db()
        assert (message.status, message.error_code) == ("failed", "21408")
        # Once the account's permission is fixed, the borrower's number is still good.
        assert not BadContactPoint.objects.exists()
        enqueue(case, step="s2")
        assert dispatch_batch().cancelled == 0

    def test_a_carrier_opt_out_becomes_our_opt_out(self, daytime_zone, scripted) -> None:
        from collections_app.channels import ChannelError

        scripted.script = [ChannelError("unsubscribed", permanent=True, code="21610")]
        case = make_case(daytime_zone)
        enqueue(case)
        send_claimed(dispatch_batch().allowed)
        consent = case.loan.borrower.consents.get(channel="sms")
        assert (consent.status, consent.source) == ("opted_out", "provider")

    def test_a_timeout_after_sending_is_unknown_and_never_resent(
        self, daytime_zone, scripted
    ) -> None:
        from collections_app.channels import ChannelError

        scripted.script = [ChannelError("read timeout", unknown=True)]
        case = make_case(daytime_zone)
        message = enqueue(case)
        assert send_claimed(dispatch_batch().allowed).unknown == 1
        message.refresh_from_db()
        assert message.status == "unknown"
        assert dispatch_batch().claimed == 0
        # the attempt may have reached the borrower: it still counts in the ledger
        assert ContactAttempt.objects.get(message=message).outcome == "pending"
        assert case.events.filter(kind=CaseEvent.Kind.CONTACT).exists()

    def test_too_many_transient_errors_give_up(self, daytime_zone, scripted, settings) -> None:
        from collections_app.channels import ChannelError

        settings.OUTBOX_MAX_ATTEMPTS = 2
        scripted.script = [ChannelError("5xx"), ChannelError("5xx")]
        case = make_case(daytime_zone)
        message = enqueue(case)
        send_claimed(dispatch_batch().allowed)
        OutboundMessage.objects.filter(pk=message.pk).update(scheduled_at=timezone.now())
        send_claimed(dispatch_batch().allowed)
        message.refresh_from_db()
        assert (message.status, message.attempt_count) == ("failed", 2)

    def test_attempts_that_never_left_are_not_tries(
        self, daytime_zone, scripted, settings, monkeypatch
    ) -> None:
        from collections_app.channels import ChannelError
        from collections_app.outreach import sender

        settings.OUTBOX_MAX_ATTEMPTS = 2
        case = make_case(daytime_zone)
        message = enqueue(case)

        def again() -> None:
            OutboundMessage.objects.filter(pk=message.pk).update(scheduled_at=timezone.now())
            send_claimed(dispatch_batch().allowed)
            message.refresh_from_db()

        # Twice the batch's deadline passes before the request starts: nothing leaves.
        with monkeypatch.context() as m:
            m.setattr(sender, "send_deadline_seconds", lambda: -1.0)
            again()
            again()
        assert (message.status, message.attempt_count) == ("queued", 2)
        # Then a real try fails transiently: the first of two, so it is retried.
        scripted.script = [ChannelError("5xx"), ChannelError("5xx")]
        again()
        assert message.status == "queued"
        again()
        assert message.status == "failed"
        outcomes = list(message.attempts.order_by("number").values_list("outcome", flat=True))
        assert outcomes == ["not_sent", "not_sent", "transient_error", "transient_error"]


def test_manual_keys_let_an_agent_send_twice(daytime_zone) -> None:
    from collections_app.outreach.outbox import manual_key

    case = make_case(daytime_zone)
    a, created_a = outbox_enqueue(
        case=case,
        channel="sms",
        template_key="reminder-notice",
        step="manual",
        scheduled_at=timezone.now(),
        key=manual_key(case),
    )
    b, created_b = outbox_enqueue(
        case=case,
        channel="sms",
        template_key="reminder-notice",
        step="manual",
        scheduled_at=timezone.now(),
        key=manual_key(case),
    )
    assert created_a and created_b and a.pk != b.pk


def test_a_delivery_callback_before_the_result_is_written_is_kept(daytime_zone) -> None:
    """The provider's 'delivered' can arrive before the sender records 'sent'."""
    from collections_app.outreach.results import SendOutcome, record_outcomes
    from collections_app.outreach.sender import _take

    case = make_case(daytime_zone)
    message = enqueue(case)
    dispatch_batch()
    [taken], _ = _take([message.pk], timezone.now())
    OutboundMessage.objects.filter(pk=message.pk).update(status="delivered")  # the callback

    record_outcomes([SendOutcome(taken, timezone.now(), provider_id="SM123")])

    message.refresh_from_db()
    assert (message.status, message.provider_id) == ("delivered", "SM123")


def test_an_error_after_the_provider_reported_delivery_does_not_requeue(daytime_zone) -> None:
    """Twilio said 'delivered' while our request timed out as a transient error: no resend."""
    from collections_app.channels import ChannelError
    from collections_app.outreach.results import SendOutcome, record_outcomes
    from collections_app.outreach.sender import _take

    message = enqueue(make_case(daytime_zone))
    dispatch_batch()
    [taken], _ = _take([message.pk], timezone.now())
    OutboundMessage.objects.filter(pk=message.pk).update(status="delivered")  # the callback

    record_outcomes([SendOutcome(taken, timezone.now(), error=ChannelError("502"))])

    message.refresh_from_db()
    assert message.status == "delivered"
    assert dispatch_batch().claimed == 0

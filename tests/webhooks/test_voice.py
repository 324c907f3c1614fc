"""Calls: status and answering-machine results into the ledger; the keypad menu."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from collections_app.models import CaseEvent, ContactHold, PromiseToPay, WebhookEvent
from collections_app.states import CaseState
from tests.helpers import bring_to
from tests.webhooks.conftest import (
    call_status_form,
    gather_form,
    ledger_outcome,
    post_twilio,
    process_all,
    sent_message,
    sid,
)

STATUS = "/webhooks/twilio/voice/status/"
GATHER = "/webhooks/twilio/voice/gather/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return sent_message(channel="voice", provider_id=sid("CA"))


def status(client, call, call_status: str, **extra):
    form = call_status_form(call.provider_id, call_status, **extra)
    return post_twilio(client, STATUS, form, query={"m": call.pk})


@pytest.mark.parametrize(
    ("call_status", "answered_by", "outcome", "message_status"),
    [
        ("completed", "human", "connected", "delivered"),
        ("completed", "", "connected", "delivered"),
        ("completed", "unknown", "connected", "delivered"),
        ("completed", "machine_end_beep", "voicemail", "delivered"),
        ("completed", "machine_start", "voicemail", "delivered"),
        ("completed", "fax", "failed", "delivered"),
        ("no-answer", "", "unanswered", "undelivered"),
        # Never connected to the dialled number (12 CFR 1006.14(b)(3)(ii)): told apart.
        ("busy", "", "busy", "undelivered"),
        ("failed", "", "not_connected", "failed"),
        ("canceled", "", "failed", "undelivered"),
    ],
)
def test_call_end_sets_the_ledger_outcome(
    client, call, call_status, answered_by, outcome, message_status
) -> None:
    extra = {"AnsweredBy": answered_by} if answered_by else {}
    assert status(client, call, call_status, **extra).status_code == 204
    process_all()
    call.refresh_from_db()
    assert ledger_outcome(call) == outcome
    assert call.status == message_status


def test_progress_callbacks_leave_the_outcome_pending(client, call) -> None:
    for progress in ("initiated", "ringing", "in-progress"):
        status(client, call, progress)
    process_all()
    call.refresh_from_db()
    assert ledger_outcome(call) == "pending" and call.status == "sent"


def test_late_ringing_after_completed_changes_nothing(client, call) -> None:
    status(client, call, "completed", AnsweredBy="human")
    status(client, call, "ringing")
    process_all()
    call.refresh_from_db()
    assert call.status == "delivered" and ledger_outcome(call) == "connected"


def test_async_machine_verdict_after_completion_refines_connected_to_voicemail(
    client, call
) -> None:
    status(client, call, "completed")
    process_all()
    assert ledger_outcome(call) == "connected"
    # Twilio's asyncAmdStatusCallback: AnsweredBy without CallStatus.
    form = {
        "AccountSid": "AC" + "a" * 32,
        "CallSid": call.provider_id,
        "AnsweredBy": "machine_end_silence",
        "MachineDetectionDuration": "4200",
    }
    assert post_twilio(client, STATUS, form, query={"m": call.pk}).status_code == 204
    process_all()
    assert ledger_outcome(call) == "voicemail"


def test_machine_verdict_before_completion_is_remembered(client, call) -> None:
    status(client, call, "in-progress", AnsweredBy="machine_start")
    status(client, call, "completed")
    process_all()
    assert ledger_outcome(call) == "voicemail"


def test_duplicate_call_status_is_one_row(client, call) -> None:
    status(client, call, "completed", AnsweredBy="human")
    status(client, call, "completed", AnsweredBy="human")
    assert WebhookEvent.objects.count() == 1


# --- keypad ------------------------------------------------------------------------------


def press(client, call, digits: str, call_sid: str, step: str = "menu", **query):
    return post_twilio(
        client,
        GATHER,
        gather_form(call_sid, digits),
        query={"message": call.pk, "step": step, **query},
    )


# Words that would tell a third party what the call is about (whole words: a borrower's random
# factory name may contain "owe"). The amount with its decimals: a bare 300 is also what the
# action URLs carry when the message's id happens to be 300.
DEBT_WORDS = re.compile(r"\b(debt|loan|past due|overdue|payment|owe|300\.00)\b", re.IGNORECASE)


def test_the_borrower_confirming_who_they_are_hears_the_message_then_the_menu(client, call) -> None:
    call.body = "This is Acme calling for Alex. 300.00 USD is past due on your loan."
    call.save(update_fields=["body"])
    answer = press(client, call, "1", call.provider_id, step="identity").content.decode()
    assert answer.index("300.00 USD is past due") < answer.index("Press 1 to promise")
    assert "step=menu" in answer
    process_all()
    # recorded as reach (policies/reach.py): the borrower themselves heard about the debt
    (event,) = CaseEvent.objects.filter(case=call.case, kind="contact")
    assert event.data["right_party"] is True


def test_someone_else_answering_hears_nothing_about_the_debt_and_it_is_noted(client, call) -> None:
    answer = press(client, call, "2", call.provider_id, step="identity").content.decode()
    assert "Sorry to have disturbed you" in answer and "<Gather" not in answer
    assert not DEBT_WORDS.findall(answer)
    process_all()
    event = CaseEvent.objects.get(case=call.case, kind="contact")
    assert event.data["right_party"] is False and "someone other" in event.reason.lower()
    assert not CaseEvent.objects.filter(case=call.case, data__needs_agent=True).exists()


@pytest.mark.parametrize("query", [{"step": "identity"}, {}], ids=["identity", "no step"])
def test_another_key_at_the_identity_question_asks_it_again_and_discloses_nothing(
    client, call, query
) -> None:
    form = gather_form(call.provider_id, "9")
    answer = post_twilio(client, GATHER, form, query={"message": call.pk, **query})
    text = answer.content.decode()
    assert "not an option" in text and "If you are" in text and "step=identity" in text
    assert not DEBT_WORDS.findall(text)


def test_the_identity_question_in_chinese(client, call) -> None:
    call.borrower.preferred_language = "zh-Hans"
    call.borrower.save()
    answer = press(client, call, "7", call.provider_id, step="identity").content.decode()
    assert "本人，请按1" in answer and 'language="zh-CN"' in answer


def test_keypad_1_walks_through_a_promise_and_records_it_once_confirmed(client, call) -> None:
    call_sid = call.provider_id
    case = call.case  # 300.00 overdue

    menu = press(client, call, "1", call_sid).content.decode()
    assert "Enter the amount" in menu and "step=amount" in menu
    days = press(client, call, "120", call_sid, step="amount").content.decode()
    assert "In how many days" in days and "amount=120" in days
    confirm = press(client, call, "7", call_sid, step="days", amount="120").content.decode()
    due = timezone.localdate() + dt.timedelta(days=7)
    assert f"You promise to pay 120 USD by {due.isoformat()}" in confirm
    process_all()
    assert not PromiseToPay.objects.exists()  # nothing before the borrower confirms

    done = press(client, call, "1", call_sid, step="confirm", amount="120", days="7")
    assert "Your promise is recorded" in done.content.decode()
    press(client, call, "1", call_sid, step="confirm", amount="120", days="7")  # Twilio retry
    process_all()

    promise = PromiseToPay.objects.get()
    assert (promise.case_id, promise.amount, promise.due_date) == (case.pk, Decimal("120"), due)
    case.refresh_from_db()
    assert case.state == CaseState.NEGOTIATION


def test_keypad_amount_above_what_is_overdue_is_asked_again(client, call) -> None:
    answer = press(client, call, "5000", call.provider_id, step="amount").content.decode()
    assert "not possible" in answer and "step=amount" in answer


def test_keypad_days_beyond_the_horizon_are_asked_again(client, call) -> None:
    answer = press(client, call, "90", call.provider_id, step="days", amount="100").content.decode()
    assert "from 0 to 30" in answer and "step=days" in answer and "amount=100" in answer


def test_keypad_confirm_2_starts_again_without_a_promise(client, call) -> None:
    answer = press(client, call, "2", call.provider_id, step="confirm", amount="100", days="3")
    assert "step=amount" in answer.content.decode()
    process_all()
    assert not PromiseToPay.objects.exists()


def test_keypad_2_asks_for_a_call_back(client, call) -> None:
    answer = press(client, call, "2", call.provider_id).content.decode()
    assert "We will call you back" in answer
    process_all()
    task = CaseEvent.objects.get(case=call.case, kind="reply")
    assert task.data["callback_requested"] is True and task.data["needs_agent"] is True
    call.case.refresh_from_db()
    assert call.case.next_action_at is not None


def test_keypad_3_places_a_dispute_hold(client, call) -> None:
    answer = press(client, call, "3", call.provider_id).content.decode()
    assert "dispute is recorded" in answer
    process_all()
    assert ContactHold.objects.get(borrower=call.borrower).kind == "dispute"


def test_keypad_other_key_repeats_the_menu(client, call) -> None:
    answer = press(client, call, "9", call.provider_id).content.decode()
    assert "not an option" in answer and "Press 1 to promise" in answer


def test_keypad_in_chinese_for_a_chinese_speaking_borrower(client, call) -> None:
    call.borrower.preferred_language = "zh-Hans"
    call.borrower.save()
    answer = press(client, call, "1", call.provider_id).content.decode()
    assert "请输入您将支付的金额" in answer and 'language="zh-CN"' in answer


def test_confirmed_promise_on_a_paused_case_becomes_an_agent_task(client, call) -> None:
    bring_to(call.case, CaseState.PAUSED)
    press(client, call, "1", call.provider_id, step="confirm", amount="100", days="3")
    process_all()
    assert not PromiseToPay.objects.exists()
    assert CaseEvent.objects.filter(case=call.case, kind="reply", data__needs_agent=True).exists()

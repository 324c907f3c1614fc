"""Outreach per borrower per step, when the policy says so: a borrower with several cases due
the same step on the same day gets ONE message (the total per currency and the number of
loans), not one per loan; without the setting, one per loan as before."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from collections_app.models import CollectionPolicy, OutboundMessage
from collections_app.outreach.dispatch import dispatch_batch
from collections_app.outreach.outbox import borrower_idempotency_key, outbox_enqueue
from collections_app.services.policies import policy_new_version, policy_validate
from tests.escalation_helpers import TODAY, make_case, run_night
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory
from tests.outreach.conftest import _file_provider, daytime_zone  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def per_borrower(on: bool = True) -> None:
    for policy in CollectionPolicy.objects.filter(is_current=True):
        policy_new_version(policy=policy, changes={"outreach": {"per_borrower": on}}, actor=None)


def two_loans_due_today():
    borrower = BorrowerFactory()
    cases = [make_case(dpd=1, loan=LoanFactory(borrower=borrower)) for _ in range(2)]
    return borrower, cases


def test_without_the_setting_each_loan_gets_its_message() -> None:
    borrower, cases = two_loans_due_today()

    run_night(TODAY)  # reminder day 0: an SMS each

    messages = OutboundMessage.objects.filter(borrower=borrower)
    assert sorted(messages.values_list("case_id", flat=True)) == sorted(c.pk for c in cases)


def test_with_it_two_loans_due_the_same_step_get_one_message() -> None:
    per_borrower()
    borrower, cases = two_loans_due_today()
    alone = make_case(dpd=1)

    run = run_night(TODAY)

    (message,) = OutboundMessage.objects.filter(borrower=borrower)
    assert message.case_id == min(c.pk for c in cases)
    assert message.step == "reminder:0:sms"
    assert message.idempotency_key == borrower_idempotency_key(
        borrower.pk, "reminder:0:sms", "sms", TODAY
    )
    assert OutboundMessage.objects.filter(case=alone).count() == 1  # one loan: its message
    assert run.totals["outbox_loans_combined"] == 1


def test_one_message_even_when_the_loans_are_in_different_batches() -> None:
    per_borrower()
    borrower, _ = two_loans_due_today()

    run = run_night(TODAY, chunk_size=1)

    assert run.chunk_count >= 2
    assert OutboundMessage.objects.filter(borrower=borrower).count() == 1


def test_running_the_date_again_queues_nothing_more() -> None:
    per_borrower()
    borrower, _ = two_loans_due_today()
    run_night(TODAY)

    from collections_app.models import EscalationRun

    EscalationRun.objects.all().delete()
    again = run_night(TODAY)

    assert again.totals.get("outbox_queued", 0) == 0
    assert OutboundMessage.objects.filter(borrower=borrower).count() == 1


def test_the_one_message_says_the_total_per_currency_and_the_number_of_loans(
    daytime_zone,  # noqa: F811
) -> None:
    borrower = BorrowerFactory(time_zone=daytime_zone, jurisdiction="US")
    usd = [
        CaseFactory(loan=LoanFactory(borrower=borrower, currency="USD"), amount_overdue=amount)
        for amount in (Decimal("300.00"), Decimal("125.50"))
    ]
    CaseFactory(loan=LoanFactory(borrower=borrower, currency="EUR"), amount_overdue=Decimal("80"))
    step = "reminder:0:sms"
    message, _ = outbox_enqueue(
        case=usd[0],
        channel="sms",
        template_key="reminder-notice",
        step=step,
        scheduled_at=timezone.now(),
        key=borrower_idempotency_key(borrower.pk, step, "sms", TODAY),
    )

    assert dispatch_batch().allowed == [message.pk]

    message.refresh_from_db()
    assert "EUR 80.00 + USD 425.50 on 3 loans" in message.body


def test_a_single_loan_reads_as_before_even_under_the_setting(daytime_zone) -> None:  # noqa: F811
    borrower = BorrowerFactory(time_zone=daytime_zone, jurisdiction="US")
    case = CaseFactory(loan=LoanFactory(borrower=borrower), amount_overdue=Decimal("300.00"))
    message, _ = outbox_enqueue(
        case=case,
        channel="sms",
        template_key="reminder-notice",
        step="reminder:0:sms",
        scheduled_at=timezone.now(),
        key=borrower_idempotency_key(borrower.pk, "reminder:0:sms", "sms", TODAY),
    )

    dispatch_batch()

    message.refresh_from_db()
    assert "USD 300.00 was due" in message.body
    assert " on 1 loans" not in message.body and " on 2 loans" not in message.body


@pytest.mark.parametrize(
    ("outreach", "problem"),
    [
        ({"per_borrower": "yes"}, "outreach.per_borrower: must be true or false"),
        ({"per_loan": True}, "outreach.per_loan: unknown setting"),
        (["per_borrower"], "outreach: must be an object"),
    ],
)
def test_the_setting_is_validated(outreach, problem) -> None:
    policy = CollectionPolicy.objects.filter(is_current=True).first()
    with pytest.raises(ValidationError) as error:
        policy_validate(
            segmentation=policy.segmentation,
            stages=policy.stages,
            channel_switch=policy.channel_switch,
            promises=policy.promises,
            outreach=outreach,
        )
    assert problem in str(error.value)
    assert error.value.message_dict.keys() == {"outreach"}


def test_a_message_another_batch_queued_meanwhile_is_skipped_without_an_error() -> None:
    # Two nightly batches holding one borrower's loans each, at the same moment: the second
    # INSERT meets the first's row (ON CONFLICT DO NOTHING on PostgreSQL, through COPY).
    from collections_app.services.escalation_writes import bulk_insert

    borrower, (first, second) = two_loans_due_today()
    now = timezone.now()
    key = borrower_idempotency_key(borrower.pk, "reminder:0:sms", "sms", TODAY)
    row = dict(case_id=first.pk, borrower_id=borrower.pk, channel="sms",
               template_key="reminder-day0-sms", step="reminder:0:sms", scheduled_at=now,
               idempotency_key=key, created_at=now)  # fmt: skip

    bulk_insert(OutboundMessage, [row], now, ignore_conflicts=True)
    bulk_insert(OutboundMessage, [{**row, "case_id": second.pk}], now, ignore_conflicts=True)

    (message,) = OutboundMessage.objects.filter(idempotency_key=key)
    assert message.case_id == first.pk

"""Whether a borrower was ever reached: the pure rule, and the evidence read from the ledger."""

import datetime as dt

import pytest
from django.utils import timezone

from collections_app.models import CaseEvent, ContactAttempt, OutboundMessage
from collections_app.policies.reach import ReachFacts, was_reached
from collections_app.selectors.reach import reach_facts
from tests.factories import CaseFactory


@pytest.mark.parametrize(
    ("delivered", "right_party", "reached"),
    [
        (0, 0, False),
        (1, 0, True),
        (0, 1, True),
        (3, 2, True),
    ],
)
def test_reached_means_a_delivered_message_or_a_right_party_call(
    delivered, right_party, reached
) -> None:
    facts = ReachFacts(delivered_messages=delivered, right_party_calls=right_party)
    assert was_reached(facts) is reached


Outcome = ContactAttempt.Outcome

# (channel, ledger outcome) -> does it count as a delivered message?
LEDGER = [
    ("sms", Outcome.DELIVERED, 1),
    ("email", Outcome.DELIVERED, 1),
    ("sms", Outcome.FAILED, 0),
    ("sms", Outcome.PENDING, 0),
    ("sms", Outcome.NOT_SENT, 0),
    ("voice", Outcome.CONNECTED, 0),  # answered, but by whom? only the right-party check says
    ("voice", Outcome.UNANSWERED, 0),
    ("voice", Outcome.VOICEMAIL, 0),
    ("voice", Outcome.BUSY, 0),
    ("voice", Outcome.NOT_CONNECTED, 0),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("channel", "outcome", "counted"), LEDGER)
def test_the_ledger_outcomes_that_count(channel, outcome, counted) -> None:
    case = CaseFactory()
    borrower = case.loan.borrower
    ContactAttempt.objects.create(
        borrower=borrower,
        case=case,
        channel=channel,
        address=borrower.phone,
        occurred_at=timezone.now() - dt.timedelta(days=400),  # ever, not a window
        outcome=outcome,
    )
    assert reach_facts([borrower.pk])[borrower.pk].delivered_messages == counted


@pytest.mark.django_db
def test_a_completed_call_is_not_a_delivered_message_but_a_confirmed_right_party_is() -> None:
    case = CaseFactory()
    borrower = case.loan.borrower
    for channel in ("voice", "sms"):
        OutboundMessage.objects.create(
            case=case,
            borrower=borrower,
            channel=channel,
            template_key="k",
            scheduled_at=timezone.now(),
            idempotency_key=f"{case.pk}:{channel}",
            status=OutboundMessage.Status.DELIVERED,
        )
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.CONTACT, data={"right_party": False})
    assert reach_facts([borrower.pk])[borrower.pk] == ReachFacts(1, 0)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.CONTACT, data={"right_party": True})
    assert reach_facts([borrower.pk])[borrower.pk] == ReachFacts(1, 1)

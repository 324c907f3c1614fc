"""Settlements: up to the offering person's limit alone, above it a second person with a high
enough limit (never the same person), both recorded; paid in full, the case is resolved as
settled with what was forgiven recorded on the settlement, the timeline and to the lender."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from collections_app.models import (
    CaseEvent,
    CollectionPolicy,
    LenderEvent,
    PaymentPlan,
    WebhookEndpoint,
)
from collections_app.models.settlements import Settlement
from collections_app.services.payments import payment_record
from collections_app.services.policies import policy_new_version
from collections_app.services.settlements import (
    settlement_accept,
    settlement_approve,
    settlement_cancel,
    settlement_offer,
    settlement_reject,
    settlements_lapse,
)
from collections_app.states import CaseState, CloseReason
from tests.factories import CaseFactory, LoanFactory, make_user

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
IN_A_WEEK = TODAY + dt.timedelta(days=7)


@pytest.fixture
def case():
    # A balance of 1,000.00 (900 principal, 60 interest, 40 fees), all of it overdue.
    loan = LoanFactory(
        balance_principal=Decimal("900.00"),
        balance_interest=Decimal("60.00"),
        balance_fees=Decimal("40.00"),
    )
    return CaseFactory(loan=loan, amount_overdue=Decimal("1000.00"))


def _offer(case, actor, pct: str, **kw) -> Settlement:
    return settlement_offer(
        case=case, actor=actor, discount_percent=Decimal(pct), first_due=IN_A_WEEK, **kw
    )


def _pay(case, amount: str, external_id: str = "P-settle-1"):
    return payment_record(
        loan=case.loan,
        external_id=external_id,
        amount=Decimal(amount),
        currency="USD",
        received_at=timezone.now(),
    )


def test_a_discount_within_the_agents_limit_is_approved_at_once(case) -> None:
    agent = make_user("agent-1", "agent")

    settlement = _offer(case, agent, "10")

    assert settlement.status == Settlement.Status.APPROVED
    assert (settlement.balance, settlement.amount) == (Decimal("1000.00"), Decimal("900.00"))
    assert (settlement.needs_approval, settlement.proposer_limit_percent) == (False, 10)
    assert settlement.proposed_by == agent and settlement.decided_by is None
    event = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.SETTLEMENT).get()
    assert "within the offerer's limit of 10" in event.reason and event.actor == agent


def test_above_the_agents_limit_it_waits_and_the_same_person_cannot_approve_it(case) -> None:
    agent = make_user("agent-1", "agent")
    settlement = _offer(case, agent, "25")
    assert (settlement.status, settlement.needs_approval) == (Settlement.Status.PROPOSED, True)

    # the agent has no approval permission at all
    with pytest.raises(PermissionDenied):
        settlement_approve(settlement=settlement, actor=agent)
    # promoted meanwhile: a supervisor's limit, but still the person who offered it
    agent.groups.add(*make_user("x", "supervisor").groups.all())
    promoted = get_user_model().objects.get(pk=agent.pk)
    with pytest.raises(ValidationError, match="a second person must approve"):
        settlement_approve(settlement=settlement, actor=promoted)
    with pytest.raises(ValidationError, match="a second person must approve"):
        settlement_reject(settlement=settlement, actor=promoted, note="no")
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.PROPOSED and settlement.decided_by is None


def test_a_25_percent_settlement_approved_by_a_supervisor_records_both(case) -> None:
    agent = make_user("agent-1", "agent")
    supervisor = make_user("sup-1", "supervisor")
    settlement = _offer(case, agent, "25")

    settlement_approve(settlement=settlement, actor=supervisor, note="hardship letter seen")

    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.APPROVED
    assert (settlement.proposed_by, settlement.decided_by) == (agent, supervisor)
    assert settlement.proposed_at <= settlement.decided_at
    assert settlement.amount == Decimal("750.00")
    approved = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.SETTLEMENT).latest("id")
    assert approved.actor == supervisor
    assert "approved by sup-1 (offered by agent-1)" in approved.reason


def test_an_approver_whose_limit_is_too_low_is_refused(case) -> None:
    policy = CollectionPolicy.objects.get(key="us-default", is_current=True)
    policy_new_version(
        policy=policy,
        changes={
            "payment_terms": {
                "settlements": {
                    "max_discount_percent": {"agent": 10, "supervisor": 20, "legal": 40}
                }
            }
        },
        actor=None,
    )
    settlement = _offer(case, make_user("agent-1", "agent"), "25")

    with pytest.raises(ValidationError, match="above your limit of 20"):
        settlement_approve(settlement=settlement, actor=make_user("sup-1", "supervisor"))


def test_more_than_anyone_may_approve_is_refused_at_the_offer(case) -> None:
    with pytest.raises(ValidationError, match="more than anyone may approve"):
        _offer(case, make_user("sup-1", "supervisor"), "35")
    assert not Settlement.objects.exists()


def test_roles_without_the_permission_cannot_offer(case) -> None:
    with pytest.raises(PermissionDenied):
        _offer(case, make_user("legal-1", "legal"), "5")


def test_one_open_settlement_per_case(case) -> None:
    agent = make_user("agent-1", "agent")
    _offer(case, agent, "5")
    with pytest.raises(ValidationError, match="already has an open settlement"):
        _offer(case, agent, "8")


def test_a_lump_sum_must_be_due_within_the_policy_days(case) -> None:
    with pytest.raises(ValidationError, match="within 30 days"):
        settlement_offer(
            case=case,
            actor=make_user("agent-1", "agent"),
            discount_percent=Decimal("5"),
            first_due=TODAY + dt.timedelta(days=31),
        )


def test_paid_in_full_resolves_the_case_as_settled_with_the_forgiven_amount(case) -> None:
    WebhookEndpoint.objects.create(name="core", url="https://lender.example/h", secret="s")
    agent, supervisor = make_user("agent-1", "agent"), make_user("sup-1", "supervisor")
    settlement = _offer(case, agent, "25")
    settlement_approve(settlement=settlement, actor=supervisor)
    settlement_accept(settlement=settlement, actor=agent)

    _pay(case, "750.00")

    settlement.refresh_from_db()
    case.refresh_from_db()
    loan = case.loan
    loan.refresh_from_db()
    assert settlement.status == Settlement.Status.PAID
    assert settlement.amount_paid == Decimal("750.00")
    # 750 paid fees (40) and interest (60) first, then 650 of the principal: 250 principal left
    assert settlement.forgiven_amount == Decimal("250.00")
    assert (
        settlement.forgiven_principal,
        settlement.forgiven_interest,
        settlement.forgiven_fees,
    ) == (Decimal("250.00"), Decimal("0.00"), Decimal("0.00"))
    assert (case.state, case.close_reason) == (CaseState.RESOLVED, CloseReason.SETTLED)
    assert loan.outstanding_balance == Decimal("0")
    paid_event = CaseEvent.objects.filter(
        case=case, kind=CaseEvent.Kind.SETTLEMENT, data__forgiven__isnull=False
    ).get()
    assert "250.00 USD forgiven" in paid_event.reason
    assert paid_event.data["forgiven"] == "250.00"
    closed = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.TRANSITION).latest("id")
    assert closed.to_state == "resolved" and closed.data["close_reason"] == "settled"
    told = {e.kind: e.payload for e in LenderEvent.objects.filter(case=case)}
    assert told["settlement.agreed"]["amount"] == "750.00"
    assert told["settlement.paid"]["forgiven"] == "250.00"
    assert told["loan.case_closed"]["close_reason"] == "settled"


def test_a_part_payment_counts_and_the_case_stays_open(case) -> None:
    settlement = _offer(case, make_user("agent-1", "agent"), "10")

    _pay(case, "400.00")

    settlement.refresh_from_db()
    case.refresh_from_db()
    # paying an approved offer accepts it
    assert settlement.status == Settlement.Status.ACCEPTED
    assert (settlement.amount_paid, settlement.remaining) == (Decimal("400.00"), Decimal("500.00"))
    assert case.state in ("reminder", "negotiation")

    _pay(case, "500.00", "P-settle-2")

    case.refresh_from_db()
    assert (case.state, case.close_reason) == (CaseState.RESOLVED, CloseReason.SETTLED)


def test_a_settlement_through_a_plan_sums_to_the_settled_amount(case) -> None:
    agent, supervisor = make_user("agent-1", "agent"), make_user("sup-1", "supervisor")
    settlement = _offer(case, agent, "25", method="plan", installment_count=6, frequency="monthly")
    settlement_approve(settlement=settlement, actor=supervisor)

    settlement_accept(settlement=settlement, actor=agent)

    settlement.refresh_from_db()
    plan = settlement.plan
    amounts = [i.amount for i in plan.installments.all()]
    assert len(amounts) == 6 and sum(amounts) == Decimal("750.00")
    assert plan.status == PaymentPlan.Status.ACTIVE
    for n, amount in enumerate(amounts):
        _pay(case, str(amount), f"P-inst-{n}")
    case.refresh_from_db()
    plan.refresh_from_db()
    assert plan.status == PaymentPlan.Status.COMPLETED
    assert (case.state, case.close_reason) == (CaseState.RESOLVED, CloseReason.SETTLED)


def test_a_settlement_plan_outside_the_policy_is_refused(case) -> None:
    with pytest.raises(ValidationError, match="not 12"):
        _offer(
            case,
            make_user("agent-1", "agent"),
            "5",
            method="plan",
            installment_count=12,
            frequency="monthly",
        )


def test_cancelled_ends_it_and_its_plan(case) -> None:
    agent = make_user("agent-1", "agent")
    settlement = _offer(case, agent, "5", method="plan", installment_count=3, frequency="monthly")
    settlement_accept(settlement=settlement, actor=agent)

    settlement_cancel(settlement=settlement, actor=agent, reason="borrower changed mind")

    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.CANCELLED
    assert settlement.plan.status == PaymentPlan.Status.CANCELLED
    with pytest.raises(ValidationError):
        settlement_cancel(settlement=settlement, actor=agent, reason="again")


def test_the_nightly_run_expires_what_can_no_longer_be_paid_as_agreed(case) -> None:
    agent = make_user("agent-1", "agent")
    offered = _offer(case, agent, "5")  # approved, never accepted
    other = CaseFactory(amount_overdue=Decimal("500.00"))
    unpaid = _offer(other, agent, "5")
    settlement_accept(settlement=unpaid, actor=agent)  # one sum by IN_A_WEEK, never paid

    lapsed = settlements_lapse(
        id_range=(min(case.pk, other.pk), max(case.pk, other.pk)),
        today=IN_A_WEEK + dt.timedelta(days=8),
    )

    assert lapsed == 2
    offered.refresh_from_db()
    unpaid.refresh_from_db()
    assert (offered.status, unpaid.status) == (Settlement.Status.EXPIRED, Settlement.Status.EXPIRED)
    assert "not accepted by" in offered.end_reason
    assert "not paid by" in unpaid.end_reason
    # a payment after it expired is a payment, not a settlement
    _pay(case, "1000.00", "P-late")
    case.refresh_from_db()
    assert case.close_reason == CloseReason.PAID


def test_a_plan_still_running_ends_when_the_settlement_is_paid(case) -> None:
    from collections_app.services.payments import plan_agree

    agent = make_user("agent-1", "agent")
    plan = plan_agree(case=case, count=6, frequency="monthly", first_due=TODAY, actor=agent)
    settlement = _offer(case, agent, "10")

    _pay(case, "900.00")

    plan.refresh_from_db()
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.PAID
    assert plan.status == PaymentPlan.Status.CANCELLED


def test_no_plan_beside_an_open_settlement(case, client) -> None:
    from django.urls import reverse

    from collections_app.services.payments import plan_agree

    agent = make_user("agent-1", "agent")
    _offer(case, agent, "10")
    with pytest.raises(ValidationError, match="open settlement"):
        plan_agree(case=case, count=3, frequency="monthly", first_due=TODAY, actor=agent)
    client.force_login(agent)
    change = reverse("admin:collections_app_collectioncase_change", args=[case.pk])
    assert 'id="make-plan"' not in client.get(change).content.decode()
    plan_page = reverse("admin:collections_app_collectioncase_plan", args=[case.pk])
    assert client.get(plan_page).status_code == 302


def test_a_settlement_whose_plan_was_replaced_lapses(case) -> None:
    from collections_app.services.payments import plan_create

    agent = make_user("agent-1", "agent")
    settlement = _offer(case, agent, "5", method="plan", installment_count=3, frequency="monthly")
    settlement_accept(settlement=settlement, actor=agent)
    # the lender's API agrees another plan (it replaces the active one)
    case.refresh_from_db()
    plan_create(case=case, installments=[(IN_A_WEEK, Decimal("1000.00"))], actor=None)

    assert settlements_lapse(id_range=(case.pk, case.pk), today=TODAY) == 1
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.EXPIRED
    assert "was replaced" in settlement.end_reason


def test_a_reversed_payment_undoes_the_settlement_it_paid(case) -> None:
    from collections_app.lender.records import ReversalRecord
    from collections_app.services.reversals import reversal_record

    agent = make_user("agent-1", "agent")
    settlement = _offer(case, agent, "10")
    _pay(case, "900.00")
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.PAID

    result = reversal_record(
        record=ReversalRecord(
            payment_external_id="P-settle-1",
            reason="nsf",
            reversed_at=timezone.now() + dt.timedelta(minutes=1),
        ),
        source="test",
    )

    settlement.refresh_from_db()
    case.loan.refresh_from_db()
    assert settlement.status == Settlement.Status.CANCELLED
    assert settlement.amount_paid == 0 and "not paid after all" in settlement.end_reason
    # the whole balance is owed again: the payment's 900 and the 100 forgiven
    assert case.loan.outstanding_balance == Decimal("1000.00")
    reopened = case.loan.cases.get(state__in=["reminder", "negotiation"])
    assert reopened.amount_overdue == Decimal("1000.00")
    assert result.detail["reopened_case"] == reopened.pk


def test_a_reversed_part_payment_no_longer_counts(case) -> None:
    from collections_app.lender.records import ReversalRecord
    from collections_app.services.reversals import reversal_record

    settlement = _offer(case, make_user("agent-1", "agent"), "10")
    _pay(case, "400.00")

    reversal_record(
        record=ReversalRecord(
            payment_external_id="P-settle-1",
            reason="chargeback",
            reversed_at=timezone.now() + dt.timedelta(minutes=1),
        ),
        source="test",
    )

    settlement.refresh_from_db()
    assert (settlement.status, settlement.amount_paid) == (Settlement.Status.ACCEPTED, 0)
    assert settlement.payment_ids == []

"""An agent makes a plan from the case page: the policy's offers, a schedule to confirm, the plan
recorded through plan_create and on the timeline; a plan outside the policy is refused with the
reason and writes nothing; a missed instalment defaults the plan in the nightly run as before."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from collections_app.models import CaseEvent, CollectionPolicy, PaymentPlan
from collections_app.services.payments import payment_record, plan_agree
from tests.factories import CaseFactory, make_user

pytestmark = pytest.mark.django_db


def _url(case, view: str = "plan") -> str:
    return reverse(f"admin:collections_app_collectioncase_{view}", args=[case.pk])


def _post(client, case, offer: str, first_due: dt.date, **extra):
    return client.post(
        _url(case),
        {
            "offer": offer,
            "first_due": first_due.isoformat(),
            "_rendered_state": case.state,
            **extra,
        },
    )


def test_an_agent_makes_a_plan_of_six_summing_to_the_amount_overdue(client) -> None:
    agent = make_user("agent-plan", "agent")
    client.force_login(agent)
    case = CaseFactory(amount_overdue=Decimal("1000.00"))
    first = timezone.localdate() + dt.timedelta(days=5)

    offers = client.get(_url(case)).content.decode()
    assert 'value="6-monthly"' in offers and 'value="12-weekly"' in offers

    preview = _post(client, case, "6-monthly", first, _preview="1")
    text = preview.content.decode()
    assert preview.status_code == 200
    assert text.count('class="installment"') == 6
    assert "166.70 USD" in text and "1,000.00 USD" in text
    assert not PaymentPlan.objects.filter(case=case).exists()  # nothing until confirmed

    seen = f"6-monthly-{first.isoformat()}"
    done = _post(client, case, "6-monthly", first, _confirm="1", _previewed=seen)

    assert done.status_code == 302
    plan = PaymentPlan.objects.get(case=case)
    amounts = [i.amount for i in plan.installments.all()]
    assert amounts == [Decimal("166.66")] * 5 + [Decimal("166.70")]
    assert sum(amounts) == case.amount_overdue
    dates = [i.due_date for i in plan.installments.all()]
    assert dates[0] == first and all(28 <= (b - a).days <= 31 for a, b in itertools.pairwise(dates))
    assert (plan.frequency, plan.created_by) == ("monthly", agent)
    event = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.PLAN).latest("id")
    assert event.actor == agent
    assert "Plan of 6 instalments, 1,000.00 USD in all" in event.reason
    case.refresh_from_db()
    assert case.state == "negotiation"  # a plan is engagement, as before


def test_confirming_other_values_than_previewed_shows_the_new_schedule_first(client) -> None:
    client.force_login(make_user("agent-plan", "agent"))
    case = CaseFactory(amount_overdue=Decimal("600.00"))
    first = timezone.localdate() + dt.timedelta(days=3)

    page = _post(client, case, "3-monthly", first, _confirm="1", _previewed="6-monthly-x")

    assert page.status_code == 200 and 'id="plan-schedule"' in page.content.decode()
    assert not PaymentPlan.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("offer", "days", "message"),
    [
        ("5-monthly", 3, "The policy offers 3, 6, 12 instalments, not 5."),
        ("6-daily", 3, "Choose one of the plans offered."),
        ("6-monthly", 30, "The first instalment must be due within 14 days"),
        ("12-monthly", 3, "would be less than the minimum instalment of 20 USD"),
    ],
)
def test_a_plan_outside_the_policy_is_refused_with_a_form_error(
    client, offer, days, message
) -> None:
    client.force_login(make_user("agent-plan", "agent"))
    case = CaseFactory(amount_overdue=Decimal("200.00"))
    first = timezone.localdate() + dt.timedelta(days=days)
    seen = f"{offer}-{first.isoformat()}"

    page = _post(client, case, offer, first, _confirm="1", _previewed=seen)

    assert page.status_code == 200
    assert message in page.content.decode()
    assert not PaymentPlan.objects.filter(case=case).exists()
    assert not CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.PLAN).exists()


def test_the_service_refuses_a_plan_outside_the_policy_too() -> None:
    from django.core.exceptions import ValidationError

    case = CaseFactory(amount_overdue=Decimal("600.00"))
    with pytest.raises(ValidationError, match="not 4"):
        plan_agree(
            case=case,
            count=4,
            frequency="monthly",
            first_due=timezone.localdate(),
            actor=None,
        )
    assert not PaymentPlan.objects.filter(case=case).exists()


def test_the_policy_terms_decide_the_offers(client) -> None:
    policy = CollectionPolicy.objects.get(key="us-default", is_current=True)
    from collections_app.services.policies import policy_new_version

    policy_new_version(
        policy=policy,
        changes={
            "payment_terms": {"plans": {"installment_counts": [2, 4], "frequencies": ["weekly"]}}
        },
        actor=None,
    )
    client.force_login(make_user("agent-plan", "agent"))
    case = CaseFactory(amount_overdue=Decimal("400.00"))

    page = client.get(_url(case)).content.decode()

    assert 'value="2-weekly"' in page and 'value="4-weekly"' in page
    assert 'value="6-monthly"' not in page


def test_a_policy_with_bad_payment_terms_is_refused() -> None:
    from django.core.exceptions import ValidationError

    from collections_app.services.policies import policy_new_version

    policy = CollectionPolicy.objects.get(key="us-default", is_current=True)
    with pytest.raises(ValidationError) as refused:
        policy_new_version(
            policy=policy,
            changes={"payment_terms": {"plans": {"min_installment": 0}}},
            actor=None,
        )
    assert "payment_terms.plans.min_installment" in str(refused.value)


def test_roles_without_the_permission_get_no_plan_screen(client) -> None:
    case = CaseFactory()
    client.force_login(make_user("legal-1", "legal"))
    assert client.get(_url(case)).status_code == 403
    change = reverse("admin:collections_app_collectioncase_change", args=[case.pk])
    assert 'id="make-plan"' not in client.get(change).content.decode()
    client.force_login(make_user("agent-1", "agent"))
    assert 'id="make-plan"' in client.get(change).content.decode()


def test_payments_pay_the_plan_and_a_missed_instalment_defaults_it_in_the_nightly_run() -> None:
    from tests.escalation_helpers import run_night

    case = CaseFactory(amount_overdue=Decimal("300.00"))
    today = timezone.localdate()
    plan = plan_agree(case=case, count=3, frequency="weekly", first_due=today, actor=None)
    payment_record(
        loan=case.loan,
        external_id="P-plan-1",
        amount=Decimal("100.00"),
        currency="USD",
        received_at=timezone.now(),
    )
    assert [i.status for i in plan.installments.all()] == ["paid", "pending", "pending"]

    # a week and a day later, the second instalment unpaid
    run_night(today + dt.timedelta(days=8))

    plan.refresh_from_db()
    assert plan.status == PaymentPlan.Status.DEFAULTED
    assert [i.status for i in plan.installments.all()] == ["paid", "missed", "pending"]

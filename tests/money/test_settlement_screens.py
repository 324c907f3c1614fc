"""The settlement screens as each role uses them: the agent offers from the case page (a preview,
then confirm), a supervisor decides in the approval queue, the agent records the borrower's
answer on the case page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from collections_app.models.settlements import Settlement
from tests.factories import CaseFactory, make_user

pytestmark = pytest.mark.django_db


def _case_url(case, view: str = "change", *args) -> str:
    return reverse(f"admin:collections_app_collectioncase_{view}", args=[case.pk, *args])


def _offer(client, case, pct: str, **extra):
    data = {
        "discount_percent": pct,
        "method": "lump_sum",
        "first_due": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        "installment_count": "",
        "frequency": "",
        "_rendered_state": case.state,
    } | extra
    preview = client.post(_case_url(case, "settlement"), data | {"_preview": "1"})
    seen = preview.content.decode().split('name="_previewed" value="', 1)[1].split('"', 1)[0]
    return preview, client.post(
        _case_url(case, "settlement"), data | {"_confirm": "1", "_previewed": seen}
    )


def test_an_agent_offers_25_percent_and_a_supervisor_approves_it_in_the_queue(client) -> None:
    agent, supervisor = make_user("agent-1", "agent"), make_user("sup-1", "supervisor")
    case = CaseFactory(amount_overdue=Decimal("1200.00"))  # the loan's balance is 1,200.00
    client.force_login(agent)

    preview, done = _offer(client, case, "25")

    text = preview.content.decode()
    assert "900.00 USD" in text and "300.00 USD" in text
    assert "needs a second person (above your limit of 10" in text
    assert done.status_code == 302
    settlement = Settlement.objects.get(case=case)
    assert settlement.status == Settlement.Status.PROPOSED
    page = client.get(_case_url(case)).content.decode()
    assert 'id="case-settlement"' in page and "Waiting for approval" in page
    assert 'id="settlement-review"' not in page  # agents do not approve

    # the agent cannot reach the decision
    decide = reverse("admin:collections_app_settlement_decide", args=[settlement.pk])
    assert client.post(decide, {"_approve": "1"}).status_code == 403

    client.force_login(supervisor)
    queue = client.get(reverse("admin:collections_app_settlement_changelist")).content.decode()
    assert f"/settlement/{settlement.pk}/change/" in queue
    review = client.get(reverse("admin:collections_app_settlement_change", args=[settlement.pk]))
    assert 'id="settlement-approve"' in review.content.decode()
    client.post(decide, {"_approve": "1", "note": "ok"})

    settlement.refresh_from_db()
    assert (settlement.status, settlement.decided_by) == (Settlement.Status.APPROVED, supervisor)
    queue = client.get(reverse("admin:collections_app_settlement_changelist")).content.decode()
    assert f"/settlement/{settlement.pk}/change/" not in queue  # out of the waiting queue

    # the borrower says yes: the agent records it on the case page
    client.force_login(agent)
    client.post(_case_url(case, "settlement_action", settlement.pk, "accept"))
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.ACCEPTED


def test_a_supervisor_cannot_approve_their_own_offer_in_the_queue(client) -> None:
    supervisor = make_user("sup-1", "supervisor")
    case = CaseFactory()
    settlement = Settlement.objects.create(
        case=case,
        currency="USD",
        balance=Decimal("1200.00"),
        amount=Decimal("900.00"),
        discount_percent=Decimal("25"),
        first_due=timezone.localdate(),
        offer_valid_until=timezone.localdate(),
        proposed_by=supervisor,
        proposer_limit_percent=Decimal("10"),
        needs_approval=True,
    )
    client.force_login(supervisor)
    review = client.get(reverse("admin:collections_app_settlement_change", args=[settlement.pk]))
    assert 'id="settlement-own-offer"' in review.content.decode()

    page = client.post(
        reverse("admin:collections_app_settlement_decide", args=[settlement.pk]),
        {"_approve": "1"},
        follow=True,
    )

    assert "a second person must approve or reject it" in page.content.decode()
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.PROPOSED


def test_within_the_limit_the_offer_is_approved_and_the_case_page_offers_the_answer(
    client,
) -> None:
    client.force_login(make_user("agent-1", "agent"))
    case = CaseFactory()

    _, done = _offer(client, case, "10")

    assert done.status_code == 302
    settlement = Settlement.objects.get(case=case)
    assert settlement.status == Settlement.Status.APPROVED
    page = client.get(_case_url(case)).content.decode()
    assert 'id="settlement-accept"' in page and 'id="offer-settlement"' not in page


def test_a_settlement_plan_preview_shows_instalments_summing_to_the_settled_amount(
    client,
) -> None:
    client.force_login(make_user("agent-1", "agent"))
    case = CaseFactory()

    preview, _ = _offer(
        client, case, "10", method="plan", installment_count="6", frequency="monthly"
    )

    text = preview.content.decode()
    assert text.count('class="installment"') == 6
    assert 'id="schedule-total">1,080.00 USD' in text


def test_a_rejection_needs_a_note(client) -> None:
    agent, supervisor = make_user("agent-1", "agent"), make_user("sup-1", "supervisor")
    case = CaseFactory()
    client.force_login(agent)
    _offer(client, case, "20")
    settlement = Settlement.objects.get(case=case)
    client.force_login(supervisor)
    decide = reverse("admin:collections_app_settlement_decide", args=[settlement.pk])

    page = client.post(decide, {"_reject": "1", "note": ""}, follow=True)
    assert "Say why the settlement is rejected." in page.content.decode()
    client.post(decide, {"_reject": "1", "note": "no hardship evidence"})

    settlement.refresh_from_db()
    assert (settlement.status, settlement.decision_note) == (
        Settlement.Status.REJECTED,
        "no hardship evidence",
    )

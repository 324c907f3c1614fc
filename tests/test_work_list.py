"""The agent's work list: My queue's order, closed and legal cases out of it, amounts with their
currency, segment reasons as sentences, and the stage a supervisor set surviving a promise."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from collections_app.models import CaseEvent, CollectionCase, PromiseToPay
from collections_app.money import format_money
from collections_app.policies.default_segmentation import SEGMENTATION
from collections_app.policies.reason_sentences import SENTENCES, reason_sentence
from collections_app.policies.recovery import check_recovery_likelihood, likelihood_problems
from collections_app.policies.segmentation import _reason
from collections_app.selectors.queues import queue_cases
from collections_app.services.cases import case_transition
from collections_app.services.payments import payment_record, plan_create, promise_create
from collections_app.states import CaseState
from tests.factories import CaseFactory, LoanFactory
from tests.html_forms import form_data

LIST = reverse("admin:collections_app_collectioncase_changelist")
NOW = timezone.now().replace(microsecond=0)
TODAY = timezone.localdate(NOW)


def row_ids(html: str) -> list[int]:
    """The case ids of the list's rows, top to bottom."""
    return [int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', html)]


def my_queue(agent) -> list[int]:
    return list(
        queue_cases(CollectionCase.objects.all(), "mine", user=agent, now=NOW).values_list(
            "pk", flat=True
        )
    )


# --- My queue


def _world_for_the_queue(agent):
    """Four of the agent's cases, one per priority, each ranked wrongly by every other order."""
    later = NOW + dt.timedelta(days=3)
    # Smallest amount, lowest likelihood: first only because a promise is due today.
    promise = CaseFactory(assigned_agent=agent, amount_overdue=Decimal("50"), segment="unreachable",
                          next_action_at=later)  # fmt: skip
    PromiseToPay.objects.create(case=promise, amount=Decimal("50"), due_date=TODAY)
    callback = CaseFactory(assigned_agent=agent, amount_overdue=Decimal("60"), segment="strategic",
                           next_action_at=NOW - dt.timedelta(hours=1))  # fmt: skip
    # 1000 x 0.80 = 800 expected, before 1500 x 0.10 = 150 although it owes more.
    high = CaseFactory(assigned_agent=agent, amount_overdue=Decimal("1000"), segment="self_cure",
                       next_action_at=later)  # fmt: skip
    low = CaseFactory(assigned_agent=agent, amount_overdue=Decimal("1500"), segment="unreachable",
                      next_action_at=later)  # fmt: skip
    # A promise due next week does not count as due.
    PromiseToPay.objects.create(case=low, amount=Decimal("50"), due_date=TODAY + dt.timedelta(7))
    return [promise.pk, callback.pk, high.pk, low.pk]


@pytest.mark.django_db
def test_my_queue_puts_promises_due_then_callbacks_then_expected_recovery(agent) -> None:
    expected = _world_for_the_queue(agent)
    assert my_queue(agent) == expected


@pytest.mark.django_db
def test_the_case_list_shows_my_queue_in_that_order(client, agent) -> None:
    expected = _world_for_the_queue(agent)
    client.force_login(agent)
    html = client.get(LIST, {"queue": "mine"}).content.decode()
    assert row_ids(html) == expected
    assert "Promise due" in html and "Callback due" in html
    assert "800.00 USD" in html  # expected recovery of the 1,000 USD self-cure case


@pytest.mark.django_db
@override_settings(RECOVERY_LIKELIHOOD='{"unreachable": 0.9}')
def test_the_likelihood_table_comes_from_the_setting(agent) -> None:
    promise, callback, high, low = _world_for_the_queue(agent)
    # 1500 x 0.9 = 1350 now beats 1000 x 0.8.
    assert my_queue(agent) == [promise, callback, low, high]


def test_a_likelihood_table_is_validated() -> None:
    assert likelihood_problems({"self_cure": 0.5, "": 1}) == []
    assert likelihood_problems({"nobody": 0.5})
    assert likelihood_problems({"strategic": 1.5})
    assert likelihood_problems({"strategic": "lots"})
    assert likelihood_problems([0.5])
    with override_settings(RECOVERY_LIKELIHOOD='{"strategic": 2}'):
        assert [m.id for m in check_recovery_likelihood()] == ["collections.E101"]
    with override_settings(RECOVERY_LIKELIHOOD="not json"):
        assert [m.id for m in check_recovery_likelihood()] == ["collections.E101"]


@pytest.mark.django_db
def test_a_legal_case_leaves_the_agents_queue(agent) -> None:
    working = CaseFactory(assigned_agent=agent)
    legal = CaseFactory(assigned_agent=agent)
    case_transition(case=legal, name="escalate")
    case_transition(case=legal, name="refer_to_legal")
    assert my_queue(agent) == [working.pk]


@pytest.mark.django_db
def test_closed_cases_are_out_of_the_default_list_and_a_filter_away(client, supervisor) -> None:
    open_case, resolved, written_off = CaseFactory(), CaseFactory(), CaseFactory()
    case_transition(case=resolved, name="resolve")
    case_transition(case=written_off, name="write_off")
    client.force_login(supervisor)

    def shown(**params) -> set[int]:
        return set(row_ids(client.get(LIST, params).content.decode()))

    assert shown() == {open_case.pk}
    assert shown(closed="include") == {open_case.pk, resolved.pk, written_off.pk}
    assert shown(closed="only") == {resolved.pk, written_off.pk}
    assert shown(state__exact="resolved") == {resolved.pk}
    # Looking for a person finds their closed cases too.
    assert shown(q=resolved.loan.borrower.name) == {resolved.pk}


# --- amounts with their currency


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (Decimal("1234.5"), "USD", "1,234.50 USD"),
        (Decimal("1234567.891"), "CNY", "1,234,567.89 CNY"),
        (Decimal("1500"), "JPY", "1,500 JPY"),
        (Decimal("0"), "usd", "0.00 USD"),
        (None, "USD", ""),
    ],
)
def test_money_is_the_number_and_its_currency(amount, currency, shown) -> None:
    assert format_money(amount, currency) == shown


@pytest.mark.django_db
def test_list_case_page_and_timeline_show_amounts_with_their_currency(client, agent) -> None:
    case = CaseFactory(
        loan=LoanFactory(currency="CNY"), amount_overdue=Decimal("1300.00"), assigned_agent=agent
    )
    payment_record(loan=case.loan, external_id="P-9", amount=Decimal("250.00"), currency="CNY",
                   received_at=timezone.now())  # fmt: skip
    case.refresh_from_db()
    promise_create(case=case, amount=Decimal("400.00"), due_date=TODAY, actor=agent)
    client.force_login(agent)

    listed = client.get(LIST).content.decode()
    assert "1,050.00 CNY" in listed
    page = client.get(reverse("admin:collections_app_collectioncase_change", args=[case.pk]))
    html = page.content.decode()
    assert '<dd id="case-amount-overdue">1,050.00 CNY</dd>' in html
    timeline = html[html.index('id="case-timeline"') :]
    assert "Payment P-9 of 250.00 CNY received; 1,050.00 CNY still overdue" in timeline
    assert f"Promised 400.00 CNY by {TODAY}" in timeline
    # ... and the timeline comes before the case's fields
    assert html.index('id="case-timeline"') < html.index('class="form-row field-state"')


@pytest.mark.django_db
def test_a_promise_recorded_by_an_agent_credits_the_agent(agent) -> None:
    agent.first_name, agent.last_name = "Ada", "Lovelace"
    agent.save()
    case = CaseFactory(assigned_agent=agent)
    promise_create(case=case, amount=Decimal("100"), due_date=TODAY, actor=agent)
    moved = case.events.get(kind=CaseEvent.Kind.TRANSITION)
    assert (moved.to_state, moved.actor) == (CaseState.NEGOTIATION, agent)

    from collections_app.selectors.timeline import case_timeline

    entries, _ = case_timeline(case)
    assert {e.who for e in entries if e.kind in ("promise", "transition")} == {"Ada Lovelace"}


# --- segment reasons as sentences


SENTENCE_OF = {
    "delivered_unanswered=5 >= 5 (+2)": "ignored 5 delivered messages",
    "delivered_unanswered=3 >= 3 (+2)": "ignored 3 delivered messages",
    "dispute_open=1 >= 1 (+1)": "has an open dispute",
    "has_address=0 == 0 (+3)": "has no phone number or email address we may use",
    "failed_contacts=2 >= 2 (+2)": "2 messages could not be delivered",
    "failed_contacts=1 >= 1 (-4)": "1 message could not be delivered (counts against this segment)",
    "delivered_contacts=0 == 0 (+1)": "0 messages delivered",
    "promises_broken=1 >= 1 (+2)": "broke 1 promise",
    "promises_broken=0 == 0 (+1)": "has broken no promise",
    "promises_kept=2 >= 1 (+1)": "kept 2 promises",
    "income_high=1 == 1 (+1)": "the lender reports a high income",
    "income_low=1 == 1 (+1)": "the lender reports a low income",
    "other_loans_current=1 == 1 (+2)": "keeps other loans current",
    "replies=1 >= 1 (+1)": "replied 1 time",
    "replied_ever=1 >= 1 (-2)": "has replied on this case before (counts against this segment)",
    "partial_payments=2 >= 1 (+2)": "made 2 partial payments",
    "missed_installments=1 >= 1 (+1)": "missed 1 plan installment",
    "days_past_due=30 >= 21 (+2)": "30 days past due",
    "days_past_due=3 <= 7 (+1)": "only 3 days past due",
    "bad_contact_point=1 == 1 (+2)": "a provider refused a number or email they have",
    "connected_calls=2 >= 1 (+1)": "talked to us on 2 calls",
    "days_since_contact=40 >= 30 (+1)": "last heard from 40 days ago",
    "no rule reached its threshold": (
        "no rule reached its threshold, so the policy's default segment applies"
    ),
    # unknown: readable, never the raw rule
    "income_high=0 == 0 (+1)": "Income high: 0 (rule: exactly 0)",
    "amount_overdue=500.5 > 100 (+1)": "Amount overdue: 500.5 (rule: more than 100)",
    "something else_entirely": "something else entirely",
}


@pytest.mark.parametrize(("reason", "sentence"), SENTENCE_OF.items())
def test_each_reason_reads_as_a_sentence(reason: str, sentence: str) -> None:
    assert reason_sentence(reason) == sentence


def test_every_rule_of_the_shipped_segmentation_has_a_sentence() -> None:
    for rule in SEGMENTATION["rules"]:
        said = reason_sentence(_reason(rule, rule["value"]))
        key = (rule["signal"], rule["op"])
        assert key in SENTENCES or (*key, rule["value"]) in SENTENCES, rule
        assert "_" not in said and rule["op"] not in said, said


@pytest.mark.django_db
def test_the_case_page_shows_the_reasons_as_sentences(client, agent) -> None:
    case = CaseFactory(segment="strategic")
    CollectionCase.objects.filter(pk=case.pk).update(
        segment_reasons=["delivered_unanswered=5 >= 5 (+2)", "days_past_due=30 >= 21 (+2)"]
    )
    client.force_login(agent)
    html = client.get(reverse("admin:collections_app_collectioncase_change", args=[case.pk]))
    html = html.content.decode()
    assert "<li>ignored 5 delivered messages</li><li>30 days past due</li>" in html
    assert "delivered_unanswered" not in html


# --- a promise on a stage a person set


@pytest.mark.django_db
def test_a_promise_on_a_supervisor_escalated_case_leaves_the_stage(agent, supervisor) -> None:
    case = CaseFactory(assigned_agent=agent)
    case_transition(case=case, name="escalate", actor=supervisor, reason="no answer in 30 days")

    promise_create(case=case, amount=Decimal("100"), due_date=TODAY, actor=agent)

    case.refresh_from_db()
    assert case.state == CaseState.ESCALATION
    assert case.promises.get().created_by == agent
    waits = case.events.filter(kind=CaseEvent.Kind.PROMISE).latest("id")
    assert waits.actor == agent and waits.data["stage_waits_for_supervisor"] is True
    assert "stays in Escalation" in waits.reason and "supervisor decides" in waits.reason
    waiting = queue_cases(
        CollectionCase.objects.all(), "promise_waits_for_supervisor", user=supervisor
    )
    assert list(waiting.values_list("pk", flat=True)) == [case.pk]
    # a plan is engagement too: the same rule
    plan_create(case=case, installments=[(TODAY, Decimal("50"))], actor=agent)
    case.refresh_from_db()
    assert case.state == CaseState.ESCALATION


@pytest.mark.django_db
def test_a_promise_on_a_case_the_nightly_run_escalated_moves_it_to_negotiation(agent) -> None:
    case = CaseFactory(assigned_agent=agent)
    case_transition(case=case, name="escalate")  # the system
    promise_create(case=case, amount=Decimal("100"), due_date=TODAY, actor=agent)
    case.refresh_from_db()
    assert case.state == CaseState.NEGOTIATION
    assert not queue_cases(CollectionCase.objects.all(), "promise_waits_for_supervisor", user=agent)


@pytest.mark.django_db
def test_a_bad_promise_changes_nothing(agent, supervisor) -> None:
    case = CaseFactory(assigned_agent=agent)
    case_transition(case=case, name="escalate", actor=supervisor)
    with pytest.raises(ValidationError):
        promise_create(case=case, amount=Decimal("100000"), due_date=TODAY, actor=agent)
    assert not case.promises.exists()
    assert not case.events.filter(kind=CaseEvent.Kind.PROMISE).exists()


@pytest.mark.django_db
def test_the_agent_is_told_the_stage_waits_for_the_supervisor(client, agent, supervisor) -> None:
    case = CaseFactory(assigned_agent=agent)
    case_transition(case=case, name="escalate", actor=supervisor)
    client.force_login(agent)
    url = reverse("admin:collections_app_collectioncase_promise", args=[case.pk])
    form = form_data(client.get(url).content.decode(), "case-action-form")
    response = client.post(url, form | {"amount": "50.00", "due_date": TODAY}, follow=True)
    html = response.content.decode()
    assert "The case stays in Escalation: a person moved it there" in html
    assert CollectionCase.objects.get(pk=case.pk).state == CaseState.ESCALATION
    timeline = html[html.index('id="case-timeline"') :]
    assert "supervisor decides its stage" in timeline


@pytest.mark.django_db
def test_a_legal_officers_queue_keeps_legal_cases() -> None:
    from tests.factories import make_user

    officer = make_user("lex", "legal")
    legal = CaseFactory(assigned_agent=officer)
    case_transition(case=legal, name="escalate")
    case_transition(case=legal, name="refer_to_legal")
    assert my_queue(officer) == [legal.pk]

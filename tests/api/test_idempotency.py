"""Idempotency-Key: the first answer again for the same request, 422 for another request, 409
while the first is still being worked on; remembered 24 hours."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from collections_app.api.idempotency import idempotency_records_sweep
from collections_app.models import IdempotencyRecord, Payment
from tests.api import payloads
from tests.api.conftest import Api, assert_problem, make_key
from tests.threads import in_threads

PAYMENTS = "/api/v1/payments/"


@pytest.fixture
def loan(api) -> None:
    assert api.put("/api/v1/borrowers/B-1", payloads.borrower()).status_code == 201
    assert api.put("/api/v1/loans/L-1", payloads.loan()).status_code == 201


def test_the_same_key_and_body_get_the_first_answer_again(api, loan) -> None:
    first = api.post(PAYMENTS, payloads.payment(), **{"Idempotency-Key": "k-1"})
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    replay = api.post(PAYMENTS, payloads.payment(), **{"Idempotency-Key": "k-1"})
    # Replayed, not applied again (which would answer 200 "unchanged").
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert Payment.objects.count() == 1
    without_key = api.post(PAYMENTS, payloads.payment())
    assert (without_key.status_code, without_key.json()["status"]) == (200, "unchanged")


def test_the_same_key_with_another_body_is_a_422(api, loan) -> None:
    api.post(PAYMENTS, payloads.payment(), **{"Idempotency-Key": "k-1"})
    other = api.post(PAYMENTS, payloads.payment("P-2"), **{"Idempotency-Key": "k-1"})
    body = assert_problem(other, 422)
    assert body["type"].endswith("idempotency-key-reused")
    assert not Payment.objects.filter(external_id="P-2").exists()


def test_the_same_key_on_another_address_is_a_422(api, loan) -> None:
    api.put("/api/v1/borrowers/B-2", payloads.borrower("B-2"), **{"Idempotency-Key": "k-1"})
    assert_problem(api.put("/api/v1/borrowers/B-3", payloads.borrower("B-2"),
                           **{"Idempotency-Key": "k-1"}), 422)  # fmt: skip


def test_keys_belong_to_their_integration(client, api, loan) -> None:
    api.post(PAYMENTS, payloads.payment(), **{"Idempotency-Key": "k-1"})
    other = Api(client, make_key("write", integration="collections-partner"))
    response = other.post(PAYMENTS, payloads.payment(), **{"Idempotency-Key": "k-1"})
    assert response.status_code == 200 and "Idempotent-Replayed" not in response


def test_a_refusal_is_the_first_answer_too(api, loan) -> None:
    bad = payloads.payment(amount="-1")
    first = api.post(PAYMENTS, bad, **{"Idempotency-Key": "k-bad"})
    replay = api.post(PAYMENTS, bad, **{"Idempotency-Key": "k-bad"})
    assert_problem(replay, 422, "amount")
    assert replay.json() == first.json() and replay["Idempotent-Replayed"] == "true"


def test_a_request_still_in_progress_is_a_409_until_it_is_abandoned(api, loan) -> None:
    import hashlib
    import json

    body = json.dumps(payloads.payment()).encode()
    record = IdempotencyRecord.objects.create(
        integration="core-banking", key="k-1", method="POST", path=PAYMENTS,
        body_sha256=hashlib.sha256(body).hexdigest(),
    )  # fmt: skip
    busy = api.post(PAYMENTS, raw=body, **{"Idempotency-Key": "k-1"})
    assert assert_problem(busy, 409)["type"].endswith("idempotency-key-in-progress")
    assert not Payment.objects.exists()
    # A worker that died mid-request leaves its row: after two minutes the key is free again.
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=3)
    )
    assert api.post(PAYMENTS, raw=body, **{"Idempotency-Key": "k-1"}).status_code == 201


@pytest.mark.parametrize("key", ["", "x" * 256, "naïve", "two words"])
def test_a_malformed_key_is_a_400_and_nothing_is_applied(api, loan, key) -> None:
    response = api.post(PAYMENTS, payloads.payment(), **{"Idempotency-Key": key})
    assert assert_problem(response, 400)["type"].endswith("invalid-idempotency-key")
    assert not Payment.objects.exists()


def test_answers_are_forgotten_after_24_hours(api, loan) -> None:
    api.post(PAYMENTS, payloads.payment(), **{"Idempotency-Key": "old"})
    api.post(PAYMENTS, payloads.payment("P-2"), **{"Idempotency-Key": "new"})
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - dt.timedelta(hours=25)
    )
    assert idempotency_records_sweep() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


def test_an_expired_answer_is_not_replayed_before_the_sweep(api, loan) -> None:
    api.post(PAYMENTS, payloads.payment(), **{"Idempotency-Key": "old"})
    IdempotencyRecord.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    response = api.post(PAYMENTS, payloads.payment("P-2"), **{"Idempotency-Key": "old"})
    assert response.status_code == 201 and "Idempotent-Replayed" not in response


@pytest.mark.django_db(transaction=True)
def test_two_requests_with_one_key_at_once_apply_once() -> None:
    key = make_key("write")
    setup = Api(Client(), key)
    assert setup.put("/api/v1/borrowers/B-1", payloads.borrower()).status_code == 201
    assert setup.put("/api/v1/loans/L-1", payloads.loan()).status_code == 201

    def send():
        response = Api(Client(), key).post(
            PAYMENTS, payloads.payment(), **{"Idempotency-Key": "same"}
        )
        return response.status_code, response.get("Idempotent-Replayed")

    answers = sorted(in_threads(send, n=2), key=str)
    assert Payment.objects.count() == 1
    # One applies it (201); the other waited and got the replay, or found it in progress.
    assert (201, None) in answers
    assert answers[0] in {(201, "true"), (409, None)} or answers[1] in {(201, "true"), (409, None)}

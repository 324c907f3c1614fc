"""The lender's writes, and reads of what it wrote: borrowers and loans (PUT upserts by external
id, GET one), loans in bulk, payments (one or in bulk), a payment's reversal, ability-to-pay
signals. Bodies are parsed by lender/records.py and applied by services/lender.py, with the
integration as the source on the audit trail ("api:<integration>")."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Mapping
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from collections_app.api import examples
from collections_app.api import serializers_lender as inputs
from collections_app.api import serializers_out as out
from collections_app.api.auth import integration_key
from collections_app.api.bulk import MAX_ROWS, RowOutcome, bulk_apply
from collections_app.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from collections_app.api.idempotency import REPLAYED_HEADER, idempotent
from collections_app.api.input import body_object, parsed, plain_json, with_path_id
from collections_app.api.problems import ApiProblem, InvalidRecord
from collections_app.api.views.base import Shown, problem_responses
from collections_app.api.views.writes import ReadWriteView, status_for
from collections_app.lender import records
from collections_app.models import Borrower, CollectionCase, Loan, Payment, PaymentReversal
from collections_app.problems import Problem
from collections_app.services import lender
from collections_app.states import OPEN_STATES

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=format_lazy(
        gettext_lazy(
            "Optional, 1 to 255 visible ASCII characters (a UUID). The same key with the "
            "same request gets the first answer again (with `{header}: true`); with another "
            "request, 422; while the first is still being processed, 409."
        ),
        header=REPLAYED_HEADER,
    ),
)
WRITE_PROBLEMS = problem_responses(400, 409, 413, 415, 422)
# records.parse_* take ids of up to 64 characters (the columns' length).
ID_MAX = 64


# The path id's description, by what it names.
_ID_DESCRIPTIONS = {
    "borrower": gettext_lazy("The lender's borrower id."),
    "loan": gettext_lazy("The lender's loan id."),
    "payment": gettext_lazy("The lender's payment id."),
}


def _id_parameter(name: str, what: str, example: str) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        OpenApiTypes.STR,
        OpenApiParameter.PATH,
        description=_ID_DESCRIPTIONS[what],
        examples=[examples.path_id(example)],
    )


def _findable(external_id: str, not_found: str) -> str:
    """An id a record could have (records.parse_*: up to 64 characters, no control
    character), else 404 without asking the database (which could not even store a NUL)."""
    if len(external_id) > ID_MAX or any(unicodedata.category(c) == "Cc" for c in external_id):
        raise _not_found(not_found)
    return external_id


def _answer(result: lender.UpsertResult, name: str, shown: object, serializer: type) -> Response:
    body = serializer({"status": result.status, "detail": result.detail, name: shown}).data
    return Response(body, status=status_for(result.status))


def _not_found(message: str) -> ApiProblem:
    return ApiProblem(message, status_code=404, problem_type="not-found")


def _source(request: Request) -> str:
    return integration_key(request).source


# --- borrowers


def _borrower_shown(borrower: Borrower) -> Shown:
    points = borrower.contact_points.order_by("kind", "-is_primary", "id")
    verification = {
        "date_of_birth": bool(borrower.date_of_birth_digest),
        "id_last_digits": bool(borrower.id_digits_digest),
    }
    return Shown(borrower, contact_points=points, verification=verification)


class BorrowerView(ReadWriteView):
    @extend_schema(
        operation_id="borrowers_retrieve",
        summary=gettext_lazy("One borrower (phone and email masked)"),
        parameters=[_id_parameter("external_id", "borrower", "B-1")],
        responses={200: out.BorrowerOutSerializer, **problem_responses(404)},
        tags=["borrowers"],
    )
    def get(self, request: Request, external_id: str) -> Response:
        external_id = _findable(external_id, _("No such borrower."))
        borrower = Borrower.objects.filter(external_id=external_id).first()
        if borrower is None:
            raise _not_found(_("No such borrower."))
        return Response(out.BorrowerOutSerializer(_borrower_shown(borrower)).data)

    @extend_schema(
        operation_id="borrowers_upsert",
        summary=gettext_lazy("Create or update a borrower and their contact points"),
        parameters=[_id_parameter("external_id", "borrower", "B-1"), IDEMPOTENCY_PARAMETER],
        request=inputs.BorrowerInSerializer,
        examples=[examples.request("A borrower with a mobile and an email", examples.BORROWER)],
        responses={
            200: OpenApiResponse(
                out.BorrowerResultSerializer, description=gettext_lazy("Updated or unchanged.")
            ),
            201: OpenApiResponse(
                out.BorrowerResultSerializer, description=gettext_lazy("Created.")
            ),
            **WRITE_PROBLEMS,
        },
        tags=["borrowers"],
    )
    @idempotent
    def put(self, request: Request, external_id: str) -> Response:
        data = with_path_id(body_object(request), "external_id", external_id)
        record = parsed(records.parse_borrower, data)
        result = lender.borrower_upsert(record=record, source=_source(request))
        shown = _borrower_shown(result.obj)
        return _answer(result, "borrower", shown, out.BorrowerResultSerializer)


# --- loans


def _loan_shown(loan: Loan, *, borrower_external_id: str) -> Shown:
    case = (
        CollectionCase.objects.filter(loan=loan, state__in=OPEN_STATES)
        .only("id", "state", "amount_overdue")
        .first()
    )
    return Shown(loan, open_case=case, borrower_external_id=borrower_external_id)


class LoanView(ReadWriteView):
    @extend_schema(
        operation_id="loans_retrieve",
        summary=gettext_lazy("One loan, with its open case"),
        parameters=[_id_parameter("external_id", "loan", "L-1")],
        responses={200: out.LoanOutSerializer, **problem_responses(404)},
        tags=["loans"],
    )
    def get(self, request: Request, external_id: str) -> Response:
        external_id = _findable(external_id, _("No such loan."))
        loan = Loan.objects.select_related("borrower").filter(external_id=external_id).first()
        if loan is None:
            raise _not_found(_("No such loan."))
        shown = _loan_shown(loan, borrower_external_id=loan.borrower.external_id)
        return Response(out.LoanOutSerializer(shown).data)

    @extend_schema(
        operation_id="loans_upsert",
        summary=gettext_lazy(
            "Create or update a loan: past due opens or updates its case, current or paid closes it"
        ),
        parameters=[_id_parameter("external_id", "loan", "L-1"), IDEMPOTENCY_PARAMETER],
        request=inputs.LoanPutSerializer,
        examples=[examples.request("A past-due loan", examples.LOAN)],
        responses={
            200: OpenApiResponse(
                out.LoanResultSerializer, description=gettext_lazy("Updated or unchanged.")
            ),
            201: OpenApiResponse(out.LoanResultSerializer, description=gettext_lazy("Created.")),
            **WRITE_PROBLEMS,
        },
        tags=["loans"],
    )
    @idempotent
    def put(self, request: Request, external_id: str) -> Response:
        data = with_path_id(body_object(request), "external_id", external_id)
        record = parsed(records.parse_loan, data)
        result = lender.loan_upsert(record=record, source=_source(request))
        # The record names the borrower (a loan never changes borrower): no query for it.
        shown = _loan_shown(result.obj, borrower_external_id=record.borrower_external_id)
        return _answer(result, "loan", shown, out.LoanResultSerializer)


# --- bulk


def _rows(request: Request, name: str) -> list[Any]:
    body = body_object(request)
    unknown = [Problem(str(k), _("unknown field (known fields: %s)") % name) for k in body
               if k != name]  # fmt: skip
    rows = body.get(name)
    if not isinstance(rows, list):
        raise InvalidRecord(problems=[*unknown, Problem(name, _("must be a list of records"))])
    if not 1 <= len(rows) <= MAX_ROWS:
        message = _("must hold 1 to %(max)d records (it holds %(n)d)") % {
            "max": MAX_ROWS,
            "n": len(rows),
        }
        raise InvalidRecord(problems=[*unknown, Problem(name, message)])
    if unknown:
        raise InvalidRecord(problems=unknown)
    return rows


def _bulk_answer(outcomes: list[RowOutcome]) -> Response:
    counts = Counter(o.status for o in outcomes)
    body = out.BulkResultSerializer(
        {
            "counts": {
                k: counts.get(k, 0) for k in ("created", "updated", "unchanged", "rejected")
            },
            "results": [
                {
                    "index": o.index,
                    "external_id": o.external_id,
                    "status": o.status,
                    "errors": [{"path": p.path, "message": p.message} for p in o.errors],
                }
                for o in outcomes
            ],
        }
    ).data
    return Response(body)


BULK_RESPONSES = {
    200: OpenApiResponse(
        out.BulkResultSerializer,
        description=gettext_lazy(
            "Each row's outcome by index; the valid rows are applied, the others "
            "rejected with their errors."
        ),
    ),
    **WRITE_PROBLEMS,
}


class LoansBulkView(ReadWriteView):
    @extend_schema(
        operation_id="loans_bulk_upsert",
        summary=format_lazy(gettext_lazy("Create or update up to {count} loans"), count=MAX_ROWS),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=inputs.LoansBulkInSerializer,
        examples=[
            examples.request(
                "Two loans", {"loans": [examples.LOAN, {**examples.LOAN, "external_id": "L-2"}]}
            )
        ],
        responses=BULK_RESPONSES,
        tags=["loans"],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        source = _source(request)
        outcomes = bulk_apply(
            _rows(request, "loans"),
            parse=records.parse_loan,
            id_field="external_id",
            apply_many=lambda rs: lender.loans_upsert_many(records=rs, source=source),
        )
        return _bulk_answer(outcomes)


# --- payments


def _payment_shown(payment: Payment) -> Shown:
    reversal = PaymentReversal.objects.filter(payment=payment).first()
    return Shown(payment, reversal=reversal)


class PaymentsView(ReadWriteView):
    @extend_schema(
        operation_id="payments_post",
        summary=gettext_lazy("Record a payment (once per external id, however often it is sent)"),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=inputs.PaymentInSerializer,
        examples=[examples.request("A payment", examples.PAYMENT)],
        responses={
            200: OpenApiResponse(
                out.PaymentResultSerializer,
                description=gettext_lazy("Already recorded: unchanged."),
            ),
            201: OpenApiResponse(
                out.PaymentResultSerializer, description=gettext_lazy("Recorded.")
            ),
            **WRITE_PROBLEMS,
        },
        tags=["payments"],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        record = parsed(records.parse_payment, body_object(request))
        result = lender.payment_post(record=record, source=_source(request))
        return _answer(result, "payment", _payment_shown(result.obj), out.PaymentResultSerializer)


class PaymentsBulkView(ReadWriteView):
    @extend_schema(
        operation_id="payments_bulk_post",
        summary=format_lazy(gettext_lazy("Record up to {count} payments"), count=MAX_ROWS),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=inputs.PaymentsBulkInSerializer,
        examples=[examples.request("One payment", {"payments": [examples.PAYMENT]})],
        responses=BULK_RESPONSES,
        tags=["payments"],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        source = _source(request)
        outcomes = bulk_apply(
            _rows(request, "payments"),
            parse=records.parse_payment,
            id_field="external_id",
            apply_many=lambda rs: lender.payments_post_many(records=rs, source=source),
        )
        return _bulk_answer(outcomes)


class PaymentReversalView(ReadWriteView):
    @extend_schema(
        operation_id="payments_reverse",
        summary=gettext_lazy(
            "Reverse a payment (NSF, chargeback): the amount is owed again, a promise it "
            "kept is broken"
        ),
        parameters=[_id_parameter("external_id", "payment", "P-1"), IDEMPOTENCY_PARAMETER],
        request=inputs.ReversalInSerializer,
        examples=[examples.request("Returned unpaid", examples.REVERSAL)],
        responses={
            200: OpenApiResponse(
                out.PaymentResultSerializer,
                description=gettext_lazy("Already reversed: unchanged."),
            ),
            201: OpenApiResponse(
                out.PaymentResultSerializer, description=gettext_lazy("Reversed.")
            ),
            **WRITE_PROBLEMS,
        },
        tags=["payments"],
    )
    @idempotent
    def post(self, request: Request, external_id: str) -> Response:
        data = with_path_id(body_object(request), "payment_external_id", external_id)
        record = parsed(records.parse_reversal, data)
        result = lender.payment_reverse(record=record, source=_source(request))
        shown = _payment_shown(result.obj.payment)
        return _answer(result, "payment", shown, out.PaymentResultSerializer)


# --- signals


def _signal_data(data: Mapping[str, Any]) -> dict[str, Any]:
    return {**data, "value": plain_json(data["value"])} if "value" in data else dict(data)


class SignalsView(ReadWriteView):
    @extend_schema(
        operation_id="signals_post",
        summary=gettext_lazy(
            "Record an ability-to-pay signal (bureau refresh, income, app activity, ...)"
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=inputs.SignalInSerializer,
        examples=[examples.request("A bureau refresh", examples.SIGNAL)],
        responses={
            200: OpenApiResponse(
                out.SignalResultSerializer, description=gettext_lazy("Already recorded.")
            ),
            201: OpenApiResponse(out.SignalResultSerializer, description=gettext_lazy("Recorded.")),
            **WRITE_PROBLEMS,
        },
        tags=["signals"],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        record = parsed(records.parse_signal, _signal_data(body_object(request)))
        result = lender.signal_record(record=record, source=_source(request))
        signal = result.obj
        shown = Shown(signal, loan_external_id=signal.loan.external_id if signal.loan_id else "")
        return _answer(result, "signal", shown, out.SignalResultSerializer)

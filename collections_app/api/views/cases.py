"""Reads: the case list (filters, cursor pagination) and one case with its promises, plans and
timeline. Phone numbers and emails are masked in every answer: see README "The lender API"."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from collections_app.api.pagination import IdCursorPagination
from collections_app.api.problems import ApiProblem
from collections_app.api.serializers_cases import CaseDetailSerializer, CaseSummarySerializer
from collections_app.api.views.base import Shown, parse_id, problem_responses
from collections_app.masking import mask_text
from collections_app.models import CollectionCase, PaymentPlan, PlanInstallment, PromiseToPay
from collections_app.models.choices import Segment
from collections_app.problems import Problem
from collections_app.selectors.timeline import case_timeline
from collections_app.states import CaseState


class CaseFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=CaseState.choices, required=False)
    segment = serializers.ChoiceField(
        choices=[c for c in Segment.choices if c[0]],
        required=False,
        help_text=gettext_lazy("Only scored cases have one."),
    )
    jurisdiction = serializers.CharField(
        max_length=16, required=False, help_text=gettext_lazy("The borrower's, e.g. US or CN.")
    )
    updated_since = serializers.DateTimeField(
        required=False, help_text=gettext_lazy("ISO 8601; cases changed at or after this time.")
    )
    loan = serializers.CharField(
        max_length=64, required=False, help_text=gettext_lazy("The lender's loan external id.")
    )


def _filters(request: Request) -> dict:
    wanted = CaseFilterSerializer(data=request.query_params)
    if not wanted.is_valid():
        problems = [
            Problem(field, str(message))
            for field, messages in wanted.errors.items()
            for message in messages
        ]
        raise ApiProblem(
            _("A filter is not valid: see errors."),
            status_code=400,
            problem_type="invalid-query",
            problems=problems,
        )
    return wanted.validated_data


def _cases(filters: dict) -> QuerySet[CollectionCase]:
    cases = CollectionCase.objects.select_related("loan__borrower")
    if "state" in filters:
        cases = cases.filter(state=filters["state"])
    if "segment" in filters:
        cases = cases.filter(segment=filters["segment"])
    if "jurisdiction" in filters:
        cases = cases.filter(loan__borrower__jurisdiction=filters["jurisdiction"])
    if "updated_since" in filters:
        cases = cases.filter(updated_at__gte=filters["updated_since"])
    if "loan" in filters:
        cases = cases.filter(loan__external_id=filters["loan"])
    return cases


class CaseListView(APIView):
    pagination_class = IdCursorPagination

    @extend_schema(
        operation_id="cases_list",
        summary=gettext_lazy("List cases"),
        parameters=[
            CaseFilterSerializer,
            OpenApiParameter(
                "cursor", OpenApiTypes.STR, description=gettext_lazy("From the previous page.")
            ),
            OpenApiParameter(
                "page_size", OpenApiTypes.INT, description=gettext_lazy("1 to 500 (100).")
            ),
        ],
        responses={200: CaseSummarySerializer(many=True), **problem_responses(400)},
        tags=["cases"],
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(_cases(_filters(request)), request, view=self)
        return paginator.get_paginated_response(CaseSummarySerializer(page, many=True).data)


def _timeline(case: CollectionCase) -> tuple[list[dict], bool]:
    entries, truncated = case_timeline(case)
    borrower = case.loan.borrower
    known = (borrower.phone, borrower.email)
    # An integration is not a person: nobody to log a reveal against, so always masked.
    return [
        {
            "at": e.at,
            "kind": e.kind,
            "label": e.label,
            "who": e.who,
            "text": mask_text(e.text, known),
            "status": e.status,
        }
        for e in entries
    ], truncated


class CaseDetailView(APIView):
    @extend_schema(
        operation_id="cases_retrieve",
        summary=gettext_lazy(
            "One case: state, segment and reasons, amounts, promises, plans, timeline"
        ),
        parameters=[OpenApiParameter("case_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={200: CaseDetailSerializer, **problem_responses(404)},
        tags=["cases"],
    )
    def get(self, request: Request, case_id: str) -> Response:
        case = _case_with_history(parse_id(case_id))
        if case is None:
            raise ApiProblem(_("No such case."), status_code=404, problem_type="not-found")
        timeline, truncated = _timeline(case)
        loan = case.loan
        shown = Shown(
            case,
            amounts={
                "currency": loan.currency,
                "amount_overdue": case.amount_overdue,
                "outstanding_balance": loan.outstanding_balance,
                "balance_principal": loan.balance_principal,
                "balance_interest": loan.balance_interest,
                "balance_fees": loan.balance_fees,
                "balance_as_of": loan.balance_as_of,
                "principal": loan.principal,
            },
            promises=case.promises.all(),
            plans=case.plans.all(),
            timeline=timeline,
            timeline_truncated=truncated,
        )
        return Response(CaseDetailSerializer(shown).data)


def _case_with_history(case_id: int) -> CollectionCase | None:
    installments = PlanInstallment.objects.order_by("sequence")
    plans = PaymentPlan.objects.order_by("-created_at", "-id").prefetch_related(
        Prefetch("installments", queryset=installments)
    )
    return (
        CollectionCase.objects.select_related("loan__borrower")
        .prefetch_related(
            Prefetch("promises", queryset=PromiseToPay.objects.order_by("-created_at", "-id")),
            Prefetch("plans", queryset=plans),
        )
        .filter(pk=case_id)
        .first()
    )

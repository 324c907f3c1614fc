"""/api/v1/ (the operations), /api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI, served from
our static files). Anything else under /api/ is a problem+json 404."""

from __future__ import annotations

from django.urls import include, path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

from collections_app.api import schema  # noqa: F401  (the key scheme, for the OpenAPI document)
from collections_app.api.problems import api_not_found
from collections_app.api.views import cases, lender


class ExternalIdConverter:
    """The lender's id in a path: anything up to the next slash. What an id may be is the record
    parser's to say (a PUT answers 422 naming external_id); a read of an id no record could
    have answers 404 (views/lender.py)."""

    regex = r"[^/]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExternalIdConverter, "external_id")

v1 = [
    path("borrowers/<external_id:external_id>", lender.BorrowerView.as_view(), name="api-borrower"),
    path("loans/bulk", lender.LoansBulkView.as_view(), name="api-loans-bulk"),
    path("loans/<external_id:external_id>", lender.LoanView.as_view(), name="api-loan"),
    path("payments/", lender.PaymentsView.as_view(), name="api-payments"),
    path("payments/bulk", lender.PaymentsBulkView.as_view(), name="api-payments-bulk"),
    path(
        "payments/<external_id:external_id>/reversal",
        lender.PaymentReversalView.as_view(),
        name="api-payment-reversal",
    ),
    path("signals/", lender.SignalsView.as_view(), name="api-signals"),
    path("cases/", cases.CaseListView.as_view(), name="api-cases"),
    path("cases/<str:case_id>", cases.CaseDetailView.as_view(), name="api-case"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path(
        "schema/",
        SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[AllowAny]),
        name="api-schema",
    ),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(
            url_name="api-schema", authentication_classes=[], permission_classes=[AllowAny]
        ),
        name="api-docs",
    ),
    re_path(r"^(?P<path>.*)$", api_not_found),
]

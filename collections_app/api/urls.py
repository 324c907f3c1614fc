"""/api/v1/ (the operations), /api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI, served from
our static files). Anything else under /api/ is a problem+json 404."""

from __future__ import annotations

from django.urls import include, path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

from collections_app.api import schema  # noqa: F401  (the key scheme, for the OpenAPI document)
from collections_app.api.problems import api_not_found
from collections_app.api.views import cases


class ExternalIdConverter:
    """The lender's ids as they may appear in a path: 1 to 64 characters, no slash, no control
    character (a NUL could not even be stored)."""

    regex = r"[^/\x00-\x1f\x7f]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExternalIdConverter, "external_id")

v1 = [
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

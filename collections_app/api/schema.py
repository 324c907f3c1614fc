"""What drf-spectacular needs to describe our pieces: the key header as a security scheme."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema


class IntegrationKeyScheme(OpenApiAuthenticationExtension):
    target_class = "collections_app.api.auth.IntegrationKeyAuthentication"
    name = "IntegrationKey"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _(
                'The value "Api-Key <key>", the key shown once when created in '
                "admin → Integration keys."
            ),
        }

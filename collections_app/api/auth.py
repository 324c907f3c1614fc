"""Who is calling: an integration's key (`Authorization: Api-Key <prefix>.<secret>`), and what
its scope lets it do. The key object is `request.auth`; its `source` ("api:<integration>") is
what every write records on the audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework_api_key.permissions import KeyParser

from collections_app.models import IntegrationKey

if TYPE_CHECKING:
    from rest_framework.views import APIView

KEYWORD = KeyParser.keyword


class IntegrationKeyAuthentication(BaseAuthentication):
    """No Authorization header: not authenticated (401 from the permission). A header that names
    no usable key (unknown, revoked, expired, malformed): 401 at once."""

    def authenticate(self, request: Request) -> tuple[None, IntegrationKey] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        keyword, _sep, key = header.partition(" ")
        if keyword.lower() != KEYWORD.lower() or not key.strip():
            raise exceptions.AuthenticationFailed(
                _('Send the key as "Authorization: %(keyword)s <key>".') % {"keyword": KEYWORD}
            )
        try:
            found = IntegrationKey.objects.get_from_key(key.strip())
        except IntegrationKey.DoesNotExist:
            found = None
        if found is None or found.has_expired:
            raise exceptions.AuthenticationFailed(_("This API key is unknown, revoked or expired."))
        return None, found

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (with WWW-Authenticate) rather than 403 to a missing key.
        return KEYWORD


def integration_key(request: Request) -> IntegrationKey:
    """The caller's key; views behind CanRead/CanWrite always have one."""
    key = request.auth
    if not isinstance(key, IntegrationKey):  # pragma: no cover - the permissions ensure it
        raise exceptions.NotAuthenticated()
    return key


class CanRead(BasePermission):
    """Any usable key reads (a write key too: a sync that writes reads back what it wrote)."""

    message = gettext_lazy("This API key may not read.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.auth, IntegrationKey)


class CanWrite(BasePermission):
    """Only a key with the write scope changes anything."""

    message = gettext_lazy("This API key is read-only: writes need a key with the write scope.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.auth, IntegrationKey) and request.auth.can_write

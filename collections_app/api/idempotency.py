"""Idempotency-Key on every POST and PUT: the same key with the same request gets the first
answer again (header `Idempotent-Replayed: true`), the same key with another request is refused
(422), and a second request arriving while the first is still being worked on gets 409.

The key is optional: every write is also idempotent by the lender's external ids, so a retry
without one is applied again and changes nothing. A key is scoped to the integration (its keys
share them), and remembered for API_IDEMPOTENCY_TTL_HOURS (then swept). Answers of 500 and
above are not kept: the request can be retried with the same key."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from collections_app.api.auth import integration_key
from collections_app.api.problems import PROBLEM_JSON, ApiProblem
from collections_app.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
# Visible ASCII only: a key is compared byte for byte, and must survive every proxy.
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
# A request still "in progress" after this long died with its worker (gunicorn's timeout is
# 30 s): the key is free again rather than answering 409 until the sweep.
IN_PROGRESS_ABANDONED_AFTER = dt.timedelta(minutes=2)

Handler = Callable[..., Response]


def _fingerprint(request: Request) -> str:
    # The raw bytes: a retry sends the same bytes. Reading them here also applies
    # DATA_UPLOAD_MAX_MEMORY_SIZE (413) before anything is parsed.
    return hashlib.sha256(request.body).hexdigest()


def _valid_key(raw: str) -> str:
    if not _KEY.match(raw):
        raise ApiProblem(
            _(
                "The Idempotency-Key header must be 1 to %(max)d visible ASCII characters "
                "(a UUID is a good one)."
            )
            % {"max": MAX_KEY_LENGTH},
            status_code=400,
            problem_type="invalid-idempotency-key",
        )
    return raw


def _claim(
    *, integration: str, key: str, method: str, path: str, body_sha256: str
) -> tuple[IdempotencyRecord, bool]:
    """(record, True) when this request now owns the key, else the record that does."""
    now = timezone.now()
    ttl = dt.timedelta(hours=settings.API_IDEMPOTENCY_TTL_HOURS)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    integration=integration,
                    key=key,
                    method=method,
                    path=path,
                    body_sha256=body_sha256,
                    created_at=now,
                )
            return record, True
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(integration=integration, key=key).first()
            if existing is None:
                continue  # the holder gave it up (a 5xx) between our insert and this read
            stale = existing.created_at < now - ttl or (
                existing.status is None and existing.created_at < now - IN_PROGRESS_ABANDONED_AFTER
            )
            if not stale:
                return existing, False
            # Conditional: of two requests finding the same stale row, one deletes it.
            IdempotencyRecord.objects.filter(
                pk=existing.pk, created_at=existing.created_at
            ).delete()
    raise ApiProblem(
        _("Another request with this Idempotency-Key is being processed; retry shortly."),
        status_code=409,
        problem_type="idempotency-key-in-progress",
    )


def _replay(record: IdempotencyRecord, *, method: str, path: str, body_sha256: str) -> Response:
    if (record.method, record.path, record.body_sha256) != (method, path, body_sha256):
        raise ApiProblem(
            _(
                "This Idempotency-Key was used for another request (a different body or "
                "address); use a new key for a new request."
            ),
            status_code=422,
            problem_type="idempotency-key-reused",
        )
    if record.status is None:
        raise ApiProblem(
            _("A request with this Idempotency-Key is still being processed; retry shortly."),
            status_code=409,
            problem_type="idempotency-key-in-progress",
        )
    return Response(
        record.response_body,
        status=record.status,
        headers={REPLAYED_HEADER: "true"},
        content_type=PROBLEM_JSON if record.status >= 400 else None,
    )


def idempotent(handler: Handler) -> Handler:
    """Wraps an APIView's post/put. Runs after authentication and permissions (a refused
    request claims no key)."""

    @functools.wraps(handler)
    def wrapper(view: APIView, request: Request, *args: object, **kwargs: object) -> Response:
        raw = request.headers.get(HEADER)
        if raw is None:
            return handler(view, request, *args, **kwargs)
        key = _valid_key(raw)
        request_id = {
            "method": request.method,
            "path": request.path[:500],
            "body_sha256": _fingerprint(request),
        }
        integration = integration_key(request).integration
        record, owned = _claim(integration=integration, key=key, **request_id)
        if not owned:
            return _replay(record, **request_id)
        try:
            try:
                response = handler(view, request, *args, **kwargs)
            except Exception as exc:
                # Our problem answers (4xx) are the first answer too; anything else re-raises.
                response = view.handle_exception(exc)
        except BaseException:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            raise
        if response.status_code >= 500:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            return response
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            status=response.status_code, response_body=response.data
        )
        return response

    return wrapper


def idempotency_records_sweep(*, now: dt.datetime | None = None) -> int:
    """Forget answers older than the TTL. Returns how many were deleted."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=settings.API_IDEMPOTENCY_TTL_HOURS)
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted

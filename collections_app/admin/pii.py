"""Admin pages that show borrowers' addresses: masked in every list for everyone; on one
record's page masked without `view_pii`, and unmasked with it, that view logged once
(services/pii.py). A page declares which of its fields hold what; nothing else is needed."""

from __future__ import annotations

import json
import typing
from collections.abc import Callable

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html

from collections_app.models import Borrower, CollectionCase
from collections_app.services.pii import (
    addresses_in,
    borrowers_with,
    can_view_pii,
    mask_address,
    mask_data,
    mask_text,
    pii_reveal,
)


def pretty_json(value: object) -> str:
    return format_html(
        "<pre>{}</pre>",
        json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, cls=DjangoJSONEncoder),
    )


class PiiFieldsMixin:
    """For ModelAdmin and inlines. `pii_address_fields` are an address; `pii_text_fields` may
    quote one; `pii_data_fields` are JSON that may hold some."""

    pii_address_fields: tuple[str, ...] = ()
    pii_text_fields: tuple[str, ...] = ()
    pii_data_fields: tuple[str, ...] = ()

    # --- what a row is about

    def pii_borrower(self, obj: models.Model) -> Borrower | None:
        if isinstance(obj, Borrower):
            return obj
        return getattr(obj, "borrower", None) if getattr(obj, "borrower_id", None) else None

    def pii_case(self, obj: models.Model) -> CollectionCase | None:
        if isinstance(obj, CollectionCase):
            return obj
        return getattr(obj, "case", None) if getattr(obj, "case_id", None) else None

    def pii_known(self, obj: models.Model) -> tuple[str, ...]:
        """Addresses to find in any spelling: the borrower's own."""
        borrower = self.pii_borrower(obj)
        return (borrower.phone, borrower.email) if borrower is not None else ()

    # --- masked display

    def _pii_names(self) -> tuple[str, ...]:
        return (*self.pii_address_fields, *self.pii_text_fields, *self.pii_data_fields)

    def pii_masked(self, obj: models.Model, name: str) -> object:
        value = getattr(obj, name)
        if name in self.pii_address_fields:
            return mask_address(value or "")
        if name in self.pii_data_fields:
            return pretty_json(mask_data(value, self.pii_known(obj)))
        return mask_text(value or "", self.pii_known(obj))

    def _masked_column(self, name: str) -> Callable[[models.Model], object]:
        cache = self.__dict__.setdefault("_pii_columns", {})
        if name not in cache:
            field = self.model._meta.get_field(name)

            @admin.display(description=field.verbose_name)
            def column(obj: models.Model) -> object:
                return self.pii_masked(obj, name)

            column.__name__ = f"masked_{name}"
            cache[name] = column
        return cache[name]

    def _masking(self, names: typing.Iterable) -> list:
        pii = self._pii_names()
        return [self._masked_column(n) if isinstance(n, str) and n in pii else n for n in names]

    def get_list_display(self, request: HttpRequest) -> list:
        return self._masking(super().get_list_display(request))

    def _unmasked(self, request: HttpRequest, obj: models.Model | None) -> bool:
        # An add page has no one's data yet: its inputs stay inputs.
        return obj is None or can_view_pii(request.user)

    def get_fields(self, request: HttpRequest, obj: models.Model | None = None) -> list:
        fields = list(super().get_fields(request, obj))
        if self._unmasked(request, obj):
            return fields
        # Each field where it was, masked; the masked columns get_readonly_fields adds (and
        # Django's default fields repeat) once.
        return list(dict.fromkeys(self._masking(fields)))

    def get_readonly_fields(self, request: HttpRequest, obj: models.Model | None = None) -> list:
        readonly = list(super().get_readonly_fields(request, obj))
        if self._unmasked(request, obj):
            return readonly
        # The real fields stay read-only and out of sight; their masked columns are shown.
        return [*readonly, *(self._masked_column(n) for n in self._pii_names())]

    # --- the reveal

    def pii_shown(self, obj: models.Model) -> list[str]:
        """The fields of `obj` whose unmasked value differs from its masked one."""
        shown = []
        for name in self._pii_names():
            value = getattr(obj, name)
            if name in self.pii_data_fields:
                hidden = mask_data(value, self.pii_known(obj)) != value
            elif name in self.pii_address_fields:
                hidden = bool(value) and mask_address(value) != value
            else:
                hidden = bool(value) and mask_text(value, self.pii_known(obj)) != value
            if hidden:
                shown.append(name)
        return shown

    def pii_log_view(self, request: HttpRequest, obj: models.Model) -> None:
        """One row per borrower whose data this page shows unmasked."""
        shown = self.pii_shown(obj)
        if not shown:
            return
        borrower = self.pii_borrower(obj)
        if borrower is not None:
            owners: list[Borrower | None] = [borrower]
        else:
            found = set()
            for name in shown:
                found |= addresses_in(getattr(obj, name))
            owners = [*borrowers_with(found)] or [None]
        for owner in owners:
            pii_reveal(
                user=request.user,
                borrower=owner,
                case=self.pii_case(obj),
                fields=shown,
                path=request.path,
            )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, typing.Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        # Logged once the page is drawn (not on a redirect, a 403 or a POST that saves).
        if request.method == "GET" and response.status_code == 200 and can_view_pii(request.user):
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                self.pii_log_view(request, obj)
        return response

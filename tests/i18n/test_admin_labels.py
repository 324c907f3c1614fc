"""Every admin column of ours that is not a model field carries a translatable heading.

A field name in `list_display` takes its heading from the field's verbose_name (covered by the
models' own test); a callable or an admin method needs `short_description` (what
`@admin.display(description=...)` sets), and it must be lazy (`gettext_lazy`): a plain string
would stay English for every user.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.utils.functional import Promise

import collections_app.admin  # noqa: F401  (registers the pages)

APP = "collections_app"


def _column(model_admin: admin.ModelAdmin, entry: object) -> object | None:
    """The callable behind a list_display entry; None for a model field (or its __str__)."""
    if callable(entry):
        return entry
    if not isinstance(entry, str) or entry == "__str__":
        return None
    try:
        model_admin.model._meta.get_field(entry)
    except FieldDoesNotExist:
        pass
    else:
        return None
    if hasattr(model_admin, entry):
        return getattr(model_admin, entry)
    return getattr(model_admin.model, entry, None)


def _offenders() -> list[str]:
    found = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != APP:
            continue
        for entry in model_admin.list_display:
            column = _column(model_admin, entry)
            if column is None:
                continue
            if isinstance(column, property):
                column = column.fget
            description = getattr(column, "short_description", None)
            if not isinstance(description, Promise):
                name = entry if isinstance(entry, str) else getattr(entry, "__name__", entry)
                found.append(f"{type(model_admin).__name__}.{name}: {description!r}")
    return found


def test_every_admin_column_of_ours_has_a_translatable_heading() -> None:
    offenders = _offenders()
    assert not offenders, "list_display columns without a lazy description:\n" + "\n".join(
        offenders
    )


def test_the_check_sees_our_columns() -> None:
    """Not vacuous: the case list's own columns are among those it looks at."""
    case_admin = next(
        m for model, m in admin.site._registry.items() if model._meta.model_name == "collectioncase"
    )
    column = _column(case_admin, "amount_overdue_shown")
    assert isinstance(column.short_description, Promise)
    assert _column(case_admin, "state") is None  # a field: its verbose_name is the heading

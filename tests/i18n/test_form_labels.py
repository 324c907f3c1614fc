"""Every field of our forms has a translated label: a field without one is labelled by Django
from its Python name, in English, whatever the page's language."""

from __future__ import annotations

import importlib
import pkgutil

from django import forms
from django.utils.functional import Promise

import collections_app


def _our_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(collections_app.__path__, "collections_app."):
        if ".migrations" in module.name or ".devtools" in module.name:
            continue
        importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    pending = [forms.Form, forms.ModelForm]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("collections_app."):
                found.append(sub)
    return found


def _model_field_names(form: type[forms.BaseForm]) -> set[str]:
    meta = getattr(form, "_meta", None)
    model = getattr(meta, "model", None)
    return {f.name for f in model._meta.get_fields()} if model else set()


def test_every_form_field_has_a_translated_label() -> None:
    offenders = []
    for form in _our_forms():
        model_fields = _model_field_names(form)
        for name, field in form.base_fields.items():
            if isinstance(field.widget, forms.HiddenInput):
                continue  # nobody reads it
            if field.label is None and name in model_fields:
                continue  # Django labels it with the model field's verbose_name (translated)
            if not isinstance(field.label, Promise):
                offenders.append(f"{form.__module__}.{form.__name__}.{name}: {field.label!r}")
    assert offenders == [], "labels not marked for translation:\n" + "\n".join(sorted(offenders))

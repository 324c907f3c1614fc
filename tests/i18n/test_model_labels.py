"""Every name a person reads of our models goes through gettext: the model's names, every field's
label and every choice's label are lazy translations, so the admin and the workspace show them
in the reader's language.

Not checked: the primary key Django adds by itself (`auto_created`, labelled "ID" by Django)."""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.utils.functional import Promise

from collections_app.states import TRANSITIONS


def _models() -> list[type[models.Model]]:
    return list(apps.get_app_config("collections_app").get_models())


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.auto_created]


def test_there_is_something_to_check() -> None:
    assert len(_models()) > 30


def test_model_names_are_marked_for_translation() -> None:
    offenders = [
        f"{model.__name__}.Meta.{attr} = {getattr(model._meta, attr)!r}"
        for model in _models()
        for attr in ("verbose_name", "verbose_name_plural")
        if not isinstance(getattr(model._meta, attr), Promise)
    ]
    assert not offenders, "model names not marked for translation:\n" + "\n".join(offenders)


def test_field_labels_are_marked_for_translation() -> None:
    offenders = [
        f"{model.__name__}.{field.name}: verbose_name = {field.verbose_name!r}"
        for model in _models()
        for field in _fields(model)
        if not isinstance(field.verbose_name, Promise)
    ]
    assert not offenders, "field labels not marked for translation:\n" + "\n".join(offenders)


def test_choice_labels_are_marked_for_translation() -> None:
    offenders = [
        f"{model.__name__}.{field.name}: {value!r} -> {label!r}"
        for model in _models()
        for field in _fields(model)
        if field.choices
        for value, label in field.flatchoices
        if not isinstance(label, Promise)
    ]
    assert not offenders, "choice labels not marked for translation:\n" + "\n".join(offenders)


def test_transition_buttons_are_marked_for_translation() -> None:
    offenders = [
        f"{name}.{attr} = {getattr(spec, attr)!r}"
        for name, spec in TRANSITIONS.items()
        for attr in ("label", "help_text")
        if not isinstance(getattr(spec, attr), Promise)
    ]
    assert not offenders, "transition texts not marked for translation:\n" + "\n".join(offenders)

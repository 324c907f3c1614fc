"""Migration 0026 gives the default policies their promise terms and ships the broken-promise
follow-up's templates, from literals frozen in the migration; what a supervisor set stays."""

import ast
import importlib
import inspect

import pytest
from django.apps import apps

from collections_app.models import CollectionPolicy, MessageTemplate
from collections_app.policies.promises import promise_terms

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "collections_app.migrations.0026_promise_terms_and_follow_up_templates"
)


def _current(key: str) -> CollectionPolicy:
    return CollectionPolicy.objects.get(key=key, is_current=True)


def test_default_policies_without_terms_get_them_in_place_and_set_terms_stay() -> None:
    # given: us-default as saved before the terms existed, cn-default with a supervisor's terms,
    # and a custom policy without them
    us, cn = _current("us-default"), _current("cn-default")
    CollectionPolicy.objects.filter(pk=us.pk).update(promises={})
    CollectionPolicy.objects.filter(pk=cn.pk).update(promises={"grace_days": 5})
    custom = CollectionPolicy.objects.create(key="custom", name="Custom", promises={})

    migration.forwards(apps, None)

    # then: the same version now says what it already read as (no new version)
    written = _current("us-default")
    assert (written.pk, written.version) == (us.pk, us.version)
    assert written.promises == migration.PROMISES
    assert promise_terms(written.promises) == promise_terms({})
    assert _current("cn-default").promises == {"grace_days": 5}
    custom.refresh_from_db()
    assert custom.promises == {}


def test_the_follow_up_templates_are_shipped_and_an_edited_one_is_kept() -> None:
    MessageTemplate.objects.filter(key__startswith="promise-broken").delete()
    MessageTemplate.objects.create(
        key="promise-broken-sms", channel="sms", language="en", body="Edited by compliance."
    )

    migration.forwards(apps, None)

    shipped = set(
        MessageTemplate.objects.filter(key__startswith="promise-broken").values_list(
            "key", "channel", "language"
        )
    )
    assert shipped == {
        (f"promise-broken-{channel}", channel, language)
        for channel in ("sms", "email")
        for language in ("en", "zh-Hans")
    }
    edited = MessageTemplate.objects.get(key="promise-broken-sms", language="en")
    assert edited.body == "Edited by compliance."


def test_the_migration_imports_nothing_from_the_app() -> None:
    tree = ast.parse(inspect.getsource(migration))
    nodes = list(ast.walk(tree))
    imported = {a.name for n in nodes if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in nodes if isinstance(n, ast.ImportFrom)}
    assert imported == {"copy", "django.db"}

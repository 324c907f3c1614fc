"""A fresh database migrates in one schema step and one data step; the data step carries its
own literals and ships exactly what the live defaults say; the roles follow roles.py after
every migrate."""

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from collections_app.models import CollectionPolicy, MessageTemplate
from collections_app.outreach.default_templates import (
    OVERSHADOWING_STAGES,
    default_templates,
    dispute_templates,
    payment_link_templates,
    policy_step_templates,
    validation_notice_templates,
)
from collections_app.policies.defaults import DEFAULT_POLICIES, DEFAULT_TEMPLATE_KEYS
from collections_app.roles import ROLE_PERMISSIONS

MIGRATIONS = Path(__file__).resolve().parents[1] / "collections_app" / "migrations"


def test_the_app_migrates_in_one_schema_and_one_data_migration() -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    ours = sorted(name for app, name in loader.disk_migrations if app == "collections_app")
    # Features since add their own (the lead squashes them into 0001 before a release).
    assert ours[:2] == ["0001_initial", "0002_shipped_defaults"]
    data = loader.disk_migrations[("collections_app", "0002_shipped_defaults")]
    assert {type(op).__name__ for op in data.operations} == {"RunPython"}


@pytest.mark.parametrize("path", sorted(MIGRATIONS.glob("0*.py")), ids=lambda p: p.stem)
def test_no_migration_imports_the_app(path: Path) -> None:
    # What a migration installs must not change when live code does (a "v1" policy would mean
    # different rules on a fresh and on an upgraded database).
    tree = ast.parse(path.read_text())
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (node.names if isinstance(node, ast.Import) else [node])
    ]
    ours = [
        m
        for m in imported
        if m and m.startswith("collections_app") and m != "collections_app.validators"
    ]
    assert ours == [], f"{path.name} imports {ours}"


SHIPPED_POLICY_FIELDS = (
    "name",
    "jurisdiction",
    "segmentation",
    "stages",
    "promises",
    "channel_switch",
    "default_time_zone",
)


@pytest.mark.django_db
def test_the_shipped_policies_are_the_live_defaults() -> None:
    # A change to policies/defaults.py ships with a new data migration; this says when one is due.
    shipped = {
        p.key: {f: getattr(p, f) for f in SHIPPED_POLICY_FIELDS}
        for p in CollectionPolicy.objects.filter(is_current=True)
    }
    live = {p["key"]: {f: p[f] for f in SHIPPED_POLICY_FIELDS} for p in DEFAULT_POLICIES}
    assert shipped == live
    assert set(CollectionPolicy.objects.values_list("version", flat=True)) == {1}


@pytest.mark.django_db
def test_the_shipped_templates_are_the_live_default_wording() -> None:
    fields = ("stage", "subject", "body", "html_body")
    live = {
        (row["key"], row["channel"], row["language"]): {f: row.get(f, "") for f in fields}
        for row in default_templates()
        + policy_step_templates(DEFAULT_TEMPLATE_KEYS)
        + dispute_templates()
        + payment_link_templates()
        + validation_notice_templates()
    }
    shipped = {
        (t.key, t.channel, t.language): {f: getattr(t, f) for f in fields}
        for t in MessageTemplate.objects.filter(is_active=True)
    }
    assert shipped == live
    # The wording that states consequences waits out a validation period (migration 0015).
    flagged = set(
        MessageTemplate.objects.filter(overshadows_validation=True).values_list("stage", flat=True)
    )
    assert flagged == set(OVERSHADOWING_STAGES)


@pytest.mark.django_db
def test_the_nightly_run_and_its_sweeper_are_scheduled() -> None:
    from django_celery_beat.models import PeriodicTask

    tasks = dict(PeriodicTask.objects.values_list("task", "enabled"))
    assert tasks == {
        "collections.start_nightly_escalation": True,
        "collections.sweep_escalation_runs": True,
    }


@pytest.mark.django_db
def test_migrate_gives_each_role_exactly_the_permissions_roles_py_lists() -> None:
    # given: a role that drifted (a permission taken away, another given by hand)
    agent = Group.objects.get(name="agent")
    agent.permissions.clear()
    Group.objects.get(name="supervisor").delete()

    # when: the next migrate (nothing to apply; post_migrate still runs)
    call_command("migrate", verbosity=0, database=connection.alias)

    # then
    for role, perms in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        have = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert have == set(perms), role


@pytest.mark.django_db
def test_a_database_built_before_the_squash_is_refused_with_what_to_do() -> None:
    import importlib
    from types import SimpleNamespace

    from django.db.migrations.recorder import MigrationRecorder

    shipped = importlib.import_module("collections_app.migrations.0002_shipped_defaults")
    editor = SimpleNamespace(connection=connection)
    # Today's database as 0002 finds it (the migrations after it not applied yet): nothing to say.
    MigrationRecorder.Migration.objects.filter(app="collections_app").exclude(
        name__in=["0001_initial", "0002_shipped_defaults"]
    ).delete()
    shipped.refuse_a_pre_squash_database(None, editor)

    MigrationRecorder(connection).record_applied(
        "collections_app", "0024_voice_templates_worded_for_a_call"
    )
    with pytest.raises(shipped.PreSquashDatabase, match="make clean"):
        shipped.refuse_a_pre_squash_database(None, editor)

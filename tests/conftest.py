"""Shared fixtures.

Services the suite can use: the database (SQLite locally, PostgreSQL in CI) and the Celery broker
(filesystem locally, Redis in CI). Tests marked `needs_postgres` / `needs_redis` skip when the
service is not configured, and FAIL instead when REQUIRE_SERVICES=1 (CI), so a missing service can
never pass as a skip.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import connection
from hypothesis import settings as hypothesis_settings

# No wall-clock deadline per example: on the 2 shared cores a first call that loads data lazily
# (phonenumbers' metadata for a region: 285 ms once) failed a property test by time alone. The
# properties assert behaviour; benchmarks/ measures time.
hypothesis_settings.register_profile("suite", deadline=None)
hypothesis_settings.load_profile("suite")

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def pytest_configure(config: pytest.Config) -> None:
    if REQUIRE_SERVICES:
        db_url = os.environ.get("DATABASE_URL", "")
        broker = os.environ.get("CELERY_BROKER_URL", "")
        if not db_url.startswith(("postgres://", "postgresql://")):
            raise pytest.UsageError("REQUIRE_SERVICES=1 needs DATABASE_URL=postgres://...")
        if not broker.startswith("redis://"):
            raise pytest.UsageError("REQUIRE_SERVICES=1 needs CELERY_BROKER_URL=redis://...")


def _missing(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


def redis_available() -> bool:
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


@pytest.fixture(autouse=True)
def _service_markers(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("needs_postgres") and connection.vendor != "postgresql":
        _missing("PostgreSQL (set DATABASE_URL=postgres://...)")
    if request.node.get_closest_marker("needs_redis") and not redis_available():
        _missing("Redis (set CELERY_BROKER_URL=redis://... to a running server)")


@pytest.fixture
def agent(db):
    from tests.factories import make_user

    return make_user("agent1", "agent")


@pytest.fixture
def supervisor(db):
    from tests.factories import make_user

    return make_user("supervisor1", "supervisor")


@pytest.fixture
def case(db):
    from tests.factories import CaseFactory

    return CaseFactory()


def free_port() -> int:
    """A free TCP port on loopback, for servers a test starts."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _reseed() -> None:
    """Run every data migration's forward function again (contact-rules profiles, templates,
    policies, beat entries) against the current schema, and sync the roles."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps as django_apps
    from django.db import connection
    from django.db import migrations as m
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    names = sorted(name for app, name in loader.disk_migrations if app == "collections_app")
    for name in names:
        module = importlib.import_module(f"collections_app.migrations.{name}")
        for operation in module.Migration.operations:
            # The refusal of a pre-squash database is a check, not data (and later migrations
            # are applied here, which it would take for pre-squash ones).
            if isinstance(operation, m.RunPython) and (
                operation.code.__name__ != "refuse_a_pre_squash_database"
            ):
                # Only the data is gone: schema statements (execute) are skipped.
                editor = SimpleNamespace(connection=connection, execute=lambda *a, **k: None)
                operation.code(django_apps, editor)
    from collections_app.roles import apply_roles

    apply_roles(django_apps)


@pytest.fixture(autouse=True)
def _seed_data(request: pytest.FixtureRequest) -> None:
    """Transactional tests flush the database when they end, data migrations' rows included;
    the next test gets them back, so no test depends on the order tests run in."""
    wants_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
    } & set(request.fixturenames)
    if not wants_db:
        return
    request.getfixturevalue("_django_db_helper")
    from collections_app.models import JurisdictionProfile

    if not JurisdictionProfile.objects.exists():
        _reseed()

"""The files a deployment reads: docker-compose.yml against the Compose schema, .env.example
against the settings the code reads."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "tests" / "contracts" / "compose-spec" / "compose-spec.json"


def test_docker_compose_validates_against_the_compose_spec() -> None:
    schema = json.loads(SCHEMA.read_text())
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    # The spec names draft-07 by a URL jsonschema does not map ("…/draft-07/schema", no "#").
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.Draft7Validator(schema).validate(compose)


def test_compose_has_the_whole_topology_with_health_checks() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "sender", "events", "beat"} <= set(services)
    for name in ("postgres", "redis", "web", "worker", "sender", "events"):
        assert "healthcheck" in services[name], name
    assert {"pgdata", "redisdata", "media"} <= set(compose["volumes"])
    # An upload stored by web is imported by a worker: both see the same media folder.
    for name in ("web", "worker"):
        assert "media:/app/var/media" in services[name]["volumes"], name
    assert services["web"]["environment"]["DATABASE_URL"].startswith("postgres://")
    assert services["worker"]["environment"]["CELERY_BROKER_URL"].startswith("redis://")


def test_env_example_lists_every_variable_the_settings_read() -> None:
    read = set()
    for path in (ROOT / "config").glob("*.py"):
        read |= set(re.findall(r'env(?:bool|int|float|list)?\(\s*"([A-Z0-9_]+)"', path.read_text()))
    listed = set(re.findall(r"^([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - {"TESTING"} <= listed, f"missing from .env.example: {read - listed}"


def test_compose_workers_serve_every_queue_the_settings_route_to() -> None:
    """A queue no worker consumes would hold its tasks forever (sends, say): the compose
    workers' --queues together must cover the production queues."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CELERY_", "OUTBOX_", "LENDER_EVENTS_"))
    }
    env.update(TESTING="0", DJANGO_SETTINGS_MODULE="config.settings")
    printed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(' '.join(q.name for q in settings.CELERY_TASK_QUEUES))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert len(printed) == 3, printed
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    served = set()
    for service in compose["services"].values():
        command = service.get("command") or []
        if command[:4] == ["celery", "-A", "config", "worker"]:
            served |= set(command[command.index("--queues") + 1].split(","))
    assert served == set(printed)

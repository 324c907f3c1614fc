"""The files a deployment reads: docker-compose.yml against the Compose schema, .env.example
against the settings the code reads."""

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT.parent / "shared" / "compose-spec" / "compose-spec.json"


def test_docker_compose_validates_against_the_compose_spec() -> None:
    if not SCHEMA.exists():
        pytest.fail(f"Compose schema not found beside the checkout ({SCHEMA.name})")
    schema = json.loads(SCHEMA.read_text())
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    jsonschema.validate(compose, schema)


def test_compose_has_the_whole_topology_with_health_checks() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("postgres", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert {"pgdata", "redisdata"} <= set(compose["volumes"])
    assert services["web"]["environment"]["DATABASE_URL"].startswith("postgres://")
    assert services["worker"]["environment"]["CELERY_BROKER_URL"].startswith("redis://")


def test_env_example_lists_every_variable_the_settings_read() -> None:
    read = set()
    for path in (ROOT / "config").glob("*.py"):
        read |= set(re.findall(r'env(?:bool|int|float|list)?\(\s*"([A-Z0-9_]+)"', path.read_text()))
    listed = set(re.findall(r"^([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - {"TESTING"} <= listed, f"missing from .env.example: {read - listed}"

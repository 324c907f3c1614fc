"""`ensure_demo_admin`: every `make run` says how to log in, as long as what it says works."""

from __future__ import annotations

import io
import re
import stat
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def var(settings, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path


def run() -> str:
    out = io.StringIO()
    call_command("ensure_demo_admin", stdout=out)
    return out.getvalue()


def shown_password(output: str) -> str:
    found = re.search(r"password: (\S+)", output)
    assert found, output
    return found.group(1)


def test_the_first_start_creates_the_user_and_keeps_its_password_private(var: Path) -> None:
    output = run()

    assert "http://127.0.0.1:8000/admin/" in output and "user: admin" in output
    password = shown_password(output)
    assert get_user_model().objects.get(username="admin").check_password(password)
    kept = var / "demo_password_admin"
    assert kept.read_text().strip() == password
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_later_starts_show_the_same_password(var: Path) -> None:
    first = shown_password(run())
    assert shown_password(run()) == first
    assert get_user_model().objects.filter(username="admin").count() == 1


def test_a_changed_password_is_not_shown_and_the_way_to_reset_it_is(var: Path) -> None:
    first = shown_password(run())
    user = get_user_model().objects.get(username="admin")
    user.set_password("chosen-by-a-person")
    user.save()

    output = run()

    assert first not in output and "password:" not in output
    assert "make shell" in output and "changepassword admin" in output
    assert user.check_password("chosen-by-a-person")  # left alone


def test_an_existing_user_without_a_kept_password_gets_the_reset_hint(var: Path) -> None:
    get_user_model().objects.create_superuser(username="admin", email="", password="x" * 12)
    output = run()
    assert "password:" not in output and "changepassword admin" in output


def test_after_make_clean_the_user_comes_back_with_the_kept_password(var: Path) -> None:
    first = shown_password(run())
    get_user_model().objects.all().delete()  # `make clean` drops the database, keeps var/

    assert shown_password(run()) == first
    assert get_user_model().objects.get(username="admin").check_password(first)


def test_a_loosely_readable_kept_file_is_made_private_again(var: Path) -> None:
    kept = var / "demo_password_admin"
    kept.write_text("from-an-older-start\n")
    kept.chmod(0o644)

    assert shown_password(run()) == "from-an-older-start"  # the user is created with it
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    kept.chmod(0o644)
    assert shown_password(run()) == "from-an-older-start"  # the user exists now
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600

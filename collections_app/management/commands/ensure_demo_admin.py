"""The demo superuser for `make run`, and the one line that says how to log in.

The generated password is kept in var/ (mode 0600, beside the generated secret key), so every
start can show it again, not only the first: it is printed only while it still logs the user
in. Once someone changes the password, the kept one is useless and we say how to set a new one.
Only for the demo: production users are created by people, with passwords nobody else keeps.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _


def password_file(username: str) -> Path:
    """Where the demo user's generated password is kept."""
    return Path(settings.VAR_DIR) / f"demo_password_{username}"


def _shown(path: Path) -> str:
    """The path as a person types it from the checkout (var/...), absolute when elsewhere."""
    try:
        return str(path.relative_to(settings.BASE_DIR))
    except ValueError:
        return str(path)


def _read(path: Path) -> str:
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)  # an older or hand-made file: private before it is read
        return path.read_text().strip()
    except FileNotFoundError:
        return ""


def _keep(path: Path, password: str) -> None:
    # Created 0600 from the start (no moment where others could read it), and forced to 0600
    # if an older file had looser permissions.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        os.fchmod(out.fileno(), 0o600)
        out.write(password + "\n")


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # Read when the parser is made, so in the language active then (argparse needs a str).
        return _(
            "Create the demo superuser (default 'admin') with a random password kept in var/, and "
            "print the admin URL, the user and the password while that password still works."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--username",
            default="admin",
            help=_("the demo superuser's name (default: %(default)s)"),
        )

    def handle(self, *args: object, username: str, **options: object) -> None:
        User = get_user_model()
        url = f"{settings.PUBLIC_BASE_URL}/admin/"
        path = password_file(username)
        kept = _read(path)
        user = User.objects.filter(username=username).first()
        if user is None:
            # A kept password outlives `make clean` (the database goes, var/ stays): reusing it
            # keeps the login a browser may have saved working.
            password = kept or secrets.token_urlsafe(12)
            User.objects.create_superuser(username=username, email="", password=password)
            _keep(path, password)
        elif kept and user.check_password(kept):
            password = kept
        else:
            self.stdout.write(
                _(
                    "Admin: %(url)s  user: %(user)s  (its password is not the one kept in "
                    "%(file)s; set a new one: make shell, then python manage.py changepassword "
                    "%(user)s)"
                )
                % {"url": url, "user": username, "file": _shown(path)}
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                _("Admin: %(url)s  user: %(user)s  password: %(password)s")
                % {"url": url, "user": username, "password": password}
            )
        )

"""`manage.py <command> --help` explains every flag of the commands a newcomer meets first."""

from __future__ import annotations

import argparse

import pytest
from django.core.management import load_command_class
from django.core.management.base import BaseCommand, CommandParser

# Django's own options (--verbosity, --settings, ...) are documented by Django.
DJANGO_OPTIONS = set(vars(BaseCommand().create_parser("manage.py", "x").parse_args([])))


def own_options(name: str) -> list[argparse.Action]:
    parser: CommandParser = load_command_class("collections_app", name).create_parser(
        "manage.py", name
    )
    return [
        action
        for action in parser._actions
        if action.dest not in DJANGO_OPTIONS and action.dest not in ("help", "version")
    ]


@pytest.mark.parametrize(
    "name", ["simulate", "load_demo", "run_escalation", "ensure_demo_admin", "import_portfolio"]
)
def test_every_flag_says_what_it_does(name: str) -> None:
    options = own_options(name)
    assert options
    for action in options:
        assert action.help and len(action.help.split()) >= 4, (name, action.option_strings)


def test_every_simulate_flag_names_its_default() -> None:
    for action in own_options("simulate"):
        assert "(default" in action.help or "default:" in action.help, action.option_strings
        if action.default not in (None, "", False):
            # The text shows the default the parser really uses.
            shown = action.help % {"default": action.default}
            assert str(action.default) in shown, action.option_strings

"""A call's lifecycle has one owner, services/calls.py: no other module of the app creates,
locks or updates a CallLog or a RightPartyCheck, or sets a call's status, wrap-up or
verification (read from the code, AST)."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "collections_app"
OWNER = APP / "services" / "calls.py"
MODELS = {"CallLog", "RightPartyCheck"}
WRITES = {"create", "get_or_create", "update_or_create", "bulk_create", "update",
          "bulk_update", "select_for_update", "delete"}  # fmt: skip
FIELDS = {"status", "wrap_up", "right_party_verified", "right_party_verified_at", "attempt"}


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def call_writes(source: str) -> list[str]:
    tree = ast.parse(source)
    about_calls = any(
        isinstance(n, ast.ImportFrom) and {a.name for a in n.names} & MODELS for n in ast.walk(tree)
    )
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in WRITES
            and _names(node.func) & MODELS
        ):
            found.append(f"{node.lineno}: {node.func.attr}()")
        if about_calls and isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr in FIELDS:
                    found.append(f"{node.lineno}: sets .{target.attr}")
    return found


def test_only_the_calls_service_writes_calls() -> None:
    writers = {
        str(path.relative_to(APP)): found
        for path in sorted(APP.rglob("*.py"))
        if path != OWNER
        and "migrations" not in path.parts
        and (found := call_writes(path.read_text()))
    }
    assert writers == {}


def test_the_scan_sees_a_write() -> None:
    assert call_writes("from x import CallLog\nCallLog.objects.filter(pk=1).update(status='x')")
    assert call_writes("from x import CallLog\ncall.status = 'logged'")
    assert call_writes(OWNER.read_text())  # the owner itself is found writing

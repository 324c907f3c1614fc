"""Reading the code for who writes what (AST), for the structural tests."""

import ast

WRITES = {
    "save",
    "delete",
    "update",
    "create",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
    "fast_update",
    # A lock is the first half of a write: it belongs with the service that writes.
    "select_for_update",
}


def writes_in(source: str, *, attributes: bool = True) -> list[str]:
    """Model writes in `source`: write calls, row locks, and (with `attributes`) fields set."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in WRITES:
                found.append(f"{node.lineno}: {name}()")
        elif attributes and isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute):
                    found.append(f"{node.lineno}: sets .{target.attr}")
    return found

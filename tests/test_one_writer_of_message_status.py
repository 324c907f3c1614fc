"""`OutboundMessage.status` has one writer, services/messages.py. This reads the code (AST) and
fails when a second one appears: a message status assigned, passed to a write, or named in the
fields a bulk write or save() writes, in a module that deals with outbound messages."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "collections_app"
OWNER = APP / "services" / "messages.py"
WRITES = {"update", "create", "get_or_create", "update_or_create", "bulk_create"}
FIELD_LISTS = {"fast_update", "bulk_update", "save"}
MESSAGE_NAMES = {"OutboundMessage", "MessageStatus"}


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _chain(node: ast.AST) -> list[str]:
    names = []
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
        node = node.func if isinstance(node, ast.Call) else node.value
    if isinstance(node, ast.Name):
        names.append(node.id)
    return names


class _Scan(ast.NodeVisitor):
    def __init__(self) -> None:
        self.aliases: set[str] = set(MESSAGE_NAMES)  # names that stand for message statuses
        self.found: list[tuple[int, str]] = []
        self.about_messages = False

    def _is_status(self, node: ast.AST | None) -> bool:
        """A message status: `<alias>.SENT`, `OutboundMessage.Status.SENT`, `MessageStatus.X`."""
        if isinstance(node, ast.Attribute) and node.attr.isupper():
            return _root_name(node.value) in self.aliases
        return False

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name in MESSAGE_NAMES:
                self.about_messages = True
                self.aliases.add(alias.asname or alias.name)

    def visit_Assign(self, node: ast.Assign) -> None:
        # `Status = OutboundMessage.Status`: an alias of the message statuses.
        if set(_chain(node.value)) & self.aliases and all(
            isinstance(t, ast.Name) for t in node.targets
        ):
            self.aliases.update(t.id for t in node.targets if isinstance(t, ast.Name))
        for target in node.targets:
            pairs = (
                zip(target.elts, node.value.elts, strict=False)
                if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                else [(target, node.value)]
            )
            for each, value in pairs:
                is_status_field = isinstance(each, ast.Attribute) and each.attr == "status"
                if is_status_field and (self._is_status(value) or self.about_messages):
                    self.found.append((node.lineno, "assigns .status"))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        on_messages = _root_name(func) in MESSAGE_NAMES or name in MESSAGE_NAMES
        for keyword in node.keywords:
            if keyword.arg != "status":
                continue
            writes = name in WRITES or name in MESSAGE_NAMES
            if writes and (on_messages or self._is_status(keyword.value)):
                self.found.append((node.lineno, f"{name}(status=...)"))
        if name in FIELD_LISTS and self.about_messages:
            lists = [*node.args[1:], *(k.value for k in node.keywords)]
            for value in lists:
                if isinstance(value, ast.List | ast.Tuple) and any(
                    isinstance(e, ast.Constant) and e.value == "status" for e in value.elts
                ):
                    self.found.append((node.lineno, f"{name}([... 'status' ...])"))
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        text = node.value.lower() if isinstance(node.value, str) else ""
        if "outboundmessage" in text and "update" in text and "status" in text:
            self.found.append((node.lineno, "SQL updating outboundmessage.status"))


def writers_in(source: str) -> list[tuple[int, str]]:
    scan = _Scan()
    tree = ast.parse(source)
    # Imports first, so every alias is known wherever it is used.
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            scan.visit_ImportFrom(node)
    if "OutboundMessage" in source:
        scan.about_messages = True
    scan.visit(tree)
    return scan.found


def test_nothing_but_the_lifecycle_writes_a_message_status() -> None:
    offenders = {}
    for path in sorted(APP.rglob("*.py")):
        if path == OWNER or "migrations" in path.parts:
            continue
        found = writers_in(path.read_text())
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}


def test_the_scan_finds_each_way_of_writing_a_status() -> None:
    """The scan itself: each of these is a second writer it must report."""
    samples = {
        "attribute": """
            from collections_app.models import OutboundMessage
            Status = OutboundMessage.Status
            def f(message):
                message.status = Status.SENT
            """,
        "tuple": """
            from collections_app.models import OutboundMessage
            def f(message, now):
                message.status, message.claimed_at = OutboundMessage.Status.SENDING, now
            """,
        "update": """
            from collections_app.models import OutboundMessage
            def f(ids):
                OutboundMessage.objects.filter(pk__in=ids).update(status="cancelled")
            """,
        "alias update": """
            from collections_app.message_states import MessageStatus as S
            def f(rows):
                rows.update(status=S.CANCELLED)
            """,
        "bulk fields": """
            from collections_app.models import OutboundMessage
            def f(messages):
                fast_update(messages, ["status", "error_code"])
            """,
        "save": """
            from collections_app.models import OutboundMessage
            def f(message):
                message.save(update_fields=["status"])
            """,
        "constructor": """
            from collections_app.models import OutboundMessage
            def f(case):
                OutboundMessage(case=case, status=OutboundMessage.Status.SENT)
            """,
        "sql": """
            def f(cursor):
                cursor.execute("UPDATE collections_app_outboundmessage SET status = 'sent'")
            """,
    }
    missed = [name for name, code in samples.items() if not writers_in(textwrap.dedent(code))]
    assert missed == []


def test_the_scan_leaves_reads_and_other_models_alone() -> None:
    code = """
        from collections_app.models import BulkAction, OutboundMessage
        Status = OutboundMessage.Status
        def f(ids):
            OutboundMessage.objects.filter(status=Status.QUEUED).count()
            BulkAction.objects.filter(pk__in=ids).update(status=BulkAction.Status.DONE)
            return [m for m in ids if m.status == Status.SENT]
        """
    assert writers_in(textwrap.dedent(code)) == []

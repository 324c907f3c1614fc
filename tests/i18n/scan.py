"""Find strings a person reads that are not marked for translation.

Two scanners, one for Python and one for templates, each a list of `Finding(path, line, text)`.
They look where people read: model and form labels, admin titles and descriptions, messages
after an action, validation errors, choice labels, `format_html` text, command output, and in
templates every text node and the attributes a person reads (title, placeholder, aria-label,
alt, a button's value), plus literal arguments of `default` and `yesno`.

A string that is not for people (a code, a log line, an HTML fragment without words) is either
outside these places or carries `# i18n: not for people (<why>)` on its line or the line before
(in a template, `{# i18n: not for people (<why>) #}`).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "collections_app"

WAIVER = "i18n: not for people"
WORDS = re.compile(r"[A-Za-z]{2,}")
MARKERS = {
    "_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy",
    "npgettext", "npgettext_lazy", "gettext_noop", "_lazy", "__", "phrase", "pphrase",
}  # fmt: skip
# Keyword arguments whose value a person reads.
READ_KEYWORDS = {
    "verbose_name", "verbose_name_plural", "help_text", "label", "empty_label", "description",
    "short_description", "title", "empty_value_display", "message", "placeholder", "heading",
}  # fmt: skip
# Class attributes a person reads (list filters, admin classes, Meta).
READ_ATTRIBUTES = {
    "title", "verbose_name", "verbose_name_plural", "empty_value_display", "short_description",
    "help_text", "label", "heading", "description", "search_help_text",
}  # fmt: skip
# Calls whose first text argument a person reads (after `request` where there is one).
MESSAGE_CALLS = {"success", "error", "warning", "info", "debug", "add_message", "message_user"}
ERROR_CALLS = {"ValidationError", "CommandError", "PermissionDenied", "Http404", "BadRequest"}
# Dict keys whose literal value a person reads (context handed to a template).
READ_KEYS = {"title", "subtitle", "heading", "label", "help", "summary", "button", "legend"}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def _has_words(text: str) -> bool:
    return bool(WORDS.search(text))


def _literal_text(node: ast.AST) -> str | None:
    """The text of a plain literal, an f-string or a concatenation of them; None otherwise."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value if isinstance(v, ast.Constant) else "{}"
            for v in node.values  # the literal parts are what a person reads
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        left = _literal_text(node.left)
        if isinstance(node.op, ast.Mod):
            return left
        right = _literal_text(node.right)
        if left is None and right is None:
            return None
        return (left or "") + (right or "")
    return None


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


class _PythonScan(ast.NodeVisitor):
    def __init__(self, path: str, lines: list[str]) -> None:
        self.path = path
        self.lines = lines
        self.findings: list[Finding] = []
        self._class_stack: list[ast.ClassDef] = []

    # -- helpers
    def _flag(self, node: ast.AST) -> None:
        text = _literal_text(node)
        if text is None or not _has_words(text):
            return
        first = node.lineno
        last = getattr(node, "end_lineno", first) or first
        span = self.lines[max(first - 2, 0) : last]  # the line before may carry the waiver
        if any(WAIVER in line for line in span):
            return
        self.findings.append(Finding(self.path, first, text))

    # -- visitors
    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._class_stack.append(node)
        is_choices = any(
            isinstance(b, (ast.Name, ast.Attribute))
            and (getattr(b, "id", "") or getattr(b, "attr", "")).endswith("Choices")
            for b in node.bases
        )
        for statement in node.body:
            if isinstance(statement, ast.Assign):
                names = [t.id for t in statement.targets if isinstance(t, ast.Name)]
                if is_choices and isinstance(statement.value, ast.Tuple):
                    if len(statement.value.elts) >= 2:
                        self._flag(statement.value.elts[-1])
                elif any(name in READ_ATTRIBUTES for name in names) or (
                    "help" in names and self._in_command()
                ):
                    self._flag(statement.value)
        self.generic_visit(node)
        self._class_stack.pop()

    def visit_Call(self, node: ast.Call) -> None:
        name = _call_name(node)
        if name in MARKERS:
            return  # marked: nothing inside is ours to flag
        for keyword in node.keywords:
            if keyword.arg in READ_KEYWORDS or (
                keyword.arg in {"help", "summary"} and self._in_command_or_api()
            ):
                self._flag(keyword.value)
            if keyword.arg == "choices" and isinstance(keyword.value, (ast.List, ast.Tuple)):
                self._flag_choice_pairs(keyword.value)
            if keyword.arg == "error_messages" and isinstance(keyword.value, ast.Dict):
                for value in keyword.value.values:
                    self._flag(value)
        if name in MESSAGE_CALLS and node.args and not self._is_log_call(node):
            texts = node.args[1:] if len(node.args) > 1 else node.args
            if name == "add_message" and len(node.args) > 2:
                texts = node.args[2:]
            for arg in texts[:1]:
                self._flag(arg)
        if name in ERROR_CALLS and node.args:
            self._flag(node.args[0])
        if name in {"format_html", "mark_safe"} and node.args:
            text = _literal_text(node.args[0])
            if text is not None and _has_words(re.sub(r"<[^>]*>|\{[^}]*\}|&\w+;", " ", text)):
                self._flag(node.args[0])
        if name == "write" and self._in_command() and node.args:
            self._flag(node.args[0])
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and key.value in READ_KEYS:
                self._flag(value)
        self.generic_visit(node)

    @staticmethod
    def _is_log_call(node: ast.Call) -> bool:
        """logger.info(...) and the like: for operators, in English."""
        func = node.func
        receiver = func.value if isinstance(func, ast.Attribute) else None
        return isinstance(receiver, ast.Name) and receiver.id in {"logger", "log", "logging"}

    def _flag_choice_pairs(self, node: ast.List | ast.Tuple) -> None:
        for element in node.elts:
            if isinstance(element, ast.Tuple) and len(element.elts) == 2:
                self._flag(element.elts[1])

    def _in_command_or_api(self) -> bool:
        return self._in_command() or "collections_app/api/" in self.path

    def _in_command(self) -> bool:
        return "/management/commands/" in self.path


def scan_python(path: Path) -> list[Finding]:
    source = path.read_text(encoding="utf-8")
    visitor = _PythonScan(str(path.relative_to(ROOT)), source.splitlines())
    visitor.visit(ast.parse(source))
    return visitor.findings


class _TemplateHTML(HTMLParser):
    READ_ATTRS = {"title", "placeholder", "aria-label", "alt"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[tuple[int, str]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        values = dict(attrs)
        for attr, value in attrs:
            if value and attr in self.READ_ATTRS:
                self.texts.append((self.getpos()[0], value))
        if tag == "input" and values.get("type") in {"submit", "button"} and values.get("value"):
            self.texts.append((self.getpos()[0], values["value"] or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.texts.append((self.getpos()[0], data))


_LITERAL_FILTER_ARG = re.compile(r"\|(?:default|default_if_none|yesno):(\"[^\"]*\"|'[^']*')")
PLACEHOLDER = "\u2063"  # an invisible separator: stands for a tag or a variable


def scan_template(path: Path) -> list[Finding]:
    source = path.read_text(encoding="utf-8")
    relative = str(path.relative_to(ROOT))
    findings: list[Finding] = []
    pieces: list[str] = []
    in_translation = 0
    in_comment = 0
    for token in Lexer(source).tokenize():
        contents = token.contents
        if token.token_type == TokenType.BLOCK:
            command = contents.split(maxsplit=1)[0] if contents else ""
            if command in {"blocktrans", "blocktranslate"}:
                in_translation += 1
            elif command in {"endblocktrans", "endblocktranslate"}:
                in_translation -= 1
            elif command == "comment":
                in_comment += 1
            elif command == "endcomment":
                in_comment -= 1
        if token.token_type in (TokenType.VAR, TokenType.BLOCK):
            for match in _LITERAL_FILTER_ARG.finditer(contents):
                if _has_words(match.group(1)):
                    findings.append(Finding(relative, token.lineno, match.group(1)))
            pieces.append("\n" * contents.count("\n") + PLACEHOLDER)  # keep line numbers
            continue
        if token.token_type == TokenType.TEXT and not in_translation and not in_comment:
            pieces.append(contents)
        elif token.token_type == TokenType.TEXT:
            pieces.append("\n" * contents.count("\n") + PLACEHOLDER)
    parser = _TemplateHTML()
    parser.feed("".join(pieces))
    parser.close()
    lines = source.splitlines()
    for line, text in parser.texts:
        cleaned = text.replace(PLACEHOLDER, " ")
        waived = any(WAIVER in lines[i] for i in range(max(line - 2, 0), min(line, len(lines))))
        if _has_words(cleaned) and not waived:
            findings.append(Finding(relative, line, " ".join(cleaned.split())))
    return findings


CONFIG = ROOT / "config"
NOT_SCANNED = ("/migrations/", "/devtools/", "/formats/")


def python_files() -> list[Path]:
    return sorted(
        p
        for base in (APP, CONFIG)
        for p in base.rglob("*.py")
        if not any(part in str(p) for part in NOT_SCANNED)
    )


def template_files() -> list[Path]:
    return sorted(
        p
        for base in (APP, CONFIG)
        for suffix in ("html", "txt")
        for p in base.rglob(f"templates/**/*.{suffix}")
    )


def scan_all() -> list[Finding]:
    findings: list[Finding] = []
    for path in python_files():
        findings.extend(scan_python(path))
    for path in template_files():
        findings.extend(scan_template(path))
    return findings

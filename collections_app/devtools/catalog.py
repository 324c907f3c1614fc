"""The message catalogue, in Python only: no GNU gettext on the machine is needed.

    python -m collections_app.devtools.catalog update   # extract, merge into the .po, compile
    python -m collections_app.devtools.catalog compile  # .po -> .mo
    python -m collections_app.devtools.catalog check    # what a test also asserts (exit 1 if any)
    python -m collections_app.devtools.catalog fill F.json ...  # translations from JSON files

Extraction finds what Django's makemessages finds (checked against it when this was written):
Python files through Babel's Python extractor with Django's gettext names, templates through
Django's own `templatize` (which turns a template into gettext calls) and the same extractor.
The compiled .mo is committed, so a clone serves Chinese without running anything; `check`
fails when it is not the compilation of the .po.

`fill` reads a list of {"context", "id", "str"} objects (for plurals "id" is [singular, plural]
and "str" a list of forms): how translators hand work back without editing the .po by hand.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "collections_app", ROOT / "config"]
LOCALE_DIR = ROOT / "collections_app" / "locale"
LOCALES = ["zh_Hans"]
DOMAIN = "django"

# Django's gettext functions, with where the context and plural arguments are.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
    # Stored sentences (collections_app/phrases.py), said again in each reader's language.
    "phrase": None,
    "pphrase": ((1, "c"), 2),
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
HEADER_COMMENT = (
    "# The collections workspace in Simplified Chinese.\n"
    "# Terms: docs/i18n-glossary.md. Refresh with `make messages`."
)
SKIP_PARTS = {"migrations", "devtools", "__pycache__", "locale"}

MessageKey = tuple[str | None, str | tuple[str, str]]


def _source_files() -> Iterator[Path]:
    for base in SOURCES:
        for path in sorted(base.rglob("*")):
            if SKIP_PARTS & set(path.relative_to(ROOT).parts):
                continue
            if path.suffix == ".py" or (
                path.suffix in {".html", ".txt"} and "templates" in path.parts
            ):
                yield path


def _python_source(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        return text
    from django.utils.translation.template import templatize

    # templatize keeps the template's indentation, which Python's tokenizer refuses.
    return "\n".join(line.lstrip() for line in templatize(text, origin=str(path)).split("\n"))


def extracted() -> Catalog:
    """Every message the code and the templates mark, with where it is used."""
    catalog = Catalog(domain=DOMAIN, project="collections", charset="utf-8")
    for path in _source_files():
        source = _python_source(path).encode("utf-8")
        relative = str(path.relative_to(ROOT))
        for lineno, message, comments, context in extract(
            "python", io.BytesIO(source), KEYWORDS, strip_comment_tags=True
        ):
            if not isinstance(message, str):
                message = tuple(message[:2])  # ngettext's third argument is the count
            catalog.add(
                message, None, [(relative, lineno)], auto_comments=comments, context=context
            )
    return catalog


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(locale: str) -> Path:
    return po_path(locale).with_suffix(".mo")


def read_catalog(locale: str) -> Catalog:
    path = po_path(locale)
    if not path.exists():
        catalog = Catalog(locale=locale, domain=DOMAIN, project="collections", charset="utf-8")
        catalog.header_comment = HEADER_COMMENT
        catalog.fuzzy = False
        return catalog
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def write_catalog(catalog: Catalog, locale: str) -> None:
    po_path(locale).parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    # File names without line numbers: a line moved elsewhere does not rewrite the catalogue.
    write_po(buffer, catalog, width=99, include_lineno=False, omit_header=False, sort_output=True)
    po_path(locale).write_bytes(buffer.getvalue())


def compiled(catalog: Catalog) -> bytes:
    """The .mo of what is translated: an untranslated message is left out (Django then shows the
    English), never written with an empty or English form as Babel does for plurals. Takes
    the untranslated messages out of `catalog`: pass one read for the purpose."""
    translated = catalog
    for message in list(translated):
        if message.id and (message.fuzzy or not all(_texts(message.string))):
            translated.delete(message.id, context=message.context)
    buffer = io.BytesIO()
    write_mo(buffer, translated, use_fuzzy=False)
    return buffer.getvalue()


def update() -> None:
    template = extracted()
    for locale in LOCALES:
        catalog = read_catalog(locale)
        template.creation_date = catalog.creation_date  # no header churn on each refresh
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        catalog.version = "1"
        catalog.msgid_bugs_address = "the project's issue tracker"
        catalog.last_translator = "the collections team (docs/i18n-glossary.md)"
        catalog.language_team = "Simplified Chinese"
        catalog.revision_date = catalog.creation_date
        catalog.obsolete.clear()  # what no code uses any more goes (git keeps the history)
        write_catalog(catalog, locale)
        mo_path(locale).write_bytes(compiled(read_catalog(locale)))


def compile_all() -> None:
    for locale in LOCALES:
        mo_path(locale).write_bytes(compiled(read_catalog(locale)))


def _key(message: Message) -> MessageKey:
    ident = message.id if isinstance(message.id, str) else tuple(message.id[:2])
    context = message.context
    if isinstance(context, bytes):  # Babel's read_mo gives contexts undecoded
        context = context.decode("utf-8")
    return (context, ident)


def _texts(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def problems(locale: str) -> list[str]:
    """Everything that would show English (or a broken sentence) to a person reading `locale`."""
    found: list[str] = []
    catalog = read_catalog(locale)
    have = {_key(m) for m in catalog if m.id}
    for message in extracted():
        if message.id and _key(message) not in have:
            where = ", ".join(f"{p}:{n}" for p, n in message.locations[:2])
            found.append(
                f"not in the {locale} catalogue (run make messages): {message.id!r} ({where})"
            )
    for message in catalog:
        if not message.id:
            continue
        forms = [t for t in _texts(message.string)]
        if message.fuzzy:
            found.append(f"fuzzy: {message.id!r}")
        if not forms or not all(forms):
            found.append(f"untranslated: {message.id!r}")
            continue
        wanted = sorted(PLACEHOLDER.findall(" ".join(_texts(message.id))))
        for form in forms:
            got = sorted(PLACEHOLDER.findall(form))
            if set(got) != set(wanted):
                found.append(f"placeholders differ: {message.id!r} -> {form!r}")
    if not mo_path(locale).exists():
        found.append(f"{mo_path(locale).name} missing for {locale} (run make messages)")
    else:
        with mo_path(locale).open("rb") as handle:
            current = {_key(m): _texts(m.string) for m in read_mo(handle) if m.id}
        expected = {
            _key(m): _texts(m.string)
            for m in catalog
            if m.id and not m.fuzzy and all(_texts(m.string))
        }
        if current != expected:
            found.append(f"{locale} .mo is not the compilation of the .po (run make messages)")
    return found


def fill(paths: list[str]) -> int:
    """Translations from JSON files into the catalogues; returns how many entries were set."""
    entries: dict[MessageKey, str | list[str]] = {}
    for path in paths:
        for item in json.loads(Path(path).read_text(encoding="utf-8")):
            ident = item["id"] if isinstance(item["id"], str) else tuple(item["id"][:2])
            entries[(item.get("context"), ident)] = item["str"]
    count = 0
    for locale in LOCALES:
        catalog = read_catalog(locale)
        for message in catalog:
            if not message.id or _key(message) not in entries:
                continue
            text = entries[_key(message)]
            if isinstance(message.id, str):
                message.string = text if isinstance(text, str) else text[0]
            else:
                forms = [text] if isinstance(text, str) else list(text)
                message.string = tuple(forms[: catalog.num_plurals] or [""])
            message.flags.discard("fuzzy")
            count += 1
        write_catalog(catalog, locale)
    compile_all()
    return count


def main(argv: list[str]) -> int:
    import django

    sys.path.insert(0, str(ROOT))
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    command = argv[0] if argv else "check"
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "fill":
        print(f"{fill(argv[1:])} entries filled")
    elif command == "check":
        found = [p for locale in LOCALES for p in problems(locale)]
        for problem in found:
            print(problem)
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

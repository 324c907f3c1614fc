"""Sentences stored now and read later, each reader in their own language.

A timeline reason or a refusal's detail is written once (by a worker, the nightly run, or an
agent working in Chinese) and read for years by people in either language, and exported for
auditors. So the record keeps the sentence in the engine's language (`LANGUAGE_CODE`, English)
whoever wrote it, and beside it what is needed to say it again in another: the message id and
its values.

    reason = phrase("Promise of %(amount)s broken", amount="120.00 USD")
    str(reason)          # "Promise of 120.00 USD broken" (what the text column stores)
    reason.stored()      # {"msgid": ..., "params": {...}} (kept in the row's JSON)
    shown(text, stored)  # the sentence in the active language, e.g. "承诺还款 120.00 USD 已违约"

A value that is itself a word to translate (a stage, a channel) is given as a lazy string
(`CaseState.NEGOTIATION.label`, `gettext_lazy("SMS")`): it is stored in English and translated
when shown. A value that is itself a phrase (a reversal's label inside its longer sentence) is
kept with its own message id and said again with the outer one. Other values (amounts, names,
dates) are shown as stored.

The extraction (devtools/catalog.py) knows `phrase` as a gettext function: its first argument
goes into the catalogue like any `_()`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy, pgettext

STORED_KEY = "i18n"  # where a row's JSON keeps the phrase


class Phrase(str):
    """A sentence in the engine's language that remembers its message id and values."""

    msgid: str
    params: dict[str, Any]
    context: str | None
    translated_params: tuple[str, ...]
    param_contexts: dict[str, str]
    nested: dict[str, dict[str, Any]]

    def __new__(cls, msgid: str, context: str | None = None, **params: Any) -> Phrase:
        translated = tuple(sorted(k for k, v in params.items() if isinstance(v, Promise)))
        with translation.override(settings.LANGUAGE_CODE):
            plain = {k: str(v) if isinstance(v, Promise) else v for k, v in params.items()}
            template = pgettext(context, msgid) if context else gettext(msgid)
            text = template % plain if params else template
        self = super().__new__(cls, text)
        self.msgid = msgid
        self.context = context
        self.params = {k: _jsonable(v) for k, v in plain.items()}
        self.translated_params = translated
        self.param_contexts = {k: c for k in translated if (c := _context_of(params[k]))}
        self.nested = {k: v.stored() for k, v in params.items() if isinstance(v, Joined | Phrase)}
        return self

    def stored(self) -> dict[str, Any]:
        stored: dict[str, Any] = {"msgid": self.msgid, "params": self.params}
        if self.context:
            stored["context"] = self.context
        if self.translated_params:
            stored["translate"] = list(self.translated_params)
        if self.param_contexts:
            stored["contexts"] = self.param_contexts
        if self.nested:
            stored["nested"] = self.nested
        return stored


class Joined(str):
    """Pieces said one after the other (a call's wrap-up, its verification, the agent's note):
    each phrase or lazy piece in each reader's language, plain pieces as stored."""

    sep: str
    parts: list[dict[str, Any]]

    def __new__(cls, sep: str, parts: Any) -> Joined:
        pieces = [p for p in parts if p]
        self = super().__new__(cls, sep.join(english(p) for p in pieces))
        self.sep = sep
        self.parts = [_part(p) for p in pieces]
        return self

    def stored(self) -> dict[str, Any]:
        return {"join": self.sep, "parts": self.parts}


def _part(piece: Any) -> dict[str, Any]:
    part: dict[str, Any] = {"text": english(piece)}
    if isinstance(piece, Joined | Phrase):
        part["i18n"] = piece.stored()
    elif isinstance(piece, Promise):
        part["translate"] = True
        if context := _context_of(piece):
            part["context"] = context
    return part


def joined(sep: str, parts: Any) -> Joined:
    """`sep.join(parts)` as stored (English), each part said again in the reader's language;
    empty parts are left out."""
    return Joined(sep, parts)


def phrase(msgid: str, /, **params: Any) -> Phrase:
    return Phrase(msgid, **params)


def pphrase(context: str, msgid: str, /, **params: Any) -> Phrase:
    return Phrase(msgid, context=context, **params)


def choice_label(instance: Any, field_name: str) -> Any:
    """The label of a choice field's value as a value for a phrase: lazy, so it is stored in
    English and translated when shown (`get_FOO_display()` gives the active language's)."""
    field = instance._meta.get_field(field_name)
    value = getattr(instance, field.attname)
    label = dict(field.flatchoices).get(value, value)
    if isinstance(label, Promise) or label == value:
        return label
    return gettext_lazy(label)  # a label not (yet) marked: its catalogue entry, if any


def _context_of(value: Promise) -> str | None:
    """The context of a `pgettext_lazy(context, msgid)` value (Django's lazy proxy keeps its
    arguments), so it is translated with it when shown; None for any other lazy string."""
    args = getattr(value, "_args", None)
    if isinstance(args, tuple) and len(args) == 2 and all(isinstance(a, str) for a in args):
        with translation.override(settings.LANGUAGE_CODE):
            if str(value) == pgettext(args[0], args[1]):
                return args[0]
    return None


def english(value: object) -> str:
    """`value` (a lazy label, a phrase) as stored: in the engine's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(value)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def stored_of(text: object) -> dict[str, Any] | None:
    """What to keep beside `text` in the row's JSON; None for a plain string."""
    return text.stored() if isinstance(text, Joined | Phrase) else None


def with_stored(data: dict[str, Any] | None, text: object) -> dict[str, Any]:
    """`data` with the phrase of `text` under STORED_KEY (a copy; `data` is not changed)."""
    result = dict(data or {})
    stored = stored_of(text)
    if stored is not None:
        result[STORED_KEY] = stored
    return result


def shown(text: str, stored: dict[str, Any] | None) -> str:
    """The stored sentence in the active language: from its message id when the row kept one
    (and the catalogue translates it), else the text as stored."""
    if isinstance(stored, dict) and isinstance(stored.get("parts"), list):
        return _shown_joined(text, stored)
    if not isinstance(stored, dict) or not isinstance(stored.get("msgid"), str):
        return text
    raw = stored.get("params") or {}
    if not isinstance(raw, dict):
        return text
    params = dict(raw)
    contexts = stored.get("contexts") or {}
    for key in stored.get("translate") or ():
        if isinstance(params.get(key), str):
            ctx = contexts.get(key) if isinstance(contexts, dict) else None
            params[key] = pgettext(ctx, params[key]) if ctx else gettext(params[key])
    nested = stored.get("nested")
    for key, inner in nested.items() if isinstance(nested, dict) else ():
        if isinstance(params.get(key), str):
            params[key] = shown(params[key], inner)
    context, msgid = stored.get("context"), stored["msgid"]
    template = pgettext(context, msgid) if context else gettext(msgid)
    if template == msgid:
        # Not (or no longer) in the catalogue, or the engine's own language: the text as stored
        # is the sentence as it was written.
        return text
    try:
        return template % params if params else template
    except (KeyError, TypeError, ValueError):
        return text  # a catalogue entry whose placeholders changed since: the stored English


def shown_text(text: str) -> str:
    """A stored English sentence kept without its phrase (a refusal's detail in its text column):
    in the active language when it is itself a message id (a sentence without values), else as
    stored."""
    return gettext(text) if text else text


def _shown_joined(text: str, stored: dict[str, Any]) -> str:
    sep = stored.get("join")
    if not isinstance(sep, str):
        return text
    said = []
    for part in stored["parts"]:
        piece = part.get("text") if isinstance(part, dict) else None
        if not isinstance(piece, str):
            return text
        if part.get("translate"):
            context = part.get("context")
            piece = pgettext(context, piece) if isinstance(context, str) else gettext(piece)
        elif isinstance(part.get("i18n"), dict):
            piece = shown(piece, part["i18n"])
        said.append(piece)
    return sep.join(said)

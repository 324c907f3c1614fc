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
when shown. Other values (amounts, names, dates) are shown as stored.

The extraction (devtools/catalog.py) knows `phrase` as a gettext function: its first argument
goes into the catalogue like any `_()`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext

STORED_KEY = "i18n"  # where a row's JSON keeps the phrase


class Phrase(str):
    """A sentence in the engine's language that remembers its message id and values."""

    msgid: str
    params: dict[str, Any]
    context: str | None
    translated_params: tuple[str, ...]

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
        return self

    def stored(self) -> dict[str, Any]:
        stored: dict[str, Any] = {"msgid": self.msgid, "params": self.params}
        if self.context:
            stored["context"] = self.context
        if self.translated_params:
            stored["translate"] = list(self.translated_params)
        return stored


def phrase(msgid: str, /, **params: Any) -> Phrase:
    return Phrase(msgid, **params)


def pphrase(context: str, msgid: str, /, **params: Any) -> Phrase:
    return Phrase(msgid, context=context, **params)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def stored_of(text: object) -> dict[str, Any] | None:
    """What to keep beside `text` in the row's JSON; None for a plain string."""
    return text.stored() if isinstance(text, Phrase) else None


def with_stored(data: dict[str, Any] | None, text: object) -> dict[str, Any]:
    """`data` with the phrase of `text` under STORED_KEY (a copy; `data` is not changed)."""
    result = dict(data or {})
    stored = stored_of(text)
    if stored is not None:
        result[STORED_KEY] = stored
    return result


def shown(text: str, stored: dict[str, Any] | None) -> str:
    """The stored sentence in the active language: from its message id when the row kept one
    (and the catalogue still has it), else the text as stored."""
    if not isinstance(stored, dict) or not isinstance(stored.get("msgid"), str):
        return text
    params = dict(stored.get("params") or {})
    for key in stored.get("translate") or ():
        if isinstance(params.get(key), str):
            params[key] = gettext(params[key])
    context, msgid = stored.get("context"), stored["msgid"]
    template = pgettext(context, msgid) if context else gettext(msgid)
    try:
        return template % params if params else template
    except (KeyError, TypeError, ValueError):
        return text  # a catalogue entry whose placeholders changed since: the stored English

"""Request bodies: JSON only, strictly. Numbers with a fraction become Decimal (an amount sent as
120.10 stays 120.10, never 120.09999), NaN and Infinity are refused, a key given twice in one
object is refused (which of two amounts did the lender mean?), and a body nested too deep to
parse is the client's malformed JSON, not our 500."""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(_("the key %(key)r appears twice in one object") % {"key": key})
        out[key] = value
    return out


def _refuse_constant(name: str) -> None:
    raise ValueError(_("%(name)s is not a JSON number") % {"name": name})


# A \uD800-\uDFFF escape: the only way a lone surrogate gets into decoded text, and no database
# can store one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _refuse_lone_surrogates(value: Any) -> None:
    try:
        json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(_("the text holds an unpaired surrogate (\\ud800-\\udfff)")) from exc


def json_loads(text: str) -> Any:
    try:
        value = json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_refuse_constant,
            object_pairs_hook=_no_duplicates,
        )
    except RecursionError as exc:
        raise ValueError(_("the JSON is nested too deeply")) from exc
    if _SURROGATE_ESCAPE.search(text):
        _refuse_lone_surrogates(value)
    return value


class StrictJSONParser(JSONParser):
    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        try:
            text = codecs.getreader(encoding)(stream).read()
            return json_loads(text)
        except (ValueError, LookupError) as exc:
            raise ParseError(_("The body is not valid JSON: %(error)s") % {"error": exc}) from exc

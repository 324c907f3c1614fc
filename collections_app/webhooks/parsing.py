"""The shape each webhook must have. A request that does not fit is answered 400 and stored
nowhere; one that fits becomes (kind, dedupe key, payload) for the intake."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import QueryDict
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

# Twilio SIDs: two letters and 32 hex digits (SM/MM messages, CA calls, AC accounts).
_SID = re.compile(r"^[A-Z]{2}[0-9a-fA-F]{32}$")
_WORD = re.compile(r"^[a-z][a-z0-9_-]{0,29}$")
_DIGITS = re.compile(r"^[0-9#*]{0,20}$")
_ID = re.compile(r"^[0-9]{1,18}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_EXTERNAL_ID = re.compile(r"^[\w.:\-/]{1,64}$")
# Form bodies Twilio sends are a few hundred bytes; a 2,000-character reply is already odd.
MAX_BODY_CHARS = 2000
MAX_AMOUNT = Decimal("999999999999.99")  # MONEY: 14 digits, 2 decimals


class Malformed(ValueError):
    """The request does not have the shape the provider documents: 400."""


@dataclass(frozen=True)
class Parsed:
    kind: str
    dedupe_key: str
    payload: dict[str, Any]


def _field(form: QueryDict, name: str, pattern: re.Pattern[str] | None = None) -> str:
    value = form.get(name, "")
    if not value:
        raise Malformed(f"missing {name}")
    if pattern is not None and not pattern.match(value):
        raise Malformed(f"bad {name}")
    return value


def _optional(form: QueryDict, name: str, pattern: re.Pattern[str]) -> str:
    value = form.get(name, "")
    if value and not pattern.match(value):
        raise Malformed(f"bad {name}")
    return value


def _storable(value: Any) -> Any:
    """Refuse text PostgreSQL cannot store (NUL, lone surrogates): a 400, not a 500 later."""
    if isinstance(value, str):
        if "\x00" in value:
            raise Malformed(_("NUL character"))
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise Malformed(_("invalid unicode")) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable(key)
            _storable(item)
    elif isinstance(value, list):
        for item in value:
            _storable(item)
    return value


def _form_payload(form: QueryDict, query: QueryDict) -> dict[str, Any]:
    """Every field as Twilio sent it (last value of each), and our own query parameters."""
    payload = {"form": form.dict(), "query": query.dict()}
    # Form data is decoded with errors="replace", so only NUL (sent as %00) can hurt; a flat
    # check, as this runs on every status callback.
    for part in payload.values():
        for key, value in part.items():
            if "\x00" in key or "\x00" in value:
                raise Malformed("NUL character")
    return payload


def _message_ref(query: QueryDict, name: str) -> str:
    """Our outbox row id from the callback URL; absent on callbacks configured elsewhere."""
    return _optional(query, name, _ID)


def parse_sms_status(form: QueryDict, query: QueryDict) -> Parsed:
    sid = form.get("MessageSid") or form.get("SmsSid", "")
    if not _SID.match(sid):
        raise Malformed("missing or bad MessageSid")
    status = (form.get("MessageStatus") or form.get("SmsStatus", "")).lower()
    if not _WORD.match(status):
        raise Malformed("missing or bad MessageStatus")
    _optional(form, "ErrorCode", re.compile(r"^[0-9]{1,10}$"))
    _message_ref(query, "m")
    return Parsed("sms.status", f"sms-status:{sid}:{status}", _form_payload(form, query))


def parse_sms_inbound(form: QueryDict, query: QueryDict) -> Parsed:
    sid = form.get("MessageSid") or form.get("SmsSid", "")
    if not _SID.match(sid):
        raise Malformed("missing or bad MessageSid")
    _field(form, "From")
    if len(form.get("Body", "")) > MAX_BODY_CHARS:
        raise Malformed("Body too long")
    return Parsed("sms.inbound", f"sms-inbound:{sid}", _form_payload(form, query))


def parse_voice_status(form: QueryDict, query: QueryDict) -> Parsed:
    sid = _field(form, "CallSid", _SID)
    answered_by = _optional(form, "AnsweredBy", _WORD)
    # The asynchronous answering-machine callback carries AnsweredBy without a CallStatus.
    status = form.get("CallStatus", "").lower() or ("amd" if answered_by else "")
    if not _WORD.match(status):
        raise Malformed("missing or bad CallStatus")
    _message_ref(query, "m")
    return Parsed(
        "voice.status",
        f"voice-status:{sid}:{status}:{answered_by}",
        _form_payload(form, query),
    )


def parse_voice_gather(form: QueryDict, query: QueryDict) -> Parsed:
    sid = _field(form, "CallSid", _SID)
    digits = _optional(form, "Digits", _DIGITS)
    _message_ref(query, "message")
    step = _optional(query, "step", re.compile(r"^[a-z]{1,10}$")) or "menu"
    for name in ("amount", "days"):
        _optional(query, name, re.compile(r"^[0-9]{1,9}$"))
    # The step with the numbers already entered: "amount 120, 7 days, confirm" differs from
    # "amount 150, 7 days, confirm" although both are Digits=1 at step confirm.
    state = ":".join(query.get(n, "") for n in ("amount", "days"))
    return Parsed(
        "voice.gather",
        f"voice-gather:{sid}:{digits}:{step}:{state}",
        _form_payload(form, query),
    )


def parse_payment(body: bytes) -> Parsed:
    """The lender's payment event (JSON). Amounts are parsed as Decimal, never float."""
    try:
        data = json.loads(body, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise Malformed(_("body is not JSON")) from None
    if not isinstance(data, dict):
        raise Malformed(_("body must be a JSON object"))
    try:
        _storable(data)
    except RecursionError:
        raise Malformed(_("nested too deeply")) from None
    event_type = data.get("type")
    if not isinstance(event_type, str) or not _WORD.match(event_type.replace(".", "_")):
        raise Malformed(_("missing or bad type"))
    if event_type != "payment.received":
        # Unknown to us: stored and answered 2xx so the lender does not retry forever.
        event_id = data.get("id")
        if not isinstance(event_id, str) or not _EXTERNAL_ID.match(event_id):
            raise Malformed(_("missing or bad id"))
        return Parsed("payment.other", f"payment-other:{event_type}:{event_id}", _jsonable(data))
    payment_id = _text(data, "payment_id", _EXTERNAL_ID)
    loan_id = _text(data, "loan_id", _EXTERNAL_ID)
    currency = _text(data, "currency", _CURRENCY)
    received_at = _timestamp(data.get("received_at"))
    amount = _amount(data.get("amount"))
    payload = {
        "type": event_type,
        "payment_id": payment_id,
        "loan_id": loan_id,
        "amount": str(amount),
        "currency": currency,
        "received_at": received_at.isoformat(),
        "raw": _jsonable(data),
    }
    return Parsed("payment.received", f"payment:{payment_id}", payload)


def _text(data: dict[str, Any], name: str, pattern: re.Pattern[str]) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not pattern.match(value):
        raise Malformed(_("missing or bad %(name)s") % {"name": name})
    return value


def _amount(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise Malformed(_("amount must be a decimal string or number"))
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise Malformed(_("bad amount")) from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        raise Malformed(_("amount must be positive"))
    if amount != amount.quantize(Decimal("0.01")):
        raise Malformed(_("amount has more than 2 decimals"))
    return amount.quantize(Decimal("0.01"))


def _timestamp(value: object) -> dt.datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise Malformed(_("missing or bad received_at"))
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise Malformed(_("received_at must be an ISO 8601 time with a zone"))
    return parsed


def _jsonable(data: Any) -> Any:
    """Decimals back to strings, so the raw body can be stored as JSON."""
    return json.loads(json.dumps(data, default=str))

"""What a lender sends us, read and checked before anything is written.

One frozen dataclass per kind of record (a borrower with their contact points, a loan, a
payment, a reversal, an ability-to-pay signal) and one parser per kind. A parser takes a Mapping,
what a JSON body or a CSV row gives (so numbers, dates and booleans may arrive as strings), and
returns `(record, [])` or `(None, [Problem(path, message), ...])`, every problem of the row at
once, each at its JSON path (`contact_points[1].address`). Unknown fields are refused (a typo in
a column name must not silently drop the data it carries). A parser never raises on any input.

Pure: no ORM and no settings. What only the database knows (whether a jurisdiction has a
contact-rules profile, whether the loan a payment names exists) the services in
`services/lender.py` check; a caller that has the list of jurisdictions may pass it here too.

Normalised on the way in: phone numbers to E.164 (a number without `+` is read in the borrower's
jurisdiction's country), emails lower-cased, currency codes and region codes upper-cased, blank
optional values (`""`, `null`) read as absent.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import zoneinfo
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Any, TypeVar

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _

from collections_app.problems import Problem

# --- the values each field may take (the models' choices use the same strings)

CONTACT_KINDS = ("phone", "email")
CONTACT_TYPES = ("mobile", "home", "work", "other")
# The consent the lender holds for automated calls and texts to a number (TCPA: prior express
# consent, or prior express written consent for marketing), or its revocation.
CONSENTS = ("", "prior_express_consent", "prior_express_written_consent", "revoked")
LANGUAGES = ("en", "zh-Hans")
LOAN_STATUSES = ("current", "past_due", "paid", "charged_off")
# A loan in these is owed money now: it has (or gets) an open case.
DELINQUENT_STATUSES = ("past_due", "charged_off")
REVERSAL_REASONS = ("nsf", "chargeback", "other")
SIGNAL_KINDS = (
    "bureau_other_loans_current",
    "bureau_new_credit",
    "bureau_recent_applications",
    "income_verified",
    "app_login_after_default",
    "balance_check_after_default",
    "repayment_other_product",
)

# ISO 4217 active codes (funds codes included: a Chilean loan may well be in CLF; precious
# metals, SDRs and the testing codes are not money a loan is lent in).
CURRENCIES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN
    BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP
    ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK
    JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK
    MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN
    PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB
    TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD
    XCG XOF XPF YER ZAR ZMW ZWG ZWL
    """.split()  # noqa: SIM905 (a table reads better than 180 quoted strings)
)

# The database keeps money with 2 decimals in 14 digits (models/loans.MONEY).
MONEY_PLACES = Decimal("0.01")
MONEY_MAX = Decimal("999999999999.99")
# Dates a lender could mean; also keeps `date + 1 day` and zone conversions from overflowing.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)
MAX_DAYS_PAST_DUE = 36_500
MAX_CONTACT_POINTS = 20
MAX_SIGNAL_VALUE_CHARS = 4_000

_JURISDICTION = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,15}$")
_REGION = re.compile(r"^[A-Z0-9]{1,3}$")
_ID_DIGITS = re.compile(r"^[0-9]{3,5}[0-9X]$")  # a Chinese resident ID may end in X
_DECIMAL = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")
# What almost every amount in a file looks like: digits, a point, two places, within MONEY_MAX.
# Such a text is its own quantized Decimal: `_money` skips the general path's checks for it.
_PLAIN_MONEY = re.compile(r"[0-9]{1,12}\.[0-9]{2}")
# Unicode's Cc category is exactly these code points: one regex search instead of a
# unicodedata call per character.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})
_validate_email = EmailValidator()


# --- the records


# Keyword-only: build them by name (the field order is the shared contract's, not a signature).


@dataclass(frozen=True, kw_only=True)
class ContactPointRecord:
    kind: str  # "phone" | "email"
    address: str  # E.164, or a lower-cased email
    type: str = "other"  # "mobile" | "home" | "work" | "other"
    source: str = ""  # where the lender got it ("application", "skip trace", ...)
    consent: str = ""  # see CONSENTS; phones only
    consent_at: dt.datetime | None = None
    primary: bool = False


@dataclass(frozen=True, kw_only=True)
class BorrowerRecord:
    external_id: str
    name: str
    time_zone: str = ""  # IANA; "" when the lender does not know it
    language: str = "en"
    jurisdiction: str  # the code of a contact-rules profile: "US", "CN"
    region: str = ""  # state / province: "CA", "GD"
    contact_points: tuple[ContactPointRecord, ...] = ()
    # For right-party verification only: hashed before they are stored, never shown, so kept
    # out of the record's repr (logs, tracebacks) too.
    date_of_birth: dt.date | None = field(default=None, repr=False)
    id_last_digits: str = field(default="", repr=False)


@dataclass(frozen=True, kw_only=True)
class LoanRecord:
    external_id: str
    borrower_external_id: str
    product: str = ""
    currency: str
    principal: Decimal
    balance_principal: Decimal
    balance_interest: Decimal = Decimal("0")
    balance_fees: Decimal = Decimal("0")
    balance_as_of: dt.date
    status: str  # "current" | "past_due" | "paid" | "charged_off"
    amount_past_due: Decimal = Decimal("0")
    due_date: dt.date | None = None  # the oldest unpaid due date
    days_past_due: int | None = None  # as the lender counts them
    charge_off_date: dt.date | None = None
    # The statute of limitations may run from it (compliance/limitations.py).
    last_payment_date: dt.date | None = None
    origination_date: dt.date | None = None
    origination_state: str = ""

    @property
    def balance_total(self) -> Decimal:
        return self.balance_principal + self.balance_interest + self.balance_fees


@dataclass(frozen=True, kw_only=True)
class PaymentRecord:
    external_id: str
    loan_external_id: str
    amount: Decimal
    currency: str
    received_at: dt.datetime


@dataclass(frozen=True, kw_only=True)
class ReversalRecord:
    payment_external_id: str
    reason: str  # "nsf" | "chargeback" | "other"
    reversed_at: dt.datetime
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class SignalRecord:
    borrower_external_id: str
    loan_external_id: str = ""
    kind: str  # see SIGNAL_KINDS
    value: Any  # JSON: a number, a boolean, a string or an object
    observed_at: dt.datetime
    source: str = ""


# The fields each kind accepts, in the order a CSV file would have them (docs, error reports).
CONTACT_POINT_FIELDS = ("kind", "address", "type", "source", "consent", "consent_at", "primary")
BORROWER_FIELDS = (
    "external_id",
    "name",
    "time_zone",
    "language",
    "jurisdiction",
    "region",
    "contact_points",
    "date_of_birth",
    "id_last_digits",
)
LOAN_FIELDS = (
    "external_id",
    "borrower_external_id",
    "product",
    "currency",
    "principal",
    "balance_principal",
    "balance_interest",
    "balance_fees",
    "balance_as_of",
    "status",
    "amount_past_due",
    "due_date",
    "days_past_due",
    "charge_off_date",
    "last_payment_date",
    "origination_date",
    "origination_state",
)
PAYMENT_FIELDS = ("external_id", "loan_external_id", "amount", "currency", "received_at")
REVERSAL_FIELDS = ("payment_external_id", "reason", "reversed_at", "note")
SIGNAL_FIELDS = (
    "borrower_external_id",
    "loan_external_id",
    "kind",
    "value",
    "observed_at",
    "source",
)


def engine_addresses(points: Sequence[ContactPointRecord]) -> tuple[str, str]:
    """(phone, email): the one number and the one email the engine contacts, out of the
    borrower's contact points. The gate, the channels and masking read `Borrower.phone` and
    `Borrower.email`; an upsert sets them from this, and only from this.

    The phone is the number marked primary, else the first mobile, else the first number; the
    email the one marked primary, else the first. "" when there is none."""
    phones = [p for p in points if p.kind == "phone"]
    emails = [p for p in points if p.kind == "email"]
    phone = next(
        (p for p in phones if p.primary),
        next((p for p in phones if p.type == "mobile"), phones[0] if phones else None),
    )
    email = next((p for p in emails if p.primary), emails[0] if emails else None)
    return (phone.address if phone else "", email.address if email else "")


# --- reading one field at a time

T = TypeVar("T")
_MISSING = object()


class _Reader:
    """Reads the fields of one mapping, collecting a Problem per bad field instead of raising."""

    def __init__(self, data: object, allowed: Collection[str], prefix: str = "") -> None:
        self.prefix = prefix
        self.problems: list[Problem] = []
        self.is_object = isinstance(data, Mapping)
        if not self.is_object:
            self.data: Mapping[Any, Any] = {}
            self.problems.append(Problem(prefix, _("must be an object with named fields")))
            return
        self.data = data
        for key in data:
            if key not in allowed:
                # csv.DictReader files a row's extra cells under None.
                name = "(extra columns)" if key is None else str(key)
                self.add(name, _("unknown field (known fields: %s)") % ", ".join(allowed))

    def path(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def add(self, name: str, message: str) -> None:
        self.problems.append(Problem(self.path(name), message))

    def raw(self, name: str) -> object:
        """The value, or _MISSING for absent, null and blank."""
        value = self.data.get(name, _MISSING)
        if value is None or (isinstance(value, str) and not value.strip()):
            return _MISSING
        return value

    def read(self, name: str, convert: Callable[[object], T], *, required: bool, default: T) -> T:
        # `raw`, inlined: this runs for every field of every row of an import.
        value = self.data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(name, _("is required"))
            return default
        try:
            return convert(value)
        except _Bad as bad:
            self.add(name, str(bad))
            return default

    # The field kinds, each a `read` with its converter.

    def text(self, name: str, *, required: bool = False, max_length: int = 64) -> str:
        return self.read(name, lambda v: _text(v, max_length), required=required, default="")

    def choice(self, name: str, options: Sequence[str], *, default: str = "") -> str:
        return self.read(name, lambda v: _choice(v, options), required=not default, default=default)

    def money(self, name: str, *, required: bool = False, positive: bool = False) -> Decimal:
        return self.read(
            name, lambda v: _money(v, positive), required=required, default=Decimal("0")
        )

    def date(self, name: str, *, required: bool = False) -> dt.date | None:
        return self.read(name, _date, required=required, default=None)

    def moment(self, name: str, *, required: bool = False) -> dt.datetime | None:
        return self.read(name, _aware_datetime, required=required, default=None)


class _Bad(ValueError):
    """A value that cannot be read; its message is the problem's."""


# --- converters (a value in, the normalised value out, or _Bad)


def _text(value: object, max_length: int) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # numeric ids in JSON
    if not isinstance(value, str):
        raise _Bad(_("must be text"))
    value = value.strip()
    if _CONTROL.search(value):
        raise _Bad(_("must not contain control characters"))
    if len(value) > max_length:
        raise _Bad(_("must be at most %(max)d characters") % {"max": max_length})
    return value


@cache
def _folded(options: Sequence[str]) -> dict[str, str]:
    return {o.lower(): o for o in options}


def _choice(value: object, options: Sequence[str]) -> str:
    if isinstance(value, str):
        found = _folded(options).get(value.strip().lower())
        if found is not None:
            return found
    raise _Bad(_("must be one of: %s") % ", ".join(o for o in options if o))


def _money(value: object, positive: bool) -> Decimal:
    if value.__class__ is str and _PLAIN_MONEY.fullmatch(value):
        # Fast path (tests/lender/test_records_fast.py: the same as the general one).
        amount = Decimal(value)
        if positive and not amount:
            raise _Bad(_("must be more than 0"))
        return amount
    return _money_general(value, positive)


def _money_general(value: object, positive: bool) -> Decimal:
    if isinstance(value, bool):
        raise _Bad(_("must be an amount, e.g. 120.50"))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _Bad(_("must be an amount, e.g. 120.50"))
        value = repr(value)  # the shortest text that reads back as the same float: 0.1 -> "0.1"
    if isinstance(value, int | Decimal):
        value = str(value)
    if not isinstance(value, str) or not _DECIMAL.match(value.strip()):
        raise _Bad(_("must be an amount written with digits and a point, e.g. 120.50"))
    try:
        amount = Decimal(value.strip())
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise _Bad(_("must be an amount, e.g. 120.50")) from exc
    if positive and amount <= 0:
        raise _Bad(_("must be more than 0"))
    if amount < 0:
        raise _Bad(_("must not be negative"))
    # Before quantizing: a number too large for the context cannot be quantized at all.
    if amount > MONEY_MAX:
        raise _Bad(_("must be at most %s") % MONEY_MAX)
    if amount != amount.quantize(MONEY_PLACES):
        raise _Bad(_("must have at most 2 decimal places"))
    return amount.quantize(MONEY_PLACES)


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        raise _Bad(_("must be a date (YYYY-MM-DD), not a date and time"))
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError as exc:
            raise _Bad(_("must be a date written YYYY-MM-DD")) from exc
    else:
        raise _Bad(_("must be a date written YYYY-MM-DD"))
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise _Bad(
            _("must be between %(first)s and %(last)s")
            % {"first": EARLIEST_DATE, "last": LATEST_DATE}
        )
    return day


def _aware_datetime(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise _Bad(
                _("must be a date and time in ISO 8601 with its UTC offset, e.g. %s")
                % "2026-03-01T14:30:00+08:00"
            ) from exc
    else:
        raise _Bad(_("must be a date and time in ISO 8601, e.g. %s") % "2026-03-01T14:30:00Z")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise _Bad(
            _("must say its UTC offset (e.g. %s): a time without one is ambiguous")
            % "2026-03-01T14:30:00+08:00"
        )
    if not EARLIEST_DATE <= moment.date() <= LATEST_DATE:
        raise _Bad(
            _("must be between %(first)s and %(last)s")
            % {"first": EARLIEST_DATE, "last": LATEST_DATE}
        )
    return moment


def _count(value: object) -> int:
    if isinstance(value, bool):
        raise _Bad(_("must be a whole number of days"))
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        raise _Bad(_("must be a whole number of days"))
    if not 0 <= value <= MAX_DAYS_PAST_DUE:
        raise _Bad(_("must be between 0 and %d") % MAX_DAYS_PAST_DUE)
    return value


def _boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise _Bad(_("must be true or false"))


def _currency(value: object) -> str:
    if value.__class__ is str and value in CURRENCIES:  # a code as written: most files
        return value  # type: ignore[return-value]
    if isinstance(value, str) and value.strip().upper() in CURRENCIES:
        return value.strip().upper()
    raise _Bad(_("must be an ISO 4217 currency code, e.g. USD, CNY"))


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _time_zone(value: object) -> str:
    if value.__class__ is str and value in _zones():  # as written: most files
        return value  # type: ignore[return-value]
    if isinstance(value, str) and value.strip() in _zones():
        return value.strip()
    raise _Bad(_("must be an IANA time zone, e.g. America/New_York, Asia/Shanghai"))


def _jurisdiction(known: Collection[str] | None) -> Callable[[object], str]:
    def convert(value: object) -> str:
        code = value.strip().upper() if isinstance(value, str) else ""
        if not _JURISDICTION.match(code):
            raise _Bad(_("must be the code of a contact-rules profile, e.g. US, CN"))
        if known is not None and code not in known:
            raise _Bad(_("has no contact-rules profile (known: %s)") % ", ".join(sorted(known)))
        return code

    return convert


def _region(jurisdiction: str) -> Callable[[object], str]:
    """A state or province: "CA", "GD"; "US-CA" is read as "CA" for a US borrower."""

    def convert(value: object) -> str:
        code = value.strip().upper() if isinstance(value, str) else ""
        country = jurisdiction.split("-", 1)[0]
        if country and code.startswith(f"{country}-"):
            code = code[len(country) + 1 :]
        if not _REGION.match(code):
            raise _Bad(_("must be a state or province code (ISO 3166-2), e.g. CA, NY, GD"))
        return code

    return convert


def _id_digits(value: object) -> str:
    digits = value.strip().upper() if isinstance(value, str) else ""
    if isinstance(value, int) and not isinstance(value, bool):
        raise _Bad(_('must be text (a number loses its leading zeros), e.g. "0123"'))
    if not _ID_DIGITS.match(digits):
        raise _Bad(_("must be the last 4 to 6 digits of the ID (the last may be X)"))
    return digits


def _signal_value(value: object) -> object:
    if isinstance(value, str):
        # A CSV cell holds text: read it as JSON when it is JSON (true, 12, {"band": "high"}).
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = value.strip()
        value = parsed if isinstance(parsed, dict | bool | int | float) else value.strip()
    if isinstance(value, list) or not _is_json(value):
        raise _Bad(_("must be a number, true or false, text or an object"))
    if len(json.dumps(value, ensure_ascii=False)) > MAX_SIGNAL_VALUE_CHARS:
        raise _Bad(_("must be at most %d characters of JSON") % MAX_SIGNAL_VALUE_CHARS)
    return value


def _is_json(value: object, depth: int = 0) -> bool:
    if depth > 8:
        return False
    if value is None or isinstance(value, bool | int | str):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_is_json(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json(v, depth + 1) for k, v in value.items())
    return False


def _phone(value: object, default_region: str | None) -> str:
    if not isinstance(value, str):
        raise _Bad(_("must be a phone number, e.g. +14155550100"))
    return _phone_text(value, default_region)


# A number is checked once however many rows carry it (co-borrowers, a household's landline,
# a borrower's rows that are not next to each other). Bounded: a file of a million numbers
# keeps only the last few thousand.
@lru_cache(maxsize=4096)
def _phone_text(value: str, default_region: str | None) -> str:
    try:
        parsed = phonenumbers.parse(value.strip(), default_region)
    except phonenumbers.NumberParseException as exc:
        raise _Bad(_("is not a phone number (write it in E.164, e.g. +14155550100)")) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise _Bad(_("is not a valid phone number"))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _email(value: object) -> str:
    address = value.strip().lower() if isinstance(value, str) else ""
    try:
        _validate_email(address)
    except ValidationError as exc:
        raise _Bad(_("is not an email address")) from exc
    if len(address) > 254:
        raise _Bad(_("must be at most 254 characters"))
    return address


# --- the parsers


def _contact_points(reader: _Reader, jurisdiction: str) -> tuple[ContactPointRecord, ...]:
    raw = reader.raw("contact_points")
    if raw is _MISSING:
        return ()
    if isinstance(raw, str):
        # A CSV cell carries the list as JSON.
        try:
            raw = json.loads(raw)
        except ValueError:
            reader.add("contact_points", _("must be a list of contact points (JSON in a CSV)"))
            return ()
    if not isinstance(raw, list | tuple):
        reader.add("contact_points", _("must be a list of contact points"))
        return ()
    if len(raw) > MAX_CONTACT_POINTS:
        reader.add("contact_points", _("must have at most %d entries") % MAX_CONTACT_POINTS)
        return ()
    country = jurisdiction.split("-", 1)[0]
    region = country if country in phonenumbers.SUPPORTED_REGIONS else None
    points = []
    seen: dict[tuple[str, str], int] = {}
    primary_at: dict[str, int] = {}
    for i, item in enumerate(raw):
        point = _contact_point(reader, item, f"{reader.path('contact_points')}[{i}]", region)
        if point is None:
            continue
        if (point.kind, point.address) in seen:
            reader.problems.append(
                Problem(
                    f"{reader.path('contact_points')}[{i}].address",
                    _("is the same as contact_points[%d]") % seen[(point.kind, point.address)],
                )
            )
            continue
        seen[(point.kind, point.address)] = i
        if point.primary:
            if point.kind in primary_at:
                reader.problems.append(
                    Problem(
                        f"{reader.path('contact_points')}[{i}].primary",
                        _("only one %(kind)s may be primary (contact_points[%(other)d] is)")
                        % {"kind": point.kind, "other": primary_at[point.kind]},
                    )
                )
            primary_at[point.kind] = i
        points.append(point)
    return tuple(points)


def _contact_point(
    parent: _Reader, data: object, prefix: str, region: str | None
) -> ContactPointRecord | None:
    r = _Reader(data, CONTACT_POINT_FIELDS, prefix)
    if not r.is_object:
        parent.problems.extend(r.problems)
        return None
    kind = r.choice("kind", CONTACT_KINDS)
    convert = (lambda v: _phone(v, region)) if kind == "phone" else _email
    address = r.read("address", convert, required=True, default="") if kind else ""
    type_ = r.choice("type", CONTACT_TYPES, default="other")
    if kind == "email" and type_ == "mobile":
        r.add("type", _("an email cannot be a mobile: use home, work or other"))
    consent = r.read("consent", lambda v: _choice(v, CONSENTS), required=False, default="")
    consent_at = r.moment("consent_at", required=bool(consent))
    if kind == "email" and consent:
        r.add("consent", _("consent for automated calls and texts applies to phone numbers"))
    if consent_at is not None and not consent:
        r.add("consent_at", _("needs the consent it dates"))
    point = ContactPointRecord(
        kind=kind,
        address=address,
        type=type_,
        source=r.text("source"),
        consent=consent,
        consent_at=consent_at,
        primary=r.read("primary", _boolean, required=False, default=False),
    )
    parent.problems.extend(r.problems)
    return None if r.problems else point


def parse_borrower(
    data: Mapping[str, Any], *, jurisdictions: Collection[str] | None = None
) -> tuple[BorrowerRecord | None, list[Problem]]:
    """A borrower and their contact points. `jurisdictions`: the codes that have a contact-rules
    profile, when the caller has them (the services check against the database either way)."""
    r = _Reader(data, BORROWER_FIELDS)
    if not r.is_object:
        return None, r.problems
    jurisdiction = r.read("jurisdiction", _jurisdiction(jurisdictions), required=True, default="")
    record = BorrowerRecord(
        external_id=r.text("external_id", required=True),
        name=r.text("name", required=True, max_length=200),
        jurisdiction=jurisdiction,
        region=r.read("region", _region(jurisdiction), required=False, default=""),
        time_zone=r.read("time_zone", _time_zone, required=False, default=""),
        language=r.choice("language", LANGUAGES, default="en"),
        contact_points=_contact_points(r, jurisdiction),
        date_of_birth=r.date("date_of_birth"),
        id_last_digits=r.read("id_last_digits", _id_digits, required=False, default=""),
    )
    return (None, r.problems) if r.problems else (record, [])


def parse_loan(data: Mapping[str, Any]) -> tuple[LoanRecord | None, list[Problem]]:
    """A loan with its balance broken down as of a date, and its delinquency as the lender
    reports it (the status decides whether it has an open case: services/lender.py)."""
    r = _Reader(data, LOAN_FIELDS)
    if not r.is_object:
        return None, r.problems
    record = LoanRecord(
        external_id=r.text("external_id", required=True),
        borrower_external_id=r.text("borrower_external_id", required=True),
        product=r.text("product"),
        currency=r.read("currency", _currency, required=True, default=""),
        principal=r.money("principal", required=True, positive=True),
        balance_principal=r.money("balance_principal", required=True),
        balance_interest=r.money("balance_interest"),
        balance_fees=r.money("balance_fees"),
        balance_as_of=r.date("balance_as_of", required=True) or EARLIEST_DATE,
        status=r.choice("status", LOAN_STATUSES),
        amount_past_due=r.money("amount_past_due"),
        due_date=r.date("due_date"),
        days_past_due=r.read("days_past_due", _count, required=False, default=None),
        charge_off_date=r.date("charge_off_date"),
        last_payment_date=r.date("last_payment_date"),
        origination_date=r.date("origination_date"),
        origination_state=r.read("origination_state", _region("US"), required=False, default=""),
    )
    if not r.problems:
        _loan_consistency(r, record)
    return (None, r.problems) if r.problems else (record, [])


def _loan_consistency(r: _Reader, loan: LoanRecord) -> None:
    """What the fields must say together; each problem at the field a lender would fix."""
    if loan.status in DELINQUENT_STATUSES:
        if loan.amount_past_due <= 0:
            r.add("amount_past_due", _("must be more than 0 for a %s loan") % loan.status)
        if loan.due_date is None:
            r.add(
                "due_date",
                _("is required for a %s loan (the oldest unpaid due date)") % loan.status,
            )
        elif loan.due_date >= loan.balance_as_of:
            r.add("due_date", _("must be before balance_as_of for a %s loan") % loan.status)
    elif loan.amount_past_due > 0:
        r.add("amount_past_due", _("must be 0 for a %s loan") % loan.status)
    if loan.amount_past_due > loan.balance_total:
        r.add(
            "amount_past_due",
            _("cannot be more than the balance (%s: principal + interest + fees)")
            % loan.balance_total,
        )
    if loan.status == "paid" and loan.balance_total > 0:
        r.add(
            "status", _("a paid loan has no balance left (the balance is %s)") % loan.balance_total
        )
    if loan.status == "charged_off" and loan.charge_off_date is None:
        r.add("charge_off_date", _("is required for a charged_off loan"))
    if loan.origination_date is not None and loan.origination_date > loan.balance_as_of:
        r.add("origination_date", _("must not be after balance_as_of"))


def parse_payment(data: Mapping[str, Any]) -> tuple[PaymentRecord | None, list[Problem]]:
    r = _Reader(data, PAYMENT_FIELDS)
    if not r.is_object:
        return None, r.problems
    record = PaymentRecord(
        external_id=r.text("external_id", required=True),
        loan_external_id=r.text("loan_external_id", required=True),
        amount=r.money("amount", required=True, positive=True),
        currency=r.read("currency", _currency, required=True, default=""),
        received_at=r.moment("received_at", required=True) or dt.datetime.min,
    )
    return (None, r.problems) if r.problems else (record, [])


def parse_reversal(data: Mapping[str, Any]) -> tuple[ReversalRecord | None, list[Problem]]:
    r = _Reader(data, REVERSAL_FIELDS)
    if not r.is_object:
        return None, r.problems
    record = ReversalRecord(
        payment_external_id=r.text("payment_external_id", required=True),
        reason=r.choice("reason", REVERSAL_REASONS),
        reversed_at=r.moment("reversed_at", required=True) or dt.datetime.min,
        note=r.text("note", max_length=500),
    )
    return (None, r.problems) if r.problems else (record, [])


def parse_signal(data: Mapping[str, Any]) -> tuple[SignalRecord | None, list[Problem]]:
    r = _Reader(data, SIGNAL_FIELDS)
    if not r.is_object:
        return None, r.problems
    record = SignalRecord(
        borrower_external_id=r.text("borrower_external_id", required=True),
        loan_external_id=r.text("loan_external_id"),
        kind=r.choice("kind", SIGNAL_KINDS),
        value=r.read("value", _signal_value, required=True, default=None),
        observed_at=r.moment("observed_at", required=True) or dt.datetime.min,
        source=r.text("source"),
    )
    return (None, r.problems) if r.problems else (record, [])


# One parser per kind, for callers that read mixed input (an import file names its kind).
PARSERS: dict[str, Callable[[Mapping[str, Any]], tuple[Any, list[Problem]]]] = {
    "borrower": parse_borrower,
    "loan": parse_loan,
    "payment": parse_payment,
    "reversal": parse_reversal,
    "signal": parse_signal,
}

"""The records' fast paths (lender/records.py) answer exactly as the general ones: the same
value, or the same refusal, for any input."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from collections_app.lender import records
from collections_app.lender.records import _Bad

amount_texts = st.one_of(
    # What files carry: plain amounts with two places, zero, long ones, leading zeros.
    st.from_regex(r"[0-9]{1,14}\.[0-9]{2}", fullmatch=True),
    st.from_regex(r"[+-]?[0-9]{0,14}(\.[0-9]{0,4})?", fullmatch=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
    st.text(alphabet="0123456789.+- e", max_size=18),
)


def _outcome(convert, *args):
    try:
        value = convert(*args)
    except _Bad as bad:
        return ("refused", str(bad))
    return ("value", value, str(value), type(value))


@given(amount_texts, st.booleans())
def test_an_amount_reads_the_same_on_the_fast_path(text: str, positive: bool) -> None:
    assert _outcome(records._money, text, positive) == _outcome(
        records._money_general, text, positive
    )


def test_the_fast_path_takes_the_plain_amounts() -> None:
    # (It is taken: the general path would accept them too, so only timing would tell.)
    assert records._PLAIN_MONEY.fullmatch("120.50")
    assert records._money("0000120.50", False) == Decimal("120.50")
    assert str(records._money("999999999999.99", True)) == "999999999999.99"
    assert _outcome(records._money, "0.00", True)[0] == "refused"
    assert _outcome(records._money, "1000000000000.00", False)[0] == "refused"


@given(st.text(max_size=30))
def test_control_characters_are_those_of_unicode(text: str) -> None:
    slow = any(unicodedata.category(ch) == "Cc" for ch in text.strip())
    assert bool(records._CONTROL.search(text.strip())) == slow


def test_every_control_character_is_refused() -> None:
    for code in range(0x110000):
        ch = chr(code)
        assert bool(records._CONTROL.search(ch)) == (unicodedata.category(ch) == "Cc"), code


@given(st.one_of(st.sampled_from(sorted(records.CURRENCIES)), st.text(max_size=5)))
def test_a_currency_reads_the_same_written_as_is(value: str) -> None:
    fast = _outcome(records._currency, value)
    expected = value.strip().upper() if value.strip().upper() in records.CURRENCIES else None
    assert (fast[1] if fast[0] == "value" else None) == expected


@given(st.one_of(st.sampled_from(sorted(records._zones())), st.text(max_size=12)))
def test_a_time_zone_reads_the_same_written_as_is(value: str) -> None:
    fast = _outcome(records._time_zone, value)
    expected = value.strip() if value.strip() in records._zones() else None
    assert (fast[1] if fast[0] == "value" else None) == expected


@given(st.sampled_from(["+14155550100", "4155550100", "+8613812345678", "+1415555", "+44 20"]))
def test_a_phone_number_checked_twice_reads_the_same(value: str) -> None:
    records._phone_text.cache_clear()
    first = _outcome(records._phone, value, "US")
    assert _outcome(records._phone, value, "US") == first
    # The cache is keyed by the region too: a number without + depends on it.
    assert _outcome(records._phone, value, "CN") == _outcome(
        records._phone_text.__wrapped__, value, "CN"
    )

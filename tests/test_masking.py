"""Masking addresses in fields, free text and payloads (collections_app/masking.py)."""

import pytest

from collections_app.masking import addresses_in, mask_address, mask_data, mask_text


@pytest.mark.parametrize(
    ("text", "known", "masked"),
    [
        ("The 'To' number +14155550187 is not valid.", (),
         "The 'To' number +1•••••••187 is not valid."),
        ("write to dana.known@example.org", (), "write to d•••@example.org"),
        ("call 415-555-0187 or (415) 555 0187", ("+14155550187",),
         "call •••••••••187 or (••••••••••187"),
        ("回电 13800138000", ("+8613800138000",), "回电 ••••••••000"),
        # not a known number, not E.164: left alone (amounts, dates, ids look the same)
        ("call 415-555-0100", ("+14155550187",), "call 415-555-0100"),
        ("300.00 USD due 2026-06-01 10:00, loan L000123", ("+14155550187",),
         "300.00 USD due 2026-06-01 10:00, loan L000123"),
        ("sid SM0123456789abcdef", (), "sid SM0123456789abcdef"),
        ("", (), ""),
    ],
)  # fmt: skip
def test_mask_text(text: str, known: tuple, masked: str) -> None:
    assert mask_text(text, known) == masked


def test_mask_address_tells_a_phone_from_an_email() -> None:
    assert mask_address("+14155550187") == "+1•••••••187"
    assert mask_address("dana@example.org") == "d•••@example.org"
    assert mask_address("") == ""


def test_payloads_are_masked_everywhere_in_them_and_their_addresses_found() -> None:
    payload = {"form": {"From": "+14155550187", "Body": "mail me: a@b.example"}, "n": [1, "x"]}
    assert mask_data(payload) == {
        "form": {"From": "+1•••••••187", "Body": "mail me: a•••@b.example"},
        "n": [1, "x"],
    }
    assert addresses_in(payload) == {"+14155550187", "a@b.example"}

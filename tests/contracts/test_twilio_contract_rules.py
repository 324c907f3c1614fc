"""The vendored contract refuses what Twilio would refuse (and, on purpose, fields it does not
name), so the channel tests can trust a request it accepts."""

import pytest

from tests.contracts.twilio_contract import ContractRequest, basic_auth, twilio_contract

ACCOUNT = "AC" + "0123456789abcdef" * 2
AUTH = basic_auth(ACCOUNT, "token")
MESSAGES = f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
CALLS = f"/2010-04-01/Accounts/{ACCOUNT}/Calls.json"
SMS = [
    ("To", "+14155550100"),
    ("From", "+14155550199"),
    ("Body", "Your payment is past due."),
    ("StatusCallback", "https://collections.example.com/webhooks/twilio/sms/status/?m=1"),
]
CALL = [
    ("To", "+14155550100"),
    ("From", "+14155550199"),
    ("Url", "https://collections.example.com/webhooks/twilio/voice/answer/1/"),
    ("StatusCallbackEvent", "initiated"),
    ("StatusCallbackEvent", "completed"),
    ("MachineDetection", "DetectMessageEnd"),
]


def violations(method: str, path: str, form=(), query=(), auth: str | None = AUTH) -> list[str]:
    return twilio_contract().request_violations(
        ContractRequest(method, path, list(query), list(form), auth)
    )


def test_it_accepts_an_sms_and_a_call_as_twilio_documents_them() -> None:
    assert violations("POST", MESSAGES, SMS) == []
    assert violations("POST", CALLS, CALL) == []
    assert violations("GET", MESSAGES, query=[("To", "+14155550100"), ("PageSize", "200")]) == []


def test_an_sms_without_to_is_refused() -> None:
    (problem,) = violations("POST", MESSAGES, [f for f in SMS if f[0] != "To"])
    assert "'To' is a required property" in problem


@pytest.mark.parametrize("path, form", [(MESSAGES, SMS), (CALLS, CALL)], ids=["sms", "call"])
def test_an_unknown_form_field_is_refused(path, form) -> None:
    # Twilio would drop it silently; a misspelt StatusCallback would lose every delivery report.
    assert violations("POST", path, [*form, ("StatusCalback", "https://x.example.com/")]) == [
        "form field 'StatusCalback' is not in the contract"
    ]


def test_an_unknown_query_parameter_is_refused() -> None:
    assert violations("GET", CALLS, query=[("To", "+14155550100"), ("Sent", "today")]) == [
        "query parameter 'Sent' is not in the contract"
    ]


def test_an_array_must_be_repeated_fields_not_bracketed_names() -> None:
    bracketed = [(k + "[]" if k == "StatusCallbackEvent" else k, v) for k, v in CALL]
    assert violations("POST", CALLS, bracketed) == [
        "form field 'StatusCallbackEvent[]' is not in the contract"
    ]


@pytest.mark.parametrize(
    "field, value, says",
    [
        ("StatusCallback", "not a url", "is not a 'uri'"),
        ("To", "415-555-0100", "is not a 'phone-number'"),
    ],
)
def test_a_value_of_the_wrong_format_is_refused(field, value, says) -> None:
    form = [(k, value if k == field else v) for k, v in SMS]
    (problem,) = violations("POST", MESSAGES, form)
    assert says in problem and field in problem


def test_a_value_outside_an_enum_is_refused() -> None:
    (problem,) = violations("POST", CALLS, [*CALL, ("Method", "PUT")])
    assert "Method" in problem and "is not one of ['GET', 'POST']" in problem


def test_a_request_without_credentials_is_refused() -> None:
    (problem,) = violations("POST", MESSAGES, SMS, auth=None)
    assert "SecurityValidationError" in problem


def test_a_path_twilio_does_not_serve_is_refused() -> None:
    assert violations("POST", MESSAGES.replace("Messages", "Message"), SMS) == [
        f"POST {MESSAGES.replace('Messages', 'Message')}: no such operation in Twilio's API"
    ]

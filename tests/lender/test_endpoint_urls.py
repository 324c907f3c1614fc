"""Which URLs an endpoint may have (lender/endpoint_urls.py, pure): https; http only to
loopback and only when allowed."""

import pytest

from collections_app.lender.endpoint_urls import endpoint_url_problem


@pytest.mark.parametrize(
    "url",
    ["https://lender.example/hooks/collections", "https://10.1.2.3:8443/h", "https://[::1]/h"],
)
def test_https_anywhere_is_fine(url) -> None:
    assert endpoint_url_problem(url, allow_http=False) is None


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/h", "http://localhost/h", "http://[::1]:9000/h"]
)
def test_http_to_loopback_only_when_allowed(url) -> None:
    assert endpoint_url_problem(url, allow_http=True) is None
    assert "https" in endpoint_url_problem(url, allow_http=False)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://lender.example/h", "only allowed to this machine"),
        ("http://10.0.0.5/h", "only allowed to this machine"),
        ("ftp://lender.example/h", "https"),
        ("lender.example/h", "full URL"),
        ("https://lender.example/h#frag", "fragment"),
        ("https://lender.example:99999/h", "valid URL"),
        ("https://lender.example:port/h", "valid URL"),
    ],
)
def test_what_is_refused_says_why(url, says) -> None:
    assert says in endpoint_url_problem(url, allow_http=True)

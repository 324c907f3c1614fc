"""Which URLs an endpoint may have (lender/endpoint_urls.py, pure): https; http only to
loopback and only when allowed; addresses only public ones unless their network is listed."""

import pytest

from collections_app.lender.endpoint_urls import address_refusal, endpoint_url_problem


@pytest.mark.parametrize(
    "url", ["https://lender.example/hooks/collections", "https://93.184.215.14:8443/h"]
)
def test_https_to_a_public_host_is_fine(url) -> None:
    assert endpoint_url_problem(url, allow_http=False) is None


@pytest.mark.parametrize(
    "url",
    [
        "https://10.1.2.3:8443/h",
        "https://169.254.169.254/latest/meta-data",  # the cloud's metadata service
        "https://[::1]/h",
        "https://localhost/h",
        "https://[::ffff:192.168.0.7]/h",
        "https://100.64.0.1/h",  # shared address space (carrier NAT)
    ],
)
def test_an_address_inside_our_networks_is_refused_when_saved(url) -> None:
    assert "not a public address" in endpoint_url_problem(url, allow_http=False)


def test_a_listed_private_network_is_allowed() -> None:
    url = "https://10.20.3.4:8443/h"
    assert endpoint_url_problem(url, allow_http=False, private_networks=["10.20.0.0/16"]) is None
    assert endpoint_url_problem(url, allow_http=False, private_networks=["10.21.0.0/16"])


@pytest.mark.parametrize(
    ("address", "allow_loopback", "networks", "refused"),
    [
        ("8.8.8.8", False, [], False),
        ("2001:4860:4860::8888", False, [], False),
        ("127.0.0.1", False, [], True),
        ("127.0.0.1", True, [], False),
        ("::1", True, [], False),
        ("169.254.169.254", True, [], True),  # loopback allowance is loopback only
        ("169.254.169.254", False, ["169.254.169.254/32"], False),  # listed on purpose
        ("fe80::1%eth0", False, [], True),
        ("fd00:1::5", False, ["fd00:1::/64"], False),
        ("192.168.1.9", False, ["not a network"], True),
        ("224.0.0.1", False, [], True),
    ],
)
def test_address_refusal(address, allow_loopback, networks, refused) -> None:
    found = address_refusal(address, allow_loopback=allow_loopback, private_networks=networks)
    assert (found is not None) == refused


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

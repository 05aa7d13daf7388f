from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence

import pytest

from tessera.notifications.retry import DeliveryErrorKind
from tessera.notifications.ssrf import RefusalReason, UrlPolicy, UrlRefused, parse_allowlist

STRICT = UrlPolicy()


def fixed_resolver(answers: dict[str, Sequence[str]]):  # type: ignore[no-untyped-def]
    """A resolver that answers from a table (and fails like getaddrinfo for unknown names)."""
    calls: list[str] = []

    async def resolve(host: str, port: int) -> Sequence[str]:
        calls.append(host)
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return answers[host]

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", RefusalReason.SCHEME_NOT_ALLOWED),
        ("gopher://example.com:70/_x", RefusalReason.SCHEME_NOT_ALLOWED),
        ("ftp://example.com/", RefusalReason.SCHEME_NOT_ALLOWED),
        ("javascript:alert(1)", RefusalReason.SCHEME_NOT_ALLOWED),
        ("http://", RefusalReason.MISSING_HOST),
        ("https://user:pw@example.com/", RefusalReason.USERINFO_NOT_ALLOWED),
        ("http://example.com:80@10.0.0.1/", RefusalReason.USERINFO_NOT_ALLOWED),
        ("http://example.com\\@evil.example/", RefusalReason.INVALID_URL),
        ("http://exa mple.com/", RefusalReason.INVALID_URL),
        ("http://example.com/\r\nX-Injected: 1", RefusalReason.INVALID_URL),
        ("http://ex%41mple.com/", RefusalReason.INVALID_URL),
        ("http://example.com:99999/", RefusalReason.INVALID_URL),
        ("http://10.0.0.1/hook", RefusalReason.ADDRESS_NOT_ALLOWED),
        ("http://169.254.169.254/latest/meta-data/", RefusalReason.ADDRESS_NOT_ALLOWED),
        ("http://[::1]:8080/", RefusalReason.ADDRESS_NOT_ALLOWED),
        ("http://0.0.0.0/", RefusalReason.ADDRESS_NOT_ALLOWED),
        ("http://[::ffff:127.0.0.1]/", RefusalReason.ADDRESS_NOT_ALLOWED),
        ("http://127.0.0.1/", RefusalReason.ADDRESS_NOT_ALLOWED),
        # Numeric hosts as the resolver reads them (inet_aton), and localhost by name.
        ("http://0xa9fea9fe/latest/meta-data/", RefusalReason.ADDRESS_NOT_ALLOWED),
        ("http://0x0a000001/", RefusalReason.ADDRESS_NOT_ALLOWED),
        ("http://167772161/", RefusalReason.ADDRESS_NOT_ALLOWED),
        ("http://2130706433:8000/", RefusalReason.ADDRESS_NOT_ALLOWED),
        ("http://127.1/", RefusalReason.ADDRESS_NOT_ALLOWED),
        ("http://0177.0.0.1/", RefusalReason.INVALID_URL),  # httpx refuses this dotted-quad form
        ("http://10.1/", RefusalReason.ADDRESS_NOT_ALLOWED),
        ("http://localhost:8000/", RefusalReason.ADDRESS_NOT_ALLOWED),
        ("http://LOCALHOST./", RefusalReason.ADDRESS_NOT_ALLOWED),
        ("http://admin.localhost/", RefusalReason.ADDRESS_NOT_ALLOWED),
        ("http://256.1.1.1/", RefusalReason.INVALID_URL),
    ],
)
def test_validate_url_refuses_without_any_lookup(url: str, reason: RefusalReason) -> None:
    with pytest.raises(UrlRefused) as caught:
        STRICT.validate_url(url)
    assert caught.value.reason_code is reason
    assert caught.value.status_code == 422
    assert caught.value.details == {"reason": reason.value}


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/x?y=1",
        "http://example.com:8080/a",
        "https://xn--mnchen-3ya.de/",
        "https://münchen.de/",
    ],
)
def test_validate_url_accepts_ordinary_urls(url: str) -> None:
    assert STRICT.validate_url(url).scheme in ("http", "https")


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("0xa9fea9fe", "169.254.169.254"),
        ("167772161", "10.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0177.1", "127.0.0.1"),
    ],
)
def test_numeric_hosts_are_read_as_the_c_library_reads_them(host: str, address: str) -> None:
    assert socket.inet_ntoa(socket.inet_aton(host)) == address  # what getaddrinfo connects to
    with pytest.raises(UrlRefused, match=f"address {address} is"):
        STRICT.validate_url(f"http://{host}/")


def test_an_allowlisted_loopback_admits_localhost_and_numeric_forms() -> None:
    policy = UrlPolicy(allowlist=parse_allowlist("127.0.0.1/32"))
    for url in ("http://localhost:9000/hook", "http://127.1:9000/", "http://2130706433/"):
        assert policy.validate_url(url).scheme == "http"
    with pytest.raises(UrlRefused):
        policy.validate_url("http://0xa9fea9fe/")


@pytest.mark.parametrize("host", ["1e100.net", "0x.example.com", "123.example", "a0x1.com"])
def test_names_with_letters_stay_names(host: str) -> None:
    assert STRICT.validate_url(f"https://{host}/").host == host


@pytest.mark.parametrize(
    ("address", "category"),
    [
        ("10.0.0.1", "private"), ("172.16.5.4", "private"), ("192.168.1.1", "private"),
        ("100.64.0.1", "private"), ("fd00::1", "private"), ("fec0::1", "private"),
        ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
        ("169.254.169.254", "link_local"), ("fe80::1", "link_local"),
        ("0.0.0.0", "unspecified"), ("::", "unspecified"),
        ("224.0.0.1", "multicast"), ("239.1.2.3", "multicast"), ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"), ("255.255.255.255", "reserved"), ("192.0.2.1", "private"),
        ("2002:7f00:1::", "loopback (embedded in IPv6)"), ("2002:a00:1::", "private (embedded in IPv6)"),
        ("64:ff9b::a9fe:a9fe", "reserved"),
    ],
)  # fmt: skip
def test_non_public_addresses_are_refused(address: str, category: str) -> None:
    assert STRICT.refusal(ipaddress.ip_address(address)) == category


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "1.1.1.1"])
def test_public_addresses_pass(address: str) -> None:
    assert STRICT.refusal(ipaddress.ip_address(address)) is None


def test_allowlist_and_allow_private() -> None:
    allow_loopback = UrlPolicy(allowlist=parse_allowlist("127.0.0.1/32, 10.1.0.0/16"))
    assert allow_loopback.refusal(ipaddress.ip_address("127.0.0.1")) is None
    assert allow_loopback.refusal(ipaddress.ip_address("10.1.2.3")) is None
    assert allow_loopback.refusal(ipaddress.ip_address("127.0.0.2")) == "loopback"
    assert allow_loopback.refusal(ipaddress.ip_address("10.2.0.1")) == "private"
    private_ok = UrlPolicy(allow_private=True)
    assert private_ok.refusal(ipaddress.ip_address("10.2.0.1")) is None
    assert private_ok.refusal(ipaddress.ip_address("127.0.0.1")) == "loopback"
    assert private_ok.refusal(ipaddress.ip_address("169.254.169.254")) == "link_local"


@pytest.mark.parametrize(
    ("answers", "permitted"),
    [
        (["93.184.216.34"], ["93.184.216.34"]),
        (["10.0.0.1", "93.184.216.34"], ["93.184.216.34"]),  # refused addresses are dropped, never tried
        (["::ffff:93.184.216.34"], ["93.184.216.34"]),
    ],
)
async def test_resolve_and_check_returns_only_permitted_addresses(
    answers: list[str], permitted: list[str]
) -> None:
    policy = UrlPolicy(resolver=fixed_resolver({"hooks.example.com": answers}))
    result = await policy.resolve_and_check("hooks.example.com", 443)
    assert [str(ip) for ip in result] == permitted


@pytest.mark.parametrize(
    "answers",
    [["10.0.0.1"], ["169.254.169.254"], ["::1"], ["0.0.0.0"], ["::ffff:127.0.0.1"], ["127.0.0.1", "::1"]],
)
async def test_a_name_resolving_only_to_refused_addresses_is_refused(answers: list[str]) -> None:
    policy = UrlPolicy(resolver=fixed_resolver({"rebind.example.com": answers}))
    with pytest.raises(UrlRefused) as caught:
        await policy.resolve_and_check("rebind.example.com", 443)
    assert caught.value.reason_code is RefusalReason.ADDRESS_NOT_ALLOWED
    assert caught.value.error_kind is DeliveryErrorKind.SSRF_REFUSED


async def test_dns_failure_is_a_refusal_not_a_pass() -> None:
    policy = UrlPolicy(resolver=fixed_resolver({}))
    with pytest.raises(UrlRefused) as caught:
        await policy.resolve_and_check("gone.example.com", 443)
    assert caught.value.reason_code is RefusalReason.DNS_FAILURE
    assert caught.value.error_kind is DeliveryErrorKind.DNS_FAILURE


async def test_temporary_dns_failure_is_reported_as_such() -> None:
    async def flaky(host: str, port: int) -> Sequence[str]:
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    with pytest.raises(UrlRefused) as caught:
        await UrlPolicy(resolver=flaky).resolve_and_check("hooks.example.com", 443)
    assert caught.value.reason_code is RefusalReason.DNS_TEMPORARY_FAILURE


async def test_invalid_tld_is_refused_without_asking_dns() -> None:
    resolver = fixed_resolver({})
    with pytest.raises(UrlRefused) as caught:
        await UrlPolicy(resolver=resolver).check_url("https://nonexistent.invalid/hook")
    assert caught.value.reason_code is RefusalReason.DNS_FAILURE
    assert resolver.calls == []  # type: ignore[attr-defined]


async def test_ip_literals_skip_the_resolver() -> None:
    resolver = fixed_resolver({})
    policy = UrlPolicy(allowlist=parse_allowlist("127.0.0.1"), resolver=resolver)
    assert [str(ip) for ip in await policy.check_url("http://127.0.0.1:9/")] == ["127.0.0.1"]
    assert resolver.calls == []  # type: ignore[attr-defined]


async def test_localhost_through_the_system_resolver() -> None:
    """The real getaddrinfo path: 'localhost' comes from the hosts file, refused unless allow-listed."""
    with pytest.raises(UrlRefused) as caught:
        await STRICT.check_url("http://localhost:8080/")
    assert caught.value.reason_code is RefusalReason.ADDRESS_NOT_ALLOWED
    allowed = UrlPolicy(allowlist=parse_allowlist("127.0.0.1"))
    assert ipaddress.ip_address("127.0.0.1") in await allowed.check_url("http://localhost:8080/")

from __future__ import annotations

import ssl
from collections.abc import Sequence

import httpx
import pytest

from tessera.notifications.ssrf import RefusalReason, UrlPolicy, UrlRefused, parse_allowlist
from tessera.notifications.transport import build_client
from tests.notifications.receivers import HttpReceiver, RecordingBackend

LOOPBACK = parse_allowlist("127.0.0.1/32")


def table_resolver(answers: dict[str, Sequence[str]]):  # type: ignore[no-untyped-def]
    async def resolve(host: str, port: int) -> Sequence[str]:
        return answers[host]

    return resolve


async def test_allow_listed_loopback_is_reachable(receiver: HttpReceiver) -> None:
    backend = RecordingBackend()
    async with build_client(UrlPolicy(allowlist=LOOPBACK), network_backend=backend) as client:
        response = await client.post(receiver.url(), content=b"{}")
    assert response.status_code == 200
    assert len(receiver.requests) == 1
    assert backend.connected == ["127.0.0.1"]


async def test_loopback_is_refused_without_allow_list(receiver: HttpReceiver) -> None:
    backend = RecordingBackend()
    async with build_client(UrlPolicy(), network_backend=backend) as client:
        with pytest.raises(UrlRefused) as caught:
            await client.post(receiver.url(), content=b"{}")
    assert caught.value.reason_code is RefusalReason.ADDRESS_NOT_ALLOWED
    assert backend.connected == []
    assert receiver.requests == []


async def test_localhost_name_is_resolved_checked_and_keeps_its_host_header(receiver: HttpReceiver) -> None:
    backend = RecordingBackend()
    async with build_client(UrlPolicy(), network_backend=backend) as client:
        with pytest.raises(UrlRefused) as refused:
            await client.post(receiver.url(host="localhost"), content=b"{}")
    assert refused.value.reason_code is RefusalReason.ADDRESS_NOT_ALLOWED
    async with build_client(UrlPolicy(allowlist=LOOPBACK), network_backend=backend) as client:
        response = await client.post(receiver.url(host="localhost"), content=b"{}")
    assert response.status_code == 200
    assert backend.connected == ["127.0.0.1"]
    assert receiver.requests[0].headers["host"] == f"localhost:{receiver.port}"


async def test_connects_to_the_checked_address_not_a_re_resolved_name(receiver: HttpReceiver) -> None:
    """The name is resolved once, by the policy; the socket goes to that IP (the guard forbids real DNS)."""
    backend = RecordingBackend()
    policy = UrlPolicy(allowlist=LOOPBACK, resolver=table_resolver({"hooks.example.com": ["127.0.0.1"]}))
    async with build_client(policy, network_backend=backend) as client:
        response = await client.post(receiver.url(host="hooks.example.com"), content=b"{}")
    assert response.status_code == 200
    assert backend.connected == ["127.0.0.1"]
    assert receiver.requests[0].headers["host"] == f"hooks.example.com:{receiver.port}"


@pytest.mark.parametrize(
    "answers", [["10.0.0.1"], ["169.254.169.254"], ["::1"], ["0.0.0.0"], ["::ffff:10.0.0.1"]]
)
async def test_a_name_that_resolves_to_a_refused_address_never_connects(answers: list[str]) -> None:
    backend = RecordingBackend()
    policy = UrlPolicy(allowlist=LOOPBACK, resolver=table_resolver({"rebind.example.com": answers}))
    async with build_client(policy, network_backend=backend) as client:
        with pytest.raises(UrlRefused) as refused:
            await client.post("http://rebind.example.com/hook", content=b"{}")
    assert refused.value.reason_code is RefusalReason.ADDRESS_NOT_ALLOWED
    assert backend.connected == []


async def test_only_permitted_addresses_of_a_mixed_answer_are_tried(receiver: HttpReceiver) -> None:
    backend = RecordingBackend()
    policy = UrlPolicy(
        allowlist=LOOPBACK, resolver=table_resolver({"mixed.example.com": ["10.0.0.1", "127.0.0.1"]})
    )
    async with build_client(policy, network_backend=backend) as client:
        response = await client.post(receiver.url(host="mixed.example.com"), content=b"{}")
    assert response.status_code == 200
    assert backend.connected == ["127.0.0.1"]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://127.0.0.1:70/_x", "http://u:p@127.0.0.1/"])
async def test_non_http_and_userinfo_urls_are_refused_by_the_client(url: str) -> None:
    backend = RecordingBackend()
    async with build_client(UrlPolicy(allowlist=LOOPBACK), network_backend=backend) as client:
        with pytest.raises((UrlRefused, httpx.UnsupportedProtocol)):
            await client.get(url)
    assert backend.connected == []


async def test_environment_proxies_are_ignored(
    receiver: HttpReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, "http://10.9.9.9:3128")
    async with build_client(UrlPolicy(allowlist=LOOPBACK)) as client:
        response = await client.post(receiver.url(), content=b"{}")
    assert response.status_code == 200  # and the guard saw no connection to 10.9.9.9


async def test_tls_uses_the_hostname_for_sni_and_certificate(
    tls_receiver: HttpReceiver, client_tls_context: ssl.SSLContext
) -> None:
    backend = RecordingBackend()
    policy = UrlPolicy(allowlist=LOOPBACK)
    async with build_client(policy, verify=client_tls_context, network_backend=backend) as client:
        response = await client.post(tls_receiver.url(host="localhost"), content=b"{}")
    assert response.status_code == 200
    assert backend.connected == ["127.0.0.1"]  # socket to the checked IP ...
    assert tls_receiver.requests[0].sni == "localhost"  # ... TLS still names the host


async def test_certificate_is_still_verified_against_the_hostname(
    tls_receiver: HttpReceiver, client_tls_context: ssl.SSLContext
) -> None:
    """The certificate is for DNS:localhost only; asking for 127.0.0.1 must fail verification."""
    async with build_client(UrlPolicy(allowlist=LOOPBACK), verify=client_tls_context) as client:
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED|IP address mismatch"):
            await client.post(tls_receiver.url(host="127.0.0.1"), content=b"{}")
    assert tls_receiver.requests == []

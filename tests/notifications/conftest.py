"""Fixtures for notification tests: real local receivers and a guard that keeps traffic on loopback.

The guard is a process audit hook (see ``sys.addaudithook``): while a test of this package runs, any
socket connect/sendto to a non-loopback address, and any DNS lookup of a name other than ``localhost``
or a loopback literal, is blocked *and* recorded; the test then fails. Blocking happens before the
system call, so a refused SSRF case cannot leak a packet even if the code under test were wrong.
"""

from __future__ import annotations

import ipaddress
import shutil
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tessera.notifications.ssrf import UrlPolicy, parse_allowlist
from tests.notifications.receivers import HttpReceiver, SmtpReceiver

_GUARD: dict[str, Any] = {"active": False, "violations": []}


def _is_loopback(host: object) -> bool:
    if not isinstance(host, str):
        return False
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _GUARD["active"]:
        return
    if event in ("socket.connect", "socket.sendto"):
        address = args[1]
        if isinstance(address, tuple) and not _is_loopback(address[0]):
            _GUARD["violations"].append(f"{event} {address!r}")
            raise PermissionError(f"test network guard: {event} to {address!r} blocked")
    elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex"):
        host = args[0]
        if isinstance(host, bytes):
            host = host.decode()
        if host not in (None, "localhost") and not _is_loopback(host):
            _GUARD["violations"].append(f"{event} {host!r}")
            raise PermissionError(f"test network guard: DNS lookup of {host!r} blocked")


sys.addaudithook(_audit)


@pytest.fixture(autouse=True)
def loopback_only() -> Iterator[list[str]]:
    """Fail the test if anything tried to reach beyond 127.0.0.1/::1 (or resolve a real name)."""
    _GUARD["violations"] = []
    _GUARD["active"] = True
    try:
        yield _GUARD["violations"]
    finally:
        _GUARD["active"] = False
    assert _GUARD["violations"] == [], f"non-loopback network access: {_GUARD['violations']}"


@pytest.fixture
def local_policy() -> UrlPolicy:
    """The test policy: defaults, plus 127.0.0.1 allow-listed so the local receiver is reachable."""
    return UrlPolicy(allowlist=parse_allowlist("127.0.0.1/32"))


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate valid only for DNS name ``localhost`` (not for 127.0.0.1)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_receiver(tls_files: tuple[Path, Path]) -> Iterator[HttpReceiver]:
    cert, key = tls_files
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = HttpReceiver(tls=context).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def client_tls_context(tls_files: tuple[Path, Path]) -> ssl.SSLContext:
    """A client context that trusts only the test certificate."""
    return ssl.create_default_context(cafile=str(tls_files[0]))


@pytest.fixture
def smtp_receiver() -> Iterator[SmtpReceiver]:
    server = SmtpReceiver().start()
    try:
        yield server
    finally:
        server.stop()

"""The test network guard itself: proves that a non-loopback connection attempt cannot happen here."""

from __future__ import annotations

import socket

import pytest


def test_guard_blocks_non_loopback_connects_and_lookups(loopback_only: list[str]) -> None:
    with socket.socket() as sock, pytest.raises(PermissionError):
        sock.connect(("10.0.0.1", 80))
    with pytest.raises(PermissionError):
        socket.getaddrinfo("example.com", 80)
    assert loopback_only == ["socket.connect ('10.0.0.1', 80)", "socket.getaddrinfo 'example.com'"]
    loopback_only.clear()  # expected violations; the fixture would otherwise fail this test

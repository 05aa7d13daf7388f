"""Which URLs and addresses Tessera may call: the SSRF policy for webhooks and Slack.

Webhook URLs are chosen by users, so without a policy a user could make the server call its own admin
ports, a database on the private network or a cloud metadata service (``169.254.169.254``). The rules:

* only ``http`` and ``https``; a host must be present; no ``user:password@`` part (a classic way to
  make a URL look like it points somewhere else); ports 1-65535;
* every address a name resolves to is checked, and only checked addresses are ever connected to (see
  :mod:`tessera.notifications.transport`), so a DNS answer that changes between check and connect
  (rebinding) cannot slip through;
* refused: loopback, private (RFC 1918, CGNAT 100.64/10, IPv6 ULA/site-local), link-local (including
  metadata endpoints), multicast, reserved and unspecified addresses, and IPv6 forms embedding such an
  IPv4 address (IPv4-mapped, 6to4, NAT64, Teredo);
* networks in ``allowlist`` are always permitted; ``allow_private=True`` additionally permits private
  ranges (on-premise receivers) but still not loopback, link-local and the rest;
* a name that does not resolve is a refusal, never a pass. Names under ``.invalid`` (RFC 6761) are
  refused without asking DNS;
* hosts are read as the resolver reads them, already when a URL is saved: numeric forms
  (``0xa9fea9fe``, ``167772161``, ``127.1``) are the IPv4 addresses ``inet_aton`` makes of them, and
  ``localhost`` (and names under it) is loopback. Allowlisted networks still pass.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, TypeAlias

from tessera.errors import ValidationFailed
from tessera.notifications.retry import DeliveryErrorKind

if TYPE_CHECKING:  # httpx (and the CLI it imports: click, rich, pygments) loads on first use: start-up time
    import httpx

IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork: TypeAlias = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver: TypeAlias = Callable[[str, int], Awaitable[Sequence[str]]]
"""Resolves ``(host, port)`` to address strings; raises ``socket.gaierror`` when the name fails."""

ALLOWED_SCHEMES = frozenset({"http", "https"})
_HOSTNAME = re.compile(
    r"^(?=.{1,253}\.?$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*\.?$"
)
_FORBIDDEN_CHARS = re.compile(r"[\x00-\x20\x7f\\]")
_SHARED_ADDRESS_SPACE = ipaddress.IPv4Network("100.64.0.0/10")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_VALID_CACHE_SIZE = 4096


class RefusalReason(StrEnum):
    """Why a URL or address was refused (stable codes, stored on delivery rows)."""

    INVALID_URL = "invalid_url"
    SCHEME_NOT_ALLOWED = "scheme_not_allowed"
    USERINFO_NOT_ALLOWED = "userinfo_not_allowed"
    MISSING_HOST = "missing_host"
    ADDRESS_NOT_ALLOWED = "address_not_allowed"
    DNS_FAILURE = "dns_failure"
    DNS_TEMPORARY_FAILURE = "dns_temporary_failure"


_ERROR_KIND = {
    RefusalReason.ADDRESS_NOT_ALLOWED: DeliveryErrorKind.SSRF_REFUSED,
    RefusalReason.DNS_FAILURE: DeliveryErrorKind.DNS_FAILURE,
    RefusalReason.DNS_TEMPORARY_FAILURE: DeliveryErrorKind.DNS_TEMPORARY_FAILURE,
}


class UrlRefused(ValidationFailed):
    """A URL or address the policy refuses; ``reason_code`` says why. Renders as a 422 at the API."""

    code = "url_refused"

    def __init__(self, reason_code: RefusalReason, message: str) -> None:
        super().__init__(message, details={"reason": reason_code.value})
        self.reason_code = reason_code

    @property
    def error_kind(self) -> DeliveryErrorKind:
        """How a delivery that hit this refusal is recorded."""
        return _ERROR_KIND.get(self.reason_code, DeliveryErrorKind.INVALID_URL)


def parse_allowlist(text: str) -> list[IPNetwork]:
    """Networks from a comma-separated list such as ``"127.0.0.1, 10.1.0.0/16, ::1"``."""
    return [ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()]


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address routes to or carries (6to4, NAT64, Teredo)."""
    found: list[ipaddress.IPv4Address] = []
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if ip in _NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _category(ip: IPAddress) -> str | None:
    """The non-public category of one address, or ``None`` when it is an ordinary public address."""
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_multicast:
        return "multicast"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link_local"
    if ip.is_reserved:
        return "reserved"  # before "private": allow_private must not open 240.0.0.0/4 and the like
    if isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED_ADDRESS_SPACE:
        return "private"
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return "private"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "reserved"
    if isinstance(ip, ipaddress.IPv6Address):
        for inner in _embedded_ipv4(ip):
            inner_category = _category(inner)
            if inner_category is not None:
                return f"{inner_category} (embedded in IPv6)"
    return None


def normalise_address(text: str) -> IPAddress:
    """Parse an address; IPv4-mapped IPv6 (``::ffff:a.b.c.d``) becomes the IPv4 address it stands for."""
    ip = ipaddress.ip_address(text)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


async def system_resolver(host: str, port: int) -> Sequence[str]:
    """Resolve with the operating system's resolver via ``loop.getaddrinfo`` (TCP addresses only)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


# A host of numeric labels only (decimal, 0x-hex, 0-octal): the resolver reads it as an IPv4 address
# (inet_aton), e.g. 0xa9fea9fe is 169.254.169.254, 167772161 is 10.0.0.1 and 127.1 is 127.0.0.1.
_NUMERIC_HOST = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}\.?$", re.IGNORECASE)


def _numeric_ipv4(host: str) -> IPAddress:
    """The address the system resolver connects to for a numeric host, as ``inet_aton`` reads it."""
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host.rstrip(".")))
    except OSError:
        raise UrlRefused(RefusalReason.INVALID_URL, f"host {host!r} is not a valid address") from None


_LOOPBACK = ipaddress.IPv4Address("127.0.0.1")


def _is_localhost(host: str) -> bool:
    """``localhost`` and names under it always mean this machine (RFC 6761), whatever DNS says."""
    name = host.rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class UrlPolicy:
    """The SSRF policy; see the module docstring. ``resolver`` is replaceable for tests and custom DNS."""

    allow_private: bool = False
    allowlist: Sequence[IPNetwork] = ()
    resolver: Resolver = field(default=system_resolver, compare=False, repr=False)
    # URLs that passed validate_url (webhook URLs repeat; parsing is a visible share of a delivery's CPU).
    _valid: dict[str, httpx.URL] = field(default_factory=dict, init=False, compare=False, repr=False)

    def refusal(self, ip: IPAddress) -> str | None:
        """Why ``ip`` may not be called (a category name), or ``None`` if it may."""
        if any(ip.version == net.version and ip in net for net in self.allowlist):
            return None
        category = _category(ip)
        if category == "private" and self.allow_private:
            return None
        return category

    def check_address(self, ip: IPAddress) -> None:
        """Raise :class:`UrlRefused` unless ``ip`` may be called."""
        category = self.refusal(ip)
        if category is not None:
            raise UrlRefused(RefusalReason.ADDRESS_NOT_ALLOWED, f"address {ip} is {category} and not allowed")

    def validate_url(self, url: str | httpx.URL) -> httpx.URL:
        """Check a URL's shape (no DNS): scheme, host, no userinfo, port range; IP literals are checked too.

        Returns the parsed URL. Use at subscription time (the error renders as a 422) and before each send.
        """
        text = str(url)
        cached = self._valid.get(text)
        if cached is not None:
            return cached
        parsed = self._validate(text)
        if len(self._valid) >= _VALID_CACHE_SIZE:
            self._valid.clear()
        self._valid[text] = parsed
        return parsed

    def _validate(self, text: str) -> httpx.URL:
        import httpx  # the client's own parser (see the module docstring), loaded with the first URL

        if _FORBIDDEN_CHARS.search(text):
            raise UrlRefused(RefusalReason.INVALID_URL, "URL contains whitespace, control characters or '\\'")
        try:
            parsed = httpx.URL(text)
        except httpx.InvalidURL as exc:
            raise UrlRefused(RefusalReason.INVALID_URL, f"not a valid URL: {exc}") from None
        if parsed.scheme not in ALLOWED_SCHEMES:
            raise UrlRefused(RefusalReason.SCHEME_NOT_ALLOWED, "only http and https URLs are allowed")
        if parsed.userinfo:
            raise UrlRefused(RefusalReason.USERINFO_NOT_ALLOWED, "URLs may not contain 'user:password@'")
        host = parsed.raw_host.decode("ascii")
        if not host:
            raise UrlRefused(RefusalReason.MISSING_HOST, "URL has no host")
        if parsed.port is not None and not 0 < parsed.port < 65536:
            raise UrlRefused(RefusalReason.INVALID_URL, "port must be between 1 and 65535")
        if _is_ip_literal(host):
            self.check_address(normalise_address(host))
        elif _NUMERIC_HOST.match(host):
            self.check_address(_numeric_ipv4(host))
        elif not _HOSTNAME.match(host):
            raise UrlRefused(RefusalReason.INVALID_URL, f"host {host!r} is not a valid hostname")
        elif _is_localhost(host):
            self.check_address(_LOOPBACK)  # refused unless loopback is allowlisted
        return parsed

    async def resolve_and_check(self, host: str, port: int) -> list[IPAddress]:
        """The permitted addresses ``host`` resolves to, in resolver order; refuses if there are none.

        Refused addresses among permitted ones are dropped (never connected to). A name that fails to
        resolve raises ``UrlRefused`` with ``dns_failure`` (or ``dns_temporary_failure`` when the
        resolver could not answer right now).
        """
        if _is_ip_literal(host):
            candidates = [normalise_address(host)]
        else:
            candidates = await self._resolve(host.rstrip("."), port)
        permitted: list[IPAddress] = []
        refusals: list[str] = []
        for ip in candidates:
            category = self.refusal(ip)
            if category is None:
                permitted.append(ip)
            else:
                refusals.append(f"{ip} ({category})")
        if not permitted:
            raise UrlRefused(
                RefusalReason.ADDRESS_NOT_ALLOWED,
                f"{host} resolves only to refused addresses: {', '.join(refusals)}",
            )
        return permitted

    async def check_url(self, url: str | httpx.URL) -> list[IPAddress]:
        """:meth:`validate_url` then :meth:`resolve_and_check` on its host and effective port."""
        parsed = self.validate_url(url)
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        return await self.resolve_and_check(parsed.raw_host.decode("ascii"), port)

    async def _resolve(self, host: str, port: int) -> list[IPAddress]:
        if host == "invalid" or host.endswith(".invalid"):
            raise UrlRefused(RefusalReason.DNS_FAILURE, f"{host} can never resolve (RFC 6761 .invalid)")
        try:
            answers = await self.resolver(host, port)
        except socket.gaierror as exc:
            if exc.errno == socket.EAI_AGAIN:
                raise UrlRefused(
                    RefusalReason.DNS_TEMPORARY_FAILURE, f"DNS lookup for {host} failed for now"
                ) from None
            raise UrlRefused(RefusalReason.DNS_FAILURE, f"{host} does not resolve: {exc.strerror}") from None
        except (UnicodeError, OSError) as exc:
            raise UrlRefused(RefusalReason.DNS_FAILURE, f"{host} could not be resolved: {exc}") from None
        addresses = list(_parse_answers(answers))
        if not addresses:
            raise UrlRefused(RefusalReason.DNS_FAILURE, f"{host} resolves to no usable address")
        return addresses


def _parse_answers(answers: Iterable[str]) -> Iterable[IPAddress]:
    for answer in answers:
        try:
            yield normalise_address(answer)
        except ValueError:
            continue  # e.g. a scoped link-local "fe80::1%eth0" we would refuse anyway

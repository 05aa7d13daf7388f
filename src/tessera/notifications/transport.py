"""An httpx transport that only connects to addresses the SSRF policy has checked.

httpx hands the connection pool (httpcore) a request for ``https://hooks.example.com/x``; the pool asks
its *network backend* to ``connect_tcp("hooks.example.com", 443)`` and afterwards starts TLS with
``server_hostname="hooks.example.com"``. :class:`CheckedNetworkBackend` resolves the name itself, checks
every address with the :class:`~tessera.notifications.ssrf.UrlPolicy`, and opens the socket to a checked
IP. The pool never resolves the name again, so there is no window for DNS rebinding, while the Host
header, TLS SNI and certificate verification still use the hostname.

Proxies from the environment are ignored on purpose: a proxy would connect to whatever the name
resolves to on its side, defeating the check. Build clients with :func:`build_client` (which also turns
off ``trust_env`` on the client, where httpx would otherwise mount proxy transports).
"""

from __future__ import annotations

import asyncio
import functools
import ssl
from collections.abc import Iterable

import httpcore
import httpx

from tessera.notifications.ssrf import RefusalReason, UrlPolicy, UrlRefused

DEFAULT_LIMITS = httpx.Limits(max_connections=200, max_keepalive_connections=100, keepalive_expiry=30.0)


@functools.cache
def _default_ssl_context() -> ssl.SSLContext:
    """One verifying context for all clients (loading the CA bundle costs ~10 ms each time)."""
    return httpx.create_ssl_context(verify=True, trust_env=False)


def _ssl_context(verify: ssl.SSLContext | bool) -> ssl.SSLContext:
    if isinstance(verify, ssl.SSLContext):
        return verify
    return _default_ssl_context() if verify else httpx.create_ssl_context(verify=False, trust_env=False)


class CheckedNetworkBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend: resolve + check with the policy, then connect to a checked address.

    Addresses are tried in resolver order until one accepts the connection. ``inner`` does the actual
    socket work (the default anyio backend); tests may wrap it to record where connections go.
    """

    def __init__(self, policy: UrlPolicy, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._policy = policy
        self._inner = inner if inner is not None else httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Open a TCP connection to a permitted address of ``host``; raises ``UrlRefused`` otherwise."""
        try:
            async with asyncio.timeout(timeout):
                addresses = await self._policy.resolve_and_check(host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from None
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None  # resolve_and_check never returns an empty list
        raise last_error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Unix sockets are never a valid webhook target."""
        raise UrlRefused(RefusalReason.INVALID_URL, "unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        """Delegate to the inner backend (used by httpcore between connection retries)."""
        await self._inner.sleep(seconds)


class SafeAsyncTransport(httpx.AsyncHTTPTransport):
    """``httpx.AsyncHTTPTransport`` whose pool connects through :class:`CheckedNetworkBackend`.

    The URL's shape is validated again for every request (scheme, userinfo), so a client built on this
    transport cannot be pointed at ``file://`` or similar even by mistake.
    """

    def __init__(
        self,
        policy: UrlPolicy,
        *,
        verify: ssl.SSLContext | bool = True,
        limits: httpx.Limits = DEFAULT_LIMITS,
        http2: bool = False,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        # The base class builds a pool we replace at once; verify=False only spares it loading the CA
        # bundle for that discarded pool. Ours below verifies certificates as asked.
        super().__init__(verify=False, trust_env=False, limits=limits, http2=http2)
        self._policy = policy
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=_ssl_context(verify),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=http2,
            network_backend=CheckedNetworkBackend(policy, network_backend),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Validate the URL shape, then send through the checked pool."""
        self._policy.validate_url(request.url)
        return await super().handle_async_request(request)


def build_client(
    policy: UrlPolicy,
    *,
    timeout: float = 10.0,
    limits: httpx.Limits = DEFAULT_LIMITS,
    verify: ssl.SSLContext | bool = True,
    network_backend: httpcore.AsyncNetworkBackend | None = None,
) -> httpx.AsyncClient:
    """A pooled ``AsyncClient`` for outbound notifications: SSRF-safe, no redirects, no env proxies."""
    transport = SafeAsyncTransport(policy, verify=verify, limits=limits, network_backend=network_backend)
    return httpx.AsyncClient(
        transport=transport, timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False
    )

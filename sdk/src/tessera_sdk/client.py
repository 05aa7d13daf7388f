"""``TesseraClient`` (sync) and ``AsyncTesseraClient``: the entry points of the SDK.

Example::

    from tessera_sdk import TesseraClient

    with TesseraClient("https://tessera.example.com", api_key="tsk_...") as client:
        result = client.assets.check_impact(asset_id=asset.id, proposed_schema={"type": "object", ...})
        if not result.safe_to_publish:
            for change in result.breaking_changes:
                print(change.path, change.message)
"""

from __future__ import annotations

import os
from types import TracebackType

import httpx

from tessera_sdk import __version__
from tessera_sdk._base import ClientConfig, RetryPolicy, normalise_base_url
from tessera_sdk._transport import AsyncExecutor, SyncExecutor
from tessera_sdk.resources import (
    ApiKeys,
    Assets,
    AsyncApiKeys,
    AsyncAssets,
    AsyncAudit,
    AsyncContracts,
    AsyncDbt,
    AsyncGraphQl,
    AsyncOpenApi,
    AsyncProposals,
    AsyncQuality,
    AsyncRegistrations,
    AsyncSqlMesh,
    AsyncTeams,
    AsyncUsers,
    AsyncWebhooks,
    Audit,
    Contracts,
    Dbt,
    GraphQl,
    OpenApi,
    Proposals,
    Quality,
    Registrations,
    SqlMesh,
    Teams,
    Users,
    Webhooks,
)

DEFAULT_TIMEOUT = 30.0


def _config(
    base_url: str | None, api_key: str | None, timeout: float, retry: RetryPolicy | None
) -> ClientConfig:
    url = base_url or os.environ.get("TESSERA_URL")
    if not url:
        raise ValueError("base_url is required (or set TESSERA_URL)")
    key = api_key if api_key is not None else os.environ.get("TESSERA_API_KEY")
    return ClientConfig(
        base_url=normalise_base_url(url),
        api_key=key or None,
        timeout=timeout,
        retry=retry or RetryPolicy(),
        user_agent=f"tessera-sdk/{__version__} httpx/{httpx.__version__}",
    )


class TesseraClient:
    """Synchronous client.

    ``base_url`` and ``api_key`` default to ``TESSERA_URL`` and ``TESSERA_API_KEY``. ``transport`` replaces
    the network (e.g. ``httpx.WSGITransport`` or a test transport); ``retry`` tunes retries (idempotent
    calls only). Use it as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._config = _config(base_url, api_key, timeout, retry)
        self._http = httpx.Client(
            base_url=self._config.base_url,
            headers=self._config.headers(),
            timeout=timeout,
            transport=transport,
        )
        executor = SyncExecutor(self._http, self._config.retry)
        self.teams = Teams(executor)
        self.users = Users(executor)
        self.assets = Assets(executor)
        self.contracts = Contracts(executor)
        self.registrations = Registrations(executor)
        self.proposals = Proposals(executor)
        self.dbt = Dbt(executor)
        self.quality = Quality(executor)
        self.openapi = OpenApi(executor)
        self.graphql = GraphQl(executor)
        self.sqlmesh = SqlMesh(executor)
        self.api_keys = ApiKeys(executor)
        self.audit = Audit(executor)
        self.webhooks = Webhooks(executor)

    @property
    def base_url(self) -> str:
        """The server's root URL."""
        return self._config.base_url

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> TesseraClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncTesseraClient:
    """Asynchronous client with the same resources as :class:`TesseraClient`, awaited.

    ``transport`` may be ``httpx.ASGITransport(app)`` to talk to an application in-process.
    """

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._config = _config(base_url, api_key, timeout, retry)
        self._http = httpx.AsyncClient(
            base_url=self._config.base_url,
            headers=self._config.headers(),
            timeout=timeout,
            transport=transport,
        )
        executor = AsyncExecutor(self._http, self._config.retry)
        self.teams = AsyncTeams(executor)
        self.users = AsyncUsers(executor)
        self.assets = AsyncAssets(executor)
        self.contracts = AsyncContracts(executor)
        self.registrations = AsyncRegistrations(executor)
        self.proposals = AsyncProposals(executor)
        self.dbt = AsyncDbt(executor)
        self.quality = AsyncQuality(executor)
        self.openapi = AsyncOpenApi(executor)
        self.graphql = AsyncGraphQl(executor)
        self.sqlmesh = AsyncSqlMesh(executor)
        self.api_keys = AsyncApiKeys(executor)
        self.audit = AsyncAudit(executor)
        self.webhooks = AsyncWebhooks(executor)

    @property
    def base_url(self) -> str:
        """The server's root URL."""
        return self._config.base_url

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def __aenter__(self) -> AsyncTesseraClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

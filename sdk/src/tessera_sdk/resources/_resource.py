"""Base classes of the resource groups (``client.teams``, ``client.assets`` ...)."""

from __future__ import annotations

from tessera_sdk._transport import AsyncExecutor, SyncExecutor

DEFAULT_PAGE_SIZE = 100


class SyncResource:
    """A group of API operations on the sync client."""

    def __init__(self, executor: SyncExecutor) -> None:
        self._x = executor


class AsyncResource:
    """A group of API operations on the async client."""

    def __init__(self, executor: AsyncExecutor) -> None:
        self._x = executor

"""Executing calls: the sync and async send loops (retries, progress) over one shared request layer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TypeVar

import httpx
import pydantic

from tessera_sdk._base import Call, RetryPolicy, build_request, chunks, finish, transport_error
from tessera_sdk.models import Page

T = TypeVar("T")
M = TypeVar("M", bound=pydantic.BaseModel)


def _sync_stream(call: Call[T]) -> Iterator[bytes] | None:
    if call.progress is None or call.content is None:
        return None
    progress, total = call.progress, len(call.content)

    def gen() -> Iterator[bytes]:
        sent = 0
        progress(0, total)
        for chunk in chunks(call.content or b""):
            yield chunk
            sent += len(chunk)
            progress(sent, total)

    return gen()


def _async_stream(call: Call[T]) -> AsyncIterator[bytes] | None:
    if call.progress is None or call.content is None:
        return None
    progress, total = call.progress, len(call.content)

    async def gen() -> AsyncIterator[bytes]:
        sent = 0
        progress(0, total)
        for chunk in chunks(call.content or b""):
            yield chunk
            sent += len(chunk)
            progress(sent, total)

    return gen()


class SyncExecutor:
    """Sends calls over an ``httpx.Client``, retrying as the policy says."""

    def __init__(self, http: httpx.Client, retry: RetryPolicy) -> None:
        self.http = http
        self.retry = retry

    def run(self, call: Call[T]) -> T:
        """Send ``call`` (with retries) and return its parsed answer."""
        attempt = 0
        while True:
            request = build_request(self.http, call, _sync_stream(call))
            try:
                response = self.http.send(request)
            except httpx.TransportError as exc:
                delay = self.retry.delay_after_error(call.is_idempotent, attempt)
                if delay is None:
                    raise transport_error(exc, request) from exc
            else:
                delay = self.retry.delay_after_response(call.is_idempotent, attempt, response)
                if delay is None:
                    return finish(call, response)
                response.close()
            time.sleep(delay)
            attempt += 1

    def paginate(self, make: Callable[[int, int], Call[Page[M]]], page_size: int) -> Iterator[M]:
        """Every item of a list, fetching ``page_size`` at a time."""
        offset = 0
        while True:
            page = self.run(make(page_size, offset))
            yield from page.items
            offset += len(page.items)
            if not page.items or offset >= page.total:
                return


class AsyncExecutor:
    """Sends calls over an ``httpx.AsyncClient``, retrying as the policy says."""

    def __init__(self, http: httpx.AsyncClient, retry: RetryPolicy) -> None:
        self.http = http
        self.retry = retry

    async def run(self, call: Call[T]) -> T:
        """Send ``call`` (with retries) and return its parsed answer."""
        attempt = 0
        while True:
            request = build_request(self.http, call, _async_stream(call))
            try:
                response = await self.http.send(request)
            except httpx.TransportError as exc:
                delay = self.retry.delay_after_error(call.is_idempotent, attempt)
                if delay is None:
                    raise transport_error(exc, request) from exc
            else:
                delay = self.retry.delay_after_response(call.is_idempotent, attempt, response)
                if delay is None:
                    return finish(call, response)
                await response.aclose()
            await asyncio.sleep(delay)
            attempt += 1

    async def paginate(self, make: Callable[[int, int], Call[Page[M]]], page_size: int) -> AsyncIterator[M]:
        """Every item of a list, fetching ``page_size`` at a time."""
        offset = 0
        while True:
            page = await self.run(make(page_size, offset))
            for item in page.items:
                yield item
            offset += len(page.items)
            if not page.items or offset >= page.total:
                return

"""Executing calls: the sync and async send loops (retries, progress) over one shared request layer."""

from __future__ import annotations

import asyncio
import dataclasses
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
        """Every item of a list, fetching ``page_size`` at a time (following the server's cursor)."""
        call, offset = make(page_size, 0), 0
        while True:
            page = self.run(call)
            yield from page.items
            offset += len(page.items)
            if (nxt := next_call(call, page, offset)) is None:
                return
            call = nxt


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
        """Every item of a list, fetching ``page_size`` at a time (following the server's cursor)."""
        call, offset = make(page_size, 0), 0
        while True:
            page = await self.run(call)
            for item in page.items:
                yield item
            offset += len(page.items)
            if (nxt := next_call(call, page, offset)) is None:
                return
            call = nxt


def next_call(call: Call[Page[M]], page: Page[M], offset: int) -> Call[Page[M]] | None:
    """The call for the page after ``page`` (``offset`` items read so far), or ``None`` after the last.

    A cursor when the server gives one (deep pages stay fast); otherwise the next offset, stopping at an
    empty page or at an exact total (an estimated one may be short of the truth).
    """
    if page.next_cursor:
        params = {k: v for k, v in call.params.items() if k != "offset"}
        return dataclasses.replace(call, params={**params, "cursor": page.next_cursor})
    if "cursor" in call.params or not page.items or (offset >= page.total and not page.total_estimated):
        return None
    return dataclasses.replace(call, params={**call.params, "offset": offset})

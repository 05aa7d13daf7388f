"""The request edge's input checks, made once for every route: body size, NUL characters, lone
surrogates and nesting depth.

Each of these classes of input used to reach a different layer and fail there (PostgreSQL refuses NUL in
text, UTF-8 encoding refuses a lone surrogate, JSON serialisation refuses very deep values): checked here,
each is a 413 or a 422 naming the field, whatever the route.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Deeper JSON than this is refused: no request of the API needs it, and pydantic's serialiser gives up
# a little above 250 levels (a schema nested 130 levels deep is 260 JSON levels).
MAX_JSON_DEPTH = 100

Render = Callable[[Request, int, str, str, dict[str, object]], Response]

# A ``\u0000`` escape or a UTF-16 surrogate escape: only then is the body decoded to find the string.
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|d[89a-f][0-9a-f]{2})", re.IGNORECASE)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong with a request: HTTP status, stable code, message and the offending field."""

    status: int
    code: str
    message: str
    field: str | None = None


def string_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored as text (a NUL character, a lone surrogate), or None."""
    if "\x00" in text:
        return "contains a NUL character (\\u0000)"
    if _LONE_SURROGATE.search(text) is not None:
        return "contains a lone UTF-16 surrogate (not valid Unicode text)"
    return None


def query_problem(path: str, query_string: bytes) -> Problem | None:
    """A NUL character in the path or in a query parameter's name or value."""
    if "\x00" in path:
        return Problem(422, "invalid_character", "The URL path contains a NUL character (%00).", "path")
    if not query_string:
        return None
    for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, encoding="utf-8"):
        for text in (name, value):
            why = string_problem(text)
            if why is not None:
                field = "query." + name.replace("\x00", "\\u0000")
                return Problem(422, "invalid_character", f"{field} {why}; remove it.", field)
    return None


def json_depth(body: bytes) -> int:
    """The nesting depth of a JSON document (its strings skipped), computed without decoding it."""
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
        return 0  # cannot be deeper than the limit: skip the scan
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    return max(itertools.accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _bad_strings(value: object, at: str) -> Iterator[tuple[str, str]]:
    stack: list[tuple[str, object]] = [(at, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            why = string_problem(item)
            if why is not None:
                yield where, why
        elif isinstance(item, dict):
            for key, child in item.items():
                why = string_problem(key)
                if why is not None:
                    yield where, f"has a key that {why}"
                stack.append((f"{where}.{key}", child))
        elif isinstance(item, list):
            stack.extend((f"{where}[{i}]", child) for i, child in enumerate(item))


def body_problem(body: bytes) -> Problem | None:
    """A JSON body nested too deep, or with a string holding a NUL character or a lone surrogate."""
    if json_depth(body) > MAX_JSON_DEPTH:
        return Problem(
            422, "too_deep", f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep.", "body"
        )
    if _SUSPECT_ESCAPE.search(body) is None:
        return None
    try:
        value = json.loads(body)
    except ValueError:
        return None  # not JSON: the route's own parsing reports it
    for where, why in _bad_strings(value, "body"):
        return Problem(422, "invalid_character", f"{where} {why}; remove it.", where)
    return None


def too_large(limit: int) -> Problem:
    """The 413 for a body above ``limit`` bytes, naming the limit."""
    return Problem(
        413, "payload_too_large", f"The request body is larger than the limit of {size_text(limit)}."
    )


def size_text(n: int) -> str:
    """A byte limit as people read it: whole MiB when it is one, else the exact byte count."""
    return f"{n // (1024 * 1024)} MiB" if n >= 1024 * 1024 and n % (1024 * 1024) == 0 else f"{n:,} bytes"


def is_upload_path(path: str) -> bool:
    """Routes that take a dbt manifest or another artifact upload (the API's sync endpoints, the data
    quality artifact endpoints, the UI's check page): their limit is ``max_upload_bytes``."""
    return path.startswith(("/api/v1/sync/", "/api/v1/quality/")) or path.endswith("/check/dbt")


class RequestGuardMiddleware:
    """Refuses, before any route runs, bodies above the size limit and text no database can store.

    JSON bodies (up to ``max_body_bytes``) are read here once and handed on; other bodies, and uploads
    (up to ``max_upload_bytes``), are counted while the route reads them.
    """

    def __init__(self, app: ASGIApp, *, render: Render, max_body_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.render = render
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = query_problem(scope["path"], scope.get("query_string", b""))
        if problem is not None:
            await self._reject(scope, receive, send, problem)
            return
        upload = is_upload_path(scope["path"])
        limit = self.max_upload_bytes if upload else self.max_body_bytes
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await self._reject(scope, receive, send, too_large(limit))
            return
        if not upload and headers.get(b"content-type", b"").split(b";")[0].strip().endswith(b"json"):
            body = await _read_body(receive, limit)
            problem = too_large(limit) if body is None else body_problem(body)
            if problem is not None:
                await self._reject(scope, receive, send, problem)
                return
            assert body is not None
            receive = _replay(body, receive)
        else:
            receive = _counting(receive, limit)
        await self.app(scope, receive, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send, problem: Problem) -> None:
        details: dict[str, object] = {"field": problem.field} if problem.field else {}
        response = self.render(
            Request(scope, receive), problem.status, problem.code, problem.message, details
        )
        await response(scope, receive, send)


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as it exceeds ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # a disconnect, once the route waits for one
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _counting(receive: Receive, limit: int) -> Receive:
    size = 0

    async def counting() -> Message:
        nonlocal size
        message = await receive()
        if message["type"] == "http.request":
            size += len(message.get("body", b""))
            if size > limit:
                # Raised inside the route's body read: the app's handler renders it as the 413.
                raise HTTPException(413, too_large(limit).message)
        return message

    return counting

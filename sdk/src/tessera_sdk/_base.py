"""The request/response layer shared by the sync and the async client.

A resource method describes its request as a :class:`Call` (method, path, query, body and how to read the
answer). Both clients execute calls with the same helpers from this module: building the ``httpx.Request``,
deciding whether and when to retry, mapping error answers to exceptions and parsing success bodies into
models. Only the sending itself (and sleeping between attempts) differs between sync and async.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeAlias, TypeVar

import httpx
import pydantic

from tessera_sdk.errors import APIError, Timeout, TransportError, UnexpectedResponse, error_for_response
from tessera_sdk.models import Page

T = TypeVar("T")
M = TypeVar("M", bound=pydantic.BaseModel)

API_PREFIX = "/api/v1"
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
UPLOAD_CHUNK = 64 * 1024

Id: TypeAlias = str | uuid.UUID
IdList: TypeAlias = list[uuid.UUID]
StrList: TypeAlias = list[str]
QueryScalar: TypeAlias = str | int | float | bool | uuid.UUID | datetime | None
QueryValue: TypeAlias = QueryScalar | Sequence[str]
ProgressCallback: TypeAlias = Callable[[int, int], None]
"""Called as ``progress(bytes_sent, total_bytes)`` while a body is uploaded."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When to retry: 429 and 5xx answers and transport failures, for idempotent calls only.

    The wait before attempt ``n`` (1-based) is ``backoff * 2**(n-1)`` with jitter, capped at ``max_backoff``;
    a 429's ``Retry-After`` is honoured instead when present. A ``Retry-After`` longer than
    ``max_retry_after`` is not waited for: :class:`~tessera_sdk.errors.RateLimited` is raised at once.
    """

    max_retries: int = 2
    backoff: float = 0.5
    max_backoff: float = 8.0
    max_retry_after: float = 60.0
    jitter: float = 0.1

    def backoff_delay(self, attempt: int) -> float:
        """The wait after failed attempt number ``attempt`` (0-based), jittered by up to ``jitter``."""
        base: float = min(self.max_backoff, self.backoff * (2.0**attempt))
        return base * (1.0 + random.uniform(0.0, self.jitter))  # noqa: S311 - jitter, not security

    def delay_after_response(self, idempotent: bool, attempt: int, response: httpx.Response) -> float | None:
        """Seconds to wait before retrying after ``response``, or ``None`` to stop here."""
        if response.status_code not in RETRY_STATUSES or not idempotent or attempt >= self.max_retries:
            return None
        if response.status_code == 429:
            error = error_for_response(response)
            retry_after = getattr(error, "retry_after", None)
            if retry_after is not None:
                return None if retry_after > self.max_retry_after else float(retry_after)
        return self.backoff_delay(attempt)

    def delay_after_error(self, idempotent: bool, attempt: int) -> float | None:
        """Seconds to wait before retrying after a transport failure, or ``None`` to give up."""
        if not idempotent or attempt >= self.max_retries:
            return None
        return self.backoff_delay(attempt)


@dataclass(frozen=True, slots=True)
class Call(Generic[T]):
    """One API request and how to read its answer.

    ``path`` is relative to ``/api/v1``. ``idempotent`` overrides the method's default (a POST that writes
    nothing, such as an impact check, may be retried).
    """

    method: str
    path: str
    parse: Callable[[httpx.Response], T]
    params: Mapping[str, QueryValue] = field(default_factory=dict)
    json: object = None
    content: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    idempotent: bool | None = None
    progress: ProgressCallback | None = None
    timeout: float | None = None

    @property
    def is_idempotent(self) -> bool:
        """Whether repeating the call cannot change the outcome."""
        return self.idempotent if self.idempotent is not None else self.method.upper() in IDEMPOTENT_METHODS


def _query_value(value: QueryScalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def query_params(params: Mapping[str, QueryValue]) -> list[tuple[str, str | int | float | bool | None]]:
    """Query parameters as pairs, dropping ``None`` and expanding lists."""
    pairs: list[tuple[str, str | int | float | bool | None]] = []
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            pairs.extend((name, str(v)) for v in value)
        else:
            pairs.append((name, _query_value(value)))  # type: ignore[arg-type]
    return pairs


def build_request(
    http: httpx.Client | httpx.AsyncClient, call: Call[T], stream: object | None = None
) -> httpx.Request:
    """The ``httpx.Request`` for ``call``; ``stream`` replaces ``content`` for uploads with progress."""
    headers = dict(call.headers)
    kwargs: dict[str, object] = {}
    if stream is not None and call.content is not None:
        headers["Content-Length"] = str(len(call.content))
        kwargs["content"] = stream
    elif call.content is not None:
        kwargs["content"] = call.content
    elif call.json is not None:
        kwargs["json"] = call.json
    if call.timeout is not None:
        kwargs["timeout"] = call.timeout
    return http.build_request(
        call.method,
        API_PREFIX + call.path,
        params=query_params(call.params),
        headers=headers,
        **kwargs,  # type: ignore[arg-type]
    )


def chunks(content: bytes) -> list[bytes]:
    """The upload body split into chunks, so progress can be reported as they go out."""
    return [content[i : i + UPLOAD_CHUNK] for i in range(0, len(content), UPLOAD_CHUNK)] or [b""]


def transport_error(exc: httpx.TransportError, request: httpx.Request) -> TransportError:
    """Our exception for an httpx transport failure, naming the server."""
    where = f"{request.url.scheme}://{request.url.host}" + (
        f":{request.url.port}" if request.url.port else ""
    )
    if isinstance(exc, httpx.TimeoutException):
        return Timeout(f"Tessera at {where} did not answer in time ({type(exc).__name__}).")
    reason = str(exc) or type(exc).__name__
    return TransportError(f"Cannot reach Tessera at {where}: {reason}")


def finish(call: Call[T], response: httpx.Response) -> T:
    """Raise the mapped error for an error answer, else parse the body as the call says."""
    if response.status_code >= 400:
        raise error_for_response(response)
    return call.parse(response)


# --- parsers -----------------------------------------------------------------------------------------


def parse_model(model: type[M]) -> Callable[[httpx.Response], M]:
    """A parser reading the body as ``model``."""

    def parse(response: httpx.Response) -> M:
        try:
            return model.model_validate_json(response.content)
        except pydantic.ValidationError as exc:
            raise UnexpectedResponse(
                f"Unexpected answer from {response.request.method} {response.request.url.path} "
                f"(HTTP {response.status_code}): {exc.errors()[0].get('msg', 'invalid')}",
                status=response.status_code,
            ) from exc

    return parse


def parse_page(model: type[M]) -> Callable[[httpx.Response], Page[M]]:
    """A parser reading a list page of ``model`` items."""
    return parse_model(Page[model])  # type: ignore[valid-type]


def parse_none(response: httpx.Response) -> None:
    """A parser for answers without a body (204)."""
    return


def parse_id_list(response: httpx.Response) -> list[uuid.UUID]:
    """A parser for a JSON array of ids."""
    try:
        return [uuid.UUID(str(v)) for v in response.json()]
    except (ValueError, TypeError) as exc:
        raise UnexpectedResponse(f"Expected a list of ids: {exc}", status=response.status_code) from exc


# --- call constructors -------------------------------------------------------------------------------


def get(path: str, model: type[M], params: Mapping[str, QueryValue] | None = None) -> Call[M]:
    """A GET returning one ``model``."""
    return Call("GET", path, parse_model(model), params=dict(params or {}))


def get_page(
    path: str, model: type[M], params: Mapping[str, QueryValue] | None, limit: int, offset: int
) -> Call[Page[M]]:
    """A GET of one list page."""
    return Call("GET", path, parse_page(model), params={**(params or {}), "limit": limit, "offset": offset})


def send_json(method: str, path: str, model: type[M], body: object, **kw: object) -> Call[M]:
    """A request with a JSON body returning one ``model``."""
    return Call(method, path, parse_model(model), json=body, **kw)  # type: ignore[arg-type]


def without_none(**fields: object) -> dict[str, object]:
    """A JSON body without the fields left unset (``None``); ids and datetimes as strings."""
    body: dict[str, object] = {}
    for name, value in fields.items():
        if value is None:
            continue
        if isinstance(value, uuid.UUID):
            value = str(value)
        elif isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, list | tuple):
            value = [str(v) if isinstance(v, uuid.UUID) else v for v in value]
        body[name] = value
    return body


def path_id(value: Id) -> str:
    """An id for a URL path; a malformed id is refused before any request."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise ValueError(f"not a valid id: {value!r} (expected a UUID)") from None


@dataclass(frozen=True, slots=True)
class ClientConfig:
    """What both clients need to build their ``httpx`` client."""

    base_url: str
    api_key: str | None
    timeout: float
    retry: RetryPolicy
    user_agent: str

    def headers(self) -> dict[str, str]:
        """Default headers of every request."""
        headers = {"User-Agent": self.user_agent, "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers


def normalise_base_url(base_url: str) -> str:
    """The server's root URL; a trailing ``/api/v1`` (a common slip) is accepted and dropped."""
    url = base_url.strip().rstrip("/")
    if url.endswith(API_PREFIX):
        url = url[: -len(API_PREFIX)]
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"base_url must start with http:// or https://, got {base_url!r}")
    return url


__all__ = [
    "APIError",
    "Call",
    "ClientConfig",
    "Id",
    "ProgressCallback",
    "RetryPolicy",
    "build_request",
    "finish",
]

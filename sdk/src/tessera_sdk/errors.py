"""Exceptions raised by the Tessera SDK.

Every error the SDK raises derives from :class:`TesseraError`::

    TesseraError
    ├── APIError                  the server answered with an error (status, code, message, request_id)
    │   ├── BadRequest            400 (and other 4xx without a dedicated class)
    │   │   └── PayloadTooLarge   413
    │   ├── AuthenticationError   401: no key, an unknown, expired or revoked key
    │   ├── PermissionDenied      403: the key lacks the scope or the team is not allowed
    │   ├── NotFound              404
    │   ├── Conflict              409: e.g. a proposal is already open, a name is taken
    │   ├── PreconditionFailed    412
    │   ├── ValidationError       422: a field's value is not acceptable
    │   ├── RateLimited           429: ``retry_after`` seconds to wait
    │   └── ServerError           5xx
    ├── TransportError            no answer: connection refused, DNS failure, timeout
    │   └── Timeout
    └── UnexpectedResponse        an answer the SDK cannot read (not JSON, wrong shape)

``APIError.code`` is the server's stable machine-readable code (``asset_not_found``,
``insufficient_scope``, ``proposal_open`` ...): branch on it rather than on the message.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

__all__ = [
    "APIError",
    "AuthenticationError",
    "BadRequest",
    "Conflict",
    "NotFound",
    "PayloadTooLarge",
    "PermissionDenied",
    "PreconditionFailed",
    "RateLimited",
    "ServerError",
    "TesseraError",
    "Timeout",
    "TransportError",
    "UnexpectedResponse",
    "ValidationError",
    "error_for_response",
]


class TesseraError(Exception):
    """Root of every exception the SDK raises."""


class APIError(TesseraError):
    """The server answered with an error status and an error body."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: Mapping[str, object] | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(f"{message} ({code}, HTTP {status})")
        self.status = status
        self.code = code
        self.message = message
        self.details: Mapping[str, object] = details or {}
        self.request_id = request_id


class BadRequest(APIError):
    """400: the request asks for something invalid."""


class PayloadTooLarge(BadRequest):
    """413: the body (e.g. a manifest) is larger than the server accepts."""


class AuthenticationError(APIError):
    """401: missing, unknown, expired or revoked API key."""


class PermissionDenied(APIError):
    """403: the key is valid but not allowed to do this."""


class NotFound(APIError):
    """404: the resource does not exist (or was deleted)."""


class Conflict(APIError):
    """409: the request conflicts with the current state."""


class PreconditionFailed(APIError):
    """412: a precondition of the operation does not hold."""


class ValidationError(APIError):
    """422: a value in the request is not acceptable; ``details["errors"]`` lists the fields."""


class RateLimited(APIError):
    """429: too many requests; wait ``retry_after`` seconds (``None`` when the server did not say)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: Mapping[str, object] | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(status, code, message, details=details, request_id=request_id)
        self.retry_after = retry_after


class ServerError(APIError):
    """5xx: the server failed; idempotent calls were already retried."""


class TransportError(TesseraError):
    """The server could not be reached or did not answer (connection refused, DNS, reset)."""


class Timeout(TransportError):
    """The server did not answer within the client's timeout."""


class UnexpectedResponse(TesseraError):
    """The answer could not be read: not JSON, or not the shape this SDK version expects."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequest,
    401: AuthenticationError,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    412: PreconditionFailed,
    413: PayloadTooLarge,
    422: ValidationError,
}


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds form; HTTP dates are ignored)."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(0.0, seconds)


def error_for_response(response: httpx.Response) -> APIError:
    """The exception for an error response, read from the ``{"error": {...}}`` body when there is one."""
    status = response.status_code
    code, message, details, request_id = (
        f"http_{status}",
        response.reason_phrase or f"HTTP {status}",
        {},
        None,
    )
    try:
        body = response.json()
    except ValueError:
        body = None
        text = response.text.strip()
        if text:
            message = f"{message}: {text[:200]}"
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        err = body["error"]
        code = str(err.get("code") or code)
        message = str(err.get("message") or message)
        raw_details = err.get("details")
        details = raw_details if isinstance(raw_details, dict) else {}
        request_id = err.get("request_id") if isinstance(err.get("request_id"), str) else None
    request_id = request_id or response.headers.get("x-request-id")
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        if retry_after is None and isinstance(details.get("retry_after"), int | float):
            retry_after = float(details["retry_after"])
        return RateLimited(
            status, code, message, details=details, request_id=request_id, retry_after=retry_after
        )
    if status >= 500:
        cls: type[APIError] = ServerError
    else:
        cls = _BY_STATUS.get(status, BadRequest if 400 <= status < 500 else APIError)
    return cls(status, code, message, details=details, request_id=request_id)

"""One exception tree for every error a client can see.

Each subclass carries a stable machine-readable ``code`` and an HTTP status; one handler in ``app.py``
renders all of them (and FastAPI's own validation and routing errors) in the same JSON shape::

    {"error": {"code": "asset_not_found", "message": "...", "details": {...}, "request_id": "..."}}
"""

from __future__ import annotations

from collections.abc import Mapping

JsonDetails = Mapping[str, object]


class TesseraError(Exception):
    """Root of every error Tessera reports to a client."""

    status_code = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        details: JsonDetails | None = None,
        code: str | None = None,
        commit: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details: JsonDetails = details or {}
        # Most errors roll the request's transaction back; ``commit`` keeps what the request found out on
        # the way (a proposal discovered to be expired or stale is recorded even though the request fails).
        self.commit = commit
        if code is not None:
            self.code = code


class BadRequest(TesseraError):
    """The request is well-formed but asks for something invalid."""


class ValidationFailed(TesseraError):
    """A field's value is not acceptable."""

    status_code = 422
    code = "validation_error"


class Unauthenticated(TesseraError):
    """No valid credentials were sent."""

    status_code = 401
    code = "unauthenticated"


class Forbidden(TesseraError):
    """The credentials are valid but not allowed to do this."""

    status_code = 403
    code = "forbidden"


class NotFound(TesseraError):
    """The addressed resource does not exist (or is deleted)."""

    status_code = 404
    code = "not_found"


class Conflict(TesseraError):
    """The request conflicts with the current state."""

    status_code = 409
    code = "conflict"


class PreconditionFailed(TesseraError):
    """A stated precondition of the operation does not hold."""

    status_code = 412
    code = "precondition_failed"


class PayloadTooLarge(TesseraError):
    """The request body is larger than allowed."""

    status_code = 413
    code = "payload_too_large"


class RateLimited(TesseraError):
    """Too many requests for this key; retry after ``retry_after`` seconds."""

    status_code = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Rate limit exceeded; retry after {retry_after} s.", details={"retry_after": retry_after}
        )
        self.retry_after = retry_after


class ServiceUnavailable(TesseraError):
    """A dependency (database, cache) is not reachable."""

    status_code = 503
    code = "service_unavailable"


def not_found(kind: str, ident: object) -> NotFound:
    """A ``<kind>_not_found`` error naming what was looked up."""
    return NotFound(f"No {kind.replace('_', ' ')} with id {ident}.", code=f"{kind}_not_found")

"""The core's exception tree: one root, one subclass per kind of bad input.

Each error carries a stable machine-readable ``code`` and the HTTP status an API should answer with, so
the application's single error handler can render it without knowing the core's internals.
"""

from __future__ import annotations

_MAX_SHOWN = 160  # longest location shown in a message; very deep paths are cut in the middle


class CoreError(Exception):
    """Root of every error the domain core raises on purpose."""

    code: str = "core_error"
    http_status: int = 422

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidSchemaError(CoreError):
    """A value is not a usable JSON Schema; ``pointer`` names the place (JSON pointer, "" = root)."""

    code = "invalid_schema"

    def __init__(self, message: str, pointer: object | None = None) -> None:
        # ``pointer`` is a JSON pointer text, or a lazy location (with ``label`` and ``path``) that is
        # rendered only when an error is actually raised, so hot paths can pass it for free.
        label = getattr(pointer, "label", None)
        path = getattr(pointer, "path", None)
        location = None if pointer is None else str(path if path is not None else pointer)
        if location is not None and len(location) > _MAX_SHOWN:
            location = location[: _MAX_SHOWN // 2] + " ... " + location[-_MAX_SHOWN // 2 :]
        text = message if location is None else f"at {location or '/'}: {message}"
        super().__init__(f"{label}: {text}" if label else text)
        self.pointer = location
        self.document = label
        self.reason = message


class InvalidGuaranteesError(CoreError):
    """A guarantees document does not follow the guarantees format."""

    code = "invalid_guarantees"


class InvalidVersionError(CoreError):
    """A version string is not semantic versioning, or is not acceptable for the change."""

    code = "invalid_version"


__all__ = ["CoreError", "InvalidGuaranteesError", "InvalidSchemaError", "InvalidVersionError"]

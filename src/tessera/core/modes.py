"""Enumerations shared by the whole core: compatibility modes, guarantee modes, version bumps."""

from __future__ import annotations

from enum import StrEnum


class CompatibilityMode(StrEnum):
    """What a table's readers are promised when its schema changes (see docs/compatibility.md)."""

    BACKWARD = "backward"
    FORWARD = "forward"
    FULL = "full"
    NONE = "none"
    BACKWARD_TRANSITIVE = "backward_transitive"
    FORWARD_TRANSITIVE = "forward_transitive"
    FULL_TRANSITIVE = "full_transitive"

    @property
    def is_transitive(self) -> bool:
        """True when the new schema is checked against every earlier version, not only the latest."""
        return self.value.endswith("_transitive")

    @property
    def base(self) -> CompatibilityMode:
        """The non-transitive mode whose per-change verdicts this mode uses."""
        return CompatibilityMode(self.value.removesuffix("_transitive"))


class GuaranteeMode(StrEnum):
    """How risky guarantee changes (a test removed or relaxed) are treated for an asset."""

    STRICT = "strict"
    NOTIFY = "notify"
    IGNORE = "ignore"


class Bump(StrEnum):
    """Which part of a semantic version a change calls for."""

    MAJOR = "major"
    MINOR = "minor"
    PATCH = "patch"
    NONE = "none"

    @property
    def rank(self) -> int:
        """Order of severity: none < patch < minor < major."""
        return _BUMP_RANK[self]

    @staticmethod
    def highest(bumps: list[Bump] | tuple[Bump, ...]) -> Bump:
        """The most severe of ``bumps`` (``NONE`` for an empty sequence)."""
        return max(bumps, key=lambda b: b.rank, default=Bump.NONE)


_BUMP_RANK = {Bump.NONE: 0, Bump.PATCH: 1, Bump.MINOR: 2, Bump.MAJOR: 3}

__all__ = ["Bump", "CompatibilityMode", "GuaranteeMode"]

"""Semantic versions (https://semver.org): parsing, precedence, the next version, and validation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tessera.core.errors import InvalidVersionError
from tessera.core.modes import Bump

_NUMBER = r"0|[1-9][0-9]*"
_IDENTIFIER = r"[0-9A-Za-z-]+"
_VERSION = re.compile(
    rf"^(?P<major>{_NUMBER})\.(?P<minor>{_NUMBER})\.(?P<patch>{_NUMBER})"
    rf"(?:-(?P<pre>{_IDENTIFIER}(?:\.{_IDENTIFIER})*))?"
    rf"(?:\+(?P<build>{_IDENTIFIER}(?:\.{_IDENTIFIER})*))?$"
)
_HELP = "expected MAJOR.MINOR.PATCH with an optional pre-release, e.g. 1.4.0 or 2.0.0-rc.1"


@dataclass(frozen=True, slots=True, order=False)
class Version:
    """A parsed semantic version. Compare with ``<``/``>``: precedence ignores build metadata."""

    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()
    build: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_prerelease(self) -> bool:
        """True for versions such as ``2.0.0-rc.1``."""
        return bool(self.prerelease)

    @property
    def core(self) -> tuple[int, int, int]:
        """(major, minor, patch)."""
        return (self.major, self.minor, self.patch)

    def _key(self) -> tuple[int, int, int, int, tuple[tuple[int, int, str], ...]]:
        # A release sorts after its pre-releases; numeric identifiers sort before alphanumeric ones.
        ids = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.prerelease)
        return (*self.core, 0 if self.prerelease else 1, ids)

    def __lt__(self, other: Version) -> bool:
        return self._key() < other._key()

    def __le__(self, other: Version) -> bool:
        return self._key() <= other._key()

    def __gt__(self, other: Version) -> bool:
        return self._key() > other._key()

    def __ge__(self, other: Version) -> bool:
        return self._key() >= other._key()

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += "-" + ".".join(self.prerelease)
        if self.build:
            text += "+" + ".".join(self.build)
        return text

    def next(self, bump: Bump) -> Version:
        """The smallest release that makes a ``bump`` from this version.

        From a pre-release, the release it leads to already counts: ``2.0.0-rc.1`` plus a major bump is
        ``2.0.0``. ``Bump.NONE`` gives the next patch release.
        """
        bump = Bump(bump)
        if self.prerelease:
            if bump is Bump.MAJOR and (self.minor, self.patch) != (0, 0):
                return Version(self.major + 1, 0, 0)
            if bump is Bump.MINOR and self.patch != 0:
                return Version(self.major, self.minor + 1, 0)
            if bump is Bump.MAJOR:
                return Version(self.major, 0, 0)
            if bump is Bump.MINOR:
                return Version(self.major, self.minor, 0)
            return Version(*self.core)
        if bump is Bump.MAJOR:
            return Version(self.major + 1, 0, 0)
        if bump is Bump.MINOR:
            return Version(self.major, self.minor + 1, 0)
        return Version(self.major, self.minor, self.patch + 1)


def parse_version(text: str) -> Version:
    """Parse a semantic version; raises InvalidVersionError saying what is expected."""
    if not isinstance(text, str):
        raise InvalidVersionError(f"a version must be a string, got {type(text).__name__}")
    match = _VERSION.match(text.strip())
    if match is None:
        raise InvalidVersionError(f"{text!r} is not a semantic version: {_HELP}")
    prerelease = tuple(match["pre"].split(".")) if match["pre"] else ()
    for identifier in prerelease:
        if identifier.isdigit() and len(identifier) > 1 and identifier.startswith("0"):
            raise InvalidVersionError(f"{text!r}: numeric pre-release identifiers must not start with 0")
    build = tuple(match["build"].split(".")) if match["build"] else ()
    return Version(int(match["major"]), int(match["minor"]), int(match["patch"]), prerelease, build)


def suggest_version(current: str | None, bump: Bump | str) -> str:
    """The next version for a change calling for ``bump``: ``1.0.0`` for the first version.

    ``Bump.NONE`` (nothing changed) still suggests the next patch, since publishing needs a new version.
    """
    if current is None:
        return "1.0.0"
    return str(parse_version(current).next(Bump(bump)))


def validate_version(current: str | None, proposed: str, required: Bump | str) -> None:
    """Check a version a person chose for a change that calls for ``required``.

    ``proposed`` must be a semantic version greater than ``current`` that makes at least the required
    bump; a pre-release of the required version (``2.0.0-rc.1`` for a major bump from 1.4.2) is fine.
    Raises InvalidVersionError saying which versions would be accepted.
    """
    candidate = parse_version(proposed)
    if current is None:
        return
    base = parse_version(current)
    required = Bump(required)
    if candidate <= base:
        raise InvalidVersionError(
            f"version {proposed} is not greater than the current version {current}; "
            f"use {base.next(required)} or later"
        )
    target = base.next(required)
    if required is not Bump.NONE and candidate.core < target.core:
        raise InvalidVersionError(
            f"this change needs a {required.value} version bump from {current}: use {target} or later "
            f"(a pre-release such as {target}-rc.1 is fine), not {proposed}"
        )


__all__ = ["Version", "parse_version", "suggest_version", "validate_version"]

"""Semantic versions: precedence, the next version, validation of a chosen version."""

from __future__ import annotations

import pytest

from tessera.core import Bump, InvalidVersionError, parse_version, suggest_version, validate_version


def test_precedence_follows_semver() -> None:
    ordered = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "1.0.1",
        "1.1.0",
        "2.0.0",
    ]
    shuffled = ordered[5:] + ordered[:5]
    assert sorted(shuffled, key=parse_version) == ordered
    assert parse_version("1.0.0+build.1") == parse_version("1.0.0+other")
    assert str(parse_version("2.0.0-rc.1+b5")) == "2.0.0-rc.1+b5"


@pytest.mark.parametrize(
    "text", ["1", "1.0", "01.0.0", "1.0.0-", "1.0.0-01", "v1.0.0", "1.0.0+", "", "1.0.0-a..b"]
)
def test_invalid_versions(text: str) -> None:
    with pytest.raises(InvalidVersionError, match="semantic version|must not start with 0"):
        parse_version(text)


@pytest.mark.parametrize(
    ("current", "bump", "expected"),
    [
        (None, Bump.MAJOR, "1.0.0"),
        (None, Bump.NONE, "1.0.0"),
        ("1.2.3", Bump.MAJOR, "2.0.0"),
        ("1.2.3", Bump.MINOR, "1.3.0"),
        ("1.2.3", Bump.PATCH, "1.2.4"),
        ("1.2.3", Bump.NONE, "1.2.4"),
        ("2.0.0-rc.1", Bump.MAJOR, "2.0.0"),
        ("2.1.0-rc.1", Bump.MAJOR, "3.0.0"),
        ("1.3.0-beta", Bump.MINOR, "1.3.0"),
        ("1.3.1-beta", Bump.MINOR, "1.4.0"),
        ("1.3.1-beta", Bump.PATCH, "1.3.1"),
    ],
)
def test_suggest_version(current: str | None, bump: Bump, expected: str) -> None:
    assert suggest_version(current, bump) == expected


@pytest.mark.parametrize(
    ("current", "proposed", "required"),
    [
        (None, "0.1.0", Bump.MAJOR),
        ("1.2.3", "2.0.0", Bump.MAJOR),
        ("1.2.3", "2.0.0-rc.1", Bump.MAJOR),
        ("1.2.3", "3.0.0", Bump.MAJOR),
        ("1.2.3", "1.3.0", Bump.MINOR),
        ("1.2.3", "2.0.0", Bump.MINOR),
        ("1.2.3", "1.2.4", Bump.PATCH),
        ("1.2.3", "1.2.4-rc.1", Bump.PATCH),
        ("1.2.3", "1.2.4", Bump.NONE),
        ("2.0.0-rc.1", "2.0.0-rc.2", Bump.MAJOR),
        ("2.0.0-rc.1", "2.0.0", Bump.MAJOR),
    ],
)
def test_acceptable_versions(current: str | None, proposed: str, required: Bump) -> None:
    validate_version(current, proposed, required)


@pytest.mark.parametrize(
    ("current", "proposed", "required", "fragment"),
    [
        ("1.2.3", "1.9.0", Bump.MAJOR, "use 2.0.0 or later"),
        ("1.2.3", "1.2.9", Bump.MINOR, "use 1.3.0 or later"),
        ("1.2.3", "1.2.3", Bump.PATCH, "not greater than the current version"),
        ("1.2.3", "1.2.3-rc.1", Bump.NONE, "not greater"),
        ("1.2.3", "1.0.0", Bump.MAJOR, "not greater"),
        ("2.0.0-rc.2", "2.0.0-rc.1", Bump.MAJOR, "not greater"),
        ("1.2.3", "two", Bump.MAJOR, "not a semantic version"),
    ],
)
def test_rejected_versions_say_what_is_acceptable(
    current: str, proposed: str, required: Bump, fragment: str
) -> None:
    with pytest.raises(InvalidVersionError, match=fragment) as info:
        validate_version(current, proposed, required)
    assert info.value.code == "invalid_version"

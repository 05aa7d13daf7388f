"""Durations in every accepted spelling, normalised to seconds."""

from __future__ import annotations

import pytest

from tessera.core.durations import duration_seconds


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (0, 0),
        (90, 90),
        (1.5, 1.5),
        ("45", 45),
        ("30s", 30),
        ("30m", 1800),
        ("30 minutes", 1800),
        ("12h", 43200),
        ("12 HOURS", 43200),
        ("1d", 86400),
        ("2 days", 172800),
        ("1w", 604800),
        ("1.5h", 5400),
        ("PT12H", 43200),
        ("pt30m", 1800),
        ("P1D", 86400),
        ("P1DT6H", 108000),
        ("PT1H30M15S", 5415),
        ("P2W", 1209600),
        ({"count": 12, "period": "hour"}, 43200),
        ({"count": 1, "period": "day"}, 86400),
        ({"count": 5, "period": "minute"}, 300),
    ],
)
def test_spellings(value: object, seconds: float) -> None:
    assert duration_seconds(value) == seconds


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (True, "boolean"),
        (-1, "non-negative"),
        (float("inf"), "finite"),
        ("3 fortnights", "unknown unit"),
        ("P1M", "cannot read"),
        ("P1Y", "cannot read"),
        ("P", "cannot read"),
        ("PT", "cannot read"),
        ("soon", "cannot read"),
        ({"count": 1, "period": "month"}, "period"),
        ({"count": "1", "period": "day"}, "count"),
        ({"count": 1, "period": "day", "extra": 1}, "only"),
        ([1], "unsupported"),
    ],
)
def test_rejected(value: object, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        duration_seconds(value)

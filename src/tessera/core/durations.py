"""Durations in the spellings data teams use, normalised to seconds.

Accepted: numbers (seconds), ``"30m"``, ``"12h"``, ``"1d"``, ``"2 days"``, ``"90 seconds"``, ISO-8601
``"PT12H"`` / ``"P1DT6H"`` / ``"P2W"``, and dbt's ``{"count": 12, "period": "hour"}``. Months and years
are rejected: their length in seconds is not fixed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

_UNIT_SECONDS = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600),
    **dict.fromkeys(("d", "day", "days"), 86400),
    **dict.fromkeys(("w", "week", "weeks"), 604800),
}
_TEXT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")
_NUMBER = r"(\d+(?:\.\d+)?)"
_ISO = re.compile(
    rf"^P(?:{_NUMBER}W)?(?:{_NUMBER}D)?(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?$",
    re.IGNORECASE,
)
_ISO_FACTORS = (604800, 86400, 3600, 60, 1)


def duration_seconds(value: object) -> float:
    """The length of ``value`` in seconds; raises ValueError naming what is wrong."""
    if isinstance(value, bool):
        raise ValueError("a duration cannot be a boolean")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        seconds = _parse_text(value)
    elif isinstance(value, Mapping):
        seconds = _parse_dbt(value)
    else:
        raise ValueError(f"unsupported duration {value!r}")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"a duration must be a finite, non-negative length, got {value!r}")
    return seconds


def _parse_text(text: str) -> float:
    match = _TEXT.match(text)
    if match:
        number, unit = match.groups()
        factor = _UNIT_SECONDS.get(unit.lower()) if unit else 1
        if factor is None:
            raise ValueError(f"unknown unit {unit!r} in duration {text!r} (use s, m, h, d or w)")
        return float(number) * factor
    iso = _ISO.match(text.strip())
    if iso and text.strip().upper() not in ("P", "PT") and not text.strip().upper().endswith("T"):
        return sum(
            float(part) * factor for part, factor in zip(iso.groups(), _ISO_FACTORS, strict=True) if part
        )
    raise ValueError(
        f"cannot read duration {text!r}: use e.g. '30m', '12h', '1d', '2 days' or ISO-8601 'PT12H'"
    )


def _parse_dbt(value: Mapping[object, object]) -> float:
    count, period = value.get("count"), value.get("period")
    if set(value) - {"count", "period"}:
        raise ValueError(f"a dbt-style duration has only 'count' and 'period', got {sorted(map(str, value))}")
    if isinstance(count, bool) or not isinstance(count, int | float):
        raise ValueError(f"a dbt-style duration needs a numeric 'count', got {count!r}")
    if not isinstance(period, str) or period.lower() not in _UNIT_SECONDS or len(period) < 3:
        raise ValueError(f"a dbt-style duration needs 'period' minute, hour or day, got {period!r}")
    return float(count) * _UNIT_SECONDS[period.lower()]


__all__ = ["duration_seconds"]

"""Checking a typed choice (a mode, an answer, an event type) with a "did you mean" for near misses.

Light on purpose: the offline ``schema diff`` uses it, and it must not import the SDK or the server.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class ChoiceError(ValueError):
    """A value that is not one of the allowed choices; the message names the flag and the nearest."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the nearest of ``choices`` (ignoring case), or ``""``."""
    by_lower = {c.lower(): c for c in choices}
    near = difflib.get_close_matches(word.strip().lower(), list(by_lower), n=1, cutoff=0.6)
    return f"; did you mean {by_lower[near[0]]!r}?" if near else ""


def check_choice(value: str | None, choices: Iterable[str], flag: str) -> str | None:
    """``value`` when it is one of ``choices``; else an error naming the flag, the choices and the nearest."""
    if value is None:
        return None
    allowed = list(choices)
    if value in allowed:
        return value
    hint = did_you_mean(value, allowed) or f"; use one of {', '.join(allowed)}"
    raise ChoiceError(f"{flag}: {value!r} is not a valid choice{hint}")

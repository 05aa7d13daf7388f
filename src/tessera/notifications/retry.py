"""Pure retry policy for deliveries: classify an attempt, and compute when to try the next one.

Nothing here does I/O or reads the clock, so the worker (and the tests) get the same answers for the
same inputs. The default schedule spans about a day:

=======  ================  ==============================
attempt  ceiling           actual delay (equal jitter)
=======  ================  ==============================
1        30 s              15 s .. 30 s
2        1 min             30 s .. 1 min
...      doubling          half the ceiling .. the ceiling
9        2 h 8 min
10-15    4 h (cap)         2 h .. 4 h
16       —                 exhausted: give up
=======  ================  ==============================

Total wait before giving up: 14 h to 28 h (about 21 h on average) over 16 attempts.

Jitter: "equal jitter" (half fixed, half random) rather than full jitter, so the first retry is never
immediate and the whole schedule reliably lasts about a day, while endpoints that failed together still
spread out their retries.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum


class Outcome(StrEnum):
    """What an attempt's result means for the delivery."""

    SUCCESS = "success"
    RETRYABLE = "retryable"
    PERMANENT = "permanent"


class DeliveryErrorKind(StrEnum):
    """Why an attempt got no HTTP response (or was not made at all)."""

    INVALID_URL = "invalid_url"
    SSRF_REFUSED = "ssrf_refused"
    DNS_FAILURE = "dns_failure"
    DNS_TEMPORARY_FAILURE = "dns_temporary_failure"
    CONNECT_ERROR = "connect_error"
    TLS_ERROR = "tls_error"
    TIMEOUT = "timeout"
    PROTOCOL_ERROR = "protocol_error"
    NETWORK_ERROR = "network_error"


PERMANENT_ERRORS = frozenset(
    {DeliveryErrorKind.INVALID_URL, DeliveryErrorKind.SSRF_REFUSED, DeliveryErrorKind.DNS_FAILURE}
)
RETRYABLE_4XX = frozenset({408, 429})
RETRY_AFTER_STATUSES = frozenset({429, 503})
_MAX_PARSED_SECONDS = 365 * 24 * 3600  # keeps absurd values from overflowing timedelta


def classify(status_code: int | None, error: DeliveryErrorKind | None) -> Outcome:
    """Success for 2xx; permanent for 4xx except 408/429 and for URLs we must never call; else retry.

    An error kind wins over a status code (a response cut off mid-body is not a success). A name that
    does not exist (NXDOMAIN) is permanent, a resolver that timed out (``dns_temporary_failure``) is not.
    """
    if error is not None:
        return Outcome.PERMANENT if error in PERMANENT_ERRORS else Outcome.RETRYABLE
    if status_code is None:
        return Outcome.RETRYABLE
    if 200 <= status_code < 300:
        return Outcome.SUCCESS
    if 400 <= status_code < 500 and status_code not in RETRYABLE_4XX:
        return Outcome.PERMANENT
    return Outcome.RETRYABLE


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Capped exponential backoff with equal jitter; ``max_attempts`` counts the first attempt too."""

    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=4)
    max_attempts: int = 16
    max_retry_after: timedelta = timedelta(hours=6)

    def ceiling(self, attempt: int) -> timedelta:
        """The longest wait after failed attempt number ``attempt`` (1-based), before jitter."""
        exponent = min(attempt - 1, 32)  # avoid huge ints; the cap applies long before
        return min(self.cap, self.base * (1 << exponent))

    def next_attempt_delay(
        self, attempt: int, rng: random.Random, *, retry_after: timedelta | None = None
    ) -> timedelta | None:
        """How long to wait after failed attempt ``attempt`` (1-based); ``None`` once attempts run out.

        ``retry_after`` (from a 429/503 answer) is honoured as a lower bound, itself bounded by
        ``max_retry_after`` so a receiver cannot park a delivery for weeks.
        """
        if attempt < 1:
            raise ValueError("attempt numbers start at 1")
        if attempt >= self.max_attempts:
            return None
        ceiling = self.ceiling(attempt).total_seconds()
        delay = timedelta(seconds=ceiling / 2 + rng.uniform(0, ceiling / 2))
        if retry_after is not None and retry_after > timedelta(0):
            delay = max(delay, min(retry_after, self.max_retry_after))
        return delay


DEFAULT_RETRY_POLICY = RetryPolicy()


def next_attempt_delay(
    attempt: int, rng: random.Random, *, retry_after: timedelta | None = None
) -> timedelta | None:
    """:meth:`RetryPolicy.next_attempt_delay` with the default policy."""
    return DEFAULT_RETRY_POLICY.next_attempt_delay(attempt, rng, retry_after=retry_after)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> timedelta | None:
    """A ``Retry-After`` header (delay seconds or HTTP date) as a non-negative delay; ``None`` if unusable."""
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return timedelta(seconds=min(int(text), _MAX_PARSED_SECONDS))
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    reference = now if now is not None else datetime.now(UTC)
    return max(timedelta(0), moment - reference)


PROBE_MIN_DELAY = timedelta(minutes=1)
PROBE_MAX_DELAY = timedelta(hours=1)


def next_probe_delay(paused_for: timedelta, rng: random.Random) -> timedelta:
    """How long until a paused endpoint is probed again: half the time it has been paused, between
    :data:`PROBE_MIN_DELAY` and :data:`PROBE_MAX_DELAY`, with ±10 % jitter so that endpoints paused
    together are not all probed in the same second. A long outage costs at most one probe an hour.
    """
    base = min(max(paused_for / 2, PROBE_MIN_DELAY), PROBE_MAX_DELAY)
    return base * rng.uniform(0.9, 1.1)

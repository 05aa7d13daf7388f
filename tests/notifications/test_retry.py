from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tessera.notifications.retry import (
    DEFAULT_RETRY_POLICY,
    DeliveryErrorKind,
    Outcome,
    RetryPolicy,
    classify,
    next_attempt_delay,
    parse_retry_after,
)

S, R, P = Outcome.SUCCESS, Outcome.RETRYABLE, Outcome.PERMANENT
K = DeliveryErrorKind


@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [
        (200, None, S), (201, None, S), (202, None, S), (204, None, S), (299, None, S),
        (301, None, R), (302, None, R), (304, None, R),
        (400, None, P), (401, None, P), (403, None, P), (404, None, P), (410, None, P), (413, None, P),
        (422, None, P), (499, None, P),
        (408, None, R), (429, None, R),
        (500, None, R), (502, None, R), (503, None, R), (504, None, R),
        (100, None, R), (None, None, R),
        (None, K.INVALID_URL, P), (None, K.SSRF_REFUSED, P), (None, K.DNS_FAILURE, P),
        (None, K.DNS_TEMPORARY_FAILURE, R), (None, K.CONNECT_ERROR, R), (None, K.TLS_ERROR, R),
        (None, K.TIMEOUT, R), (None, K.PROTOCOL_ERROR, R), (None, K.NETWORK_ERROR, R),
        (200, K.PROTOCOL_ERROR, R),  # a 200 whose body broke off is not a success
    ],
)  # fmt: skip
def test_classify(status: int | None, error: DeliveryErrorKind | None, expected: Outcome) -> None:
    assert classify(status, error) is expected


@pytest.mark.parametrize(
    ("attempt", "low", "high"),
    [
        (1, timedelta(seconds=15), timedelta(seconds=30)),
        (2, timedelta(seconds=30), timedelta(minutes=1)),
        (3, timedelta(minutes=1), timedelta(minutes=2)),
        (9, timedelta(minutes=64), timedelta(minutes=128)),
        (10, timedelta(hours=2), timedelta(hours=4)),
        (15, timedelta(hours=2), timedelta(hours=4)),
    ],
)
def test_delay_grows_exponentially_within_equal_jitter_bounds(
    attempt: int, low: timedelta, high: timedelta
) -> None:
    for seed in range(50):
        delay = next_attempt_delay(attempt, random.Random(seed))
        assert delay is not None
        assert low <= delay <= high


@pytest.mark.parametrize("attempt", [16, 17, 100])
def test_no_delay_once_attempts_are_exhausted(attempt: int) -> None:
    assert next_attempt_delay(attempt, random.Random(1)) is None


def test_attempt_numbers_start_at_one() -> None:
    with pytest.raises(ValueError, match="start at 1"):
        next_attempt_delay(0, random.Random(1))


def test_same_seed_same_schedule() -> None:
    first = [next_attempt_delay(a, random.Random(7)) for a in range(1, 16)]
    second = [next_attempt_delay(a, random.Random(7)) for a in range(1, 16)]
    assert first == second


@given(seed=st.integers(0, 2**32))
def test_whole_schedule_spans_about_a_day(seed: int) -> None:
    rng = random.Random(seed)
    delays = []
    attempt = 1
    while (delay := next_attempt_delay(attempt, rng)) is not None:
        delays.append(delay)
        attempt += 1
    assert attempt == DEFAULT_RETRY_POLICY.max_attempts == 16
    total = sum(delays, timedelta())
    assert timedelta(hours=14) <= total <= timedelta(hours=29)


def test_jitter_spreads_endpoints_that_failed_together() -> None:
    delays = {next_attempt_delay(5, random.Random(seed)) for seed in range(100)}
    assert len(delays) > 90


@pytest.mark.parametrize(
    ("attempt", "retry_after", "expected_at_least", "expected_at_most"),
    [
        (
            1,
            timedelta(minutes=10),
            timedelta(minutes=10),
            timedelta(minutes=10),
        ),  # longer than backoff: honoured
        (10, timedelta(seconds=5), timedelta(hours=2), timedelta(hours=4)),  # shorter: backoff still applies
        (1, timedelta(days=30), timedelta(hours=6), timedelta(hours=6)),  # absurd: bounded
        (1, timedelta(0), timedelta(seconds=15), timedelta(seconds=30)),
    ],
)
def test_retry_after_is_a_bounded_lower_bound(
    attempt: int, retry_after: timedelta, expected_at_least: timedelta, expected_at_most: timedelta
) -> None:
    delay = next_attempt_delay(attempt, random.Random(3), retry_after=retry_after)
    assert delay is not None
    assert expected_at_least <= delay <= expected_at_most


def test_retry_after_does_not_extend_an_exhausted_schedule() -> None:
    assert next_attempt_delay(16, random.Random(3), retry_after=timedelta(seconds=5)) is None


def test_policy_is_tunable() -> None:
    policy = RetryPolicy(base=timedelta(seconds=1), cap=timedelta(seconds=4), max_attempts=4)
    delays = [policy.next_attempt_delay(a, random.Random(0)) for a in range(1, 5)]
    assert delays[-1] is None
    assert all(d is not None and d <= timedelta(seconds=4) for d in delays[:-1])


NOW = datetime(2025, 1, 31, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", timedelta(seconds=120)),
        (" 0 ", timedelta(0)),
        ("Fri, 31 Jan 2025 09:31:00 GMT", timedelta(minutes=1)),
        ("Fri, 31 Jan 2025 09:00:00 GMT", timedelta(0)),  # in the past
        ("99999999999999999999", timedelta(days=365)),
        ("-5", None), ("soon", None), ("1.5", None), ("²", None), ("", None), (None, None),
    ],
)  # fmt: skip
def test_parse_retry_after(header: str | None, expected: timedelta | None) -> None:
    assert parse_retry_after(header, now=NOW) == expected

"""Webhook signatures following the Standard Webhooks convention.

Each delivery carries three headers:

* ``webhook-id``: the event id (stable across retries, for de-duplication),
* ``webhook-timestamp``: unix seconds when this attempt was signed,
* ``webhook-signature``: ``v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">``; several
  space-separated signatures may be present while a secret is being rotated.

Secrets are ``whsec_`` followed by base64 of random bytes; the HMAC key is the decoded bytes. Signing the
id and timestamp together with the body stops replays of an old body under a fresh timestamp.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

SECRET_PREFIX = "whsec_"
SIGNATURE_VERSION = "v1"
HEADER_ID = "webhook-id"
HEADER_TIMESTAMP = "webhook-timestamp"
HEADER_SIGNATURE = "webhook-signature"
DEFAULT_TOLERANCE = timedelta(minutes=5)


class SignatureError(Exception):
    """A webhook request failed verification; ``code`` says why (stable, machine-readable)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def generate_secret(num_bytes: int = 32) -> str:
    """A new random signing secret, ``whsec_<base64>``; show it to the user once."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(num_bytes)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_`` secret; raises ``ValueError`` if it is not one."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("webhook secret must start with 'whsec_'")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except binascii.Error as exc:
        raise ValueError("webhook secret is not valid base64 after 'whsec_'") from exc
    if len(key) < 16:
        raise ValueError("webhook secret must decode to at least 16 bytes")
    return key


def _digest(key: bytes, msg_id: str, timestamp: int, body: bytes) -> bytes:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return hmac.new(key, signed, hashlib.sha256).digest()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """One signature, ``v1,<base64>``, over ``"{msg_id}.{timestamp}.{body}"``."""
    digest = _digest(secret_key(secret), msg_id, timestamp, body)
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}"


def signature_headers(
    secrets_: str | Sequence[str], msg_id: str, body: bytes, *, timestamp: int | None = None
) -> dict[str, str]:
    """The three ``webhook-*`` headers; with several secrets (rotation) one signature per secret."""
    ts = int(time.time()) if timestamp is None else timestamp
    keys = [secrets_] if isinstance(secrets_, str) else list(secrets_)
    if not keys:
        raise ValueError("at least one secret is needed to sign")
    return {
        HEADER_ID: msg_id,
        HEADER_TIMESTAMP: str(ts),
        HEADER_SIGNATURE: " ".join(sign(key, msg_id, ts, body) for key in keys),
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    tolerance: timedelta = DEFAULT_TOLERANCE,
    now: datetime | None = None,
) -> None:
    """Check a received webhook; returns nothing when valid, raises :class:`SignatureError` otherwise.

    ``headers`` may use any letter case. The timestamp must be within ``tolerance`` of ``now`` (both
    directions) and at least one ``v1`` signature must match; unknown versions are ignored.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    msg_id = lowered.get(HEADER_ID)
    raw_ts = lowered.get(HEADER_TIMESTAMP)
    raw_sigs = lowered.get(HEADER_SIGNATURE)
    if not msg_id or not raw_ts or not raw_sigs:
        raise SignatureError(
            "missing_headers", "webhook-id, webhook-timestamp and webhook-signature are required"
        )
    try:
        timestamp = int(raw_ts)
    except ValueError:
        raise SignatureError("invalid_timestamp", "webhook-timestamp is not an integer") from None
    current = now.timestamp() if now is not None else time.time()
    if abs(current - timestamp) > tolerance.total_seconds():
        raise SignatureError("timestamp_out_of_tolerance", "webhook-timestamp is too old or in the future")
    expected = _digest(secret_key(secret), msg_id, timestamp, body)
    for candidate in raw_sigs.split():
        version, _, encoded = candidate.partition(",")
        if version != SIGNATURE_VERSION:
            continue
        try:
            received = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            continue
        if hmac.compare_digest(received, expected):
            return
    raise SignatureError("no_matching_signature", "no webhook-signature matches this secret")

"""API key format and hashing.

A key reads ``tess_<key_id>_<secret>``: the 12-character ``key_id`` is stored in clear and indexed, the
secret is 32 random bytes. Only an HMAC-SHA256 of the secret under the server's secret key is stored:
keys have 256 bits of entropy, so a keyed fast hash is safe and costs microseconds (a password hash such
as argon2 would cost ~200 ms on every request).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

PREFIX = "tess"
_KEY_ID_LEN = 12


@dataclass(frozen=True, slots=True)
class ParsedKey:
    """A presented key split into its public id and secret."""

    key_id: str
    secret: str


def generate_key() -> tuple[str, ParsedKey]:
    """A new key: the full string (shown once) and its parts."""
    key_id = secrets.token_hex(_KEY_ID_LEN // 2)
    secret = secrets.token_urlsafe(32)
    return f"{PREFIX}_{key_id}_{secret}", ParsedKey(key_id, secret)


def parse_key(raw: str) -> ParsedKey | None:
    """Split a presented key; ``None`` when it does not have the Tessera shape."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or len(parts[1]) != _KEY_ID_LEN or len(parts[2]) < 20:
        return None
    return ParsedKey(parts[1], parts[2])


def hash_secret(secret: str, server_key: str) -> str:
    """The stored form of a key's secret."""
    return hmac.new(server_key.encode(), secret.encode(), hashlib.sha256).hexdigest()


def secrets_match(secret: str, stored_hash: str, server_key: str) -> bool:
    """Constant-time comparison of a presented secret with a stored hash."""
    return hmac.compare_digest(hash_secret(secret, server_key), stored_hash)

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tessera.notifications.signing import (
    SignatureError,
    generate_secret,
    secret_key,
    sign,
    signature_headers,
    verify,
)

SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
NOW = datetime(2025, 1, 31, 9, 30, tzinfo=UTC)
TS = int(NOW.timestamp())
BODY = b'{"id":"evt_1","type":"proposal.created"}'


def test_signature_is_hmac_sha256_over_id_timestamp_and_body() -> None:
    key = b"0123456789abcdef0123456789abcdef"
    expected = hmac.new(key, f"evt_1.{TS}.".encode() + BODY, hashlib.sha256).digest()
    assert sign(SECRET, "evt_1", TS, BODY) == "v1," + base64.b64encode(expected).decode()


def test_generated_secrets_are_prefixed_random_and_usable() -> None:
    first, second = generate_secret(), generate_secret()
    assert first.startswith("whsec_")
    assert first != second
    assert len(secret_key(first)) == 32


@pytest.mark.parametrize("bad", ["nope", "whsec_***", "whsec_" + base64.b64encode(b"short").decode()])
def test_malformed_secrets_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError, match="webhook secret"):
        secret_key(bad)


def test_valid_signature_verifies_with_any_header_case() -> None:
    headers = signature_headers(SECRET, "evt_1", BODY, timestamp=TS)
    verify(SECRET, headers, BODY, now=NOW)
    verify(SECRET, {k.title(): v for k, v in headers.items()}, BODY, now=NOW)


def _tampered(**changes: str) -> dict[str, str]:
    headers = signature_headers(SECRET, "evt_1", BODY, timestamp=TS)
    headers.update(changes)
    return headers


@pytest.mark.parametrize(
    ("headers", "body", "code"),
    [
        (_tampered(), BODY + b" ", "no_matching_signature"),
        (_tampered(**{"webhook-id": "evt_2"}), BODY, "no_matching_signature"),
        (_tampered(**{"webhook-timestamp": str(TS + 1)}), BODY, "no_matching_signature"),
        (_tampered(**{"webhook-signature": "v1,AAAA"}), BODY, "no_matching_signature"),
        (
            _tampered(**{"webhook-signature": "v2," + sign(SECRET, "evt_1", TS, BODY)[3:]}),
            BODY,
            "no_matching_signature",
        ),
        (_tampered(**{"webhook-signature": "v1,not-base64!"}), BODY, "no_matching_signature"),
        (_tampered(**{"webhook-timestamp": "soon"}), BODY, "invalid_timestamp"),
        (_tampered(**{"webhook-timestamp": str(TS - 301)}), BODY, "timestamp_out_of_tolerance"),
        (_tampered(**{"webhook-timestamp": str(TS + 301)}), BODY, "timestamp_out_of_tolerance"),
        ({"webhook-id": "evt_1", "webhook-timestamp": str(TS)}, BODY, "missing_headers"),
    ],
)
def test_tampering_and_replays_are_refused(headers: dict[str, str], body: bytes, code: str) -> None:
    with pytest.raises(SignatureError) as caught:
        verify(SECRET, headers, body, now=NOW)
    assert caught.value.code == code


def test_wrong_secret_is_refused() -> None:
    headers = signature_headers(generate_secret(), "evt_1", BODY, timestamp=TS)
    with pytest.raises(SignatureError) as caught:
        verify(SECRET, headers, BODY, now=NOW)
    assert caught.value.code == "no_matching_signature"


def test_rotation_sends_one_signature_per_secret_and_either_secret_verifies() -> None:
    old, new = generate_secret(), generate_secret()
    headers = signature_headers([old, new], "evt_1", BODY, timestamp=TS)
    assert len(headers["webhook-signature"].split(" ")) == 2
    verify(old, headers, BODY, now=NOW)
    verify(new, headers, BODY, now=NOW)


def test_tolerance_is_configurable() -> None:
    headers = signature_headers(SECRET, "evt_1", BODY, timestamp=TS - 3600)
    verify(SECRET, headers, BODY, now=NOW, tolerance=timedelta(hours=2))
    with pytest.raises(SignatureError) as caught:  # the default tolerance refuses the same request
        verify(SECRET, headers, BODY, now=NOW)
    assert caught.value.code == "timestamp_out_of_tolerance"


@given(body=st.binary(max_size=512), msg_id=st.text(min_size=1, max_size=40).filter(str.strip))
def test_sign_then_verify_round_trips(body: bytes, msg_id: str) -> None:
    headers = signature_headers(SECRET, msg_id, body, timestamp=TS)
    verify(SECRET, headers, body, now=NOW)


def test_the_receiver_snippet_in_the_docs_verifies_our_signatures() -> None:
    """docs/webhooks.md shows receivers how to verify; that code must agree with ours."""
    import re
    import time
    from pathlib import Path

    docs = (Path(__file__).parents[2] / "docs" / "webhooks.md").read_text()
    [snippet] = re.findall(r"```python\n(.*?)```", docs, flags=re.DOTALL)
    namespace: dict[str, object] = {}
    exec(snippet, namespace)
    check = namespace["verify_tessera_webhook"]
    headers = signature_headers(SECRET, "evt_1", BODY, timestamp=int(time.time()))
    check(SECRET, headers, BODY)  # type: ignore[operator]
    with pytest.raises(ValueError, match="no matching signature"):
        check(SECRET, headers, BODY + b"x")  # type: ignore[operator]

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from tessera.notifications.retry import DeliveryErrorKind, Outcome
from tessera.notifications.signing import generate_secret, verify
from tessera.notifications.ssrf import UrlPolicy
from tessera.notifications.transport import build_client
from tessera.notifications.webhook_sender import WebhookSender
from tests.notifications.receivers import HttpReceiver, RecordingBackend, Reply, unused_port
from tests.notifications.samples import event

SECRET = generate_secret()


async def test_delivery_is_signed_and_verifies_on_the_receiver(
    receiver: HttpReceiver, local_policy: UrlPolicy
) -> None:
    evt = event()
    async with WebhookSender(local_policy) as sender:
        result = await sender.send(receiver.url(), SECRET, evt)
    assert result.ok
    assert result.outcome is Outcome.SUCCESS
    assert result.status_code == 200
    assert result.error_kind is None
    assert result.response_excerpt == "ok"
    assert result.duration_ms > 0
    [request] = receiver.requests
    assert request.body == evt.body()
    assert request.headers["webhook-id"] == evt.id
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"] == "Tessera-Webhooks/1"
    verify(SECRET, request.headers, request.body)  # raises if the signature does not hold


async def test_rotation_signs_with_every_secret(receiver: HttpReceiver, local_policy: UrlPolicy) -> None:
    old, new = generate_secret(), generate_secret()
    async with WebhookSender(local_policy) as sender:
        await sender.send(receiver.url(), [old, new], event())
    [request] = receiver.requests
    verify(old, request.headers, request.body)
    verify(new, request.headers, request.body)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.SUCCESS), (204, Outcome.SUCCESS),
        (400, Outcome.PERMANENT), (401, Outcome.PERMANENT),
        (404, Outcome.PERMANENT), (410, Outcome.PERMANENT),
        (408, Outcome.RETRYABLE), (429, Outcome.RETRYABLE),
        (500, Outcome.RETRYABLE), (502, Outcome.RETRYABLE), (503, Outcome.RETRYABLE),
    ],
)  # fmt: skip
async def test_status_codes_classify(
    receiver: HttpReceiver, local_policy: UrlPolicy, status: int, outcome: Outcome
) -> None:
    receiver.script(Reply(status=status, body=b"" if status == 204 else b"nope"))
    async with WebhookSender(local_policy) as sender:
        result = await sender.send(receiver.url(), SECRET, event())
    assert (result.status_code, result.outcome, result.error_kind) == (status, outcome, None)


@pytest.mark.parametrize(
    ("status", "header", "expected"),
    [
        (429, "120", timedelta(seconds=120)),
        (503, "7", timedelta(seconds=7)),
        (429, "Thu, 01 Jan 1970 00:00:00 GMT", timedelta(0)),
        (500, "120", None),  # only 429 and 503 carry a meaningful Retry-After
        (429, None, None),
    ],
)
async def test_retry_after_is_reported(
    receiver: HttpReceiver,
    local_policy: UrlPolicy,
    status: int,
    header: str | None,
    expected: timedelta | None,
) -> None:
    receiver.script(Reply(status=status, headers={"Retry-After": header} if header else {}))
    async with WebhookSender(local_policy) as sender:
        result = await sender.send(receiver.url(), SECRET, event())
    assert result.outcome is Outcome.RETRYABLE
    assert result.retry_after == expected


async def test_redirects_are_not_followed(receiver: HttpReceiver, local_policy: UrlPolicy) -> None:
    receiver.script(Reply(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}))
    async with WebhookSender(local_policy) as sender:
        result = await sender.send(receiver.url(), SECRET, event())
    assert result.status_code == 302
    assert result.outcome is Outcome.RETRYABLE
    assert len(receiver.requests) == 1


async def test_response_body_is_kept_to_one_kilobyte(receiver: HttpReceiver, local_policy: UrlPolicy) -> None:
    receiver.script(Reply(status=500, body=b"x" * 5000), Reply(status=200, body=b"y" * 200_000))
    async with WebhookSender(local_policy) as sender:
        failed = await sender.send(receiver.url(), SECRET, event())
        huge = await sender.send(receiver.url(), SECRET, event())
    assert failed.response_excerpt == "x" * 1024
    assert huge.ok
    assert huge.response_excerpt == "y" * 1024


async def test_slow_receiver_times_out_and_is_retryable(
    receiver: HttpReceiver, local_policy: UrlPolicy
) -> None:
    receiver.script(Reply(delay=3.0))
    async with WebhookSender(local_policy, timeout=timedelta(seconds=0.2)) as sender:
        result = await sender.send(receiver.url(), SECRET, event())
    assert result.error_kind is DeliveryErrorKind.TIMEOUT
    assert result.status_code is None
    assert result.outcome is Outcome.RETRYABLE
    assert result.duration_ms < 2500  # the sender's 0.2 s timeout cut it, not the receiver's 3 s reply


async def test_receiver_down_is_a_retryable_connect_error(local_policy: UrlPolicy) -> None:
    async with WebhookSender(local_policy) as sender:
        result = await sender.send(f"http://127.0.0.1:{unused_port()}/hook", SECRET, event())
    assert result.error_kind is DeliveryErrorKind.CONNECT_ERROR
    assert result.outcome is Outcome.RETRYABLE
    assert result.status_code is None
    assert result.error_message


async def test_receiver_hanging_up_is_a_retryable_protocol_error(
    receiver: HttpReceiver, local_policy: UrlPolicy
) -> None:
    receiver.script(Reply(hang_up=True))
    async with WebhookSender(local_policy) as sender:
        result = await sender.send(receiver.url(), SECRET, event())
        again = await sender.send(receiver.url(), SECRET, event())
    assert result.error_kind is DeliveryErrorKind.PROTOCOL_ERROR
    assert result.outcome is Outcome.RETRYABLE
    assert again.ok


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://10.0.0.1/hook", DeliveryErrorKind.SSRF_REFUSED),
        ("http://169.254.169.254/latest/meta-data/", DeliveryErrorKind.SSRF_REFUSED),
        ("http://[::1]:8080/hook", DeliveryErrorKind.SSRF_REFUSED),
        ("http://0.0.0.0:8080/hook", DeliveryErrorKind.SSRF_REFUSED),
        ("http://[::ffff:127.0.0.1]:8080/hook", DeliveryErrorKind.SSRF_REFUSED),
        ("http://127.0.0.1:8080/hook", DeliveryErrorKind.SSRF_REFUSED),
        ("http://localhost:8080/hook", DeliveryErrorKind.SSRF_REFUSED),
        ("https://nonexistent.invalid/hook", DeliveryErrorKind.DNS_FAILURE),
        ("file:///etc/passwd", DeliveryErrorKind.INVALID_URL),
        ("gopher://127.0.0.1:70/_GET", DeliveryErrorKind.INVALID_URL),
        ("not a url", DeliveryErrorKind.INVALID_URL),
    ],
)
async def test_ssrf_cases_are_refused_permanently_without_connecting(
    url: str, kind: DeliveryErrorKind
) -> None:
    """Default policy (no allow-list). The loopback guard fails the test on any outside attempt."""
    backend = RecordingBackend()
    policy = UrlPolicy()
    async with WebhookSender(policy, client=build_client(policy, network_backend=backend)) as sender:
        result = await sender.send(url, SECRET, event())
        await sender.client.aclose()
    assert result.error_kind is kind
    assert result.outcome is Outcome.PERMANENT
    assert result.status_code is None
    assert result.error_message
    assert backend.connected == []


@pytest.mark.parametrize(
    "url", ["http://[::1]:8080/hook", "http://[::ffff:10.0.0.1]/hook", "http://127.0.0.2/hook"]
)
async def test_allow_listing_127_0_0_1_opens_nothing_else(local_policy: UrlPolicy, url: str) -> None:
    backend = RecordingBackend()
    client = build_client(local_policy, network_backend=backend)
    async with WebhookSender(local_policy, client=client) as sender:
        result = await sender.send(url, SECRET, event())
    await client.aclose()
    assert result.error_kind is DeliveryErrorKind.SSRF_REFUSED
    assert result.outcome is Outcome.PERMANENT
    assert backend.connected == []  # refused before any socket was opened


async def test_one_pooled_connection_serves_many_deliveries(
    receiver: HttpReceiver, local_policy: UrlPolicy
) -> None:
    backend = RecordingBackend()
    client = build_client(local_policy, network_backend=backend)
    async with WebhookSender(local_policy, client=client) as sender:
        results = [await sender.send(receiver.url(), SECRET, event()) for _ in range(20)]
    await client.aclose()
    assert all(r.ok for r in results)
    assert len(receiver.requests) == 20
    assert backend.connected == ["127.0.0.1"]


async def test_receiver_down_then_back(local_policy: UrlPolicy) -> None:
    """The same event fails while nothing listens, then succeeds once a receiver is up on that port."""
    down_port = unused_port()
    evt = event()
    async with WebhookSender(local_policy) as sender:
        first = await sender.send(f"http://127.0.0.1:{down_port}/hook", SECRET, evt)
        receiver = HttpReceiver().start()
        try:
            second = await sender.send(receiver.url(), SECRET, evt)
        finally:
            receiver.stop()
    assert first.outcome is Outcome.RETRYABLE
    assert second.ok
    assert receiver.requests[0].headers["webhook-id"] == evt.id


async def test_many_concurrent_sends_all_arrive_once(receiver: HttpReceiver, local_policy: UrlPolicy) -> None:
    events = [event() for _ in range(60)]
    async with WebhookSender(local_policy, lanes=3, per_lane=4) as sender:
        results = await asyncio.gather(*(sender.send(receiver.url(), SECRET, e) for e in events))
    assert all(r.ok for r in results)
    assert sorted(r.headers["webhook-id"] for r in receiver.requests) == sorted(e.id for e in events)

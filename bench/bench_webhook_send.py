"""Throughput of WebhookSender against a local receiver (uvicorn + a minimal ASGI app in a subprocess).

    uv run python bench/bench_webhook_send.py                 # 5,000 deliveries, 50 in flight
    uv run python bench/bench_webhook_send.py -n 20000 -c 100 --verify

Every delivery is a full attempt as the outbox worker makes it: event body serialised, signed (HMAC-SHA256),
POSTed through the SSRF-checked pooled client, response read and classified. ``--verify`` makes the receiver
check each signature too (costs receiver CPU on the same 2 cores). Prints deliveries per second.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import timedelta
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]

SECRET = "whsec_" + "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="  # base64 of 32 fixed bytes


def make_app(verify_signatures: bool) -> Callable[..., Awaitable[None]]:
    """The receiver: read the body, optionally verify the signature, answer 200."""
    from tessera.notifications.signing import verify

    async def app(
        scope: Scope, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]
    ) -> None:
        if scope["type"] != "http":
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        status = 200
        if verify_signatures:
            headers = {k.decode(): v.decode() for k, v in scope["headers"]}
            try:
                verify(SECRET, headers, body)
            except Exception:
                status = 401
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-length", b"2")]})
        await send({"type": "http.response.body", "body": b"ok"})

    return app


def serve(port: int, verify_signatures: bool) -> None:
    import uvicorn

    uvicorn.run(
        make_app(verify_signatures),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"receiver on port {port} did not start")


async def run(url: str, count: int, concurrency: int) -> tuple[float, float, dict[str, int], list[float]]:
    from tessera.notifications.events import Event, EventType
    from tessera.notifications.ssrf import UrlPolicy, parse_allowlist
    from tessera.notifications.webhook_sender import WebhookSender

    policy = UrlPolicy(allowlist=parse_allowlist("127.0.0.1/32"))
    data = {
        "asset": {"id": "ast_1", "fqn": "warehouse.core.orders"},
        "versions": {"from": "1.4.0", "to": "2.0.0"},
        "changes": [{"kind": "property_removed", "path": "amount", "breaking": True, "summary": "removed"}]
        * 5,
        "affected_teams": [{"id": f"t{i}", "name": f"team {i}", "status": "pending"} for i in range(5)],
        "links": {"proposal_url": "https://tessera.example.com/proposals/1"},
    }
    events = [Event.create(EventType.PROPOSAL_CREATED, data) for _ in range(count)]
    outcomes: dict[str, int] = {}
    latencies: list[float] = []
    queue: asyncio.Queue[Event] = asyncio.Queue()
    for event in events:
        queue.put_nowait(event)

    async with WebhookSender(policy, timeout=timedelta(seconds=10)) as sender:
        await sender.send(url, SECRET, events[0])  # warm up: one connection, TLS context, imports

        async def worker() -> None:
            while not queue.empty():
                event = queue.get_nowait()
                result = await sender.send(url, SECRET, event)
                key = (
                    result.outcome.value
                    if result.status_code in (200, None)
                    else f"http {result.status_code}"
                )
                outcomes[key] = outcomes.get(key, 0) + 1
                latencies.append(result.duration_ms)

        started, cpu_started = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return elapsed, cpu, outcomes, latencies


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--count", type=int, default=5000, help="deliveries to send")
    parser.add_argument("-c", "--concurrency", type=int, default=50, help="deliveries in flight")
    parser.add_argument("--verify", action="store_true", help="receiver verifies every signature")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.verify)
        return

    port = free_port()
    command = [sys.executable, __file__, "--serve", str(port)] + (["--verify"] if args.verify else [])
    receiver = subprocess.Popen(command)
    try:
        wait_for(port)
        elapsed, cpu, outcomes, latencies = asyncio.run(
            run(f"http://127.0.0.1:{port}/hook", args.count, args.concurrency)
        )
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)
    latencies.sort()
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[int(len(latencies) * 0.99)]
    print(f"deliveries:   {args.count} with {args.concurrency} in flight (receiver verifies: {args.verify})")
    print(f"outcomes:     {outcomes}")
    print(f"elapsed:      {elapsed:.2f} s")
    print(f"throughput:   {args.count / elapsed:,.0f} deliveries/s")
    print(f"latency:      p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    # CPU per delivery is steadier than wall time when other processes share the cores.
    print(
        f"sender CPU:   {cpu / args.count * 1e6:,.0f} µs per delivery (~{args.count / cpu:,.0f}/s per core)"
    )


if __name__ == "__main__":
    main()

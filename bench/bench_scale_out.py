"""Scale-out proof: 3 API replicas and 2 delivery workers on one PostgreSQL and one Redis.

    uv run python bench/bench_scale_out.py [--seconds 30] [--actors 12] [--rate-limit 300]
        [--redis-timeout 0.1] [--pg-admin-url postgresql://postgres@127.0.0.1:5432/test]
        [--redis-url redis://127.0.0.1:6379/0]

It creates a throwaway PostgreSQL database (dropped at the end), migrates it once (``tessera db
upgrade``), starts three real ``tessera serve --no-migrate`` processes on their own ports (in-process
worker off) and two ``tessera worker`` processes, all sharing the database, Redis and ``SECRET_KEY``. A
local HTTP receiver records every webhook delivery (event id and endpoint). Each actor is a team with its
own key and webhook, consuming the next team's assets; for ``--seconds`` the actors drive a mixed load
through the replicas in turn: compatible publishes, breaking publishes (proposals), acknowledgments of
the proposals their team must answer, dbt syncs of a small generated manifest, and list reads.

Then it checks, and prints PASS or FAIL for each:
  * no event delivered twice to one endpoint (same event id and endpoint) although two workers ran;
  * no lost event: every outbox event was delivered to each subscribed endpoint it concerns;
  * rate limits are shared: a key sending limit + 20 requests across all three replicas within one
    minute is refused (429) by every replica once the one Redis counter passes the limit; requests whose
    Redis call failed (the limiter fails open, counting them in their replica) are reported;
  * a revoked key is refused by every replica within API_KEY_CACHE_SECONDS (time measured per replica);
  * proposal state is consistent in the database (one open proposal and one active contract per asset,
    published proposals name their contract, no open proposal whose every answer is an approval).
It prints throughput by kind of request (requests/s, p50/p95 ms). The load generator shares the machine's
cores with the five server processes, PostgreSQL and Redis.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import itertools
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson
from redis.asyncio import Redis

sys.path.insert(0, str(Path(__file__).parent))
from dbt_manifest_gen import generate_manifest_bytes

from tessera.worker.dispatch import interested_teams

KEY = "scale-bootstrap-key-0123456789abcdef"
REPLICAS = 3
WORKERS = 2
KEY_CACHE_SECONDS = 30.0  # the default of API_KEY_CACHE_SECONDS, the documented revocation delay
TESSERA = str(Path(sys.executable).parent / "tessera")


# --- the webhook receiver ------------------------------------------------------------------------------


class Receiver:
    """A threaded HTTP server on 127.0.0.1 recording (event id, endpoint path) of every delivery."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                event_id = self.headers.get("webhook-id") or orjson.loads(body).get("id", "")
                with receiver._lock:
                    receiver.seen.append((event_id, self.path))
                self.send_response(204)
                self.send_header("content-length", "0")
                self.end_headers()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self._server.shutdown()


# --- processes -----------------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(
    database_url: str, redis_url: str, rate_limit: int, redis_timeout: float, data_dir: str
) -> dict[str, str]:
    return {
        **os.environ,
        "REDIS_TIMEOUT_SECONDS": str(redis_timeout),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "BOOTSTRAP_API_KEY": KEY,
        "SECRET_KEY": "scale-out-bench-secret",
        "RATE_LIMIT_PER_MINUTE": str(rate_limit),
        "API_KEY_CACHE_SECONDS": str(KEY_CACHE_SECONDS),
        "WORKER_ENABLED": "false",
        "WORKER_POLL_SECONDS": "0.2",
        "WEBHOOK_ALLOWLIST": "127.0.0.1/32",
        "LINEAGE_WORKERS": "0",
        "DATA_DIR": data_dir,
    }


async def admin_sql(admin_url: str, statement: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


# --- load ----------------------------------------------------------------------------------------------


@dataclass
class Stats:
    """Latencies and statuses by kind of request."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    statuses: dict[str, collections.Counter[int]] = field(
        default_factory=lambda: collections.defaultdict(collections.Counter)
    )
    errors: dict[str, collections.Counter[str]] = field(
        default_factory=lambda: collections.defaultdict(collections.Counter)
    )

    def add(self, kind: str, status: int, ms: float) -> None:
        self.latencies[kind].append(ms)
        self.statuses[kind][status] += 1


@dataclass
class Actor:
    """One team: its key, its assets (with their current columns), and the proposals it must answer."""

    index: int
    team_id: str
    name: str
    headers: dict[str, str]
    assets: dict[str, list[str]] = field(default_factory=dict)
    to_answer: collections.deque[str] = field(default_factory=collections.deque)


def schema_of(columns: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {c: {"type": "integer" if c == "id" else "string"} for c in columns},
        "required": ["id"],
    }


class Replicas:
    """One keep-alive client per replica, taken in turn."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.clients = [httpx.AsyncClient(base_url=f"http://127.0.0.1:{p}", timeout=120) for p in ports]
        self._turn = itertools.cycle(range(len(ports)))

    def next(self) -> httpx.AsyncClient:
        return self.clients[next(self._turn)]

    async def aclose(self) -> None:
        for c in self.clients:
            await c.aclose()


async def timed(stats: Stats, kind: str, send: Awaitable[httpx.Response]) -> httpx.Response:
    """Await one request (created, not yet started) and record its status and latency under ``kind``."""
    t0 = time.perf_counter()
    resp = await send
    stats.add(kind, resp.status_code, (time.perf_counter() - t0) * 1000)
    if resp.status_code >= 400:
        try:
            code = str(resp.json()["error"]["code"])
        except (ValueError, KeyError, TypeError):
            code = "?"
        stats.errors[kind][f"{resp.status_code} {code}"] += 1
    return resp


async def setup(replicas: Replicas, receiver: Receiver, actors: int) -> list[Actor]:
    """Teams (named like the generated manifest's owners), keys, webhooks, assets and registrations."""
    admin = {"Authorization": f"Bearer {KEY}"}
    out: list[Actor] = []
    for i in range(actors):
        c = replicas.next()
        name = f"team_{i:02d}"
        team = (await c.post("/api/v1/teams", json={"name": name}, headers=admin)).json()
        key = (
            await c.post(
                "/api/v1/api-keys",
                json={"name": f"{name}-w", "team_id": team["id"], "scopes": ["write"]},
                headers=admin,
            )
        ).json()["key"]
        actor = Actor(i, team["id"], name, {"Authorization": f"Bearer {key}"})
        hook = await c.post("/api/v1/webhooks", json={"url": receiver.url(f"/{name}")}, headers=actor.headers)
        assert hook.status_code == 201, hook.text
        for j in range(4):
            asset = await c.post(
                "/api/v1/assets",
                json={"fqn": f"warehouse.scale.{name}_t{j}", "owner_team_id": team["id"]},
                headers=actor.headers,
            )
            assert asset.status_code == 201, asset.text
            columns = ["id", "a", "b", "c"]
            pub = await c.post(
                f"/api/v1/assets/{asset.json()['id']}/contracts",
                json={"schema": schema_of(columns)},
                headers=actor.headers,
            )
            assert pub.status_code == 201, pub.text
            actor.assets[asset.json()["id"]] = columns
        out.append(actor)
    for actor in out:  # each team reads the next team's assets
        producer = out[(actor.index + 1) % len(out)]
        for asset_id in producer.assets:
            r = await replicas.next().post(
                "/api/v1/registrations", json={"asset_id": asset_id}, headers=actor.headers
            )
            assert r.status_code == 201, r.text
    return out


async def run_actor(
    actor: Actor,
    actors: list[Actor],
    replicas: Replicas,
    stats: Stats,
    manifest: bytes,
    stop: float,
    rng: random.Random,
) -> None:
    consumer = actors[(actor.index - 1) % len(actors)]  # the team that reads this team's assets
    column = itertools.count()
    while time.perf_counter() < stop:
        c = replicas.next()
        roll = rng.random()
        h = actor.headers
        if roll < 0.25:
            asset_id = rng.choice(list(actor.assets))
            cols = [*actor.assets[asset_id], f"n{actor.index}_{next(column)}"]
            r = await timed(
                stats,
                "publish",
                c.post(f"/api/v1/assets/{asset_id}/contracts", json={"schema": schema_of(cols)}, headers=h),
            )
            if r.status_code == 201:
                actor.assets[asset_id] = cols
        elif roll < 0.33:
            asset_id = rng.choice(list(actor.assets))
            cols = [x for x in actor.assets[asset_id] if x != actor.assets[asset_id][-1]]
            r = await timed(
                stats,
                "breaking_publish",
                c.post(f"/api/v1/assets/{asset_id}/contracts", json={"schema": schema_of(cols)}, headers=h),
            )
            if r.status_code == 202:
                consumer.to_answer.append(r.json()["proposal"]["id"])
        elif roll < 0.48 and actor.to_answer:
            proposal_id = actor.to_answer.popleft()
            await timed(
                stats,
                "acknowledge",
                c.post(
                    f"/api/v1/proposals/{proposal_id}/acknowledge", json={"response": "approved"}, headers=h
                ),
            )
        elif roll < 0.51:
            await timed(
                stats,
                "dbt_sync",
                c.post(
                    f"/api/v1/sync/dbt?owner_team_id={actor.team_id}",
                    content=manifest,
                    headers={**h, "Content-Type": "application/json"},
                ),
            )
        else:
            path = rng.choice(["/api/v1/assets?limit=50", "/api/v1/proposals?limit=20", "/api/v1/teams"])
            await timed(stats, "list_read", c.get(path, headers=h))


# --- checks --------------------------------------------------------------------------------------------


async def wait_for_delivery(conn: asyncpg.Connection, limit: float) -> float:
    """Wait until the outbox is dispatched and no delivery is due; returns the seconds waited."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < limit:
        undispatched = await conn.fetchval("SELECT count(*) FROM workflow.outbox WHERE dispatched_at IS NULL")
        due = await conn.fetchval(
            "SELECT count(*) FROM workflow.webhook_deliveries WHERE status IN ('pending', 'retrying')"
        )
        if undispatched == 0 and due == 0:
            break
        await asyncio.sleep(0.5)
    return time.perf_counter() - t0


async def check_deliveries(conn: asyncpg.Connection, receiver: Receiver, actors: list[Actor]) -> list[str]:
    """FAIL lines for duplicates and lost events (empty when both hold)."""
    by_team = {uuid.UUID(a.team_id): f"/{a.name}" for a in actors}
    counts = collections.Counter(receiver.seen)
    dupes = [k for k, n in counts.items() if n > 1]
    expected: set[tuple[str, str]] = set()
    for row in await conn.fetch("SELECT event_id, event_type, payload FROM workflow.outbox"):
        payload = orjson.loads(row["payload"]) if isinstance(row["payload"], str) else row["payload"]
        for team in interested_teams(row["event_type"], payload.get("data") or {}):
            if team in by_team:
                expected.add((row["event_id"], by_team[team]))
    lost = expected - set(counts)
    return [
        f"no duplicate delivery: {'PASS' if not dupes else 'FAIL'} ({len(receiver.seen)} deliveries "
        f"received, {len(dupes)} (event, endpoint) pairs received more than once)",
        f"no lost event: {'PASS' if not lost else 'FAIL'} ({len(expected)} (event, endpoint) pairs expected "
        f"from the outbox, {len(lost)} never received)",
    ]


async def check_rate_limit(replicas: Replicas, team_id: str, limit: int, redis_url: str) -> str:
    admin = {"Authorization": f"Bearer {KEY}"}
    c = replicas.clients[0]
    key = (
        await c.post(
            "/api/v1/api-keys", json={"name": "rl", "team_id": team_id, "scopes": ["read"]}, headers=admin
        )
    ).json()["key"]
    h = {"Authorization": f"Bearer {key}"}
    # Start early in a minute: the limit is a fixed one-minute window.
    if time.time() % 60 > 30:
        await asyncio.sleep(61 - time.time() % 60)
    # New connections: a kept-alive one idle past the server's keep-alive timeout may be closed under us.
    fresh = Replicas(replicas.ports)
    try:
        return await _rate_limit(fresh, h, key, limit, redis_url)
    finally:
        await fresh.aclose()


async def _rate_limit(replicas: Replicas, h: dict[str, str], key: str, limit: int, redis_url: str) -> str:
    t0 = time.time()
    extra = 20
    statuses: collections.Counter[int] = collections.Counter()
    per_replica: dict[int, collections.Counter[int]] = collections.defaultdict(collections.Counter)
    sem = asyncio.Semaphore(24)

    async def one(i: int) -> None:
        async with sem:
            r = await replicas.clients[i % REPLICAS].get("/api/v1/teams?limit=1", headers=h)
            statuses[r.status_code] += 1
            per_replica[i % REPLICAS][r.status_code] += 1

    await asyncio.gather(*(one(i) for i in range(limit + extra)))
    same_window = int(t0 // 60) == int(time.time() // 60)
    # What Redis counted for the key: requests whose Redis call failed were counted by their replica alone.
    redis = Redis.from_url(redis_url)
    key_id = key.split("_")[1]
    counted = sum([int(await redis.get(k) or 0) async for k in redis.scan_iter(f"tessera:rl:{key_id}:*")])
    await redis.aclose()
    # Shared: every replica refuses once the one counter passes the limit, and exactly `limit` of the
    # requests Redis counted are answered. A request whose Redis call failed (timed out on a busy host) is
    # counted by its replica alone and answered: the limiter fails open by design; those are reported.
    fell_back = limit + extra - counted
    ok = (
        same_window
        and all(per_replica[i][429] for i in range(REPLICAS))
        and statuses[200] == limit + fell_back
        and statuses[429] == extra - fell_back
    )
    spread = ", ".join(f"replica {i + 1}: {dict(per_replica[i])}" for i in range(REPLICAS))
    return (
        f"rate limit shared across replicas: {'PASS' if ok else 'FAIL'} ({limit + extra} requests with a "
        f"limit of {limit}/min: {statuses[200]} answered, {statuses[429]} refused with 429, "
        f"{counted} counted in Redis, {fell_back} counted by their replica alone after a failed Redis "
        f"call; {spread}"
        f"{'' if same_window else '; crossed a minute boundary, run again'})"
    )


async def check_revocation(replicas: Replicas, team_id: str) -> str:
    fresh = Replicas(replicas.ports)  # new connections (see check_rate_limit)
    try:
        return await _revocation(fresh, team_id)
    finally:
        await fresh.aclose()


async def _revocation(replicas: Replicas, team_id: str) -> str:
    admin = {"Authorization": f"Bearer {KEY}"}
    c = replicas.clients[0]
    created = (
        await c.post(
            "/api/v1/api-keys", json={"name": "rv", "team_id": team_id, "scopes": ["read"]}, headers=admin
        )
    ).json()
    h = {"Authorization": f"Bearer {created['key']}"}
    for client in replicas.clients:  # every replica has the key in its cache
        assert (await client.get("/api/v1/teams?limit=1", headers=h)).status_code == 200
    revoked_at = time.perf_counter()
    r = await c.delete(f"/api/v1/api-keys/{created['id']}", headers=admin)
    assert r.status_code == 200, r.text
    refused_after: dict[int, float] = {}
    while len(refused_after) < REPLICAS and time.perf_counter() - revoked_at < KEY_CACHE_SECONDS + 15:
        for i, client in enumerate(replicas.clients):
            if (
                i not in refused_after
                and (await client.get("/api/v1/teams?limit=1", headers=h)).status_code == 401
            ):
                refused_after[i] = time.perf_counter() - revoked_at
        await asyncio.sleep(0.1)
    ok = len(refused_after) == REPLICAS and max(refused_after.values()) <= KEY_CACHE_SECONDS + 1
    times = ", ".join(
        f"replica {i + 1}: {refused_after[i]:.1f} s" if i in refused_after else f"replica {i + 1}: never"
        for i in range(REPLICAS)
    )
    return (
        f"revoked key refused by every replica within API_KEY_CACHE_SECONDS={KEY_CACHE_SECONDS:.0f} s: "
        f"{'PASS' if ok else 'FAIL'} (refused after {times}; revoked through replica 1)"
    )


INVARIANTS = {
    "at most one open proposal per asset": (
        "SELECT count(*) FROM (SELECT asset_id FROM workflow.proposals WHERE status = 'open' "
        "GROUP BY asset_id HAVING count(*) > 1) AS x"
    ),
    "exactly one active contract per published asset": (
        "SELECT count(*) FROM (SELECT asset_id FROM core.contracts GROUP BY asset_id "
        "HAVING count(*) FILTER (WHERE status = 'active') <> 1) AS x"
    ),
    "published proposals name a contract of their asset": (
        "SELECT count(*) FROM workflow.proposals AS p LEFT JOIN core.contracts AS c "
        "ON c.id = p.published_contract_id AND c.asset_id = p.asset_id "
        "WHERE p.status = 'published' AND c.id IS NULL"
    ),
    "resolved proposals have resolved_at": (
        "SELECT count(*) FROM workflow.proposals WHERE status <> 'open' AND resolved_at IS NULL"
    ),
    "no open proposal whose every answer is an approval": (
        "SELECT count(*) FROM workflow.proposals AS p WHERE p.status = 'open' AND EXISTS "
        "(SELECT 1 FROM workflow.acknowledgments a WHERE a.proposal_id = p.id) AND NOT EXISTS "
        "(SELECT 1 FROM workflow.acknowledgments a WHERE a.proposal_id = p.id AND a.response <> 'approved')"
    ),
}


async def check_invariants(conn: asyncpg.Connection) -> list[str]:
    out = []
    summary = await conn.fetch(
        "SELECT status, count(*) AS n FROM workflow.proposals GROUP BY status ORDER BY 1"
    )
    for name, sql in INVARIANTS.items():
        bad = await conn.fetchval(sql)
        out.append(f"proposal state: {name}: {'PASS' if bad == 0 else 'FAIL'} ({bad} violations)")
    out.append("  proposals by status: " + ", ".join(f"{r['status']} {r['n']}" for r in summary))
    return out


# --- main ----------------------------------------------------------------------------------------------


def report_throughput(stats: Stats, seconds: float) -> None:
    total = sum(len(v) for v in stats.latencies.values())
    print(f"\nthroughput over {seconds:.0f} s through {REPLICAS} replicas: {total / seconds:.1f} requests/s")
    print(f"{'kind':<18}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}  statuses")
    for kind in ("publish", "breaking_publish", "acknowledge", "dbt_sync", "list_read"):
        lat = sorted(stats.latencies.get(kind, []))
        if not lat:
            print(f"{kind:<18}{0:>9}")
            continue
        p50, p95 = lat[len(lat) // 2], lat[min(len(lat) - 1, int(len(lat) * 0.95))]
        statuses = dict(sorted(stats.statuses[kind].items()))
        errors = f"  errors: {dict(stats.errors[kind])}" if stats.errors.get(kind) else ""
        print(f"{kind:<18}{len(lat):>9}{len(lat) / seconds:>8.1f}{p50:>9.1f}{p95:>9.1f}  {statuses}{errors}")


async def main(args: argparse.Namespace) -> int:
    name = f"tessera_scale_{uuid.uuid4().hex[:8]}"
    base = args.pg_admin_url.rsplit("/", 1)[0]
    database_url = base.replace("postgresql://", "postgresql+asyncpg://") + f"/{name}"
    await admin_sql(args.pg_admin_url, f'CREATE DATABASE "{name}"')
    procs: list[subprocess.Popen[bytes]] = []
    receiver = Receiver()
    replicas: Replicas | None = None
    results: list[str] = []
    try:
        env = environment(
            database_url, args.redis_url, args.rate_limit, args.redis_timeout, tempfile.mkdtemp()
        )
        await asyncio.to_thread(
            subprocess.run, [TESSERA, "db", "upgrade"], env=env, check=True, capture_output=True
        )
        ports = [free_port() for _ in range(REPLICAS)]
        logs = Path(tempfile.mkdtemp(prefix="scale-logs-"))
        for i, port in enumerate(ports):
            procs.append(
                subprocess.Popen(  # noqa: ASYNC220
                    [TESSERA, "serve", "--no-migrate", "--port", str(port)],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=(logs / f"api{i + 1}.log").open("wb"),
                )
            )
        for i in range(WORKERS):
            procs.append(
                subprocess.Popen(  # noqa: ASYNC220
                    [TESSERA, "worker"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=(logs / f"worker{i + 1}.log").open("wb"),
                )
            )
        replicas = Replicas(ports)
        for client in replicas.clients:
            for _ in range(600):
                try:
                    if (await client.get("/health")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        print(
            f"{REPLICAS} API replicas on ports {ports}, {WORKERS} workers, database {name}, "
            f"Redis {args.redis_url}; logs in {logs}"
        )
        actors = await setup(replicas, receiver, args.actors)
        manifest = generate_manifest_bytes(args.models, 8, seed=1)
        stats = Stats()
        rng = random.Random(args.seed)
        t0 = time.perf_counter()
        stop = t0 + args.seconds
        await asyncio.gather(
            *(
                run_actor(a, actors, replicas, stats, manifest, stop, random.Random(rng.random()))
                for a in actors
            )
        )
        elapsed = time.perf_counter() - t0
        report_throughput(stats, elapsed)
        errors = {k: n for k, c in stats.statuses.items() for s, n in c.items() if s >= 500}
        results.append(f"no 5xx under load: {'PASS' if not errors else 'FAIL'} ({errors or 'none'})")

        conn = await asyncpg.connect(f"{base}/{name}")
        try:
            waited = await wait_for_delivery(conn, 180)
            print(f"\nworkers drained the queue {waited:.1f} s after the load stopped")
            results += await check_deliveries(conn, receiver, actors)
            results.append(
                await check_rate_limit(replicas, actors[0].team_id, args.rate_limit, args.redis_url)
            )
            results.append(await check_revocation(replicas, actors[0].team_id))
            results += await check_invariants(conn)
            per_worker = await conn.fetch(
                "SELECT split_part(h->>'worker', ':', 2) AS pid, count(*) AS n "
                "FROM workflow.webhook_deliveries, jsonb_array_elements(history::jsonb) AS h GROUP BY 1"
            )
            if per_worker and any(r["pid"] for r in per_worker):
                print("attempts by worker process: " + ", ".join(f"{r['pid']}: {r['n']}" for r in per_worker))
        finally:
            await conn.close()
    finally:
        if replicas is not None:
            await replicas.aclose()
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        receiver.stop()
        await admin_sql(args.pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print("\nchecks:")
    for line in results:
        print("  " + line)
    return 0 if all("FAIL" not in line for line in results) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="duration of the mixed load")
    parser.add_argument("--actors", type=int, default=12, help="teams driving load concurrently")
    parser.add_argument("--rate-limit", type=int, default=300, help="RATE_LIMIT_PER_MINUTE of every replica")
    parser.add_argument("--models", type=int, default=15, help="models in the generated dbt manifest")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get("TESSERA_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test"),
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--redis-timeout",
        type=float,
        default=0.1,
        help="REDIS_TIMEOUT_SECONDS of every replica (default 0.1)",
    )
    raise SystemExit(asyncio.run(main(parser.parse_args())))

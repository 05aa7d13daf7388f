"""The asset list's cost inside the application: no network, no uvicorn, one request at a time.

    uv run python bench/bench_list_inprocess.py [--requests 1000] [--database-url URL] [--path PATH]

Seeds 50 assets with a contract each (SQLite file by default), then calls the ASGI app directly with
GET /api/v1/assets?limit=50 (auth on; ``--path`` reads another list, e.g. /api/v1/audit/events?limit=50,
whose ~100 events are written by the seeding) and prints CPU microseconds per request. Timings on a shared VM
move by tens of percent between runs; to compare two versions of the code, count instructions instead,
which callgrind does steadily:

    valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python \\
        bench/bench_list_inprocess.py --requests 0     # setup only
    valgrind ... --requests 100                          # setup + 100 requests

and divide the difference of the two "Collected" totals by 100.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time

import httpx

KEY = "bench-bootstrap-key-0123456789abcdef"
PATH = "/api/v1/assets?limit=50"


async def call(app: object, headers: list[tuple[bytes, bytes]], url: str = PATH) -> None:
    """One GET of ``url`` through the ASGI interface; fails unless it answers 200."""
    path, _, query = url.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 8000),
    }
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    await app(scope, receive, send)  # type: ignore[operator]
    assert sent[0]["status"] == 200, sent


def prepare(args: argparse.Namespace) -> None:
    """Settings for the app, and a migrated database (before the event loop: migrations run their own)."""
    os.environ.update(
        DATABASE_URL=args.database_url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db",
        BOOTSTRAP_API_KEY=KEY,
        SECRET_KEY="bench",
        WORKER_ENABLED="false",
        RATE_LIMIT_PER_MINUTE="100000000",
        DATA_DIR=tempfile.mkdtemp(),
    )
    from tessera.config import get_settings
    from tessera.db.migrate import upgrade

    upgrade(get_settings().database_url)


async def main(args: argparse.Namespace) -> None:
    from tessera.app import create_app

    app = create_app()
    async with app.router.lifespan_context(app):
        admin = {"Authorization": f"Bearer {KEY}"}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as c:
            team = (await c.post("/api/v1/teams", json={"name": "bench"}, headers=admin)).json()
            body = {"name": "b", "team_id": team["id"], "scopes": ["read"]}
            key = (await c.post("/api/v1/api-keys", json=body, headers=admin)).json()["key"]
            schema = {"type": "object", "properties": {"id": {"type": "integer"}}}
            for i in range(50):
                asset = {"fqn": f"wh.bench.t{i:02d}", "owner_team_id": team["id"], "tags": ["x"]}
                a = (await c.post("/api/v1/assets", json=asset, headers=admin)).json()
                await c.post(f"/api/v1/assets/{a['id']}/contracts", json={"schema": schema}, headers=admin)
        headers = [(b"authorization", f"Bearer {key}".encode())]
        for _ in range(30):  # warm caches: compiled statements, the key cache
            await call(app, headers, args.path)
        started = time.process_time()
        for _ in range(args.requests):
            await call(app, headers, args.path)
        if args.requests:
            used = (time.process_time() - started) / args.requests
            per = f"{used * 1e6:.0f} µs CPU per request over {args.requests} requests"
            print(f"{args.path} in-process: {per}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--path", default=PATH, help="the list to read (default: %(default)s)")
    arguments = parser.parse_args()
    prepare(arguments)
    asyncio.run(main(arguments))

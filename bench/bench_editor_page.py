"""Figures for the schema editor page (/assets/{id}/check), measured in-process over ASGI.

    uv run python bench/bench_editor_page.py [--columns 200] [--consumers 6] [--rounds 60]

On a fresh SQLite file: one asset with ``--columns`` columns and ``--consumers`` registered consumer
teams. Prints the server time p50 of the page (GET) and of a live verdict (the htmx POST the editor sends
after each edit; here a breaking draft that drops a column every consumer reads), the /assets list page's
p50 under the same conditions for comparison, and the page weight (HTML plus the CSS/JS it loads,
uncompressed and gzip). Targets (issue 10): server p50 under 30 ms; HTML plus assets under 200 KB.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers import BOOTSTRAP_KEY, Api, record_schema, shared_asset  # noqa: E402
from tests.ui.helpers import page_csrf, sign_in  # noqa: E402

from tessera.app import create_app  # noqa: E402
from tessera.config import Environment, Settings  # noqa: E402
from tessera.db.migrate import upgrade  # noqa: E402

STATIC = ROOT / "src" / "tessera" / "ui" / "static"
ASSETS = (
    "tessera.css",
    "tessera.js",
    "editor.css",
    "editor.js",
    "vendor/htmx.min.js",
    "vendor/codemirror/codemirror.min.js",
    "vendor/codemirror/javascript.min.js",
    "vendor/codemirror/lint.min.js",
    "vendor/codemirror/codemirror.css",
    "vendor/codemirror/lint.css",
)


async def _p50(client: httpx.AsyncClient, rounds: int, send: object) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = await send()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.text
    return statistics.median(times[rounds // 6 :]) * 1000  # the first rounds warm caches up


async def run(settings: Settings, columns: int, consumers: int, rounds: int) -> None:
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client,
    ):
        names = [f"c{i:04d}" for i in range(columns)]
        schema = record_schema(dict.fromkeys(names, "string"), [])
        shared = await shared_asset(
            Api(client), schema, consumers=consumers, register_with=[{"columns": names[:2]}] * consumers
        )
        await sign_in(client, BOOTSTRAP_KEY)
        path = f"/assets/{shared.asset['id']}/check"
        token = await page_csrf(client, path)
        draft = json.dumps(record_schema(dict.fromkeys(names[1:], "string"), []))
        headers = {"HX-Request": "true", "X-CSRF-Token": token}
        page = await _p50(client, rounds, lambda: client.get(path))
        verdict = await _p50(
            client, rounds, lambda: client.post(f"{path}/verdict", data={"schema": draft}, headers=headers)
        )
        listing = await _p50(client, rounds, lambda: client.get("/assets"))
        html = (await client.get(path)).content
    static = [(STATIC / name).read_bytes() for name in ASSETS]
    raw = len(html) + sum(len(b) for b in static)
    packed = len(gzip.compress(html)) + sum(len(gzip.compress(b)) for b in static)
    print(f"{columns} columns, {consumers} consumers, {rounds} rounds")
    print(f"GET  /assets/{{id}}/check         p50 {page:6.1f} ms")
    print(f"POST /assets/{{id}}/check/verdict p50 {verdict:6.1f} ms")
    print(f"GET  /assets (for comparison)    p50 {listing:6.1f} ms")
    weight = f"total {raw / 1024:.0f} KB ({packed / 1024:.0f} KB gzip)"
    print(f"page weight: HTML {len(html) / 1024:.0f} KB + CSS/JS; {weight}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", type=int, default=200)
    parser.add_argument("--consumers", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        upgrade(url)
        settings = Settings(
            environment=Environment.TEST,
            database_url=url,
            data_dir=Path(tmp) / "data",
            secret_key="bench-secret",
            bootstrap_api_key=BOOTSTRAP_KEY,
            worker_enabled=False,
            rate_limit_per_minute=0,
        )
        asyncio.run(run(settings, args.columns, args.consumers, args.rounds))


if __name__ == "__main__":
    main()

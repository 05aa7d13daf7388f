"""End-to-end delivery throughput: outbox rows -> worker -> signed webhook POSTs to a local receiver.

    uv run python bench/bench_delivery.py [-n 3000] [--database-url URL]

Writes ``n`` events into the transactional outbox (as publishes do), subscribes one webhook on a local
receiver (uvicorn on 127.0.0.1 in a subprocess), then runs the real worker passes (dispatch the outbox
into delivery rows, claim due attempts under a lease, send them concurrently, record each result) until
every delivery is recorded as delivered. Prints deliveries per second for the whole pipeline.
Target (issue 6): 500+ deliveries/s on this 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))

from bench_webhook_send import free_port, wait_for


async def run(database_url: str, receiver_url: str, count: int) -> None:
    from tessera.config import Environment, Settings
    from tessera.db.engine import create_engine, create_session_factory
    from tessera.db.migrate import upgrade
    from tessera.db.models import Team, Webhook, WebhookDelivery
    from tessera.enums import DeliveryStatus
    from tessera.notifications.payloads import AssetRef, ContractDeprecated, ContractRef, Links, TeamRef
    from tessera.outbox.service import emit
    from tessera.worker.channels import Channels
    from tessera.worker.delivery import deliver_due
    from tessera.worker.dispatch import dispatch_outbox

    await asyncio.to_thread(upgrade, database_url)
    settings = Settings(
        environment=Environment.TEST,
        database_url=database_url,
        secret_key="bench",
        webhook_allowlist="127.0.0.1/32",
        data_dir=Path(tempfile.mkdtemp()),
    )
    engine = create_engine(database_url)
    factory = create_session_factory(engine)
    team_id = uuid.uuid4()
    async with factory() as session, session.begin():
        session.add(Team(id=team_id, name=f"bench-{team_id.hex[:6]}"))
        await session.flush()
        session.add(
            Webhook(
                team_id=team_id,
                url=receiver_url,
                secret="whsec_" + "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
                events=[],
            )
        )
        owner = TeamRef(id=team_id, name="bench")
        asset = AssetRef(id=uuid.uuid4(), fqn="bench.orders", environment="production", owner_team=owner)
        links = Links(asset_url=f"https://tessera.example.com/api/v1/assets/{asset.id}")
        for i in range(count):
            contract = ContractRef(id=uuid.uuid4(), version=f"1.{i}.0")
            await emit(
                session,
                ContractDeprecated(asset=asset, contract=contract, superseded_by=f"1.{i + 1}.0", links=links),
            )
    channels = Channels(settings)
    started = time.perf_counter()
    async with factory() as session, session.begin():
        while await dispatch_outbox(session, settings, limit=1000):
            pass
    dispatched = time.perf_counter()
    while await deliver_due(factory, channels, limit=400):
        pass
    finished = time.perf_counter()
    async with factory() as session:
        done = (
            await session.execute(
                sa.select(sa.func.count())
                .select_from(WebhookDelivery)
                .where(WebhookDelivery.status == DeliveryStatus.DELIVERED)
            )
        ).scalar_one()
    await channels.aclose()
    await engine.dispose()
    total = finished - started
    print(f"database: {database_url.split('://')[0]}   events: {count}   delivered: {done}")
    print(f"dispatch (outbox -> delivery rows): {dispatched - started:.2f} s")
    print(f"deliver (claim, POST, record):      {finished - dispatched:.2f} s")
    print(f"end to end: {done / total:,.0f} deliveries/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=3000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    port = free_port()
    receiver = subprocess.Popen(
        [sys.executable, str(Path(__file__).parent / "bench_webhook_send.py"), "--serve", str(port)]
    )
    try:
        wait_for(port)
        url = args.database_url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
        asyncio.run(run(url, f"http://127.0.0.1:{port}/hook", args.count))
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)


if __name__ == "__main__":
    main()

"""Time from starting the real server process to its first 2xx on /health.

    .venv/bin/python bench/bench_startup.py [--runs 10] [--pg-url postgresql://postgres@127.0.0.1:5432/test]
                                            [--no-pg] [--via-run-py] [--root CHECKOUT]

For each database (a SQLite file in a temporary directory, and a fresh PostgreSQL database created through
``--pg-url`` and dropped afterwards, when that server answers), the schema is migrated once with
``tessera db upgrade``; then the server is started ``--runs`` times as a user starts it, ``tessera serve``
(migration check included, since the database is already at head), and the script polls ``GET /health``
every 5 ms until it answers 2xx. It prints p50 / min / max of that time per database, and the CPU time
the process tree had used by then (the work itself, less sensitive to a busy machine than the wall time).

``--via-run-py`` also times ``python3 run.py serve``, which first runs ``uv sync`` (a no-op check on an
up-to-date environment; skipped when the lock is unchanged since the last sync) and then starts the server.
``--root`` measures another checkout (its ``.venv``), e.g. a worktree of an older commit, for a before/after.

Issue 17's goal: the first 2xx within 1 s on SQLite with the migrations applied.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def health_ok(port: int) -> bool:
    """Whether ``GET /health`` answers 2xx now."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        conn.request("GET", "/health")
        return 200 <= conn.getresponse().status < 300
    except OSError:
        return False
    finally:
        conn.close()


def session_cpu_seconds(session: int) -> float:
    """CPU time (user + system, with finished children's) of the processes of ``session`` (Linux /proc).

    On a shared machine the wall time mostly measures the queue for the CPU; this is the work itself.
    """
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session:
            total += sum(int(value) for value in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


def time_to_first_2xx(
    command: list[str], env: dict[str, str], port: int, root: Path, timeout: float = 60
) -> tuple[float, float]:
    """Start ``command``; seconds until /health on ``port`` answers 2xx, and the CPU seconds it took."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        command,
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # run.py starts uv which starts tessera: stop the whole group
    )
    try:
        while time.perf_counter() - started < timeout:
            if health_ok(port):
                return time.perf_counter() - started, session_cpu_seconds(proc.pid)
            if proc.poll() is not None:
                raise RuntimeError(f"{command} exited with {proc.returncode} before answering")
            time.sleep(0.005)
        raise RuntimeError(f"{command} did not answer within {timeout} s")
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the process group of ``proc`` (SIGTERM, then SIGKILL after 15 s)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except ProcessLookupError:
        proc.wait()
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def server_env(database_url: str, port: int) -> dict[str, str]:
    """The environment of one server run: its database and port, auth on with a bootstrap key."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "BOOTSTRAP_API_KEY": "bench-bootstrap-key-0123456789abcdef",
    }


def measure(root: Path, label: str, database_url: str, runs: int, via_run_py: bool) -> None:
    """Migrate once, then time ``runs`` starts of ``tessera serve`` (and of ``run.py serve``) in ``root``."""
    tessera = str(root / ".venv" / "bin" / "tessera")
    subprocess.run(
        [tessera, "db", "upgrade"],
        cwd=root,
        env=server_env(database_url, 0),
        check=True,
        capture_output=True,
    )
    commands = {"tessera serve": [tessera, "serve"]}
    if via_run_py:
        commands["run.py serve"] = ["python3", "run.py", "serve"]  # as a user starts it
    for name, command in commands.items():
        times, cpus = [], []
        for _ in range(runs):
            port = free_port()
            wall, cpu = time_to_first_2xx(command, server_env(database_url, port), port, root)
            times.append(wall)
            cpus.append(cpu)
        print(
            f"{label:<10} {name:<14} runs={runs:<3} p50={statistics.median(times):.3f}s "
            f"min={min(times):.3f}s max={max(times):.3f}s cpu p50={statistics.median(cpus):.2f}s",
            flush=True,
        )


async def _pg(admin_url: str, statement: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--via-run-py", action="store_true", help="also time python3 run.py serve")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to measure (its .venv)")
    args = parser.parse_args()
    print(f"{args.root}: load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        measure(args.root, "sqlite", f"sqlite+aiosqlite:///{tmp}/bench.db", args.runs, args.via_run_py)

    if args.no_pg:
        return
    name = f"tessera_start_{uuid.uuid4().hex[:8]}"
    try:
        asyncio.run(_pg(args.pg_url, f'CREATE DATABASE "{name}"'))
    except OSError as exc:
        print(f"postgresql skipped: {exc}")
        return
    try:
        base = args.pg_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
        measure(args.root, "postgresql", f"{base}/{name}", args.runs, args.via_run_py)
    finally:
        asyncio.run(_pg(args.pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()

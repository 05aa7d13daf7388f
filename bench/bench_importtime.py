"""Import-time profile of building the app: which packages the server's start-up spends its imports on.

    .venv/bin/python bench/bench_importtime.py [--runs 5] [--top 25] [--root CHECKOUT] [--gc on|off|serve]

Runs ``python -X importtime`` on "import tessera.app, then create_app()" ``--runs`` times in fresh
interpreters of ``--root``'s ``.venv`` and prints, per package, the sum of its modules' *self* times
(tessera's own modules by feature package, e.g. ``tessera.db``), with each module's time taken as the
minimum over the runs: on a shared machine a module is often preempted once, rarely every time. Also
prints the process CPU time (user + system) of each run, p50, which is the figure to compare.

``--gc serve`` (default) runs the collector as ``tessera serve`` does in that checkout (paused during
start-up when the checkout has ``tessera.perf.pause_gc_for_startup``); ``on`` and ``off`` force it, to
separate the collector's passes (which -X importtime charges to whichever module was importing) from
the imports themselves. ``--root /work/main`` measures another checkout for a before/after.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import gc, resource, sys
mode = sys.argv[1]
if mode == "off":
    gc.disable()
elif mode == "serve":
    try:
        from tessera.perf import pause_gc_for_startup
    except ImportError:  # a checkout before the start-up pause
        pass
    else:
        pause_gc_for_startup()
from tessera.app import create_app
from tessera.config import Settings
create_app(Settings(database_url="sqlite+aiosqlite:///" + sys.argv[2]))
usage = resource.getrusage(resource.RUSAGE_SELF)
print(f"CPU={usage.ru_utime + usage.ru_stime:.4f}")
"""

LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def package_of(module: str) -> str:
    """The group a module's time is counted in: its top-level package, tessera's by feature package."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "tessera" and len(parts) > 1 else parts[0]


def one_run(python: Path, mode: str, db: str) -> tuple[dict[str, int], float]:
    """Self time (µs) of each module imported, and the process CPU seconds, of one fresh interpreter."""
    result = subprocess.run(
        [str(python), "-X", "importtime", "-c", PROBE, mode, db],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    times = {m[4]: int(m[1]) for m in map(LINE.match, result.stderr.splitlines()) if m is not None}
    cpu = float(next(line for line in result.stdout.splitlines() if line.startswith("CPU="))[4:])
    return times, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to measure (its .venv)")
    parser.add_argument("--gc", choices=("serve", "on", "off"), default="serve")
    args = parser.parse_args()
    python = args.root / ".venv" / "bin" / "python"
    print(f"{args.root}: load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, gc {args.gc}")

    best: dict[str, int] = {}
    cpus: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            times, cpu = one_run(python, args.gc, f"{tmp}/unused.db")
            cpus.append(cpu)
            for module, micros in times.items():
                best[module] = min(micros, best.get(module, micros))

    total = sum(best.values())
    by_package: Counter[str] = Counter()
    for module, micros in best.items():
        by_package[package_of(module)] += micros
    print(
        f"modules {len(best)}; summed self time {total / 1000:.1f} ms (minimum of {args.runs} runs each); "
        f"process CPU p50 {statistics.median(cpus):.3f} s (min {min(cpus):.3f} s)"
    )
    print(f"{'package':<28} {'ms':>8} {'share':>7}")
    for package, micros in by_package.most_common(args.top):
        print(f"{package:<28} {micros / 1000:8.1f} {100 * micros / total:6.1f}%")
    print("slowest modules (self time):")
    for module, micros in sorted(best.items(), key=lambda item: -item[1])[:10]:
        print(f"  {module:<50} {micros / 1000:8.1f} ms")


if __name__ == "__main__":
    main()

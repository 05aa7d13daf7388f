"""Cold-start time of the CLI: ``tessera --help`` and the offline ``tessera schema diff``.

    .venv/bin/python bench/bench_cli_start.py [--runs 20] [--warmup 3]

Runs each command ``--runs`` times after ``--warmup`` unmeasured runs (as hyperfine does: the warm-up
fills the OS file cache, so "cold" means a new interpreter, not a cold disk) and prints the wall time
(mean, p50, min, max) and the CPU time (user + system) per run. ``python -c pass`` is the floor: the
interpreter's own start. The diff compares two small schemas (three columns, one removed), so the
figure is start-up, not diff work. Issue 15's goal: ``tessera schema diff`` under 0.3 s on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def cpu_seconds() -> float:
    """User + system CPU time of the finished children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``command`` (its exit code is not judged: 1 = breaking)."""
    cpu = cpu_seconds()
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started, cpu_seconds() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        old, new = Path(tmp) / "old.json", Path(tmp) / "new.json"
        columns = {"id": {"type": "integer"}, "email": {"type": "string"}, "zip": {"type": "string"}}
        old.write_text(json.dumps({"type": "object", "properties": columns, "required": ["id"]}))
        del columns["zip"]
        new.write_text(json.dumps({"type": "object", "properties": columns, "required": ["id"]}))
        tessera = str(BIN / "tessera")
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "tessera --help": [tessera, "--help"],
            "tessera schema diff": [tessera, "schema", "diff", str(old), str(new)],
        }
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        for name, command in commands.items():
            for _ in range(args.warmup):
                run_once(command)
            walls, cpus = zip(*(run_once(command) for _ in range(args.runs)), strict=True)
            print(
                f"{name:<20} runs={args.runs:<3} wall mean={statistics.mean(walls):.3f}s "
                f"p50={statistics.median(walls):.3f}s min={min(walls):.3f}s max={max(walls):.3f}s "
                f"cpu p50={statistics.median(cpus):.3f}s",
                flush=True,
            )
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

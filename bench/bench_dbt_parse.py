"""Benchmark ``parse_manifest`` on a large synthetic manifest and print time and peak memory.

Target (a small part of the 10 s sync budget): < 2 s and < 300 MB peak for 5,000 models x 20 columns.

    uv run python bench/bench_dbt_parse.py [--models 5000] [--columns 20] [--runs 3]

The bytes are handed over in a ``bytearray``, as the dbt sync does (the parse empties it once decoded).
Each measurement runs in a fresh subprocess so that peak RSS belongs to one parse only; "peak over
baseline" excludes the interpreter and the manifest bytes already in memory.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dbt_manifest_gen import generate_manifest_bytes

_CHILD = """
import json, resource, sys, time
from tessera.ingest.dbt import parse_manifest
data = bytearray(open(sys.argv[1], "rb").read())  # as the sync passes its body: emptied once decoded
def rss():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024
baseline = rss()
start = time.perf_counter()
project = parse_manifest(data)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "baseline_mb": baseline, "peak_mb": peak,
                  "assets": len(project.assets), "exposures": len(project.exposures),
                  "warnings": len(project.warnings)}))
"""


def measure(path: Path) -> dict[str, float]:
    """Parse ``path`` in a fresh interpreter and return its figures."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


def main() -> int:
    """Generate the manifests, run the measurements and print a summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=5000)
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        plain = generate_manifest_bytes(args.models, args.columns)
        gen_seconds = time.perf_counter() - start
        plain_path, gz_path = Path(tmp) / "manifest.json", Path(tmp) / "manifest.json.gz"
        plain_path.write_bytes(plain)
        gz_path.write_bytes(generate_manifest_bytes(args.models, args.columns, gzipped=True))
        print(
            f"synthetic manifest: {args.models:,} models x {args.columns} columns, "
            f"{len(plain) / 1e6:.1f} MB JSON, {gz_path.stat().st_size / 1e6:.1f} MB gzipped "
            f"(generated in {gen_seconds:.1f} s)"
        )
        for label, path in (("json", plain_path), ("gzip", gz_path)):
            runs = [measure(path) for _ in range(args.runs)]
            seconds = [run["seconds"] for run in runs]
            peak = max(run["peak_mb"] for run in runs)
            over = max(run["peak_mb"] - run["baseline_mb"] for run in runs)
            print(
                f"parse_manifest ({label}): median {statistics.median(seconds):.2f} s, "
                f"best {min(seconds):.2f} s; "
                f"peak RSS {peak:.0f} MB ({over:.0f} MB over baseline); "
                f"{int(runs[0]['assets']):,} assets, {int(runs[0]['exposures'])} exposures, "
                f"{int(runs[0]['warnings'])} warnings"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

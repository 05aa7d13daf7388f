"""How long the GitHub Action's install step takes: the client alone against the whole server package.

    python3 bench/bench_action_install.py [--runs 2]

Each run makes a fresh virtualenv (``python -m venv``) and does what action.yml does with pip (which the
action uses): the pinned client packages of action-requirements.txt, then the SDK and the ``tessera``
package with ``--no-deps``. For comparison it then installs the SDK and the package with their
dependencies, as the action did before (the server's FastAPI, SQLAlchemy, sqlglot, asyncpg, ...).
pip's cache is kept between runs, as in a CI cache-hit: the first run of each also shows a cold start.
Prints the seconds per run, the number of installed distributions and the size of site-packages.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIP = ["-m", "pip", "install", "--quiet", "--disable-pip-version-check"]


def _install(steps: list[list[str]]) -> tuple[float, int, float]:
    """Seconds to run ``steps`` in a fresh venv, installed distributions, site-packages MB."""
    with tempfile.TemporaryDirectory(prefix="tessera-action-") as tmp:
        venv = Path(tmp) / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        python = str(venv / "bin" / "python")
        started = time.perf_counter()
        for step in steps:
            subprocess.run([python, *PIP, *step], check=True)
        seconds = time.perf_counter() - started
        subprocess.run([str(venv / "bin" / "tessera"), "--version"], check=True, capture_output=True)
        site = next(venv.glob("lib/python*/site-packages"))
        dists = len(list(site.glob("*.dist-info")))
        size = sum(f.stat().st_size for f in site.rglob("*") if f.is_file()) / 1e6
        return seconds, dists, size


def main() -> None:
    """Time both installs ``--runs`` times each and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    client = [
        ["--only-binary=:all:", "-r", str(ROOT / "action-requirements.txt")],
        ["--no-deps", str(ROOT / "sdk"), str(ROOT)],
    ]
    full = [[str(ROOT / "sdk"), str(ROOT)]]
    for label, steps in (("client only (action.yml)", client), ("whole package (before)", full)):
        for run in range(1, args.runs + 1):
            seconds, dists, size = _install(steps)
            print(f"{label:26} run {run}: {seconds:5.1f} s, {dists:3d} distributions, {size:6.1f} MB")


if __name__ == "__main__":
    main()

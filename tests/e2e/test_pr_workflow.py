"""The pull-request workflow end to end, as a user lives it, against the real server in a subprocess.

A developer drops a column of a dbt model -> CI runs ``tessera dbt check`` and names the consumer team it
breaks -> ``--propose`` notifies them -> they acknowledge with ``tessera proposal ack`` -> the check passes
-> the merged manifest is synced and 2.0.0 is published, the consumer's registration intact. The PR comment
is kept up to date on a fake GitHub along the way.

The server is ``tessera serve`` in its own process. The CLI calls run in-process (Typer's runner, the real
commands over real HTTP) to keep the test fast; one ``dbt check`` runs the installed console script as a
separate process to cover the entry point and its exit code.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from tessera.cli.main import app
from tests.cli.fake_github import FakeGitHub, fake_github

pytestmark = pytest.mark.slow

MANIFESTS = Path(__file__).resolve().parents[1] / "fixtures" / "dbt" / "manifests"
BASE = str(MANIFESTS / "shop__base.json.gz")
DROPPED = str(MANIFESTS / "shop__dropped_column.json.gz")
FCT = "model.shop.fct_orders"
ADMIN_KEY = "e2e-bootstrap-admin-key-0123456789abcdef"
REPO, PR = "acme/shop", 7


def _tessera() -> list[str]:
    script = Path(sys.executable).with_name("tessera")
    found = str(script) if script.exists() else shutil.which("tessera")
    return [found] if found else [sys.executable, "-c", "from tessera.cli.main import run; run()"]


# uvicorn logs the port it bound; with PORT=0 the kernel picks it, so no other process can take it first.
_LISTENING = re.compile(r"Uvicorn running on (http://127\.0\.0\.1:\d+)")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``tessera serve`` on a port the kernel picks, over a temporary SQLite database; yields its URL."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'tessera.db'}",
        "BOOTSTRAP_API_KEY": ADMIN_KEY,
        "SECRET_KEY": "e2e-secret",
        "ENVIRONMENT": "test",
        "DATA_DIR": str(tmp_path / "data"),
        "BASE_URL": "http://tessera.e2e",
        "PORT": "0",
    }
    env.pop("REDIS_URL", None)  # in-memory rate limiting: the test needs no Redis
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [*_tessera(), "serve", "--host", "127.0.0.1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
    )
    url = ""
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"tessera serve exited with {proc.returncode}:\n{(tmp_path / 'server.log').read_text()}"
                )
            if not url and (found := _LISTENING.search((tmp_path / "server.log").read_text())):
                url = found.group(1)
            try:
                if url and httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("tessera serve did not become healthy in 60 s")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@dataclass
class Run:
    """One finished ``tessera`` invocation."""

    code: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, object]:
        data = json.loads(self.stdout)
        assert isinstance(data, dict)
        return data


@dataclass
class Tessera:
    """Runs ``tessera`` commands against the server: in-process (Typer's runner), or as a real process."""

    url: str
    workdir: Path

    def __call__(
        self, *args: str, key: str = ADMIN_KEY, env: dict[str, str] | None = None, expect: int = 0
    ) -> Run:
        environment = {"TESSERA_URL": self.url, "TESSERA_API_KEY": key, "COLUMNS": "200", **(env or {})}
        result = CliRunner().invoke(app, list(args), env=environment, catch_exceptions=False)
        run = Run(result.exit_code, result.stdout, result.stderr)
        assert run.code == expect, (
            f"tessera {' '.join(args)} -> {run.code} (expected {expect})\n{result.output}"
        )
        return run

    def process(self, *args: str, key: str, env: dict[str, str], expect: int) -> Run:
        """The installed console script in its own process (slower: a full interpreter start)."""
        environment = {**os.environ, "TESSERA_URL": self.url, "TESSERA_API_KEY": key, "COLUMNS": "200", **env}
        done = subprocess.run(  # noqa: S603 - our own console script
            [*_tessera(), *args],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=self.workdir,
        )
        assert done.returncode == expect, (
            f"tessera {' '.join(args)} -> {done.returncode}\n{done.stdout}\n{done.stderr}"
        )
        return Run(done.returncode, done.stdout, done.stderr)


def test_pull_request_workflow(server: str, tmp_path: Path) -> None:
    tessera = Tessera(server, tmp_path)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"action": "synchronize", "pull_request": {"number": PR}}))

    # Setup: the producing team, a consuming team, a key each.
    tessera("team", "create", "analytics")
    tessera("team", "create", "marketing")
    owner_key = tessera(
        "api-key", "create", "--team", "analytics", "--name", "ci", "--scope", "write", "--json"
    ).json()["key"]
    consumer_key = tessera(
        "api-key", "create", "--team", "marketing", "--name", "m", "--scope", "write", "--json"
    ).json()["key"]
    assert isinstance(owner_key, str)
    assert isinstance(consumer_key, str)

    # main branch: sync the real dbt manifest; the consumer registers on the column it reads.
    synced = tessera(
        "dbt", "sync", "--manifest", BASE, "--owner-team", "analytics", "--json", key=owner_key
    ).json()
    fct = next(a for a in synced["assets"] if a["unique_id"] == FCT)  # type: ignore[attr-defined]
    fqn = fct["fqn"]
    assert fct["version"] == "1.0.0"
    tessera("register", fqn, "--columns", "country_code", key=consumer_key)

    github_env = {"GITHUB_REPOSITORY": REPO, "GITHUB_EVENT_PATH": str(event)}
    report = tmp_path / "tessera.md"
    with fake_github() as github:
        comment_env = {**github_env, "GITHUB_API_URL": github.url, "GITHUB_TOKEN": github.token}

        # The pull request drops fct_orders.country_code: the check fails and names marketing.
        check = tessera.process(
            "dbt", "check", "--manifest", DROPPED, key=owner_key, env=github_env, expect=1
        )
        assert "marketing" in check.stdout
        assert "FAIL" in check.stdout

        # --propose notifies them now; the PR comment is created.
        proposed = tessera(
            "dbt",
            "check",
            "--manifest",
            DROPPED,
            "--propose",
            "--json",
            "--markdown",
            str(report),
            key=owner_key,
            env=github_env,
            expect=1,
        ).json()
        model = next(m for m in proposed["models"] if m["unique_id"] == FCT)  # type: ignore[attr-defined]
        assert [c["team"] for c in model["consumers"] if c["team"] == "marketing"] == ["marketing"]
        proposal = model["proposal"]
        assert proposal is not None
        assert proposal["source_ref"] == f"github:{REPO}#{PR}"
        tessera("ci", "github-comment", "--markdown", str(report), env=comment_env, expect=1)
        _assert_one_comment(github, "fail", "marketing")

        # The consumer acknowledges through the CLI. Nothing is published before the merge.
        ack = tessera("proposal", "ack", proposal["id"], key=consumer_key)
        assert "Answered approved" in ack.stdout
        assert tessera("asset", "show", fqn, "--json").json()["current_version"] == "1.0.0"

        # The check is green now; the same PR comment is edited, not duplicated.
        passed = tessera(
            "dbt", "check", "--manifest", DROPPED, "--markdown", str(report), key=owner_key, env=github_env
        )
        assert "PASS" in passed.stdout
        tessera("ci", "github-comment", "--markdown", str(report), env=comment_env)
        _assert_one_comment(github, "pass")
        assert [m for m, _ in github.requests].count("POST") == 1

    # Merge: sync the merged manifest; the approved contract is published as 2.0.0.
    merged = tessera(
        "dbt", "sync", "--manifest", DROPPED, "--owner-team", "analytics", "--json", key=owner_key
    ).json()
    after = next(a for a in merged["assets"] if a["unique_id"] == FCT)  # type: ignore[attr-defined]
    assert after["status"] == "published_from_proposal"
    assert after["version"] == "2.0.0"
    shown = tessera("asset", "show", fqn, "--json").json()
    assert shown["current_version"] == "2.0.0"
    registrations = shown["registrations"]
    assert isinstance(registrations, list)
    mine = [r for r in registrations if r["columns"] == ["country_code"]]
    assert len(mine) == 1, registrations
    final = tessera("proposal", "show", proposal["id"], "--json").json()
    assert final["status"] == "published"
    assert tessera("dbt", "check", "--manifest", DROPPED, key=owner_key).code == 0


def _assert_one_comment(github: FakeGitHub, verdict: str, mentions: str | None = None) -> None:
    """Exactly one Tessera comment on the PR, carrying the latest ``verdict`` (an edit, not a stale body)."""
    [comment] = github.ours(REPO, PR)
    assert comment["body"].rstrip().endswith(f"<!-- tessera-verdict: {verdict} -->")
    if mentions:
        assert mentions in comment["body"]

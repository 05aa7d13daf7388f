"""``tessera dbt results``, ``tessera dbt freshness`` and ``tessera gx results``: upload check results."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tessera.cli.context import Ctx, command
from tessera.cli.dbt import DBT_TIMEOUT, EnvOption, dbt_app
from tessera_sdk.models import ResultsIngest

SHOWN = 50
"""Unmatched results listed in the terminal; ``--json`` has them all."""

gx_app = typer.Typer(help="Great Expectations: upload validation results.", no_args_is_help=True)

ArtifactArg = Annotated[Path, typer.Argument(help="The artifact to upload (JSON or .json.gz).")]
ManifestNextTo = Annotated[
    Path | None,
    typer.Option(
        "--manifest", "-m", help="The project's manifest.json; default: the one beside the artifact."
    ),
]


def _existing(ctx: Ctx, path: Path, what: str) -> Path:
    if not path.is_file():
        ctx.fail(f"{what} not found: {path}")
    return path


def _manifest(ctx: Ctx, artifact: Path, manifest: Path | None) -> Path:
    return _existing(ctx, manifest or artifact.with_name("manifest.json"), "manifest.json (pass --manifest)")


@command(dbt_app, "results")
def results(
    ctx: Ctx,
    run_results: ArtifactArg = Path("target/run_results.json"),
    manifest: ManifestNextTo = None,
    environment: EnvOption = "production",
) -> None:
    """Record the test results of `dbt build` / `dbt test` (run_results.json) against their guarantees."""
    path = _existing(ctx, run_results, "run_results.json")
    client = ctx.client(timeout=DBT_TIMEOUT)
    _render(ctx, client.quality.dbt_results(path, _manifest(ctx, path, manifest), environment=environment))


@command(dbt_app, "freshness")
def freshness(
    ctx: Ctx,
    sources: ArtifactArg = Path("target/sources.json"),
    manifest: ManifestNextTo = None,
    environment: EnvOption = "production",
) -> None:
    """Record `dbt source freshness` results (sources.json) as the sources' freshness guarantees."""
    path = _existing(ctx, sources, "sources.json")
    client = ctx.client(timeout=DBT_TIMEOUT)
    _render(ctx, client.quality.dbt_freshness(path, _manifest(ctx, path, manifest), environment=environment))


@command(gx_app, "results")
def gx_results(
    ctx: Ctx,
    result: ArtifactArg,
    asset: Annotated[str, typer.Option("--asset", "-a", help="FQN of the asset the suite validated.")],
    environment: EnvOption = "production",
) -> None:
    """Record a Great Expectations validation result (its JSON) as a run of one asset."""
    path = _existing(ctx, result, "validation result")
    client = ctx.client(timeout=DBT_TIMEOUT)
    _render(ctx, client.quality.gx_results(path, asset_fqn=asset, environment=environment))


def _render(ctx: Ctx, result: ResultsIngest) -> None:
    if ctx.json:
        ctx.emit_json(result)
        return
    new = [r for r in result.recorded if not r.duplicate]
    ctx.say(
        f"Invocation {result.invocation_id} ({result.source}): {result.checks} checks of known assets; "
        f"{len(new)} runs recorded, {len(result.recorded) - len(new)} already recorded earlier; "
        f"{len(result.unmatched)} results unmatched."
    )
    if result.recorded:
        ctx.table(
            "Assets",
            ["FQN", "Status", "Checks", "Already recorded"],
            [(r.fqn, r.status, r.checks, "yes" if r.duplicate else "") for r in result.recorded],
        )
    changes = [("failed", g) for g in result.failed] + [("recovered", g) for g in result.recovered]
    if changes:
        ctx.table("Guarantees that changed state", ["Change", "Asset / guarantee"], changes)
    if result.unmatched:
        ctx.table(
            "Unmatched (not recorded)",
            ["Check", "Relation", "Reason"],
            [(u.check, u.relation, u.reason) for u in result.unmatched[:SHOWN]],
        )
        if len(result.unmatched) > SHOWN:
            ctx.say(f"... and {len(result.unmatched) - SHOWN} more unmatched (--json lists them all).")

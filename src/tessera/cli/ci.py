"""``tessera ci github-comment``: keep one PR comment with the check's report up to date."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import httpx
import typer

from tessera.cli.context import CliError, Ctx
from tessera.cli.github import GITHUB_API, GitHubComments, describe_http_error, pr_number_from_env, verdict_in

ci_app = typer.Typer(help="Helpers for CI pipelines.", no_args_is_help=True)

EXIT_FAIL = 1
EXIT_UNUSABLE = 2


@ci_app.command("github-comment")
def github_comment(
    markdown: Annotated[
        Path, typer.Option("--markdown", help="Report written by 'tessera dbt check --markdown'.")
    ],
    repo: Annotated[str | None, typer.Option(help="owner/name; default $GITHUB_REPOSITORY.")] = None,
    pr: Annotated[
        int | None, typer.Option("--pr", help="Pull request number; default from the GitHub event.")
    ] = None,
    token: Annotated[
        str | None, typer.Option(envvar="GITHUB_TOKEN", help="Token allowed to comment.")
    ] = None,
    api_url: Annotated[str | None, typer.Option(help="GitHub API URL; default $GITHUB_API_URL.")] = None,
    verdict: Annotated[str | None, typer.Option(help="pass or fail; default: read from the report.")] = None,
    fail_on_breaking: Annotated[bool, typer.Option(help="Exit 1 when the verdict is fail.")] = True,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    """Create or update the single Tessera comment on the pull request, then exit per the verdict.

    Failing to comment (e.g. a fork's read-only token) is a warning, not a failure: the verdict decides.
    """
    ctx = Ctx(url="", api_key=None, debug=debug, error_exit=EXIT_UNUSABLE)
    with ctx.guard():
        body = markdown.read_text(encoding="utf-8")
        outcome = verdict or verdict_in(body)
        if outcome not in (None, "pass", "fail"):
            raise CliError(f"--verdict must be pass or fail, got {outcome!r}", EXIT_UNUSABLE)
        _post(
            ctx,
            body,
            repo or os.environ.get("GITHUB_REPOSITORY"),
            pr or pr_number_from_env(os.environ),
            token,
            api_url or os.environ.get("GITHUB_API_URL") or GITHUB_API,
        )
    if outcome == "fail" and fail_on_breaking:
        raise typer.Exit(EXIT_FAIL)


def _post(ctx: Ctx, body: str, repo: str | None, number: int | None, token: str | None, api_url: str) -> None:
    if not repo or number is None:
        ctx.err.print(
            "warning: not a pull request (no --repo/--pr and no GitHub PR event); no comment posted."
        )
        return
    if not token:
        raise CliError("--token (or GITHUB_TOKEN) is required to comment", EXIT_UNUSABLE)
    comments = GitHubComments(token, api_url)
    try:
        result = comments.upsert(repo, number, body)
    except httpx.HTTPError as exc:
        ctx.err.print(
            f"warning: could not update the PR comment: {describe_http_error(exc)}", highlight=False
        )
        return
    finally:
        comments.close()
    where = f" {result.url}" if result.url else ""
    ctx.err.print(f"PR comment {result.action} ({repo}#{number}){where}", highlight=False)

"""``tessera ci github-comment`` / ``gitlab-comment``: keep one review comment with the check's report."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import httpx
import typer

from tessera.cli import github, gitlab
from tessera.cli.context import CliError, Ctx
from tessera.cli.review_comment import CommentResult, verdict_in

ci_app = typer.Typer(help="Helpers for CI pipelines.", no_args_is_help=True)

EXIT_FAIL = 1
EXIT_UNUSABLE = 2

MarkdownOption = Annotated[
    Path, typer.Option("--markdown", help="Report written by 'tessera dbt check --markdown'.")
]
VerdictOption = Annotated[str | None, typer.Option(help="pass or fail; default: read from the report.")]
FailOption = Annotated[bool, typer.Option(help="Exit 1 when the verdict is fail.")]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")]


@ci_app.command("github-comment")
def github_comment(
    markdown: MarkdownOption,
    repo: Annotated[str | None, typer.Option(help="owner/name; default $GITHUB_REPOSITORY.")] = None,
    pr: Annotated[
        int | None, typer.Option("--pr", help="Pull request number; default from the GitHub event.")
    ] = None,
    token: Annotated[
        str | None, typer.Option(envvar="GITHUB_TOKEN", help="Token allowed to comment.")
    ] = None,
    api_url: Annotated[str | None, typer.Option(help="GitHub API URL; default $GITHUB_API_URL.")] = None,
    verdict: VerdictOption = None,
    fail_on_breaking: FailOption = True,
    debug: DebugOption = False,
) -> None:
    """Create or update the single Tessera comment on the pull request, then exit per the verdict.

    Failing to comment (e.g. a fork's read-only token) is a warning, not a failure: the verdict decides.
    """
    repo = repo or os.environ.get("GITHUB_REPOSITORY")
    number = pr or github.pr_number_from_env(os.environ)
    url = api_url or os.environ.get("GITHUB_API_URL") or github.GITHUB_API

    def post(ctx: Ctx, body: str) -> None:
        if not repo or number is None:
            ctx.err.print(
                "warning: not a pull request (no --repo/--pr and no GitHub PR event); no comment posted."
            )
            return
        if not token:
            raise CliError("--token (or GITHUB_TOKEN) is required to comment", EXIT_UNUSABLE)
        comments = github.GitHubComments(token, url)
        _upsert(
            ctx,
            ("PR comment", f"{repo}#{number}"),
            lambda: comments.upsert(repo, number, body),
            comments.close,
            github.describe_http_error,
        )

    _comment_then_exit(markdown, verdict, fail_on_breaking, debug, post)


@ci_app.command("gitlab-comment")
def gitlab_comment(
    markdown: MarkdownOption,
    project: Annotated[
        str | None, typer.Option(help="Project id or group/name path; default $CI_PROJECT_ID.")
    ] = None,
    mr: Annotated[
        int | None, typer.Option("--mr", help="Merge request IID; default $CI_MERGE_REQUEST_IID.")
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="GITLAB_TOKEN",
            help="Project or personal access token (api scope), sent as PRIVATE-TOKEN; "
            "without it $CI_JOB_TOKEN is tried.",
        ),
    ] = None,
    api_url: Annotated[
        str | None, typer.Option(help="GitLab API v4 URL; default $CI_API_V4_URL, else gitlab.com.")
    ] = None,
    verdict: VerdictOption = None,
    fail_on_breaking: FailOption = True,
    debug: DebugOption = False,
) -> None:
    """Create or update the single Tessera note on the merge request, then exit per the verdict.

    Failing to comment (e.g. a job token without note permission) is a warning: the verdict decides.
    """
    from_env = gitlab.merge_request_from_env(os.environ)
    target: gitlab.MergeRequest | None = None
    if project and mr is not None:
        target = gitlab.MergeRequest(project, mr)
    elif from_env is not None:
        target = gitlab.MergeRequest(project or from_env.project, mr if mr is not None else from_env.iid)
    url = api_url or os.environ.get("CI_API_V4_URL") or gitlab.GITLAB_API

    def post(ctx: Ctx, body: str) -> None:
        if target is None:
            ctx.err.print(
                "warning: not a merge request (no --project/--mr, no CI_MERGE_REQUEST_IID); no note posted."
            )
            return
        headers = gitlab.auth_headers(token, os.environ.get("CI_JOB_TOKEN"))
        if not headers:
            raise CliError("--token (or GITLAB_TOKEN, or CI_JOB_TOKEN) is required to comment", EXIT_UNUSABLE)
        notes = gitlab.GitLabNotes(headers, url)
        _upsert(
            ctx,
            ("MR note", f"{target.project}!{target.iid}"),
            lambda: notes.upsert(target, body),
            notes.close,
            gitlab.describe_http_error,
        )

    _comment_then_exit(markdown, verdict, fail_on_breaking, debug, post)


def _comment_then_exit(
    markdown: Path,
    verdict: str | None,
    fail_on_breaking: bool,
    debug: bool,
    post: Callable[[Ctx, str], None],
) -> None:
    """Read the report, post it through ``post``, then exit 1 on a failing verdict (when asked to)."""
    ctx = Ctx(url="", api_key=None, debug=debug, error_exit=EXIT_UNUSABLE)
    with ctx.guard():
        body = markdown.read_text(encoding="utf-8")
        outcome = verdict or verdict_in(body)
        if outcome not in (None, "pass", "fail"):
            raise CliError(f"--verdict must be pass or fail, got {outcome!r}", EXIT_UNUSABLE)
        post(ctx, body)
    if outcome == "fail" and fail_on_breaking:
        raise typer.Exit(EXIT_FAIL)


def _upsert(
    ctx: Ctx,
    what: tuple[str, str],
    upsert: Callable[[], CommentResult],
    close: Callable[[], None],
    describe: Callable[[httpx.HTTPError], str],
) -> None:
    """Run the forge call; a failed call is a warning (the verdict still decides), success one line.

    ``what`` is (the comment's name, the change request), e.g. ("MR note", "group/project!7").
    """
    noun, target = what
    try:
        result = upsert()
    except httpx.HTTPError as exc:
        ctx.err.print(f"warning: could not update the {noun}: {describe(exc)}", highlight=False)
        return
    finally:
        close()
    link = f" {result.url}" if result.url else ""
    ctx.err.print(f"{noun} {result.action} ({target}){link}", highlight=False)

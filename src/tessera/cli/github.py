"""GitHub glue for CI: the pull request we run for, and the one PR comment we keep up to date."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

import httpx

from tessera.cli import review_comment
from tessera.cli.review_comment import MARKER, CommentResult, verdict_in, verdict_marker

__all__ = [
    "GITHUB_API",
    "MARKER",
    "MAX_COMMENT",
    "CommentResult",
    "GitHubComments",
    "comment_body",
    "describe_http_error",
    "pr_number_from_env",
    "verdict_in",
    "verdict_marker",
]

GITHUB_API = "https://api.github.com"
MAX_COMMENT = 65_000  # GitHub refuses comment bodies over 65,536 characters
_PR_REF = re.compile(r"refs/pull/(\d+)/(?:merge|head)")


def pr_number_from_env(env: Mapping[str, str]) -> int | None:
    """The pull-request number of a GitHub Actions run: from the event payload, else from ``GITHUB_REF``."""
    event_path = env.get("GITHUB_EVENT_PATH")
    if event_path and Path(event_path).is_file():
        try:
            event = json.loads(Path(event_path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            event = {}
        if isinstance(event, dict):
            pr = event.get("pull_request")
            if isinstance(pr, dict) and isinstance(pr.get("number"), int):
                return int(pr["number"])
            issue = event.get("issue")
            if isinstance(issue, dict) and "pull_request" in issue and isinstance(issue.get("number"), int):
                return int(issue["number"])
    match = _PR_REF.fullmatch(env.get("GITHUB_REF", ""))
    return int(match.group(1)) if match else None


def comment_body(markdown: str) -> str:
    """The comment to post: the marker first (so we find it again), the Markdown, capped to GitHub's limit."""
    return review_comment.comment_body(markdown, MAX_COMMENT)


class GitHubComments:
    """Finds, creates and edits this tool's comment on a pull request through the GitHub REST API."""

    def __init__(
        self, token: str, api_url: str = GITHUB_API, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self._http = httpx.Client(
            base_url=api_url.rstrip("/"),
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": "tessera-cli",
            },
            timeout=30.0,
            transport=transport,
        )

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def find(self, repo: str, number: int) -> int | None:
        """The id of our earlier comment on the PR (the newest carrying the marker), over every page."""
        url: str | None = f"/repos/{repo}/issues/{number}/comments"
        params: dict[str, int] | None = {"per_page": 100}
        found: int | None = None
        while url:
            response = self._http.get(url, params=params)
            response.raise_for_status()
            for comment in response.json():
                if MARKER in (comment.get("body") or ""):
                    found = int(comment["id"])
            url = response.links.get("next", {}).get("url")
            params = None  # the next link carries its own query
        return found

    def upsert(self, repo: str, number: int, markdown: str) -> CommentResult:
        """Edit our comment if it exists, else create it; exactly one comment per PR."""
        body = comment_body(markdown)
        existing = self.find(repo, number)
        if existing is not None:
            response = self._http.patch(f"/repos/{repo}/issues/comments/{existing}", json={"body": body})
            action = "updated"
        else:
            response = self._http.post(f"/repos/{repo}/issues/{number}/comments", json={"body": body})
            action = "created"
        response.raise_for_status()
        data = response.json()
        return CommentResult(action, int(data["id"]), data.get("html_url"))


def describe_http_error(exc: httpx.HTTPError) -> str:
    """One line about a failed GitHub call."""
    return review_comment.describe_http_error(exc, "GitHub")

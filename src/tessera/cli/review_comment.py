"""The one review comment Tessera keeps on a change request, whatever the forge (GitHub PR, GitLab MR).

Platform-neutral parts only: the hidden marker that finds our comment again, the verdict a check records
in its Markdown, the body (marker first, capped to the forge's limit) and the one-line HTTP error. The
forge clients (``github.py``, ``gitlab.py``) only list, create and edit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx

MARKER = "<!-- tessera-dbt-check -->"
VERDICT_PATTERN = re.compile(r"<!-- tessera-verdict: (pass|fail) -->")
TRUNCATED_NOTE = "\n\n_Truncated: the full report is in the CI log (`tessera dbt check`)._"


def verdict_marker(verdict: str) -> str:
    """The hidden line ``dbt check --markdown`` appends, read back by the ``ci *-comment`` commands."""
    return f"<!-- tessera-verdict: {verdict} -->"


def verdict_in(markdown: str) -> str | None:
    """The verdict recorded in a check's Markdown, if any."""
    found = VERDICT_PATTERN.findall(markdown)
    return found[-1] if found else None


def comment_body(markdown: str, limit: int) -> str:
    """The comment to post: the marker first (so we find it again), the Markdown, at most ``limit`` chars."""
    text = markdown if MARKER in markdown else f"{MARKER}\n{markdown}"
    if len(text) > limit:
        text = text[: limit - len(TRUNCATED_NOTE)] + TRUNCATED_NOTE
    return text


@dataclass(frozen=True, slots=True)
class CommentResult:
    """What happened to the review comment."""

    action: str  # "created" or "updated"
    comment_id: int
    url: str | None


def describe_http_error(exc: httpx.HTTPError, forge: str) -> str:
    """One line about a failed call to ``forge`` (``GitHub``, ``GitLab``)."""
    if isinstance(exc, httpx.HTTPStatusError):
        try:
            data = exc.response.json()
        except ValueError:
            data = exc.response.text[:200]
        # GitHub says {"message": ...}; GitLab {"message": ...} or {"error": ...}.
        message = str(data.get("message") or data.get("error") or "") if isinstance(data, dict) else str(data)
        request = exc.request
        return (
            f"{forge} answered {exc.response.status_code} to {request.method} {request.url.path}: {message}"
        )
    return f"cannot reach {forge}: {exc}"

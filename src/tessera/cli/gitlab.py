"""GitLab glue for CI: the merge request we run for, and the one MR note we keep up to date.

GitLab CI's predefined variables name the merge request (``CI_PROJECT_ID``, ``CI_MERGE_REQUEST_IID``,
``CI_API_V4_URL``); the note is found again by the hidden marker of ``review_comment``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

import httpx

from tessera.cli import review_comment
from tessera.cli.review_comment import MARKER, CommentResult

GITLAB_API = "https://gitlab.com/api/v4"
MAX_NOTE = 1_000_000  # GitLab refuses note bodies over 1,000,000 characters


@dataclass(frozen=True, slots=True)
class MergeRequest:
    """A merge request as GitLab's API addresses it: project (id or ``group/name`` path) and MR iid."""

    project: str
    iid: int

    @property
    def path(self) -> str:
        """``/projects/<id>/merge_requests/<iid>``, a project path URL-encoded as the API wants it."""
        return f"/projects/{quote(self.project, safe='')}/merge_requests/{self.iid}"


def merge_request_from_env(env: Mapping[str, str]) -> MergeRequest | None:
    """The merge request of a GitLab CI merge-request pipeline; ``None`` in any other pipeline."""
    project = env.get("CI_PROJECT_ID") or env.get("CI_PROJECT_PATH")
    iid = env.get("CI_MERGE_REQUEST_IID", "")
    return MergeRequest(project, int(iid)) if project and iid.isdigit() else None


def source_ref_from_env(env: Mapping[str, str]) -> str | None:
    """``gitlab:<group>/<project>!<iid>`` for the merge request of this pipeline, when there is one."""
    path = env.get("CI_PROJECT_PATH")
    iid = env.get("CI_MERGE_REQUEST_IID", "")
    return f"gitlab:{path}!{iid}" if path and iid.isdigit() else None


def note_body(markdown: str) -> str:
    """The note to post: the marker first, the Markdown, capped to GitLab's limit."""
    return review_comment.comment_body(markdown, MAX_NOTE)


def auth_headers(token: str | None, job_token: str | None) -> dict[str, str]:
    """A personal/project access token goes in ``PRIVATE-TOKEN``; GitLab CI's job token in ``JOB-TOKEN``."""
    if token:
        return {"PRIVATE-TOKEN": token}
    if job_token:
        return {"JOB-TOKEN": job_token}
    return {}


class GitLabNotes:
    """Finds, creates and edits this tool's note on a merge request through the GitLab REST API (v4)."""

    def __init__(
        self,
        headers: Mapping[str, str],
        api_url: str = GITLAB_API,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._http = httpx.Client(
            base_url=api_url.rstrip("/"),
            headers={**headers, "User-Agent": "tessera-cli"},
            timeout=30.0,
            transport=transport,
        )

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def find(self, mr: MergeRequest) -> int | None:
        """The id of our earlier note on the MR (the newest carrying the marker), over every page."""
        found: int | None = None
        page: str | None = "1"
        while page:
            response = self._http.get(f"{mr.path}/notes", params={"per_page": 100, "page": page})
            response.raise_for_status()
            for note in response.json():
                if not note.get("system") and MARKER in (note.get("body") or ""):
                    found = max(found or 0, int(note["id"]))  # ids grow; GitLab lists newest first
            page = response.headers.get("x-next-page") or None
        return found

    def upsert(self, mr: MergeRequest, markdown: str) -> CommentResult:
        """Edit our note if it exists, else create it; exactly one note per MR."""
        body = note_body(markdown)
        existing = self.find(mr)
        if existing is not None:
            response = self._http.put(f"{mr.path}/notes/{existing}", json={"body": body})
            action = "updated"
        else:
            response = self._http.post(f"{mr.path}/notes", json={"body": body})
            action = "created"
        response.raise_for_status()
        return CommentResult(action, int(response.json()["id"]), None)


def describe_http_error(exc: httpx.HTTPError) -> str:
    """One line about a failed GitLab call."""
    return review_comment.describe_http_error(exc, "GitLab")

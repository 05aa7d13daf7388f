"""A tiny fake of GitLab's merge-request notes REST API (v4): a real HTTP server on 127.0.0.1 recording
requests. Like GitLab it lists notes newest first, pages with ``X-Next-Page``, mixes in system notes,
accepts ``PRIVATE-TOKEN`` or ``JOB-TOKEN`` and addresses a project by id or URL-encoded path."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.server import JsonHandler, serve_handler

NOTES = re.compile(r"^/api/v4/projects/([^/]+)/merge_requests/(\d+)/notes$")
NOTE = re.compile(r"^/api/v4/projects/([^/]+)/merge_requests/(\d+)/notes/(\d+)$")


@dataclass
class FakeGitLab:
    """Notes per (project, MR iid), the requests seen (method, raw path, auth header name), the tokens."""

    token: str = "glpat-token"
    job_token: str = "job-token"
    notes: dict[tuple[str, int], list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[tuple[str, str, str]] = field(default_factory=list)
    next_id: int = 5000
    url: str = ""

    @property
    def api(self) -> str:
        """The value GitLab CI puts in ``CI_API_V4_URL``."""
        return f"{self.url}/api/v4"

    def add(self, project: str, iid: int, body: str, *, system: bool = False) -> dict[str, Any]:
        """Store a note as GitLab would."""
        self.next_id += 1
        note = {"id": self.next_id, "body": body, "system": system, "author": {"username": "someone"}}
        self.notes.setdefault((project, iid), []).append(note)
        return note

    def ours(self, project: str, iid: int) -> list[dict[str, Any]]:
        """Non-system notes carrying Tessera's marker."""
        return [
            n
            for n in self.notes.get((project, iid), [])
            if not n["system"] and "<!-- tessera-dbt-check -->" in n["body"]
        ]


def _handler(state: FakeGitLab) -> type[BaseHTTPRequestHandler]:
    class Handler(JsonHandler):
        def _route(self, method: str, pattern: re.Pattern[str]) -> re.Match[str] | None:
            auth = next((h for h in ("PRIVATE-TOKEN", "JOB-TOKEN") if self.headers.get(h)), "")
            state.requests.append((method, self.path, auth))
            match = pattern.match(urlsplit(self.path).path)
            if not match:
                self._send(404, {"message": "404 Not Found"})
                return None
            if not (
                self.headers.get("PRIVATE-TOKEN") == state.token
                or self.headers.get("JOB-TOKEN") == state.job_token
            ):
                self._send(401, {"message": "401 Unauthorized"})
                return None
            return match

        def do_GET(self) -> None:
            match = self._route("GET", NOTES)
            if not match:
                return
            query = parse_qs(urlsplit(self.path).query)
            per_page = int(query.get("per_page", ["20"])[0])
            page = int(query.get("page", ["1"])[0])
            items = list(reversed(state.notes.get((unquote(match.group(1)), int(match.group(2))), [])))
            chunk = items[(page - 1) * per_page : page * per_page]
            more = page * per_page < len(items)
            self._send(200, chunk, {"X-Next-Page": str(page + 1) if more else "", "X-Page": str(page)})

        def do_POST(self) -> None:
            match = self._route("POST", NOTES)
            if not match:
                return
            note = state.add(unquote(match.group(1)), int(match.group(2)), self._body()["body"])
            self._send(201, note)

        def do_PUT(self) -> None:
            match = self._route("PUT", NOTE)
            if not match:
                return
            for note in state.notes.get((unquote(match.group(1)), int(match.group(2))), []):
                if note["id"] == int(match.group(3)):
                    note["body"] = self._body()["body"]
                    self._send(200, note)
                    return
            self._send(404, {"message": "404 Note Not Found"})

    return Handler


@contextmanager
def fake_gitlab() -> Iterator[FakeGitLab]:
    """Serve a fresh fake GitLab on a free 127.0.0.1 port."""
    state = FakeGitLab()
    with serve_handler(_handler(state)) as url:
        state.url = url
        yield state

"""A tiny fake of GitHub's issue-comment REST API: a real HTTP server on 127.0.0.1 recording requests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.server import JsonHandler, serve_handler

LIST = re.compile(r"^/repos/([^/]+/[^/]+)/issues/(\d+)/comments$")
EDIT = re.compile(r"^/repos/([^/]+/[^/]+)/issues/comments/(\d+)$")


@dataclass
class FakeGitHub:
    """Comments per (repo, PR), the requests seen, and the token it accepts."""

    token: str = "gh-token"
    comments: dict[tuple[str, int], list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    next_id: int = 1000
    url: str = ""

    def add(self, repo: str, number: int, body: str, user: str = "someone") -> dict[str, Any]:
        """Store a comment as GitHub would."""
        self.next_id += 1
        comment = {
            "id": self.next_id,
            "body": body,
            "user": {"login": user},
            "html_url": f"https://github.test/{repo}/pull/{number}#issuecomment-{self.next_id}",
        }
        self.comments.setdefault((repo, number), []).append(comment)
        return comment

    def ours(self, repo: str, number: int) -> list[dict[str, Any]]:
        """Comments carrying Tessera's marker."""
        return [c for c in self.comments.get((repo, number), []) if "<!-- tessera-dbt-check -->" in c["body"]]


def _handler(state: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(JsonHandler):
        def _authorised(self) -> bool:
            if self.headers.get("Authorization") != f"Bearer {state.token}":
                self._send(403, {"message": "Resource not accessible by integration"})
                return False
            return True

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            state.requests.append(("GET", self.path))
            match = LIST.match(parts.path)
            if not match:
                self._send(404, {"message": "Not Found"})
                return
            if not self._authorised():
                return
            query = parse_qs(parts.query)
            per_page = int(query.get("per_page", ["30"])[0])
            page = int(query.get("page", ["1"])[0])
            items = state.comments.get((match.group(1), int(match.group(2))), [])
            chunk = items[(page - 1) * per_page : page * per_page]
            headers = {}
            if page * per_page < len(items):
                headers["Link"] = f'<{state.url}{parts.path}?per_page={per_page}&page={page + 1}>; rel="next"'
            self._send(200, chunk, headers)

        def do_POST(self) -> None:
            state.requests.append(("POST", self.path))
            match = LIST.match(urlsplit(self.path).path)
            if not match:
                self._send(404, {"message": "Not Found"})
                return
            if not self._authorised():
                return
            comment = state.add(
                match.group(1), int(match.group(2)), self._body()["body"], user="github-actions[bot]"
            )
            self._send(201, comment)

        def do_PATCH(self) -> None:
            state.requests.append(("PATCH", self.path))
            match = EDIT.match(urlsplit(self.path).path)
            if not match:
                self._send(404, {"message": "Not Found"})
                return
            if not self._authorised():
                return
            for comments in state.comments.values():
                for comment in comments:
                    if comment["id"] == int(match.group(2)):
                        comment["body"] = self._body()["body"]
                        self._send(200, comment)
                        return
            self._send(404, {"message": "Not Found"})

    return Handler


@contextmanager
def fake_github() -> Iterator[FakeGitHub]:
    """Serve a fresh fake GitHub on a free 127.0.0.1 port."""
    state = FakeGitHub()
    with serve_handler(_handler(state)) as url:
        state.url = url
        yield state

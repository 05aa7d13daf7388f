"""Every UI route follows the request-edge rules: one session, and the UI context unless it is sign-in."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from tessera.deps import read_session, write_session
from tessera.ui.deps import ui_context
from tessera.ui.security import is_ui_path
from tests.test_deps import _calls

PUBLIC = {("GET", "/signin"), ("POST", "/signin")}


async def test_every_ui_route_declares_one_session_and_the_ui_context(app: FastAPI) -> None:
    routes = [
        (method, context.path or "", list(_calls(context.original_route.dependant)))
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute) and is_ui_path(context.path or "")
        for method in context.original_route.methods
    ]
    assert {("GET", "/"), ("GET", "/assets"), ("POST", "/signout")} <= {(m, p) for m, p, _ in routes}
    for method, path, calls in routes:
        sessions = [c for c in calls if c in (read_session, write_session)]
        assert len(sessions) == 1, f"{method} {path} declares {sessions}"
        assert sessions[0] is (read_session if method == "GET" else write_session), f"{method} {path}"
        assert (ui_context in calls) is ((method, path) not in PUBLIC), f"{method} {path}"
